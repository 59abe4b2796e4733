//! The whole board driven as the terminal and a server drive it — messages in, frames out
//! — with no pty: keys, feed items, ticks and resizes into an `App`, its board drawn on
//! ratatui's `TestBackend`. Expected figures are the worked example (docs/reference/figures.md), worked by hand in
//! fixtures/README.md.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use forceboard::app::{App, AppOptions, Effect, MIN_FRAME_GAP, Msg, Timeline};
use forceboard::config::Config;
use forceboard::feed::{DownCause, FeedItem, SourceState, parse_line};
use forceboard::ingest::playback::Playback;
use forceboard::ingest::replay::ReplayOptions;
use forceboard::model::{EventKind, Reject, RejectedLine};
use forceboard::time::{Span, Timestamp, parse_rfc3339};
use forceboard::ui::{Board, FeedState, LayoutChoice, Mode, Overlay, SourceLabel, draw};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const SPEC_EXAMPLE: &str = include_str!("../../fixtures/spec-example.ndjson");

fn t(text: &str) -> Timestamp {
    parse_rfc3339(text).expect("a valid time")
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

/// The worked example's lines as a live source delivers them, all arriving at `wall`.
fn feed_items() -> Vec<FeedItem> {
    SPEC_EXAMPLE
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| FeedItem::Event {
            line: index as u64 + 1,
            event: parse_line(line.as_bytes()).expect("the example parses"),
        })
        .collect()
}

/// A live feed that has delivered the worked example by 12:00:00Z, and a board on it.
fn live_board(options: AppOptions) -> (Config, Timeline, App, Timestamp) {
    let config = Config::default();
    let wall = t("2024-07-01T12:00:00Z");
    let mut feed = Timeline::live(&config, wall);
    let mut app = App::new(&config, options, wall);
    app.handle(
        Msg::Feed(FeedItem::State(SourceState::Connected)),
        &mut feed,
        wall,
    );
    for item in feed_items() {
        app.handle(Msg::Feed(item), &mut feed, wall);
    }
    (config, feed, app, wall)
}

fn screen(board: &Board, app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("a test terminal");
    terminal
        .draw(|frame| draw(frame, board, app.view()))
        .expect("drawing on TestBackend");
    terminal
}

fn text_of(terminal: &Terminal<TestBackend>) -> String {
    terminal.backend().to_string()
}

#[test]
fn a_live_board_shows_the_worked_example() {
    let (config, feed, app, wall) = live_board(AppOptions::default());
    let board = app.board(&feed, &config, wall);
    let calls = &board.figures.calls.line_999;
    assert_eq!(board.window.label, "1h");
    assert_eq!(
        (calls.offered, calls.answered, calls.abandoned),
        (4, 2, 2),
        "B, C, D, F offered; A and B answered; C and D abandoned"
    );
    assert_eq!(calls.mean_answer_s, Some(8.0));
    assert_eq!((calls.waiting, calls.expired), (1, 1));
    let emergency = &board.figures.incidents.emergency;
    assert_eq!((emergency.open, emergency.open_breached), (1, 1));
    // Arrival order is file order: A's second offer and answer are duplicates; ZZ, a
    // close with no opening, waits for the 2-minute pairing grace before it is rejected.
    assert_eq!(board.feed.rejected, 0);
    assert_eq!(board.feed.state, FeedState::Live);
    // Counted by the events' own times, in (11:59:00, 12:00:00]: only the heartbeat at
    // 12:00:00 (F, offered at 11:59:00, is a whole minute old), however many lines
    // arrived at once.
    assert_eq!(board.feed.events_per_min, 1.0);
    let terminal = screen(&board, &app, 80, 24);
    insta::assert_snapshot!("app_live_80x24", terminal.backend());
}

