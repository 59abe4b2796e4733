//! Alerts acknowledged on one board show on every board of the same NATS subject (issue
//! 25, item 4): a wall and an inspector's laptop on `events.wmp`, both raising the alert
//! of an emergency incident past its 15-minute target; the inspector acknowledges on the
//! laptop and the wall shows it, by name and with the note; a board started afterwards
//! raises the alert already acknowledged, without ringing.

use std::cell::Cell;
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tokio::sync::mpsc;

use super::{LIMIT, publish_lines, target};
use crate::common::nats::{NatsServer, TempDir};
use crate::common::serve::wall_now;
use forceboard::app::{App, AppOptions, Msg, Timeline};
use forceboard::config::Config;
use forceboard::feed::source::nats::shared_acks;
use forceboard::feed::source::{self, FeedItem, FeedSource};
use forceboard::time::{Span, Timestamp, format_utc};
use forceboard::ui::AlertLine;

/// A board on the subject as `watch --feed nats://…` runs one: its source and the relay
/// of acknowledgements on one channel.
struct NatsBoard {
    config: Config,
    feed: Timeline,
    app: App,
    items: mpsc::Receiver<FeedItem>,
}

impl NatsBoard {
    fn start(url: &str, operator: &str) -> NatsBoard {
        NatsBoard::start_with(url, operator, Config::default())
    }

    fn start_with(url: &str, operator: &str, config: Config) -> NatsBoard {
        let (tx, items) = mpsc::channel(4096);
        let (acks, shared) = mpsc::unbounded_channel();
        tokio::spawn(shared_acks::relay(target(url), None, tx.clone(), shared));
        let source = FeedSource::Nats {
            target: target(url),
            replay: Duration::from_secs(24 * 3600 + 120),
        };
        source::spawn_with(
            source,
            tx,
            None,
            crate::common::source::fast_with_idle_limit(Duration::from_secs(60)),
        );
        let mut feed = Timeline::live(&config, wall_now());
        feed.set_ack_relay(acks);
        let mut app = App::new(&config, AppOptions::default(), wall_now());
        app.set_operator(operator);
        NatsBoard {
            config,
            feed,
            app,
            items,
        }
    }

    /// Takes items until `done` says so (the bound is only a safety net).
    async fn until(&mut self, what: &str, done: impl Fn(&FeedItem) -> bool) {
        loop {
            let item = tokio::time::timeout(LIMIT, self.items.recv())
                .await
                .unwrap_or_else(|_| panic!("{what} in time"))
                .expect("the source runs");
            let finished = done(&item);
            self.app.handle(Msg::Feed(item), &mut self.feed, wall_now());
            if finished {
                return;
            }
        }
    }

    fn tick(&mut self) -> u64 {
        self.tick_at(wall_now())
    }

    fn tick_at(&mut self, at: Timestamp) -> u64 {
        self.app.handle(Msg::Tick, &mut self.feed, at);
        self.app.take_bells()
    }

    fn shown(&self) -> Vec<AlertLine> {
        self.app.board(&self.feed, &self.config, wall_now()).alerts
    }

