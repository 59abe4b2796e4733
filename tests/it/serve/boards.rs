//! A board on a served feed, driven as `watch` drives it with deterministic wall times:
//! the feed's heartbeats announce its clock, and the board computes at that clock's time.
//! Expected figures are those of `forceboard report --at` on the recording at the matching
//! recording time, worked by hand in fixtures/README.md (`served-training.ndjson`).

use forceboard::app::{App, AppOptions, Msg, Timeline};
use forceboard::config::Config;
use forceboard::engine::{CallFigures, Figures, IncidentFigures, Status};
use forceboard::feed::{FeedItem, SourceState, parse_line};
use forceboard::model::{Reject, RejectedLine};
use forceboard::time::{Span, Timestamp, format_utc, parse_rfc3339};
use forceboard::ui::{Board, FeedState, LayoutChoice, Mode, draw};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const RECORDING: &str = include_str!("../../../fixtures/served-training.ndjson");

const SPEED: i64 = 20;

fn t(text: &str) -> Timestamp {
    parse_rfc3339(text).expect("a valid time")
}

/// The recording's first event.
fn recording_start() -> Timestamp {
    t("2024-07-01T10:00:00Z")
}

/// Where the served clock starts, and the wall time it starts at (as `serve` does).
fn served_start() -> Timestamp {
    t("2025-03-03T09:00:00Z")
}

/// The served time of recording time `recorded`: a pure shift.
fn served(recorded: Timestamp) -> Timestamp {
    served_start() + (recorded - recording_start())
}

/// The wall moment the served clock reaches `served_at`: 1/20 of the way.
fn wall_of(served_at: Timestamp) -> Timestamp {
    served_start() + (served_at - served_start()) / SPEED
}

fn clock_heartbeat(at: Timestamp) -> String {
    format!(
        r#"{{"kind":"heartbeat","at":"{}","source":"forceboard-serve","speed":{SPEED}}}"#,
        format_utc(at)
    )
}

/// What a served feed of the recording sends, with the wall moment each line arrives:
/// the clock first, each event shifted onto the served clock at its moment, and a clock
/// heartbeat every wall second until `until` (wall).
fn served_lines(until: Timestamp) -> Vec<(Timestamp, String)> {
    let mut lines = vec![(served_start(), clock_heartbeat(served_start()))];
    for text in RECORDING.lines() {
        let value: serde_json::Value = serde_json::from_str(text).expect("JSON");
        if value["kind"] == "heartbeat" {
            continue; // serve sends its own
        }
        let served_at = served(t(value["at"].as_str().expect("at")));
        let shifted = text.replace(value["at"].as_str().expect("at"), &format_utc(served_at));
        lines.push((wall_of(served_at), shifted));
    }
    let mut wall = served_start() + Span::SECOND;
    while wall <= until {
        let reading = served_start() + (wall - served_start()) * SPEED;
        lines.push((wall, clock_heartbeat(reading)));
        wall += Span::SECOND;
    }
    // Stable: at equal moments the event goes before the heartbeat, as serve sends them.
    lines.sort_by_key(|(wall, _)| *wall);
    lines
}

/// A board that has received every served line up to wall time `wall`.
struct Session {
    config: Config,
    feed: Timeline,
    app: App,
    pending: Vec<(Timestamp, String)>,
    next_line: u64,
}

impl Session {
    /// The served recording, with clock heartbeats until wall time `until`.
    fn new(until: Timestamp) -> Session {
        Session::with_lines(served_lines(until))
    }

    /// A feed that sends `lines` (wall moment, text), in order.
    fn with_lines(mut pending: Vec<(Timestamp, String)>) -> Session {
        let config = Config::default();
        let start = served_start();
        let mut feed = Timeline::live(&config, start);
        let mut app = App::new(&config, AppOptions::default(), start);
        app.handle(
            Msg::Feed(FeedItem::State(SourceState::Connected)),
            &mut feed,
            start,
        );
        pending.reverse();
        Session {
            config,
            feed,
            app,
            pending,
            next_line: 1,
        }
    }

    fn send(&mut self, text: &str, wall: Timestamp) {
        let item = match parse_line(text.as_bytes()) {
            Ok(event) => FeedItem::Event {
                line: self.next_line,
                event,
            },
            Err(reason) => FeedItem::Rejected {
                line: self.next_line,
                reason,
            },
        };
        self.next_line += 1;
        self.app.handle(Msg::Feed(item), &mut self.feed, wall);
    }

