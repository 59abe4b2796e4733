//! The baseline for `report`'s ingest speed: read a file line by line and parse each
//! non-blank line into a `serde_json::Value`, counting lines and parse errors. Nothing else.
//!
//! `cargo run --release --example serde_baseline -- FILE` (used by scripts/measure.sh).

// A bench or example stops at the first thing that goes wrong: unwrap and expect say where.
// Its data is small and made here, so its indices and counts are cast without checks. It
// exports nothing: `pub` says what its modules share.
#![allow(
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap
)]

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1).map(std::path::PathBuf::from) else {
        eprintln!("usage: serde_baseline FILE");
        return ExitCode::from(2);
    };
    let file = match File::open(&path) {
        Ok(file) => file,
        Err(error) => {
            eprintln!("serde_baseline: cannot open {}: {error}", path.display());
            return ExitCode::from(1);
        }
    };
    // The same buffer size as `forceboard report`.
    let mut reader = BufReader::with_capacity(256 * 1024, file);
    let mut line = Vec::with_capacity(1024);
    let (mut lines, mut errors) = (0u64, 0u64);
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(error) => {
                eprintln!("serde_baseline: read error: {error}");
                return ExitCode::from(1);
            }
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        lines += 1;
        if serde_json::from_slice::<serde_json::Value>(&line).is_err() {
            errors += 1;
        }
    }
    println!("{lines} lines, {errors} not JSON");
    ExitCode::SUCCESS
}