    fn press(&mut self, code: KeyCode) {
        let key = Msg::Key(KeyEvent::new(code, KeyModifiers::NONE));
        self.app.handle(key, &mut self.feed, wall_now());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_acknowledgement_on_a_laptop_shows_on_the_wall_and_on_a_board_started_later() {
    let dir = TempDir::new("shared-alerts");
    let server = NatsServer::start(&dir.0);
    let url = server.url();
    let now = wall_now();
    let created = format_utc(now - Span::from_mins(20));
    let lines = vec![
        format!(r#"{{"kind":"incident_created","at":"{created}","id":"E1","grade":"emergency"}}"#),
        format!(r#"{{"kind":"heartbeat","at":"{}"}}"#, format_utc(now)),
    ];
    publish_lines(&url, &dir, "feed.ndjson", &lines).await;

    let mut wall = NatsBoard::start(&url, "the wall");
    let mut laptop = NatsBoard::start(&url, "Insp. Khan");
    for board in [&mut wall, &mut laptop] {
        board
            .until("the backlog", |item| matches!(item, FeedItem::WrittenAt(_)))
            .await;
        assert_eq!(board.tick(), 1, "E1 past its target: one alarm");
        assert_eq!(board.shown()[0].text, "emergency incident E1 breached");
    }

    laptop.press(KeyCode::Char('A'));
    for c in "unit 7 on scene".chars() {
        laptop.press(KeyCode::Char(c));
    }
    laptop.press(KeyCode::Enter);
    let acknowledged = Instant::now();
    wall.until("the shared acknowledgement", |item| {
        matches!(item, FeedItem::SharedAck(_))
    })
    .await;
    let took = acknowledged.elapsed();
    println!("the wall showed the laptop's acknowledgement {took:?} after it was made");
    let shown = wall.shown();
    assert_eq!(shown[0].acknowledged_by.as_deref(), Some("Insp. Khan"));
    assert_eq!(wall.tick(), 0, "acknowledged: no alarm on the wall");
    let events = wall.feed.take_alert_events();
    let note = events.iter().find_map(|event| match event {
        forceboard::app::alerts::AlertEvent::Acknowledged(alert) => {
            alert.acknowledged.as_ref().and_then(|ack| ack.note.clone())
        }
        _ => None,
    });
    assert_eq!(note.as_deref(), Some("unit 7 on scene"));

    // Started after: it learns the acknowledgement before its first reading, and raises
    // the alert already acknowledged — no bell.
    let mut late = NatsBoard::start(&url, "Sgt. Ellis");
    let (acked, backlog) = (Cell::new(false), Cell::new(false));
    late.until("the acknowledgement and the backlog", |item| {
        acked.set(acked.get() || matches!(item, FeedItem::SharedAck(_)));
        backlog.set(backlog.get() || matches!(item, FeedItem::WrittenAt(_)));
        acked.get() && backlog.get()
    })
    .await;
    assert_eq!(late.tick(), 0);
    assert_eq!(
        late.shown()[0].acknowledged_by.as_deref(),
        Some("Insp. Khan")
    );
}

/// A board started after the others have waited out an alert's hold raises it at once:
/// three 999 calls waiting, held five minutes on the wall (the config's), then a board
/// started afterwards shows it on its first reading.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_board_started_later_shows_at_once_an_alert_the_others_held_and_raised() {
    let dir = TempDir::new("shared-raise");
    let server = NatsServer::start(&dir.0);
    let url = server.url();
    let now = wall_now();
    let offered = format_utc(now - Span::from_secs(10));
    let mut lines: Vec<String> = ["C1", "C2", "C3"]
        .iter()
        .map(|id| format!(r#"{{"kind":"call_offered","at":"{offered}","id":"{id}","line":"999"}}"#))
        .collect();
    lines.push(format!(
        r#"{{"kind":"heartbeat","at":"{}"}}"#,
        format_utc(now)
    ));
    publish_lines(&url, &dir, "feed.ndjson", &lines).await;
    let config = || {
        Config::parse(
            "[alerts.999_waiting]\nhold = \"5m\"\n[alerts.999_longest_wait]\noff = true\n\
             [alerts.feed_not_live]\noff = true",
        )
        .expect("a valid config")
    };

    let mut wall = NatsBoard::start_with(&url, "the wall", config());
    wall.until("the backlog", |item| matches!(item, FeedItem::WrittenAt(_)))
        .await;
    assert_eq!(wall.tick_at(now), 0, "held from now");
    assert_eq!(
        wall.tick_at(now + Span::from_mins(5)),
        1,
        "held five minutes: raised"
    );
    assert_eq!(wall.shown()[0].text, "999 calls waiting 3 (over 2)");

    let mut late = NatsBoard::start_with(&url, "Sgt. Ellis", config());
    let (raised, backlog) = (Cell::new(false), Cell::new(false));
    late.until("the raise and the backlog", |item| {
        raised.set(raised.get() || matches!(item, FeedItem::SharedRaise(_)));
        backlog.set(backlog.get() || matches!(item, FeedItem::WrittenAt(_)));
        raised.get() && backlog.get()
    })
    .await;
    assert_eq!(late.tick_at(now), 1, "raised at once, not five minutes on");
    assert_eq!(late.shown()[0].text, "999 calls waiting 3 (over 2)");
}
