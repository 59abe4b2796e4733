//! The two ways of reading a file give the same report, byte for byte, and the same
//! `check`: the lines parsed on the calling thread (`FORCEBOARD_PARSE_THREADS=1`), or on
//! several threads in chunks and applied in file order; the chunks of a regular file are
//! its parts read by the parsers themselves, those of a pipe are cut by the applying
//! thread, and both are checked. Tiny chunks (a few lines each) put every kind of line at a
//! chunk's edge. Checked on every fixture and on a generated three-day feed with strays
//! ahead, behind and past the end, local shuffles, bad and blank lines, `\r\n`, an
//! overlong line, a byte-order mark and an unterminated last line.
//!
//! The other figure tests (property, scenarios, strays, the independent implementation,
//! the report schema) read through whichever path the environment sets, so running them
//! with `FORCEBOARD_PARSE_THREADS=1` and with `=2` runs each on both paths.

use std::io::Write as _;
use std::process::{Command, Stdio};

use forceboard::check::check_on;
use forceboard::config::Config;
use forceboard::engine::Engine;
use forceboard::ingest::{
    FeedCounts, FeedInput, OnLine, PARSE_CHUNK_BYTES_ENV, PARSE_THREADS_ENV, ParsePath, Placement,
    ingest_reader_on,
};
use forceboard::model::Reject;
use forceboard::time::Span;

/// (threads, chunk bytes) for the parallel runs: tiny chunks, odd counts, and the default.
const PARALLEL: [(usize, usize); 4] = [(2, 1), (3, 7), (2, 300), (2, 256 * 1024)];

fn root() -> &'static str {
    env!("CARGO_MANIFEST_DIR")
}

