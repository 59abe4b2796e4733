//! A board started at any moment shows what a board running for days shows (issue 22,
//! item 1): three days of a force's feed, some incidents and calls open across the start
//! of a day's backfill, published by two publishers one after the other (the second takes
//! up what the first carried); a board started at the end reads only the last day of the
//! stream and what was carried, and its figures equal `report` on the whole file at that
//! moment. The later closes of the old items are matched, not refused.

use std::fmt::Write as _;
use std::io::Cursor;

use tokio::sync::mpsc::Receiver;

use super::{LIMIT, board_source, next, publish_lines};
use crate::common::nats::{NatsServer, TempDir};
use crate::common::serve::wall_now;
use forceboard::app::{App, AppOptions, Msg, Timeline};
use forceboard::config::{Config, Window};
use forceboard::engine::Figures;
use forceboard::feed::source::FeedItem;
use forceboard::report;
use forceboard::time::{Span, Timestamp, format_utc};

const DAY: Span = Span::from_hours(24);

/// One line of the feed, at `at`.
fn line(kind: &str, at: Timestamp, rest: &str) -> (Timestamp, String) {
    let at_text = format_utc(at);
    (at, format!(r#"{{"kind":"{kind}","at":"{at_text}"{rest}}}"#))
}

/// Three days to `end`: a 999 call and an emergency incident every 20 minutes, each
/// closed within minutes, and the items whose lives cross the start of the last day.
fn three_days(end: Timestamp) -> Vec<(Timestamp, String)> {
    let mut lines = Vec::new();
    let mut t = end - DAY * 3;
    let mut n = 0;
    while t < end - Span::from_mins(30) {
        let (call, incident) = (format!(r#","id":"C{n}""#), format!(r#","id":"E{n}""#));
        lines.push(line("call_offered", t, &format!(r#"{call},"line":"999""#)));
        let answered = t + Span::from_secs(8);
        lines.push(line("call_answered", answered, &call));
        let created = t + Span::MINUTE;
        lines.push(line(
            "incident_created",
            created,
            &format!(r#"{incident},"grade":"emergency""#),
        ));
        let arrived = created + Span::from_mins(10);
        lines.push(line("incident_arrived", arrived, &incident));
        n += 1;
        t += Span::from_mins(20);
    }
    // A priority incident open since the weekend, and an emergency open 30 hours.
    lines.push(line(
        "incident_created",
        end - Span::from_hours(70),
        r#","id":"WEEKEND","grade":"priority""#,
    ));
    lines.push(line(
        "incident_created",
        end - Span::from_hours(30),
        r#","id":"LONG","grade":"emergency""#,
    ));
    // Created before the last day began and attended 40 minutes later, inside it.
    let straddle = end - DAY - Span::from_mins(30);
    lines.push(line(
        "incident_created",
        straddle,
        r#","id":"STRADDLE","grade":"emergency""#,
    ));
    lines.push(line(
        "incident_arrived",
        straddle + Span::from_mins(40),
        r#","id":"STRADDLE""#,
    ));
    // A call waiting 22 minutes across the start of the day; another answered before it
    // and ended after it; an incident cancelled six hours after it was created.
    let waited = end - DAY - Span::from_mins(20);
    lines.push(line(
        "call_offered",
        waited,
        r#","id":"WAITED","line":"999""#,
    ));
    lines.push(line(
        "call_answered",
        waited + Span::from_mins(22),
        r#","id":"WAITED""#,
    ));
    let talked = end - DAY - Span::from_mins(40);
    lines.push(line(
        "call_offered",
        talked,
        r#","id":"TALKED","line":"101""#,
    ));
    lines.push(line(
        "call_answered",
        talked + Span::from_mins(10),
        r#","id":"TALKED""#,
    ));
    lines.push(line(
        "call_ended",
        talked + Span::from_mins(50),
        r#","id":"TALKED""#,
    ));
    let cancelled = end - Span::from_hours(26);
    lines.push(line(
        "incident_created",
        cancelled,
        r#","id":"CANCELLED","grade":"priority""#,
    ));
    lines.push(line(
        "incident_cancelled",
        cancelled + Span::from_hours(6),
        r#","id":"CANCELLED""#,
    ));
    lines.sort_by_key(|(at, _)| *at);
    lines
}

fn texts(lines: &[(Timestamp, String)]) -> Vec<String> {
    lines.iter().map(|(_, text)| text.clone()).collect()
}

/// A config whose only window is a day: the board's figures are the day's.
fn day_config() -> Config {
    Config {
        windows: vec![Window::new(DAY)],
        ..Config::default()
    }
}

/// `report FILE --at at --window 24h`, for the whole force.
fn report_at(lines: &[String], config: &Config, at: Timestamp) -> Figures {
    let mut file = String::new();
    for text in lines {
        let _ = writeln!(file, "{text}");
    }
    report::compute(Cursor::new(file), config, Some(at), &Window::new(DAY))
        .expect("reads")
        .expect("a time to report at")
        .figures
        .force
}

/// Feeds the board every item up to the end of its backlog; the number of lines read.
async fn until_backlog_read(
    rx: &mut Receiver<FeedItem>,
    app: &mut App,
    feed: &mut Timeline,
) -> usize {
    let mut read = 0;
    loop {
        let item = next(rx).await;
        let ended = matches!(item, FeedItem::WrittenAt(_));
        if matches!(item, FeedItem::Event { .. } | FeedItem::Rejected { .. }) {
            read += 1;
        }
        app.handle(Msg::Feed(item), feed, wall_now());
        if ended {
            return read;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_board_started_after_three_days_shows_every_open_item_and_the_figures_of_report() {
    let dir = TempDir::new("late-join");
    let server = NatsServer::start(&dir.0);
    let end = wall_now() - Span::from_mins(2);
    let feed = three_days(end);
    // Two publishers, one after the other, split where the last day begins.
    let split = feed
        .iter()
        .position(|(at, _)| *at >= end - DAY)
        .expect("lines in the last day");
    let (earlier, later) = feed.split_at(split);
    publish_lines(&server.url(), &dir, "earlier.ndjson", &texts(earlier)).await;
    publish_lines(&server.url(), &dir, "later.ndjson", &texts(later)).await;

    let config = day_config();
    let mut rx = board_source(&server.url(), config.backfill().to_duration());
    let mut timeline = Timeline::live(&config, wall_now());
    let mut app = App::new(&config, AppOptions::default(), wall_now());
    let read = until_backlog_read(&mut rx, &mut app, &mut timeline).await;
    // The last day (about 290 lines) and the carried items, not all three days.
    assert!(
        read < feed.len() / 2,
        "read {read} of {} lines: the whole stream, not the day and the carried items",
        feed.len()
    );

    let at = end + Span::SECOND;
    app.handle(Msg::Tick, &mut timeline, at);
    let board = app.board(&timeline, &config, at);
    let everything = texts(&feed);
    assert_eq!(board.figures, report_at(&everything, &config, at));
    assert_eq!(board.feed.rejected, 0, "{:?}", board.feed);
    // Worked by hand: the weekend's priority incident open 70 h, the emergency 30 h.
    let incidents = &board.figures.incidents;
    assert_eq!(
        (incidents.priority.open, incidents.priority.oldest_open_s),
        (1, Some(70.0 * 3600.0 + 1.0))
    );
    assert_eq!(
        (incidents.emergency.open, incidents.emergency.oldest_open_s),
        (1, Some(30.0 * 3600.0 + 1.0))
    );
    // The straddling incident attended in 40 min, counted in the day's attended.
    assert_eq!(incidents.emergency.max_attend_s, Some(2400.0));

    // Their closes come now: matched, nothing refused, and still equal to `report`.
    let closes = vec![
        line(
            "incident_arrived",
            end + Span::from_secs(30),
            r#","id":"WEEKEND""#,
        ),
        line(
            "incident_cancelled",
            end + Span::from_secs(40),
            r#","id":"LONG""#,
        ),
    ];
    publish_lines(&server.url(), &dir, "closes.ndjson", &texts(&closes)).await;
    let mut closed = 0;
    while closed < closes.len() {
        let item = tokio::time::timeout(LIMIT, async { next(&mut rx).await })
            .await
            .expect("the closes in time");
        if matches!(item, FeedItem::Event { .. }) {
            closed += 1;
        }
        app.handle(Msg::Feed(item), &mut timeline, wall_now());
    }
    let at = end + Span::MINUTE;
    app.handle(Msg::Tick, &mut timeline, at);
    let board = app.board(&timeline, &config, at);
    let everything: Vec<String> = everything.into_iter().chain(texts(&closes)).collect();
    assert_eq!(board.figures, report_at(&everything, &config, at));
    assert_eq!(board.feed.rejected, 0, "{:?}", board.feed);
    let incidents = &board.figures.incidents;
    assert_eq!((incidents.priority.open, incidents.emergency.open), (0, 0));
    assert_eq!(incidents.priority.max_attend_s, Some(70.0 * 3600.0 + 30.0));
}

/// `forceboard ssh --feed nats://…` started after three days: the inspector's board lists
/// the incident open since the weekend in its breach watch.
#[test]
fn an_ssh_board_started_late_lists_the_incident_open_since_the_weekend() {
    let dir = TempDir::new("late-ssh");
    let server = NatsServer::start(&dir.0);
    let end = wall_now() - Span::from_mins(2);
    let mut lines = vec![line(
        "incident_created",
        end - Span::from_hours(70),
        r#","id":"WEEKEND","grade":"priority""#,
    )];
    // The CAD's heartbeats every ten minutes, to the end.
    let mut t = end - Span::from_hours(72);
    while t <= end {
        lines.push(line("heartbeat", t, ""));
        t += Span::from_mins(10);
    }
    lines.sort_by_key(|(at, _)| *at);
    let path = dir.0.join("three-days.ndjson");
    std::fs::write(&path, texts(&lines).join("\n") + "\n").expect("a feed file");
    let published = super::publisher(&server.url(), &path)
        .wait_with_output()
        .expect("runs");
    assert!(published.status.success());

    let keys = crate::common::ssh::key_dir("late-ssh");
    let inspector = crate::common::ssh::Key::new(&keys, "inspector");
    let feed = format!("{}/{}", server.url(), super::SUBJECT);
    let ssh = crate::common::ssh::SshServer::start_in(
        keys,
        &["--feed", &feed, "--layout", "standard"],
        &[&inspector.public],
    );
    let mut board = ssh.connect(&inspector, 120, 40);
    board.wait_for("WEEKEND");
    let screen = board.contents();
    assert!(screen.contains("open 1 · 1 BREACHED"), "{screen}");
    board.press("q");
    assert!(board.wait_exit().success());
}
