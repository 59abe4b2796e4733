//! `--record`'s writer: a full disk is survived and counted, recording resumes by itself,
//! a full queue drops lines instead of waiting, and every write starts on a new line. And
//! the board: RECORDING FAILED in the footer, a banner until `r` dismisses it.

use std::io::{self, Write};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use forceboard::app::RecordHealth;
use forceboard::app::{App, AppOptions, Msg, Timeline};
use forceboard::config::Config;
use forceboard::feed::{FeedItem, SourceState};
use forceboard::shell::record::Recorder;
use forceboard::time::parse_rfc3339;
use forceboard::ui::{LayoutChoice, draw};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// How long a test waits for the writer thread: only a safety net, far beyond the
/// milliseconds it takes on a loaded machine.
const LIMIT: Duration = Duration::from_secs(60);

/// What the scripted disk does with the next write.
#[derive(Clone, Copy)]
enum Disk {
    Takes,
    Full,
    /// Takes this many bytes, then is full.
    TakesOnly(usize),
}

/// A writer whose behaviour the test sets, keeping what it took.
#[derive(Clone)]
struct ScriptedDisk {
    mode: Arc<Mutex<Disk>>,
    taken: Arc<Mutex<Vec<u8>>>,
}

impl ScriptedDisk {
    fn new(mode: Disk) -> ScriptedDisk {
        ScriptedDisk {
            mode: Arc::new(Mutex::new(mode)),
            taken: Arc::new(Mutex::new(Vec::new())),
        }
    }

    fn set(&self, mode: Disk) {
        *self.mode.lock().unwrap() = mode;
    }

    fn text(&self) -> String {
        String::from_utf8(self.taken.lock().unwrap().clone()).unwrap()
    }
}