/// `forceboard report ARGS --json` on one path: (threads, chunk bytes); stdin if given.
fn report_json(args: &[&str], stdin: Option<&[u8]>, path: (usize, usize)) -> Vec<u8> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_forceboard"));
    command
        .current_dir(root())
        .arg("report")
        .args(args)
        .arg("--json")
        .env(PARSE_THREADS_ENV, path.0.to_string())
        .env(PARSE_CHUNK_BYTES_ENV, path.1.to_string())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("forceboard runs");
    if let Some(bytes) = stdin {
        let mut input = child.stdin.take().expect("stdin piped");
        input.write_all(bytes).expect("feed written");
    }
    let output = child.wait_with_output().expect("forceboard ends");
    assert!(
        output.status.success(),
        "report {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

fn assert_same_on_both_paths(args: &[&str], stdin: Option<&[u8]>) {
    let single = report_json(args, stdin, (1, 256 * 1024));
    for path in PARALLEL {
        let parallel = report_json(args, stdin, path);
        assert!(
            single == parallel,
            "report {args:?} differs with (threads, chunk bytes) {path:?}:\n--- single\n{}\n--- parallel\n{}",
            String::from_utf8_lossy(&single),
            String::from_utf8_lossy(&parallel)
        );
    }
}

fn fixtures() -> Vec<String> {
    let mut names = Vec::new();
    for folder in ["fixtures", "fixtures/scenarios"] {
        for entry in std::fs::read_dir(format!("{}/{folder}", root())).expect("fixtures") {
            let path = entry.expect("an entry").path();
            if path.extension().is_some_and(|ext| ext == "ndjson") {
                let name = path.file_name().expect("a name").to_string_lossy();
                names.push(format!("{folder}/{name}"));
            }
        }
    }
    names.sort();
    names
}

#[test]
fn every_fixture_reports_the_same_bytes_on_both_paths() {
    let names = fixtures();
    assert!(names.len() >= 10, "the fixtures are found: {names:?}");
    for name in &names {
        for window in ["1h", "24h"] {
            assert_same_on_both_paths(&[name, "--window", window], None);
        }
    }
    assert_same_on_both_paths(
        &[
            "fixtures/window-edges.ndjson",
            "--at",
            "2024-07-01T12:00:00Z",
        ],
        None,
    );
}

/// Three generated days made awkward: strays two years ahead (alone and in a cluster near
/// the end), a day behind, neighbours swapped, refused and blank lines, `\r\n`, a line
/// over 64 KiB, a byte-order mark first and no newline last.
fn awkward_feed() -> Vec<u8> {
    let output = Command::new(env!("CARGO_BIN_EXE_forceboard"))
        .args(["gen", "--days", "3", "--seed", "11"])
        .output()
        .expect("forceboard gen runs");
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let total = lines.len();
    for index in (0..total).step_by(7_919) {
        lines[index] = lines[index].replacen("\"at\":\"2024-", "\"at\":\"2026-", 1);
    }
    for index in (3_000..total).step_by(6_007) {
        lines[index] = lines[index].replacen("\"at\":\"2024-07-0", "\"at\":\"2024-06-2", 1);
    }
    for index in (500..total - 1).step_by(211) {
        lines.swap(index, index + 1);
    }
    for index in (total - 40..total - 30).step_by(2) {
        lines[index] = lines[index].replacen("\"at\":\"2024-", "\"at\":\"2031-", 1);
    }
    for index in (100..total).step_by(997) {
        "{\"kind\":\"call_offered\",\"at\":\"not a time\"}".clone_into(&mut lines[index]);
    }
    for index in (250..total).step_by(1_499) {
        "  ".clone_into(&mut lines[index]);
    }
    for index in (50..total).step_by(3_001) {
        lines[index].push('\r');
    }
    lines[total / 2] = format!(
        "{{\"kind\":\"heartbeat\",\"pad\":\"{}\"}}",
        "x".repeat(70_000)
    );
    let mut feed = b"\xEF\xBB\xBF".to_vec();
    feed.extend_from_slice(lines.join("\n").as_bytes());
    feed
}

#[test]
fn an_awkward_generated_feed_reports_the_same_bytes_on_both_paths() {
    let feed = awkward_feed();
    assert_same_on_both_paths(&["-", "--window", "24h"], Some(&feed));
    assert_same_on_both_paths(&["-", "--window", "7d"], Some(&feed));
    assert_same_on_both_paths(
        &["-", "--window", "1h", "--at", "2024-07-02T18:00:00Z"],
        Some(&feed),
    );
}

/// A file of these bytes in the temporary folder, removed when dropped.
struct TempFeed(std::path::PathBuf);

impl TempFeed {
    fn new(name: &str, bytes: &[u8]) -> TempFeed {
        let path = std::env::temp_dir().join(format!(
            "forceboard-parse-paths-{}-{name}.ndjson",
            std::process::id()
        ));
        std::fs::write(&path, bytes).expect("feed written");
        TempFeed(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().expect("a UTF-8 temporary path")
    }

    fn input(&self) -> FeedInput<'static> {
        let file = std::fs::File::open(&self.0).expect("feed opened");
        let input = FeedInput::file(file).expect("its length");
        assert!(matches!(input, FeedInput::File { .. }), "a regular file");
        input
    }
}

impl Drop for TempFeed {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The awkward feed as a file: its parts are read by the parsers (the pipe's were cut by
/// the applying thread), and the report is the pipe's, byte for byte.
#[test]
fn an_awkward_generated_feed_reports_the_same_bytes_from_a_file_as_through_a_pipe() {
    let feed = awkward_feed();
    let file = TempFeed::new("awkward", &feed);
    for window in ["24h", "7d"] {
        let through_pipe = report_json(&["-", "--window", window], Some(&feed), (1, 256 * 1024));
        assert_same_on_both_paths(&[file.path(), "--window", window], None);
        let from_file = report_json(&[file.path(), "--window", window], None, (2, 256 * 1024));
        assert!(through_pipe == from_file, "--window {window}");
    }
}

/// Everything a reader hears of, in order: refused lines and strays.
#[derive(Default)]
struct Heard(Vec<(u64, String)>);

impl OnLine for Heard {
    fn rejected(&mut self, line_number: u64, reason: Reject) {
        self.0.push((line_number, format!("{reason:?}")));
    }

    fn stray(&mut self, line_number: u64, placement: Placement) {
        self.0.push((line_number, format!("{placement:?}")));
    }
}

fn read_on<'r>(path: ParsePath, feed: impl Into<FeedInput<'r>>) -> (Engine, FeedCounts, Heard) {
    let config = Config::default();
    let engine = Engine::new(config.engine_settings(Some(Span::from_hours(24))));
    let mut heard = Heard::default();
    let (engine, counts) =
        ingest_reader_on(path, feed, engine, config.reorder_horizon, None, &mut heard)
            .expect("in memory");
    (engine, counts, heard)
}

/// `check` reads as `report` does: the same findings, line numbers and counts on both
/// paths, on the awkward feed (strays ahead and behind, refused lines, an overlong line)
/// and on every fixture.
#[test]
fn check_finds_the_same_on_both_paths() {
    let config = Config::default();
    let feed = awkward_feed();
    let single = check_on(ParsePath::Single, &feed[..], &config).expect("in memory");
    assert!(
        single.counts.rejected > 10 && single.counts.strays > 10,
        "{:?}",
        single.counts
    );
    for (threads, chunk_bytes) in PARALLEL {
        let path = ParsePath::with_threads(threads, chunk_bytes);
        let parallel = check_on(path, &feed[..], &config).expect("in memory");
        assert_eq!(single, parallel, "{path:?}");
    }
    let file = TempFeed::new("check", &feed);
    for (threads, chunk_bytes) in PARALLEL {
        let path = ParsePath::with_threads(threads, chunk_bytes);
        let from_file = check_on(path, file.input(), &config).expect("a readable file");
        assert_eq!(single, from_file, "{path:?}, from a file");
    }
    for name in fixtures() {
        let bytes = std::fs::read(format!("{}/{name}", root())).expect("a fixture");
        let single = check_on(ParsePath::Single, &bytes[..], &config).expect("in memory");
        let parallel =
            check_on(ParsePath::with_threads(2, 300), &bytes[..], &config).expect("in memory");
        assert_eq!(single, parallel, "{name}");
    }
}

#[test]
fn both_paths_hear_of_the_same_lines_in_the_same_order() {
    let feed = awkward_feed();
    let file = TempFeed::new("heard", &feed);
    let (engine, counts, heard) = read_on(ParsePath::Single, &feed[..]);
    assert!(counts.rejected > 10 && counts.strays > 10, "{counts:?}");
    let at = counts.latest_accepted.expect("accepted events");
    let figures = engine.scoped_figures(at, Span::from_hours(24));
    for (threads, chunk_bytes) in PARALLEL {
        let path = ParsePath::with_threads(threads, chunk_bytes);
        for (from, input) in [
            ("a stream", FeedInput::from(&feed[..])),
            ("a file", file.input()),
        ] {
            let (other, other_counts, other_heard) = read_on(path, input);
            assert_eq!(counts, other_counts, "{path:?}, {from}");
            assert_eq!(heard.0, other_heard.0, "{path:?}, {from}");
            assert_eq!(
                figures,
                other.scoped_figures(at, Span::from_hours(24)),
                "{path:?}, {from}"
            );
        }
    }
}

#[test]
fn one_thread_is_the_single_path() {
    assert_eq!(ParsePath::with_threads(1, 100), ParsePath::Single);
    assert_eq!(ParsePath::with_threads(0, 100), ParsePath::Single);
    assert!(matches!(
        ParsePath::with_threads(2, 100),
        ParsePath::Parallel { .. }
    ));
}