    /// Delivers every line due by `wall`, then ticks at `wall`.
    fn run_to(&mut self, wall: Timestamp) {
        while self.pending.last().is_some_and(|(at, _)| *at <= wall) {
            let Some((at, text)) = self.pending.pop() else {
                break;
            };
            self.send(&text, at);
        }
        self.app.handle(Msg::Tick, &mut self.feed, wall);
    }

    /// The board when the served clock reads the served time of recording time `recorded`.
    fn board_at(&mut self, recorded: &str) -> (Board, Timestamp) {
        let wall = wall_of(served(t(recorded)));
        self.run_to(wall);
        (self.app.board(&self.feed, &self.config, wall), wall)
    }
}

/// 999 figures: (offered, answered, mean, SL %, waiting, longest wait, status).
type Calls = (u64, u64, Option<f64>, Option<f64>, u64, Option<f64>, Status);

fn calls(figures: &CallFigures) -> Calls {
    (
        figures.offered,
        figures.answered,
        figures.mean_answer_s,
        figures
            .service_level_pct
            .map(|pct| (pct * 10.0).round() / 10.0),
        figures.waiting,
        figures.longest_wait_s,
        figures.status,
    )
}

/// Emergency figures: (created, attended, mean, open, oldest open).
fn emergency(figures: &Figures) -> (u64, u64, Option<f64>, u64, Option<f64>) {
    let e: &IncidentFigures = &figures.incidents.emergency;
    (
        e.created,
        e.attended,
        e.mean_attend_s,
        e.open,
        e.oldest_open_s,
    )
}

fn screen(board: &Board, app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("a test terminal");
    terminal
        .draw(|frame| draw(frame, board, app.view()))
        .expect("drawing on TestBackend");
    terminal
}

#[test]
fn at_each_moment_the_board_shows_what_report_at_shows_on_the_recording() {
    use Status::Red;
    let mut session = Session::new(served_start() + Span::from_mins(2));

    // 10:00:20 (1 s of wall time in): A answered in 6 s, over the 5 s target.
    let (board, wall) = session.board_at("2024-07-01T10:00:20Z");
    assert_eq!(wall, served_start() + Span::SECOND);
    assert_eq!(board.now, t("2025-03-03T09:00:20Z"));
    assert_eq!(
        board.mode,
        Mode::Training {
            speed: 20.0,
            paused: false
        }
    );
    assert_eq!(board.window.label, "1h");
    let c = &board.figures.calls.line_999;
    assert_eq!(calls(c), (1, 1, Some(6.0), Some(100.0), 0, None, Red));

    // 10:00:35: B has been waiting 5 s.
    let (board, _) = session.board_at("2024-07-01T10:00:35Z");
    let c = &board.figures.calls.line_999;
    assert_eq!(calls(c), (2, 1, Some(6.0), Some(100.0), 1, Some(5.0), Red));

    // 10:04:00: A 6 s, B 10 s, D 14 s: mean 10.0 s, over the 5 s target.
    let (board, _) = session.board_at("2024-07-01T10:04:00Z");
    let c = &board.figures.calls.line_999;
    assert_eq!(calls(c), (3, 3, Some(10.0), Some(66.7), 0, None, Red));
    assert_eq!(board.figures.calls.line_101.mean_answer_s, Some(60.0));

    // 10:06:00: E waiting 60 s, I1 open 60 s.
    let (board, _) = session.board_at("2024-07-01T10:06:00Z");
    let c = &board.figures.calls.line_999;
    assert_eq!(calls(c), (4, 3, Some(10.0), Some(66.7), 1, Some(60.0), Red));
    assert_eq!(emergency(&board.figures), (1, 0, None, 1, Some(60.0)));

    // 10:20:00 (60 s of wall time in): I1 attended in 11 min; E waiting 15 min.
    let (board, wall) = session.board_at("2024-07-01T10:20:00Z");
    assert_eq!(wall, served_start() + Span::MINUTE);
    let c = &board.figures.calls.line_999;
    assert_eq!(
        calls(c),
        (4, 3, Some(10.0), Some(66.7), 1, Some(900.0), Red)
    );
    assert_eq!(emergency(&board.figures), (1, 1, Some(660.0), 0, None));
    assert_eq!(
        board.figures.incidents.emergency.within_target_pct,
        Some(100.0)
    );

    // The 15 min window is (10:05:00, 10:20:00] of served time, not 15 min of wall time
    // (which would hold five hours of the recording): no 999 answer, E's offer at exactly
    // T − W is out, I1's creation too; its arrival is in.
    session
        .app
        .handle(Msg::Key(key('1')), &mut session.feed, wall);
    let board = session.app.board(&session.feed, &session.config, wall);
    assert_eq!(board.window.label, "15m");
    let c = &board.figures.calls.line_999;
    assert_eq!(calls(c), (0, 0, None, None, 1, Some(900.0), Status::None));
    assert_eq!(emergency(&board.figures), (0, 1, Some(660.0), 0, None));

    // Nothing was refused along the way, and the feed is healthy.
    assert_eq!(board.feed.rejected, 0);
    assert_eq!(board.feed.state, FeedState::Live);
}