#[test]
fn keys_switch_window_area_layout_and_overlays_then_quit() {
    let (config, mut feed, mut app, wall) = live_board(AppOptions::default());
    assert_eq!(app.handle(ch('1'), &mut feed, wall), Effect::RedrawNow);
    assert_eq!(app.board(&feed, &config, wall).window.label, "15m");
    assert_eq!(app.handle(ch('3'), &mut feed, wall), Effect::RedrawNow);
    assert_eq!(app.board(&feed, &config, wall).window.label, "24h");
    // Only three windows are configured.
    assert_eq!(app.handle(ch('4'), &mut feed, wall), Effect::None);

    assert_eq!(app.handle(ch('a'), &mut feed, wall), Effect::RedrawNow);
    let board = app.board(&feed, &config, wall);
    assert_eq!(board.scope_code.as_deref(), Some("BIR"));
    assert_eq!(board.scope_label, "Birmingham");
    // Only call A (answered in 4 s) is in Birmingham.
    assert_eq!(board.figures.calls.line_999.mean_answer_s, Some(4.0));

    assert_eq!(app.handle(ch('v'), &mut feed, wall), Effect::RedrawNow);
    assert_eq!(app.view().layout, LayoutChoice::Wall);
    assert_eq!(app.handle(ch('?'), &mut feed, wall), Effect::RedrawNow);
    assert_eq!(app.view().overlay, Overlay::Help);
    assert_eq!(
        app.handle(key(KeyCode::Esc), &mut feed, wall),
        Effect::RedrawNow
    );
    assert_eq!(app.view().overlay, Overlay::None);
    // Replay keys do nothing to a live feed.
    assert_eq!(app.handle(ch(' '), &mut feed, wall), Effect::None);
    assert_eq!(feed.mode(), Mode::Live);
    assert_eq!(app.handle(key(KeyCode::Esc), &mut feed, wall), Effect::Quit);
}

#[test]
fn rotation_moves_through_the_areas_on_ticks_and_back_to_the_force() {
    let options = AppOptions {
        rotate_every: Some(Span::from_secs(20)),
        ..AppOptions::default()
    };
    let (config, mut feed, mut app, wall) = live_board(options);
    // The view knows it rotates: the wall shows where in the round it is.
    assert!(app.view().rotating);
    let mut seen = Vec::new();
    for step in 1..=9 {
        // A tick between rotations changes nothing.
        app.handle(Msg::Tick, &mut feed, wall + Span::from_secs(20 * step - 10));
        app.handle(Msg::Tick, &mut feed, wall + Span::from_secs(20 * step));
        seen.push(app.board(&feed, &config, wall).scope_code);
    }
    let areas = ["BIR", "COV", "DUD", "SAN", "SOL", "WAL", "WOL"];
    let mut expected: Vec<Option<String>> = areas.iter().map(|a| Some(a.to_string())).collect();
    expected.push(None);
    expected.push(Some("BIR".into()));
    assert_eq!(seen, expected);
}

#[test]
fn replay_keys_pause_seek_change_speed_and_go_home() {
    let config = Config::default();
    let playback = Playback::read(SPEC_EXAMPLE.as_bytes()).expect("in memory");
    let mut wall = Timestamp::UNIX_EPOCH + Span::from_secs(1_000);
    let options = ReplayOptions {
        from: Some(t("2024-07-01T11:00:00Z")),
        ..ReplayOptions::default()
    };
    let mut feed = Timeline::recording(&config, playback, options, wall).expect("events");
    let mut app = App::new(&config, AppOptions::default(), wall);
    let mean_at = |app: &App, feed: &Timeline, wall| {
        let board = app.board(feed, &config, wall);
        (board.now, board.figures.calls.line_999.mean_answer_s)
    };
    // At 11:00:00 only E is answered (at 11:00:00Z, 2 s after its offer at 10:59:58Z);
    // A is answered at 11:00:04.
    assert_eq!(
        mean_at(&app, &feed, wall),
        (t("2024-07-01T11:00:00Z"), Some(2.0))
    );
    assert_eq!(app.handle(ch(']'), &mut feed, wall), Effect::RedrawNow);
    // 11:15: E (2 s), A (4 s) and B (12 s): 18 / 3.
    assert_eq!(
        mean_at(&app, &feed, wall),
        (t("2024-07-01T11:15:00Z"), Some(6.0))
    );
    app.handle(ch('['), &mut feed, wall);
    for _ in 0..5 {
        app.handle(key(KeyCode::Right), &mut feed, wall);
    }
    // 11:05: E and A.
    assert_eq!(
        mean_at(&app, &feed, wall),
        (t("2024-07-01T11:05:00Z"), Some(3.0))
    );
    app.handle(ch(' '), &mut feed, wall);
    assert_eq!(
        feed.mode(),
        Mode::Replay {
            speed: 1.0,
            paused: true
        }
    );
    wall += Span::from_secs(60);
    app.handle(Msg::Tick, &mut feed, wall);
    assert_eq!(mean_at(&app, &feed, wall).0, t("2024-07-01T11:05:00Z"));
    app.handle(ch(' '), &mut feed, wall);
    app.handle(ch('+'), &mut feed, wall);
    app.handle(ch('+'), &mut feed, wall);
    assert_eq!(
        feed.mode(),
        Mode::Replay {
            speed: 4.0,
            paused: false
        }
    );
    // Ten wall seconds at ×4 are forty virtual ones.
    wall += Span::from_secs(10);
    assert_eq!(mean_at(&app, &feed, wall).0, t("2024-07-01T11:05:40Z"));
    app.handle(key(KeyCode::Home), &mut feed, wall);
    assert_eq!(
        mean_at(&app, &feed, wall),
        (t("2024-07-01T11:00:00Z"), Some(2.0))
    );
    let board = app.board(&feed, &config, wall);
    let terminal = screen(&board, &app, 80, 24);
    assert!(
        text_of(&terminal).contains("REPLAY"),
        "the replay banner shows"
    );
}

