//! Alerts on two boards sharing one live feed, driven by a scripted feed at times worked by
//! hand. Three 999 calls are offered at 12:00:00 and wait (the feed's heartbeat keeps it
//! live): the longest wait passes 10 s (999's service-level threshold) at 12:00:11 — a
//! warning at once, no hold — and 30 s (three times it) at 12:00:31 — critical; three
//! calls waiting (more than 2) held a minute raise a warning at 12:01:00. Board B's
//! inspector acknowledges at 12:02:00, which takes the newest critical (the longest wait);
//! it alarms again ten minutes later, at 12:12:00. The calls are answered at 12:13:00:
//! both clear. Their answers took 13 minutes, so 999's service level is 0 % (critical,
//! under 80 %) and its mean 780 s (critical, over 10 s): raised after the two-minute hold,
//! at 12:15:00.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use forceboard::app::alerts::AlertEvent;
use forceboard::app::{App, AppOptions, Msg, Timeline};
use forceboard::config::Config;
use forceboard::feed::{FeedItem, SourceState, parse_line};
use forceboard::time::{Timestamp, parse_rfc3339};
use forceboard::ui::{AlertLine, LayoutChoice, draw};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn t(hms: &str) -> Timestamp {
    parse_rfc3339(&format!("2024-07-01T{hms}Z")).expect("a time")
}

fn event(line: u64, text: &str) -> FeedItem {
    FeedItem::Event {
        line,
        event: parse_line(text.as_bytes()).expect("a valid line"),
    }
}

struct Room {
    config: Config,
    feed: Timeline,
    boards: [App; 2],
    lines: u64,
}

impl Room {
    fn new() -> Room {
        Room::with(Config::default())
    }

    /// The first scenario's start: three 999 calls offered at 12:00:00.
    fn with_three_calls_waiting() -> Room {
        let mut room = Room::new();
        for id in ["C1", "C2", "C3"] {
            let offered = format!(
                r#"{{"kind":"call_offered","at":"2024-07-01T12:00:00Z","id":"{id}","line":"999"}}"#
            );
            room.feed(t("12:00:00"), &offered);
        }
        room
    }

    fn with(config: Config) -> Room {
        let start = t("11:59:59");
        let mut feed = Timeline::live(&config, start);
        let mut boards = [
            App::new(&config, AppOptions::default(), start),
            App::new(&config, AppOptions::default(), start),
        ];
        boards[0].set_operator("Sgt. Ellis");
        boards[1].set_operator("Insp. Khan");
        boards[0].handle(
            Msg::Feed(FeedItem::State(SourceState::Connected)),
            &mut feed,
            start,
        );
        Room {
            config,
            feed,
            boards,
            lines: 0,
        }
    }

    fn feed(&mut self, at: Timestamp, text: &str) {
        self.lines += 1;
        let item = event(self.lines, text);
        self.boards[0].handle(Msg::Feed(item), &mut self.feed, at);
    }

    /// A heartbeat, then a tick on both boards: the bells each rang.
    fn tick(&mut self, hms: &str) -> [u64; 2] {
        let at = t(hms);
        let beat = format!(
            r#"{{"kind":"heartbeat","at":"{}"}}"#,
            &format!("2024-07-01T{hms}Z")
        );
        self.feed(at, &beat);
        let mut rang = [0; 2];
        for (board, rang) in self.boards.iter_mut().zip(&mut rang) {
            board.handle(Msg::Tick, &mut self.feed, at);
            *rang = board.take_bells();
        }
        rang
    }

    fn shown(&self, board: usize, hms: &str) -> Vec<AlertLine> {
        self.boards[board]
            .board(&self.feed, &self.config, t(hms))
            .alerts
    }
}

fn texts(alerts: &[AlertLine]) -> Vec<String> {
    alerts.iter().map(|alert| alert.text.clone()).collect()
}

