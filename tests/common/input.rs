//! A feed in memory given to the crate as `report` would read it: from memory (a stream),
//! or, with `FORCEBOARD_TEST_FEED_FROM_FILE=1`, from a file, whose parts the parser
//! threads read for themselves. Tests that read in-memory feeds take it, so the figure
//! tests run on either path (docs/development/testing.md).

use std::io::Cursor;
use std::sync::atomic::{AtomicU64, Ordering};

use forceboard::config::{Config, Window};
use forceboard::ingest::FeedInput;
use forceboard::report::{Report, compute};
use forceboard::time::Timestamp;

/// The environment variable that reads test feeds from files.
pub const FROM_FILE_ENV: &str = "FORCEBOARD_TEST_FEED_FROM_FILE";

/// `bytes` as a feed to read.
pub fn feed_input(bytes: Vec<u8>) -> FeedInput<'static> {
    if std::env::var(FROM_FILE_ENV).is_ok_and(|value| value == "1") {
        from_file(&bytes)
    } else {
        FeedInput::from(Cursor::new(bytes))
    }
}

/// `report` on `feed` (read by [`feed_input`]) under the default configuration, at `at`
/// (`None`: the feed's end) over `window` (`"1h"`, `"24h"`, …).
pub fn report_of(feed: &str, at: Option<Timestamp>, window: &str) -> Report {
    let window = Window::parse(window).expect("test window");
    compute(
        feed_input(feed.as_bytes().to_vec()),
        &Config::default(),
        at,
        &window,
    )
    .expect("in memory")
    .expect("some accepted event")
}

/// `bytes` written to a file of their own and read from it (the file's name is removed at
/// once: the open file stays readable).
pub fn from_file(bytes: &[u8]) -> FeedInput<'static> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let path = std::env::temp_dir().join(format!(
        "forceboard-test-feed-{}-{}.ndjson",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&path, bytes).expect("a test feed written");
    let file = std::fs::File::open(&path).expect("a test feed opened");
    std::fs::remove_file(&path).expect("a test feed's name removed");
    let input = FeedInput::file(file).expect("a test feed's length");
    assert!(matches!(input, FeedInput::File { .. }), "a regular file");
    input
}