#[test]
fn stale_and_down_show_on_the_board_with_their_countdown() {
    let (config, mut feed, mut app, wall) = live_board(AppOptions::default());
    // The last line arrived at `wall`; the default stale limit is 30 s.
    app.handle(Msg::Tick, &mut feed, wall + Span::from_secs(30));
    assert_eq!(
        app.board(&feed, &config, wall + Span::from_secs(30))
            .feed
            .state,
        FeedState::Live
    );
    app.handle(Msg::Tick, &mut feed, wall + Span::from_secs(31));
    let board = app.board(&feed, &config, wall + Span::from_secs(31));
    assert_eq!(board.feed.state, FeedState::Stale { silent_s: 31 });
    assert!(text_of(&screen(&board, &app, 80, 24)).contains("FEED STALE"));

    let down = SourceState::Down {
        cause: DownCause::ConnectionRefused,
        retry_in: Duration::from_secs(8),
    };
    let at = wall + Span::from_secs(40);
    app.handle(Msg::Feed(FeedItem::State(down)), &mut feed, at);
    let board = app.board(&feed, &config, at + Span::from_secs(3));
    assert_eq!(board.feed.state, FeedState::Down { retry_in_s: 5 });
    let terminal = screen(&board, &app, 80, 24);
    assert!(text_of(&terminal).contains("FEED DOWN — connection refused — retrying in 5 s"));
    insta::assert_snapshot!("app_down_80x24", terminal.backend());
}

#[test]
fn an_event_dated_ahead_waits_for_its_time_and_one_too_far_ahead_is_refused() {
    let (config, mut feed, mut app, wall) = live_board(AppOptions::default());
    let waiting = |feed: &Timeline, app: &App, at| {
        app.board(feed, &config, at).figures.calls.line_999.waiting
    };
    assert_eq!(waiting(&feed, &app, wall), 1);
    let ahead = r#"{"kind":"call_offered","at":"2024-07-01T12:00:30Z","id":"N","line":"999"}"#;
    let too_far = r#"{"kind":"call_offered","at":"2024-07-01T12:01:01Z","id":"M","line":"999"}"#;
    for (line, text) in [(20, ahead), (21, too_far)] {
        let event = parse_line(text.as_bytes()).expect("parses");
        app.handle(Msg::Feed(FeedItem::Event { line, event }), &mut feed, wall);
    }
    let board = app.board(&feed, &config, wall);
    assert_eq!(
        board.feed.rejected, 1,
        "M, beyond the 60 s future skew (ZZ still waits for its opening)"
    );
    assert_eq!(
        board.feed.recent_rejects.last(),
        Some(&RejectedLine {
            line: 21,
            reason: Reject::FutureDated
        })
    );
    assert_eq!(waiting(&feed, &app, wall + Span::from_secs(29)), 1);
    app.handle(Msg::Tick, &mut feed, wall + Span::from_secs(30));
    assert_eq!(
        waiting(&feed, &app, wall + Span::from_secs(30)),
        2,
        "N is waiting from 12:00:30"
    );
}

#[test]
fn two_boards_show_one_feed_each_with_its_own_view() {
    let (config, mut feed, mut first, wall) = live_board(AppOptions::default());
    let mut second = App::new(
        &config,
        AppOptions {
            layout: LayoutChoice::Compact,
            ..AppOptions::default()
        },
        wall,
    );
    second.handle(ch('a'), &mut feed, wall);
    second.handle(ch('3'), &mut feed, wall);
    let one = first.board(&feed, &config, wall);
    let two = second.board(&feed, &config, wall);
    assert_eq!(
        (one.scope_code.as_deref(), one.window.label.as_str()),
        (None, "1h")
    );
    assert_eq!(
        (two.scope_code.as_deref(), two.window.label.as_str()),
        (Some("BIR"), "24h")
    );
    // Not windowed, so the same on both: F waiting, G expired.
    let queue = |board: &Board| {
        let calls = &board.force_figures.calls.line_999;
        (calls.waiting, calls.expired)
    };
    assert_eq!((queue(&one), queue(&two)), ((1, 1), (1, 1)));
    assert_eq!(one.figures.calls.line_999.answered, 2);
    assert_eq!(
        two.figures.calls.line_999.answered, 1,
        "A, Birmingham's one call"
    );
    assert_eq!(second.view().layout, LayoutChoice::Compact);
    assert_eq!(first.handle(ch('q'), &mut feed, wall), Effect::Quit);
}