impl Write for ScriptedDisk {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let mut mode = self.mode.lock().unwrap();
        let room = match *mode {
            Disk::Takes => bytes.len(),
            Disk::Full | Disk::TakesOnly(0) => return Err(io::ErrorKind::StorageFull.into()),
            Disk::TakesOnly(room) => room.min(bytes.len()),
        };
        if let Disk::TakesOnly(left) = *mode {
            *mode = Disk::TakesOnly(left - room);
        }
        self.taken.lock().unwrap().extend_from_slice(&bytes[..room]);
        Ok(room)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn wait_for(recorder: &Recorder, what: &str, test: impl Fn(&RecordHealth) -> bool) {
    let deadline = Instant::now() + LIMIT;
    while !test(&recorder.health()) {
        assert!(
            Instant::now() < deadline,
            "waited for {what}: {:?}",
            recorder.health()
        );
        thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_full_disk_is_counted_and_recording_resumes_on_a_new_line() {
    let disk = ScriptedDisk::new(Disk::Takes);
    let mut recorder = Recorder::start(disk.clone(), true, 64);
    recorder.record("one".to_string());
    wait_for(&recorder, "one written", |_| disk.text() == "one\n");

    disk.set(Disk::Full);
    recorder.record("two".to_string());
    recorder.record("three".to_string());
    wait_for(&recorder, "two lines lost", |health| health.lost == 2);
    let health = recorder.health();
    assert_eq!(health.failed.as_deref(), Some("disk full"));
    assert_eq!(health.failures, 1);

    // Room for 2 bytes: "fo" of "four" reaches the disk, the line is lost (3 in all).
    disk.set(Disk::TakesOnly(2));
    recorder.record("four".to_string());
    wait_for(&recorder, "three lines lost", |health| health.lost == 3);
    assert_eq!(recorder.health().failures, 1, "still the same failure");

    // Room again: the next line starts on a line of its own, and the failure is over.
    disk.set(Disk::Takes);
    recorder.record("five".to_string());
    wait_for(&recorder, "resumed", |health| health.failed.is_none());
    let health = recorder.finish(LIMIT);
    assert_eq!(disk.text(), "one\nfo\nfive\n");
    assert_eq!(
        health,
        RecordHealth {
            failed: None,
            lost: 3,
            failures: 1
        }
    );
}

/// A disk that blocks every write until the test lets it go.
struct StuckDisk {
    entered: Sender<()>,
    release: Receiver<()>,
    taken: Arc<Mutex<Vec<u8>>>,
}

impl Write for StuckDisk {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let _ = self.entered.send(());
        let _ = self.release.recv();
        self.taken.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_full_queue_drops_and_counts_lines_and_never_waits() {
    let (entered_tx, entered) = channel();
    let (release, release_rx) = channel();
    let taken = Arc::new(Mutex::new(Vec::new()));
    let disk = StuckDisk {
        entered: entered_tx,
        release: release_rx,
        taken: Arc::clone(&taken),
    };
    let mut recorder = Recorder::start(disk, true, 2);
    recorder.record("a".to_string());
    entered
        .recv_timeout(LIMIT)
        .expect("the writer is at the disk");
    // The writer holds "a" until released; the queue takes 2 more; the other 8 are
    // dropped at once. Were `record` to wait for room, it would wait for ever: the
    // records are made on a thread of their own, so that the test can tell.
    let (recorded, done) = channel();
    let recording = thread::spawn(move || {
        for n in 0..10 {
            recorder.record(format!("b{n}"));
        }
        let _ = recorded.send(());
        recorder
    });
    let waited = done.recv_timeout(LIMIT).is_err();
    for _ in 0..2 {
        release.send(()).expect("release");
    }
    assert!(!waited, "record waited");
    let recorder = recording.join().expect("recorded");
    assert_eq!(recorder.health().lost, 8);
    let health = recorder.finish(LIMIT);
    assert_eq!(
        String::from_utf8(taken.lock().unwrap().clone()).unwrap(),
        "a\nb0\nb1\n"
    );
    assert_eq!(health.lost, 8);
    assert_eq!(health.failed, None);
}

#[test]
fn a_record_file_cut_mid_line_is_continued_on_a_new_line() {
    let dir = std::env::temp_dir().join(format!("forceboard-rec-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("cut.ndjson");
    std::fs::write(
        &path,
        "{\"kind\":\"heartbeat\",\"at\":\"2024-07-01T11:00:00Z\"}\n{\"kind\":\"hea",
    )
    .expect("write");
    let mut recorder = Recorder::open(&path).expect("open");
    recorder.record("next".to_string());
    recorder.finish(LIMIT);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.ends_with("{\"kind\":\"hea\nnext\n"), "{text:?}");

    // A file that ends a line is appended to directly; so is a new, empty one.
    let mut recorder = Recorder::open(&path).expect("open");
    recorder.record("last".to_string());
    recorder.finish(LIMIT);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.ends_with("\nnext\nlast\n"), "{text:?}");
    let fresh = dir.join("fresh.ndjson");
    let mut recorder = Recorder::open(&fresh).expect("open");
    recorder.record("first".to_string());
    recorder.finish(LIMIT);
    assert_eq!(std::fs::read_to_string(&fresh).expect("read"), "first\n");
    let _ = std::fs::remove_dir_all(dir);
}

fn screen_text(app: &App, feed: &Timeline, config: &Config, width: u16, height: u16) -> String {
    let wall = parse_rfc3339("2024-07-01T12:00:00Z").expect("time");
    let board = app.board(feed, config, wall);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|frame| draw(frame, &board, app.view()))
        .expect("draw");
    terminal.backend().to_string()
}

#[test]
fn the_board_says_recording_failed_until_r_and_the_footer_keeps_it() {
    let config = Config::default();
    let wall = parse_rfc3339("2024-07-01T12:00:00Z").expect("time");
    let mut feed = Timeline::live(&config, wall);
    let options = AppOptions {
        layout: LayoutChoice::Standard,
        ..AppOptions::default()
    };
    let mut app = App::new(&config, options, wall);
    app.handle(
        Msg::Feed(FeedItem::State(SourceState::Connected)),
        &mut feed,
        wall,
    );
    feed.set_record_health(RecordHealth {
        failed: Some("disk full".to_string()),
        lost: 12,
        failures: 1,
    });
    let text = screen_text(&app, &feed, &config, 120, 40);
    assert!(
        text.contains("RECORDING FAILED — disk full — 12 lines lost (r to dismiss)"),
        "{text}"
    );
    assert!(
        text.contains("RECORDING FAILED — disk full (12 lost)"),
        "{text}"
    );

    let r = Msg::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::NONE));
    app.handle(r.clone(), &mut feed, wall);
    let text = screen_text(&app, &feed, &config, 120, 40);
    assert!(!text.contains("(r to dismiss)"), "{text}");
    assert!(
        text.contains("RECORDING FAILED — disk full (12 lost)"),
        "{text}"
    );

    // Writes succeed again: the footer says how many lines were lost.
    feed.set_record_health(RecordHealth {
        failed: None,
        lost: 12,
        failures: 1,
    });
    let text = screen_text(&app, &feed, &config, 120, 40);
    assert!(!text.contains("RECORDING FAILED"), "{text}");
    assert!(text.contains("recording: 12 lines lost"), "{text}");

    // A new failure raises the banner again.
    feed.set_record_health(RecordHealth {
        failed: Some("disk full".to_string()),
        lost: 13,
        failures: 2,
    });
    let text = screen_text(&app, &feed, &config, 120, 40);
    assert!(text.contains("13 lines lost (r to dismiss)"), "{text}");

    // The help overlay names the key while recording.
    app.handle(
        Msg::Key(KeyEvent::new(KeyCode::Char('?'), KeyModifiers::NONE)),
        &mut feed,
        wall,
    );
    let text = screen_text(&app, &feed, &config, 120, 40);
    assert!(text.contains("dismiss a RECORDING FAILED banner"), "{text}");
}