fn key(c: char) -> crossterm::event::KeyEvent {
    crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char(c),
        crossterm::event::KeyModifiers::NONE,
    )
}

#[test]
fn the_clock_follows_the_heartbeats_and_never_runs_backwards() {
    let mut session = Session::new(served_start() + Span::from_secs(10));
    let start = served_start();
    session.run_to(start);
    assert_eq!(session.feed.now(start), start);
    // Between heartbeats it runs at ×20 from the last one.
    let half = start + Span::from_millis(500);
    session.run_to(half);
    assert_eq!(session.feed.now(half), start + Span::from_secs(10));
    // A heartbeat that reads behind the board's time holds the clock until it catches up.
    let at = start + Span::from_secs(2);
    session.run_to(at);
    assert_eq!(session.feed.now(at), start + Span::from_secs(40));
    session.send(&clock_heartbeat(start + Span::from_secs(30)), at);
    assert_eq!(session.feed.now(at), start + Span::from_secs(40));
    assert_eq!(
        session.feed.now(at + Span::from_millis(250)),
        start + Span::from_secs(40)
    );
    assert_eq!(
        session.feed.now(at + Span::from_millis(750)),
        start + Span::from_secs(45)
    );
    // One ahead moves it forward at once, at the new speed.
    let later = at + Span::SECOND;
    session.send(
        &format!(
            r#"{{"kind":"heartbeat","at":"{}","speed":2}}"#,
            format_utc(start + Span::from_secs(100))
        ),
        later,
    );
    assert_eq!(session.feed.now(later), start + Span::from_secs(100));
    assert_eq!(
        session.feed.now(later + Span::SECOND),
        start + Span::from_secs(102)
    );
    assert_eq!(
        session.feed.mode(),
        Mode::Training {
            speed: 2.0,
            paused: false
        }
    );
}

#[test]
fn event_times_are_checked_on_the_feed_clock_and_the_pairing_grace_on_the_wall_clock() {
    let start = served_start();
    let mut session = Session::with_lines(vec![(start, clock_heartbeat(start))]);
    session.run_to(start);
    // Ten wall seconds in, the feed's clock reads 200 s: a line dated 150 s after the
    // start is 140 s ahead of the wall clock but in the feed's past, so it is accepted;
    // one dated 61 s ahead of the feed's clock is beyond the 60 s future skew.
    let wall = start + Span::from_secs(10);
    let offer = |id: &str, at: Timestamp| {
        format!(
            r#"{{"kind":"call_offered","at":"{}","id":"{id}","line":"999"}}"#,
            format_utc(at)
        )
    };
    session.send(&offer("P", start + Span::from_secs(150)), wall);
    session.send(&offer("F", start + Span::from_secs(261)), wall);
    let board = session.app.board(&session.feed, &session.config, wall);
    assert_eq!(board.now, start + Span::from_secs(200));
    assert_eq!(board.figures.calls.line_999.waiting, 1);
    assert_eq!(board.figures.calls.line_999.longest_wait_s, Some(50.0));
    assert_eq!(board.feed.rejected, 1);
    assert_eq!(
        board.feed.recent_rejects,
        vec![RejectedLine {
            line: 3,
            reason: Reject::FutureDated
        }]
    );
    // A close with no opening waits the 2 min pairing grace of *wall* time (40 min of
    // the feed's), then is refused as unmatched.
    session.send(
        &format!(
            r#"{{"kind":"call_answered","at":"{}","id":"ZZ"}}"#,
            format_utc(start + Span::from_secs(200))
        ),
        wall,
    );
    session.run_to(wall + Span::from_secs(120));
    let board = session
        .app
        .board(&session.feed, &session.config, wall + Span::from_secs(120));
    assert_eq!(board.feed.rejected, 1, "still within the grace");
    session.run_to(wall + Span::from_secs(121));
    let board = session
        .app
        .board(&session.feed, &session.config, wall + Span::from_secs(121));
    assert_eq!(board.feed.rejected, 2);
    // Timeline health is judged on the wall clock too: 121 s without a line is stale.
    assert_eq!(board.feed.state, FeedState::Stale { silent_s: 121 });
}