#[test]
fn feed_frames_are_coalesced_keys_draw_at_once_and_an_unchanged_frame_writes_nothing() {
    let (config, mut feed, mut app, wall) = live_board(AppOptions::default());
    // The first tick reads the alerts (the breaches of the worked example are raised at
    // once): from then on a tick at the same time changes nothing.
    app.handle(Msg::Tick, &mut feed, wall);
    app.handle(
        Msg::Resize {
            width: 80,
            height: 24,
        },
        &mut feed,
        wall,
    );
    assert_eq!(
        app.draw_due(),
        Some(Timestamp::MIN),
        "a resize draws at once"
    );
    assert!(app.next_frame(&feed, &config, wall).is_some());
    assert_eq!(app.draw_due(), None, "nothing to draw");

    // A heartbeat changes nothing on screen but the feed counters' ages.
    let heartbeat = parse_line(br#"{"kind":"heartbeat","at":"2024-07-01T12:00:00Z"}"#).unwrap();
    let item = FeedItem::Event {
        line: 30,
        event: heartbeat,
    };
    assert_eq!(app.handle(Msg::Feed(item), &mut feed, wall), Effect::Redraw);
    assert_eq!(
        app.draw_due(),
        Some(wall + MIN_FRAME_GAP),
        "feed redraws wait"
    );
    let frame = app.next_frame(&feed, &config, wall + MIN_FRAME_GAP);
    assert!(
        frame.is_some(),
        "the event rate went from 1 to 2 a minute (two heartbeats at 12:00:00)"
    );
    // The same wall time again: exactly the same frame, so nothing is written.
    app.handle(Msg::Tick, &mut feed, wall + MIN_FRAME_GAP);
    assert!(
        app.next_frame(&feed, &config, wall + MIN_FRAME_GAP)
            .is_none()
    );

    app.handle(ch('v'), &mut feed, wall + MIN_FRAME_GAP);
    assert_eq!(app.draw_due(), Some(Timestamp::MIN), "a key draws at once");
}

fn event_item(line: u64, text: &str) -> Msg {
    Msg::Feed(FeedItem::Event {
        line,
        event: parse_line(text.as_bytes()).expect("parses"),
    })
}

#[test]
fn a_close_that_overtakes_its_opening_is_paired_and_leaves_no_phantom_caller() {
    let (config, mut feed, mut app, wall) = live_board(AppOptions::default());
    // N is answered (11:59:58) before its offer (11:59:50) arrives: a faster CAD source.
    let answered = r#"{"kind":"call_answered","at":"2024-07-01T11:59:58Z","id":"N"}"#;
    let offered = r#"{"kind":"call_offered","at":"2024-07-01T11:59:50Z","id":"N","line":"999"}"#;
    app.handle(event_item(20, answered), &mut feed, wall);
    app.handle(event_item(21, offered), &mut feed, wall + Span::SECOND);
    let board = app.board(&feed, &config, wall + Span::SECOND);
    let calls = &board.figures.calls.line_999;
    assert_eq!(calls.waiting, 1, "F only: N was answered, not left waiting");
    assert_eq!(calls.answered, 3, "A, B and N");
    // (4 + 12 + 8) / 3 = 8.0 s.
    assert_eq!(calls.mean_answer_s, Some(8.0));
    assert_eq!(board.feed.rejected, 0, "ZZ still waits for its grace");
}

#[test]
fn a_close_whose_opening_never_comes_is_rejected_when_the_grace_runs_out() {
    let (config, mut feed, mut app, wall) = live_board(AppOptions::default());
    let orphan = r#"{"kind":"incident_arrived","at":"2024-07-01T12:00:00Z","id":"Q"}"#;
    app.handle(event_item(20, orphan), &mut feed, wall);
    // The default grace is 2 minutes: ZZ (from the example) and Q still wait at exactly
    // 2 minutes, and are rejected a second later, in the order they arrived.
    app.handle(Msg::Tick, &mut feed, wall + Span::from_secs(120));
    assert_eq!(
        app.board(&feed, &config, wall + Span::from_secs(120))
            .feed
            .rejected,
        0
    );
    app.handle(Msg::Tick, &mut feed, wall + Span::from_secs(121));
    let board = app.board(&feed, &config, wall + Span::from_secs(121));
    assert_eq!(board.feed.rejected, 2, "ZZ and Q once their grace ran out");
    assert_eq!(
        board.feed.recent_rejects.last(),
        Some(&RejectedLine {
            line: 20,
            reason: Reject::Unmatched(EventKind::IncidentArrived)
        })
    );
}

mod arrival_order {
    use super::*;
    use forceboard::ui::Board;
    use proptest::prelude::*;

    /// Calls offered a minute apart from 11:00, each answered, abandoned or left open.
    fn lines(calls: &[(u8, u16)]) -> Vec<(usize, String)> {
        let base = t("2024-07-01T11:00:00Z");
        let mut out = Vec::new();
        for (i, (fate, wait_s)) in calls.iter().enumerate() {
            let offered = base + Span::from_mins(i as i64);
            let closed = offered + Span::from_secs(i64::from(*wait_s));
            let stamp = |at: Timestamp| forceboard::time::format_utc(at);
            out.push((
                i,
                format!(
                    r#"{{"kind":"call_offered","at":"{}","id":"C{i}","line":"999"}}"#,
                    stamp(offered)
                ),
            ));
            let kind = match fate % 3 {
                0 => "call_answered",
                1 => "call_abandoned",
                _ => continue,
            };
            out.push((
                i,
                format!(
                    r#"{{"kind":"{kind}","at":"{}","id":"C{i}"}}"#,
                    stamp(closed)
                ),
            ));
        }
        out
    }

    fn board_after(lines: &[String]) -> Board {
        let config = Config::default();
        let wall = t("2024-07-01T12:00:00Z");
        let mut feed = Timeline::live(&config, wall);
        let mut app = App::new(&config, AppOptions::default(), wall);
        for (n, line) in lines.iter().enumerate() {
            app.handle(event_item(n as u64 + 1, line), &mut feed, wall);
        }
        app.board(&feed, &config, wall)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Closes moved up to five places earlier than their openings, all arriving
        /// within the grace, give exactly the figures of the in-order feed.
        #[test]
        fn early_closes_within_the_grace_give_the_in_order_figures(
            calls in proptest::collection::vec((0u8..3, 1u16..600), 1..30),
            moves in proptest::collection::vec(0usize..6, 60),
        ) {
            let in_order: Vec<String> = lines(&calls).into_iter().map(|(_, l)| l).collect();
            let mut shuffled = in_order.clone();
            for (index, by) in moves.iter().enumerate().take(shuffled.len()) {
                if shuffled[index].contains("\"call_offered\"") {
                    continue;
                }
                let line = shuffled.remove(index);
                shuffled.insert(index.saturating_sub(*by), line);
            }
            let expected = board_after(&in_order);
            let got = board_after(&shuffled);
            prop_assert_eq!(&got.force_figures, &expected.force_figures);
            prop_assert_eq!(got.feed.rejected, 0);
        }
    }
}

#[test]
fn ids_and_area_codes_from_the_feed_reach_the_screen_escaped() {
    let (config, mut feed, mut app, wall) = live_board(AppOptions::default());
    let hostile = r#"{"kind":"call_offered","at":"2024-07-01T11:59:00Z","id":"X\u001b[2J","line":"999","lpa":"\u001b]0;PWNED\u0007"}"#;
    app.handle(event_item(20, hostile), &mut feed, wall);
    let board = app.board(&feed, &config, wall);
    let waiting: Vec<&str> = board.longest_waits.iter().map(|w| w.id.as_str()).collect();
    assert!(waiting.contains(&r"X\u{1b}[2J"), "{waiting:?}");
    let codes: Vec<&str> = board.areas.iter().map(|a| a.code.as_str()).collect();
    assert!(codes.contains(&r"\u{1b}]0;PWNED\u{7}"), "{codes:?}");
    // Standard (auto at 120×40), then wall, standard and compact.
    for _ in 0..4 {
        let board = app.board(&feed, &config, wall);
        let terminal = screen(&board, &app, 120, 40);
        let buffer = terminal.backend().buffer();
        assert!(
            buffer
                .content()
                .iter()
                .all(|cell| !cell.symbol().chars().any(char::is_control)),
            "a control character reached a cell"
        );
        app.handle(ch('v'), &mut feed, wall);
    }
}

/// The footer's events/min on a board at `wall`.
fn rate_at(app: &App, feed: &Timeline, config: &Config, wall: Timestamp) -> f64 {
    app.board(feed, config, wall).feed.events_per_min
}

#[test]
fn replay_counts_events_per_minute_in_the_recordings_own_time() {
    let config = Config::default();
    let playback = Playback::read(SPEC_EXAMPLE.as_bytes()).expect("in memory");
    let wall = Timestamp::UNIX_EPOCH + Span::from_secs(1_000);
    let options = ReplayOptions {
        from: Some(t("2024-07-01T11:00:00Z")),
        speed: 100.0,
        ..ReplayOptions::default()
    };
    let mut feed = Timeline::recording(&config, playback, options, wall).expect("events");
    let mut app = App::new(&config, AppOptions::default(), wall);
    // The first frame, at 11:00:00: the minute (10:59:00, 11:00:00] holds E's answer, A's
    // and G's offers and I1's creation; A's second offer is a duplicate, not counted.
    assert_eq!(rate_at(&app, &feed, &config, wall), 4.0);
    // 0.3 s of wall time at ×100 is 30 virtual seconds: A's answer (11:00:04) joins them;
    // its repeat (11:00:09) is a duplicate and ZZ's close is refused.
    let later = wall + Span::from_millis(300);
    app.handle(Msg::Tick, &mut feed, later);
    assert_eq!(rate_at(&app, &feed, &config, later), 5.0);
    // At 11:01:00 the events at exactly 11:00:00 are a minute old, so out: A's answer only.
    // Counted on the wall clock, all five would still be within its last minute.
    let later = wall + Span::from_millis(600);
    app.handle(Msg::Tick, &mut feed, later);
    assert_eq!(rate_at(&app, &feed, &config, later), 1.0);
    // 11:10:00: B offered and I1 arrived, both at 11:10:00.
    let later = wall + Span::from_secs(6);
    app.handle(Msg::Tick, &mut feed, later);
    assert_eq!(rate_at(&app, &feed, &config, later), 2.0);
    // Seeking back rebuilds the count with the state: Home is 11:00:00 again.
    app.handle(key(KeyCode::Home), &mut feed, later);
    assert_eq!(rate_at(&app, &feed, &config, later), 4.0);
    let board = app.board(&feed, &config, later);
    assert!(text_of(&screen(&board, &app, 120, 40)).contains("4 events/min"));
}

#[test]
fn the_demos_first_frame_shows_the_rate_of_its_own_minute() {
    let config = Config::default();
    let wall = Timestamp::UNIX_EPOCH + Span::from_secs(1_000);
    let feed = Timeline::demo(&config, wall).expect("the demo day");
    let app = App::new(&config, AppOptions::default(), wall);
    // Counted here straight from the file: the lines dated in the minute up to 17:00
    // (the demo day is generated clean: every line is accepted).
    let times: Vec<Timestamp> = forceboard::DEMO_DAY
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| parse_line(line.as_bytes()).expect("the demo parses").at)
        .collect();
    let first = times.iter().min().copied().expect("events");
    let start = first + Span::from_hours(17);
    let in_minute = times
        .iter()
        .filter(|at| **at <= start && start - **at < Span::MINUTE)
        .count();
    assert!(in_minute > 0, "the demo is busy at 17:00");
    let board = app.board(&feed, &config, wall);
    assert_eq!(board.now, start);
    assert_eq!(board.feed.events_per_min, in_minute as f64);
    let text = text_of(&screen(&board, &app, 120, 40));
    assert!(text.contains(&format!("{in_minute} events/min")), "{text}");
}

