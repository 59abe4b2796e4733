//! Key `H` on a board: the handover for the shift so far, from the board's own engine, is
//! written to the configured folder, and its path is shown on that screen until the next
//! key.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use forceboard::app::{App, AppOptions, Effect, Msg, Timeline};
use forceboard::config::Config;
use forceboard::feed::{FeedItem, SourceState, parse_line};
use forceboard::time::{Timestamp, parse_rfc3339};
use forceboard::ui::draw;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::common::nats::TempDir;

const SPEC_EXAMPLE: &str = include_str!("../../fixtures/spec-example.ndjson");

fn t(text: &str) -> Timestamp {
    parse_rfc3339(text).unwrap()
}

fn press(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn screen(app: &App, feed: &Timeline, config: &Config, wall: Timestamp) -> String {
    let board = app.board(feed, config, wall);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal
        .draw(|frame| draw(frame, &board, app.view()))
        .unwrap();
    let buffer = terminal.backend().buffer().clone();
    buffer
        .content()
        .iter()
        .map(ratatui::buffer::Cell::symbol)
        .collect()
}

#[test]
fn h_writes_the_shift_so_far_and_shows_where_until_the_next_key() {
    let dir = TempDir::new("handover-key");
    let config = Config {
        handover_dir: dir.0.clone(),
        ..Config::default()
    };
    let wall = t("2024-07-01T12:00:00Z");
    let mut feed = Timeline::live(&config, wall);
    let mut app = App::new(&config, AppOptions::default(), wall);
    app.handle(
        Msg::Feed(FeedItem::State(SourceState::Connected)),
        &mut feed,
        wall,
    );
    for (index, line) in SPEC_EXAMPLE.lines().enumerate() {
        let event = parse_line(line.as_bytes()).unwrap();
        let item = FeedItem::Event {
            line: index as u64 + 1,
            event,
        };
        app.handle(Msg::Feed(item), &mut feed, wall);
    }
    app.handle(
        Msg::Resize {
            width: 120,
            height: 40,
        },
        &mut feed,
        wall,
    );

    assert_eq!(
        app.handle(press('H'), &mut feed, wall),
        Effect::WriteHandover
    );
    forceboard::shell::write_handover(&mut app, &feed, &config, wall);

    // 12:00Z is 13:00 BST, in the early shift (07:00–15:00 BST): the page covers
    // 06:00Z–12:00Z and is named for the board's local time.
    let path = dir.0.join("handover-20240701-130000.html");
    let page = std::fs::read_to_string(&path).unwrap();
    assert!(page.contains("From Mon 01 Jul 2024 07:00:00 BST to Mon 01 Jul 2024 13:00:00 BST"));
    // The worked example over (06:00Z, 12:00Z]: 999 offered A, B, C, D, F, G and E (its
    // answer says it was offered at 10:59:58Z; A again is a duplicate); answered A, B and E
    // (at 11:00Z); abandoned C and D.
    assert!(
        page.contains("999 calls: 7 offered, 3 answered, 2 abandoned"),
        "{page}"
    );
    // 24 quarter-hours in the force's table.
    let calls = page
        .split("data-scope=\"force\" data-part=\"calls\"")
        .nth(1)
        .unwrap();
    assert_eq!(
        calls[..calls.find("</table>").unwrap()]
            .matches("<tr data-end=")
            .count(),
        24
    );

    let shown = screen(&app, &feed, &config, wall);
    assert!(shown.contains("HANDOVER WRITTEN"), "{shown}");
    assert!(shown.contains("handover-20240701-130000.html"));
    assert_eq!(app.handle(press('2'), &mut feed, wall), Effect::RedrawNow);
    assert!(!screen(&app, &feed, &config, wall).contains("HANDOVER WRITTEN"));
}

#[test]
fn a_folder_that_cannot_be_written_is_said_on_the_screen() {
    let config = Config {
        handover_dir: "/nonexistent/forceboard-handovers".into(),
        ..Config::default()
    };
    let wall = t("2024-07-01T12:00:00Z");
    let mut feed = Timeline::live(&config, wall);
    let mut app = App::new(&config, AppOptions::default(), wall);
    for line in SPEC_EXAMPLE.lines() {
        let event = parse_line(line.as_bytes()).unwrap();
        app.handle(
            Msg::Feed(FeedItem::Event { line: 1, event }),
            &mut feed,
            wall,
        );
    }
    app.handle(
        Msg::Resize {
            width: 120,
            height: 40,
        },
        &mut feed,
        wall,
    );
    app.handle(press('H'), &mut feed, wall);
    forceboard::shell::write_handover(&mut app, &feed, &config, wall);
    assert!(screen(&app, &feed, &config, wall).contains("handover not written"));
}