#[test]
fn a_paused_served_feed_stands_still_says_so_and_stays_live() {
    let mut session = Session::new(served_start() + Span::from_mins(1));
    // 10:06:00 of the recording (09:06:00 served, GMT): E waiting 60 s, I1 open 60 s.
    let (_, paused_wall) = session.board_at("2024-07-01T10:06:00Z");
    let paused_at = format_utc(t("2025-03-03T09:06:00Z"));
    let paused = format!(r#"{{"kind":"heartbeat","at":"{paused_at}","speed":0,"epoch":0}}"#);
    // The trainer pauses; the server says so every wall second for 40 s, longer than
    // the 30 s after which a silent link is stale.
    for second in 0..=40 {
        session.send(&paused, paused_wall + Span::from_secs(second));
    }
    let wall = paused_wall + Span::from_secs(40);
    session.app.handle(Msg::Tick, &mut session.feed, wall);
    let board = session.app.board(&session.feed, &session.config, wall);
    assert_eq!(board.now, t("2025-03-03T09:06:00Z"));
    assert_eq!(
        board.mode,
        Mode::Training {
            speed: 0.0,
            paused: true
        }
    );
    assert_eq!(board.feed.state, FeedState::Live);
    // The same figures as at the moment of the pause: E still waiting 60 s.
    let c = &board.figures.calls.line_999;
    assert_eq!(
        calls(c),
        (4, 3, Some(10.0), Some(66.7), 1, Some(60.0), Status::Red)
    );
    assert_eq!(emergency(&board.figures), (1, 0, None, 1, Some(60.0)));
    let text = screen(&board, &session.app, 80, 24).backend().to_string();
    assert!(
        text.contains("TRAINING — PAUSED at 09:06:00 — Mon 3 Mar — a served"),
        "{text}"
    );
    assert!(
        text.contains("feed TRAINING — PAUSED at 09:06:00"),
        "{text}"
    );
    assert!(!text.contains("STALE"), "{text}");
}

#[test]
fn a_feed_without_a_clock_stays_live_on_the_wall_clock() {
    let config = Config::default();
    let wall = t("2024-07-01T12:00:00Z");
    let mut feed = Timeline::live(&config, wall);
    let mut app = App::new(&config, AppOptions::default(), wall);
    let beat = parse_line(br#"{"kind":"heartbeat","at":"2024-07-01T12:00:00Z","source":"cad"}"#)
        .expect("a heartbeat");
    app.handle(
        Msg::Feed(FeedItem::Event {
            line: 1,
            event: beat,
        }),
        &mut feed,
        wall,
    );
    assert_eq!(feed.mode(), Mode::Live);
    assert_eq!(feed.now(wall + Span::SECOND), wall + Span::SECOND);
}

#[test]
fn the_training_header_and_the_wall_layout() {
    let mut session = Session::new(served_start() + Span::from_mins(1));
    let (board, _) = session.board_at("2024-07-01T10:06:00Z");
    let compact = screen(&board, &session.app, 80, 24);
    let text = compact.backend().to_string();
    assert!(text.contains("TRAINING ×20"), "{text}");
    assert!(!text.contains("LIVE"), "{text}");
    insta::assert_snapshot!("served_training_80x24", compact.backend());

    let wall = wall_of(served(t("2024-07-01T10:06:00Z")));
    session
        .app
        .handle(Msg::Key(key('v')), &mut session.feed, wall);
    assert_eq!(session.app.view().layout, LayoutChoice::Wall);
    let board = session.app.board(&session.feed, &session.config, wall);
    let terminal = screen(&board, &session.app, 120, 40);
    let text = terminal.backend().to_string();
    assert!(text.contains("TRAINING ×20"), "{text}");
    assert!(!text.contains("LIVE"), "{text}");
    insta::assert_snapshot!("served_training_wall_120x40", terminal.backend());
}