#[test]
fn a_call_end_that_overtakes_its_answer_waits_for_it_like_any_close() {
    let (config, mut feed, mut app, wall) = live_board(AppOptions::default());
    let offered = r#"{"kind":"call_offered","at":"2024-07-01T11:59:00Z","id":"H","line":"999"}"#;
    let ended = r#"{"kind":"call_ended","at":"2024-07-01T11:59:50Z","id":"H"}"#;
    let answered = r#"{"kind":"call_answered","at":"2024-07-01T11:59:10Z","id":"H"}"#;
    // X is abandoned: its end never pairs and is refused once the grace runs out.
    let abandoned_offer =
        r#"{"kind":"call_offered","at":"2024-07-01T11:59:00Z","id":"X","line":"101"}"#;
    let abandoned = r#"{"kind":"call_abandoned","at":"2024-07-01T11:59:05Z","id":"X"}"#;
    let abandoned_end = r#"{"kind":"call_ended","at":"2024-07-01T11:59:30Z","id":"X"}"#;
    for (line, text) in [offered, ended, abandoned_offer, abandoned, abandoned_end]
        .into_iter()
        .enumerate()
    {
        app.handle(event_item(20 + line as u64, text), &mut feed, wall);
    }
    app.handle(event_item(30, answered), &mut feed, wall + Span::SECOND);
    // A heartbeat keeps the feed live (a silent one would stop its figures at 12:00:01).
    let heartbeat = r#"{"kind":"heartbeat","at":"2024-07-01T12:02:01Z"}"#;
    app.handle(
        event_item(31, heartbeat),
        &mut feed,
        wall + Span::from_secs(121),
    );
    app.handle(Msg::Tick, &mut feed, wall + Span::from_secs(121));
    let board = app.board(&feed, &config, wall + Span::from_secs(121));
    assert_eq!(
        board.feed.rejected, 2,
        "ZZ of the example, and X's end: {:?}",
        board.feed.recent_rejects
    );
    assert_eq!(
        board.feed.recent_rejects.last(),
        Some(&RejectedLine {
            line: 24,
            reason: Reject::Unmatched(EventKind::CallEnded)
        })
    );
    // At 12:02:01 the hour starts after A's answer (11:00:04): B and H are answered.
    let calls = &board.figures.calls.line_999;
    assert_eq!((calls.answered, calls.waiting), (2, 1), "F still waits");
}

