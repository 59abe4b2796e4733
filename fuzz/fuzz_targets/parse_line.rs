//! Arbitrary bytes through the public line path: the 64 KiB line splitter, fed in chunks of
//! a fuzzed size, then `classify`. The splitter must give the lines a plain split gives, and
//! every line's verdict must pass `line_checks`.

#![no_main]

use libfuzzer_sys::fuzz_target;

use forceboard_fuzz::line_checks::check_line;
use forceboard_fuzz::split::{reference_lines, split_in_chunks};

fuzz_target!(|data: &[u8]| {
    // The first byte picks the chunk size: lines then break across pushes anywhere.
    let Some((&chunk, bytes)) = data.split_first() else {
        return;
    };
    let lines = split_in_chunks(bytes, usize::from(chunk) + 1);
    assert_eq!(lines, reference_lines(bytes));
    for (_, line) in &lines {
        check_line(line);
    }
});
