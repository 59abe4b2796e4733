//! One configuration, several forces: a board on a NATS subject is headed by the force
//! whose subject it is, judged on that force's targets, and names its subject.

use std::time::Duration;

use forceboard::app::{App, AppOptions, Msg, Timeline};
use forceboard::config::Config;
use forceboard::feed::source::FeedSource;
use forceboard::feed::source::nats::NatsTarget;
use forceboard::feed::{FeedItem, SourceState, parse_line};
use forceboard::shell::source_label;
use forceboard::time::{Timestamp, parse_rfc3339};
use forceboard::ui::draw;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The national file: the top level is West Midlands'; West Yorkshire has its own name,
/// areas and a 20-minute emergency target.
const NATIONAL: &str = r#"
force_name = "West Midlands Police"

[[forces]]
subject = "events.wmp"
force_name = "West Midlands Police"

[[forces]]
subject = "events.wyp"
force_name = "West Yorkshire Police"
[forces.incidents.emergency]
target = "20m"
[[forces.areas]]
code = "LD"
name = "Leeds"
[[forces.areas]]
code = "BD"
name = "Bradford"
"#;

/// West Yorkshire's last hour: a 999 call answered in 6 s, and an emergency in Leeds
/// open for 18 minutes (past West Midlands' 15, within West Yorkshire's 20).
const WYP_LINES: &str = r#"{"kind":"call_offered","at":"2024-07-01T11:40:00Z","id":"C1","line":"999","lpa":"LD"}
{"kind":"call_answered","at":"2024-07-01T11:40:06Z","id":"C1"}
{"kind":"incident_created","at":"2024-07-01T11:42:00Z","id":"I1","grade":"emergency","lpa":"LD"}
{"kind":"heartbeat","at":"2024-07-01T12:00:00Z"}"#;

fn t(text: &str) -> Timestamp {
    parse_rfc3339(text).expect("a valid time")
}

fn nats_feed(subject: &str) -> FeedSource {
    FeedSource::Nats {
        target: NatsTarget::parse(&format!("nats://127.0.0.1:4222/{subject}"))
            .expect("a NATS address"),
        replay: Duration::from_secs(3600),
    }
}

#[test]
fn a_board_on_a_forces_subject_is_headed_by_that_force_and_names_its_subject() {
    let national = Config::parse(NATIONAL).expect("the national file");
    let config = national.for_subject("events.wyp").expect("West Yorkshire");
    let wall = t("2024-07-01T12:00:00Z");
    let mut feed = Timeline::live(&config, wall);
    feed.set_source(source_label(&nats_feed("events.wyp")));
    let mut app = App::new(&config, AppOptions::default(), wall);
    app.handle(
        Msg::Feed(FeedItem::State(SourceState::Connected)),
        &mut feed,
        wall,
    );
    for (index, line) in WYP_LINES.lines().enumerate() {
        let event = parse_line(line.as_bytes()).expect("parses");
        let item = FeedItem::Event {
            line: index as u64 + 1,
            event,
        };
        app.handle(Msg::Feed(item), &mut feed, wall);
    }
    let board = app.board(&feed, &config, wall);
    let emergency = &board.figures.incidents.emergency;
    assert_eq!(
        (emergency.open, emergency.open_breached),
        (1, 0),
        "18 minutes is within West Yorkshire's 20-minute target"
    );
    let screen = |width, height| {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("a test terminal");
        terminal
            .draw(|frame| draw(frame, &board, app.view()))
            .expect("drawing on TestBackend");
        terminal
    };
    // 80 columns: the header is the force's, the footer names the subject.
    let terminal = screen(80, 24);
    let text = terminal.backend().to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("\"West Yorkshire Police "), "{text}");
    assert!(
        lines[23].contains("nats://127.0.0.1:4222/events.wyp"),
        "{text}"
    );
    assert!(!text.contains("West Midlands"), "{text}");
    assert!(
        text.contains("Leeds") && text.contains("target 20m"),
        "{text}"
    );
    insta::assert_snapshot!(
        "forces_west_yorkshire_on_its_subject_80x24",
        terminal.backend()
    );
    // Where there is room, the header names the subject beside the force.
    let wide = screen(140, 40).backend().to_string();
    let header = wide.lines().next().unwrap_or_default();
    assert!(
        header.starts_with("\"West Yorkshire Police · events.wyp · whole force "),
        "{header}"
    );
}