/// The header row of a drawn board.
fn header_row(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_string()
}

/// Does the text say LIVE anywhere other than in "NOT LIVE"?
fn says_live(text: &str) -> bool {
    text.replace("NOT LIVE", "").contains("LIVE")
}

#[test]
fn a_feed_that_is_down_stops_every_figure_and_says_as_of_when() {
    let (config, mut feed, mut app, wall) = live_board(AppOptions::default());
    // F has waited since 11:59:00; the last line arrived at 12:00:00.
    let live = app.board(&feed, &config, wall);
    assert_eq!(live.figures.calls.line_999.longest_wait_s, Some(60.0));
    assert!(says_live(&header_row(&text_of(&screen(
        &live, &app, 80, 24
    )))));

    let down = SourceState::Down {
        cause: DownCause::ConnectionRefused,
        retry_in: Duration::from_secs(8),
    };
    app.handle(
        Msg::Feed(FeedItem::State(down)),
        &mut feed,
        wall + Span::from_secs(10),
    );
    let first = wall + Span::from_mins(1);
    let later = first + Span::from_mins(5);
    for at in [first, later] {
        app.handle(Msg::Tick, &mut feed, at);
    }
    let before = app.board(&feed, &config, first);
    let after = app.board(&feed, &config, later);
    // Nothing moves while down: the wait is still the 60 s it was at 12:00:00, and so is
    // every other figure.
    assert_eq!(before.figures.calls.line_999.longest_wait_s, Some(60.0));
    assert_eq!(after.figures.calls.line_999.longest_wait_s, Some(60.0));
    assert_eq!(after.figures, before.figures);
    assert_eq!(after.longest_waits, before.longest_waits);
    assert_eq!(after.breach_watch, before.breach_watch);
    assert_eq!(after.staffing, before.staffing);
    assert_eq!(after.now, t("2024-07-01T12:00:00Z"));
    assert_eq!(after.feed.events_per_min, before.feed.events_per_min);
    // 12:00:00Z is 13:00:00 in London (BST); 1 minute, then 6 minutes, ago.
    let before_text = text_of(&screen(&before, &app, 80, 24));
    let after_text = text_of(&screen(&after, &app, 80, 24));
    assert!(
        before_text.contains("as of 13:00:00 BST (1 m ago)"),
        "{before_text}"
    );
    assert!(
        after_text.contains("as of 13:00:00 BST (6 m ago)"),
        "{after_text}"
    );
    for text in [&before_text, &after_text] {
        assert!(!says_live(text), "never LIVE while down:\n{text}");
        assert!(header_row(text).contains("NOT LIVE"), "{text}");
    }
    // Nothing is judged ON TARGET while down: no ✔ anywhere over stopped figures, and
    // the area table has no marks at all.
    let wide = text_of(&screen(&after, &app, 120, 40));
    assert!(!wide.contains('✔'), "{wide}");
    let table = wide
        .lines()
        .skip_while(|line| !line.contains("Whole force"))
        .take(9)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(table.contains("Whole force"), "{wide}");
    assert!(!table.contains('✖') && !table.contains('▲'), "{table}");
}