#[test]
fn two_boards_raise_hold_acknowledge_realarm_and_clear_at_the_moments_worked_by_hand() {
    let mut room = Room::with_three_calls_waiting();
    assert_eq!(room.tick("12:00:00"), [0, 0]);
    assert_eq!(room.tick("12:00:10"), [0, 0], "10 s is not over 10 s");
    assert_eq!(room.tick("12:00:11"), [1, 1]);
    assert_eq!(
        texts(&room.shown(0, "12:00:11")),
        ["999 longest wait 11.0s (over 10s)"]
    );
    assert!(!room.shown(0, "12:00:11")[0].critical);
    assert_eq!(room.tick("12:00:30"), [0, 0]);
    assert_eq!(room.tick("12:00:31"), [1, 1], "escalated: a new alarm");
    assert!(room.shown(1, "12:00:31")[0].critical);
    assert_eq!(room.tick("12:00:59"), [0, 0], "waiting held 59 s");
    assert_eq!(room.tick("12:01:00"), [1, 1]);
    assert_eq!(
        texts(&room.shown(0, "12:01:00")),
        [
            "999 longest wait 1m 00s (over 30s)",
            "999 calls waiting 3 (over 2)"
        ]
    );

    // Board B's inspector acknowledges, with a note: the critical one, on both boards,
    // by name.
    let key = |code| Msg::Key(KeyEvent::new(code, KeyModifiers::NONE));
    room.boards[1].handle(key(KeyCode::Char('A')), &mut room.feed, t("12:02:00"));
    assert_eq!(
        room.boards[1]
            .board(&room.feed, &room.config, t("12:02:00"))
            .note_prompt
            .as_deref(),
        Some(""),
        "A asks for a note first"
    );
    for c in "two handlers off sick".chars() {
        room.boards[1].handle(key(KeyCode::Char(c)), &mut room.feed, t("12:02:00"));
    }
    room.boards[1].handle(key(KeyCode::Enter), &mut room.feed, t("12:02:00"));
    let events = room.feed.take_alert_events();
    let noted = events.iter().find_map(|event| match event {
        AlertEvent::Acknowledged(alert) => alert.acknowledged.clone(),
        _ => None,
    });
    let noted = noted.expect("acknowledged");
    assert_eq!(
        (noted.by.as_str(), noted.note.as_deref()),
        ("Insp. Khan", Some("two handlers off sick"))
    );
    for board in 0..2 {
        let shown = room.shown(board, "12:02:00");
        assert_eq!(shown[0].acknowledged_by.as_deref(), Some("Insp. Khan"));
        assert!(shown[0].critical, "acknowledged keeps its colour");
        assert_eq!(shown[1].acknowledged_by, None);
    }
    assert_eq!(room.tick("12:02:00"), [0, 0]);
    assert_eq!(room.tick("12:11:59"), [0, 0]);
    assert_eq!(
        room.tick("12:12:00"),
        [1, 1],
        "ten minutes on: alarmed again"
    );
    assert_eq!(room.shown(0, "12:12:00")[0].acknowledged_by, None);

    // Answered at 12:13:00: both clear; no new alarm yet.
    for id in ["C1", "C2", "C3"] {
        let answered =
            format!(r#"{{"kind":"call_answered","at":"2024-07-01T12:13:00Z","id":"{id}"}}"#);
        room.feed(t("12:13:00"), &answered);
    }
    assert_eq!(room.tick("12:13:00"), [0, 0]);
    assert!(room.shown(0, "12:13:00").is_empty());
    assert_eq!(room.tick("12:14:59"), [0, 0]);
    assert_eq!(
        room.tick("12:15:00"),
        [2, 2],
        "two raised at once: two bells"
    );
    let shown = room.shown(1, "12:15:00");
    let mut shown = texts(&shown);
    shown.sort();
    assert_eq!(
        shown,
        [
            "999 mean answer 13m 00s (over 10s)",
            "999 service level 0.0% (under 80.0%)"
        ]
    );
}

/// The configuration moves the thresholds, the hold and the re-alarm: one call waiting is
/// an alert at once, the longest wait raises nothing, and an acknowledgement holds for a
/// minute.
#[test]
fn configured_rules_raise_at_their_own_thresholds_and_times() {
    let config = Config::parse(
        "[alerts]\nrealert = \"1m\"\n[alerts.999_waiting]\nwarning = 0\nhold = \"0s\"\n\
         [alerts.999_longest_wait]\noff = true",
    )
    .expect("a valid config");
    let mut room = Room::with(config);
    let offered = r#"{"kind":"call_offered","at":"2024-07-01T12:00:00Z","id":"C1","line":"999"}"#;
    room.feed(t("12:00:00"), offered);
    assert_eq!(room.tick("12:00:00"), [1, 1]);
    assert_eq!(
        texts(&room.shown(0, "12:00:00")),
        ["999 calls waiting 1 (over 0)"]
    );
    // 40 s: the longest wait would be over 30 s, but its rule is off.
    assert_eq!(room.tick("12:00:40"), [0, 0]);
    let key = |code| Msg::Key(KeyEvent::new(code, KeyModifiers::NONE));
    room.boards[0].handle(key(KeyCode::Char('A')), &mut room.feed, t("12:00:50"));
    room.boards[0].handle(key(KeyCode::Enter), &mut room.feed, t("12:00:50"));
    assert_eq!(room.tick("12:01:49"), [0, 0]);
    assert_eq!(
        room.tick("12:01:50"),
        [1, 1],
        "a minute after the acknowledgement"
    );
}

/// The strip on each layout, at 12:01:00 of the first scenario (the longest wait
/// critical, three calls waiting a warning): the wall in block type, one line at 80×24,
/// a marker on a phone.
#[test]
fn the_alert_strip_on_the_wall_the_compact_board_and_a_phone() {
    let mut room = Room::with_three_calls_waiting();
    for at in ["12:00:00", "12:00:11", "12:00:31", "12:01:00"] {
        room.tick(at);
    }
    let board = room.boards[0].board(&room.feed, &room.config, t("12:01:00"));
    for (layout, name, width, height) in [
        (LayoutChoice::Wall, "wall", 200, 60),
        (LayoutChoice::Compact, "compact", 80, 24),
        (LayoutChoice::Auto, "micro", 60, 20),
    ] {
        let mut view = room.boards[0].view().clone();
        view.layout = layout;
        let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("a terminal");
        terminal
            .draw(|frame| draw(frame, &board, &view))
            .expect("drawn");
        insta::assert_snapshot!(
            format!("alerts_{name}_{width}x{height}"),
            terminal.backend()
        );
    }
}

/// `per_area = true`: each area's figures raise alerts of their own, named by the area.
#[test]
fn per_area_alerts_name_their_area() {
    let config = Config::parse(
        "[alerts]\nper_area = true\n[alerts.999_waiting]\nwarning = 0\nhold = \"0s\"\n\
         [alerts.999_longest_wait]\noff = true",
    )
    .expect("a valid config");
    let mut room = Room::with(config);
    let offered =
        r#"{"kind":"call_offered","at":"2024-07-01T12:00:00Z","id":"C1","line":"999","lpa":"BIR"}"#;
    room.feed(t("12:00:00"), offered);
    assert_eq!(
        room.tick("12:00:00"),
        [2, 2],
        "the force's and Birmingham's"
    );
    let mut shown = texts(&room.shown(0, "12:00:00"));
    shown.sort();
    assert_eq!(
        shown,
        [
            "999 calls waiting 1 (over 0)",
            "BIR 999 calls waiting 1 (over 0)"
        ]
    );
}

/// An area's own rule, without `per_area`: Solihull alarms on one waiting call, the force
/// (warning over 2) does not.
#[test]
fn an_area_with_its_own_rule_alarms_at_its_own_threshold() {
    let config = Config::parse(
        "[alerts.area.SOL.999_waiting]\nwarning = 0\nhold = \"0s\"\n\
         [alerts.999_longest_wait]\noff = true",
    )
    .expect("a valid config");
    let mut room = Room::with(config);
    let offered =
        r#"{"kind":"call_offered","at":"2024-07-01T12:00:00Z","id":"C1","line":"999","lpa":"SOL"}"#;
    room.feed(t("12:00:00"), offered);
    assert_eq!(room.tick("12:00:00"), [1, 1]);
    assert_eq!(
        texts(&room.shown(0, "12:00:00")),
        ["SOL 999 calls waiting 1 (over 0)"]
    );
}