#[test]
fn a_reconnecting_feed_is_not_live_until_a_line_arrives_again() {
    let (config, mut feed, mut app, wall) = live_board(AppOptions::default());
    let at = wall + Span::from_secs(5);
    app.handle(
        Msg::Feed(FeedItem::State(SourceState::Connecting)),
        &mut feed,
        at,
    );
    let board = app.board(&feed, &config, wall + Span::from_secs(65));
    assert_eq!(board.feed.state, FeedState::Reconnecting);
    assert_eq!(board.now, wall, "the figures stopped at the last line");
    let text = text_of(&screen(&board, &app, 80, 24));
    assert!(!says_live(&text), "{text}");
    assert!(!text.contains("no events yet"), "{text}");
    assert!(text.contains("RECONNECTING"), "{text}");

    // Back: connected, and a heartbeat at 12:01:10 — live, and the figures move on.
    let back = wall + Span::from_secs(70);
    app.handle(
        Msg::Feed(FeedItem::State(SourceState::Connected)),
        &mut feed,
        back,
    );
    let heartbeat = r#"{"kind":"heartbeat","at":"2024-07-01T12:01:10Z"}"#;
    app.handle(event_item(40, heartbeat), &mut feed, back);
    let board = app.board(&feed, &config, back);
    assert_eq!(board.feed.state, FeedState::Live);
    assert_eq!(board.feed.as_of, None);
    assert_eq!(board.now, back);
    assert_eq!(board.figures.calls.line_999.longest_wait_s, Some(130.0));
    assert!(says_live(&header_row(&text_of(&screen(
        &board, &app, 80, 24
    )))));
}

#[test]
fn a_source_that_never_delivered_an_event_names_itself_and_is_never_live() {
    let config = Config::default();
    let wall = t("2024-07-01T12:00:00Z");
    let mut feed = Timeline::live(&config, wall);
    feed.set_source(SourceLabel {
        name: "nats://127.0.0.1:4222/events.wpm".to_string(),
        check: "the subject",
        subject: Some("events.wpm".to_string()),
    });
    let mut app = App::new(&config, AppOptions::default(), wall);
    app.handle(
        Msg::Feed(FeedItem::State(SourceState::Connected)),
        &mut feed,
        wall,
    );
    for seconds in [1, 31, 37] {
        let at = wall + Span::from_secs(seconds);
        app.handle(Msg::Tick, &mut feed, at);
        let board = app.board(&feed, &config, at);
        assert_eq!(board.feed.state, FeedState::NoEvents);
        let text = text_of(&screen(&board, &app, 80, 24));
        assert!(
            text.contains("NO EVENTS YET on nats://127.0.0.1:4222/events.wpm — check the subject"),
            "{text}"
        );
        assert!(!says_live(&text), "{text}");
        assert!(!text.contains("STALE"), "{text}");
    }
    let board = app.board(&feed, &config, wall + Span::from_secs(37));
    insta::assert_snapshot!(
        "app_no_events_80x24",
        screen(&board, &app, 80, 24).backend()
    );
}

/// 120 call offers, one a second from 11:58:00 to 11:59:59, on the 101 line.
fn two_minutes_of_offers() -> Vec<(Timestamp, FeedItem)> {
    (0..120_i64)
        .map(|i| {
            let at = t("2024-07-01T11:58:00Z") + Span::from_secs(i);
            let (minute, second) = (58 + i / 60, i % 60);
            let line = format!(
                r#"{{"kind":"call_offered","at":"2024-07-01T11:{minute}:{second:02}Z","id":"Q{i}","line":"101"}}"#
            );
            let event = parse_line(line.as_bytes()).expect("parses");
            let item = FeedItem::Event {
                line: i as u64 + 1,
                event,
            };
            (at, item)
        })
        .collect()
}

#[test]
fn events_a_minute_are_counted_by_their_own_time_backlog_or_not() {
    let config = Config::default();
    let start = t("2024-07-01T11:58:00Z");
    let noon = t("2024-07-01T12:00:00Z");
    let connected = || Msg::Feed(FeedItem::State(SourceState::Connected));

    // One board is sent the two minutes at once on joining at noon (a backlog)...
    let mut backlog = Timeline::live(&config, noon);
    let mut joiner = App::new(&config, AppOptions::default(), noon);
    joiner.handle(connected(), &mut backlog, noon);
    for (_, item) in two_minutes_of_offers() {
        joiner.handle(Msg::Feed(item), &mut backlog, noon);
    }
    // ... the other has them one by one as they happen.
    let mut live = Timeline::live(&config, start);
    let mut watcher = App::new(&config, AppOptions::default(), start);
    watcher.handle(connected(), &mut live, start);
    for (at, item) in two_minutes_of_offers() {
        watcher.handle(Msg::Feed(item), &mut live, at);
    }
    watcher.handle(Msg::Tick, &mut live, noon);

    let joined = joiner.board(&backlog, &config, noon);
    let watched = watcher.board(&live, &config, noon);
    assert_eq!(joined.feed.state, FeedState::Live);
    assert_eq!(watched.feed.state, FeedState::Live);
    // The minute (11:59:00, 12:00:00] holds the offers at 11:59:01 … 11:59:59: 59.
    assert_eq!(joined.feed.events_per_min, 59.0);
    assert_eq!(watched.feed.events_per_min, 59.0);
}
