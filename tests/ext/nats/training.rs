//! A training room over NATS: `serve` of a recorded evening, bridged by `publish` onto its
//! own subject, and boards that read the subject (one joining late, one after a seek).
//! Driven by the trainer — go to 21:40, pause, resume, pause again, back 15 minutes — at
//! each pause every board says TRAINING and PAUSED, its clock reads the recording's own
//! time, and its figures equal `report --at` on the recording at that time.
//!
//! While paused the clock stands still, so the comparison is exact whatever the load.
//! Each wait is for a condition (a board's clock standing at the room's pause, which it
//! reaches only after every line before the pause); the bound is a safety net.

use std::future::Future;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::sync::watch;

use super::{LIMIT, settings};
use crate::common::nats::{NatsServer, TempDir};
use crate::common::serve::{SAFETY, Server, wall_now};
use crate::common::training;
use forceboard::app::{App, AppOptions, Msg, Timeline};
use forceboard::config::Config;
use forceboard::engine::Figures;
use forceboard::feed::source::nats::NatsTarget;
use forceboard::feed::source::{self, FeedItem, FeedSource};
use forceboard::model::EventBody;
use forceboard::publish::{CarrySettings, PublishCounts, PublishError, PublishOptions, publish};
use forceboard::serve::{RoomStatus, ServeOptions, TrainerCommand};
use forceboard::time::{Span, Timestamp};
use forceboard::ui::{LayoutChoice, Mode};

const RECORDING: &str = include_str!("../../../fixtures/scenarios/friday-surge.ndjson");
/// Another room, two days earlier: a major incident.
const MAJOR_INCIDENT: &str = include_str!("../../../fixtures/scenarios/major-incident.ndjson");
/// The training room's own subject, beside the forces' live ones on the same stream.
const TRAINING: &str = "events.training";

async fn within<T>(test: impl Future<Output = T>) -> T {
    tokio::time::timeout(SAFETY * 2, test)
        .await
        .expect("finished within the safety net")
}

fn training_target(url: &str) -> NatsTarget {
    NatsTarget::parse(&format!("{url}/{TRAINING}")).expect("a NATS feed URL")
}

/// The figures `report --at at --window 1h` prints for the whole force.
fn report_at(config: &Config, at: Timestamp) -> Figures {
    report_on(RECORDING, config, at)
}

/// The same on `recording`.
fn report_on(recording: &str, config: &Config, at: Timestamp) -> Figures {
    training::report_at(recording, config, at)
}

/// `forceboard publish --feed tcp://… --subject events.training`, through the library.
fn start_publisher(
    server: &Server,
    url: &str,
) -> (
    watch::Sender<bool>,
    tokio::task::JoinHandle<Result<PublishCounts, PublishError>>,
) {
    let feed = format!("tcp://{}", server.addr);
    let options = PublishOptions {
        source: FeedSource::parse(&feed, false).expect("a TCP feed"),
        target: training_target(url),
        token: None,
        http_token: None,
        stream: settings(1),
        source_options: crate::common::source::fast_with_idle_limit(Duration::from_secs(60)),
        carry: CarrySettings::default(),
    };
    let (stop, stopped) = watch::channel(false);
    (stop, tokio::spawn(publish(options, stopped)))
}

/// A board on the training subject: `watch --feed nats://…/events.training` as the app
/// runs it, fed every item its source delivers at the wall time it is taken.
struct NatsBoard {
    name: &'static str,
    config: Config,
    feed: Timeline,
    app: App,
    /// Each item with the wall time it arrived: a board takes its items as they come,
    /// whatever else the test is waiting for meanwhile.
    items: mpsc::UnboundedReceiver<(Timestamp, FeedItem)>,
}

impl NatsBoard {
    fn start(name: &'static str, url: &str) -> NatsBoard {
        NatsBoard::with_backfill(name, url, Duration::from_secs(24 * 3600 + 120))
    }

    /// A board whose backfill (by publish time) is `replay`.
    fn with_backfill(name: &'static str, url: &str, replay: Duration) -> NatsBoard {
        let (tx, mut arriving) = mpsc::channel(4096);
        let (stamped, items) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Some(item) = arriving.recv().await {
                if stamped.send((wall_now(), item)).is_err() {
                    break;
                }
            }
        });
        let source = FeedSource::Nats {
            target: training_target(url),
            replay,
        };
        source::spawn_with(
            source,
            tx,
            None,
            crate::common::source::fast_with_idle_limit(Duration::from_secs(60)),
        );
        let config = Config::default();
        let wall = wall_now();
        let options = AppOptions {
            layout: LayoutChoice::Standard,
            ..AppOptions::default()
        };
        NatsBoard {
            name,
            feed: Timeline::live(&config, wall),
            app: App::new(&config, options, wall),
            config,
            items,
        }
    }

    /// Takes items until the board's clock stands at the room's pause `status`, then
    /// until two more heartbeats: the clock of a new timeline may be the first of them,
    /// before its backlog, and the next (one a second while paused) comes after it.
    async fn catch_up(&mut self, status: &RoomStatus) {
        let paused_at = status.position(wall_now());
        loop {
            let wall = wall_now();
            let paused = matches!(self.feed.mode(), Mode::Training { paused: true, .. });
            if paused && self.feed.now(wall) == paused_at {
                break;
            }
            self.take().await;
        }
        self.heartbeats(2).await;
    }

    /// Takes items until `count` events have come in a row with no heartbeat.
    async fn events_without_a_heartbeat(&mut self, count: usize) {
        let mut in_a_row = 0;
        while in_a_row < count {
            in_a_row = if self.take().await { 0 } else { in_a_row + 1 };
        }
    }

    /// Takes items until `count` heartbeats have come.
    async fn heartbeats(&mut self, count: usize) {
        let mut taken = 0;
        while taken < count {
            if self.take().await {
                taken += 1;
            }
        }
    }

    /// Takes the next item; `true` if it was a heartbeat.
    async fn take(&mut self) -> bool {
        let (arrived, item) = tokio::time::timeout(LIMIT, self.items.recv())
            .await
            .expect("a feed item in time")
            .expect("the source is running");
        let heartbeat = matches!(
            &item,
            FeedItem::Event { event, .. } if matches!(event.body, EventBody::Heartbeat { .. })
        );
        self.app.handle(Msg::Feed(item), &mut self.feed, arrived);
        heartbeat
    }

    /// Takes items until the board's clock runs past `at`: the room is playing.
    async fn runs_past(&mut self, at: Timestamp) {
        while self.feed.now(wall_now()) <= at
            || matches!(self.feed.mode(), Mode::Training { paused: true, .. })
        {
            self.take().await;
        }
    }

    /// Checks what the board shows against `report --at` at the paused time.
    fn shows_the_recording_at(&mut self, expected: &Figures, paused_at: Timestamp) {
        let wall = wall_now();
        self.app.handle(Msg::Tick, &mut self.feed, wall);
        let board = self.app.board(&self.feed, &self.config, wall);
        training::shows_paused_recording(self.name, (&board, self.app.view()), expected, paused_at);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boards_on_nats_follow_the_trainer_s_clock_and_show_the_recording_as_report_at_does() {
    within(Box::pin(async {
        let dir = TempDir::new("training");
        let nats = NatsServer::start(&dir.0);
        let options = ServeOptions {
            speed: 20.0,
            ..ServeOptions::default()
        };
        let (server, trainer) = Server::with_trainer(RECORDING, options).await;
        let (stop_publisher, publisher) = start_publisher(&server, &nats.url());
        let config = Config::default();
        let mut one = NatsBoard::start("board one", &nats.url());

        // Go to 21:40 (20:40Z) and pause there: the surge is under way.
        let at = forceboard::time::parse_rfc3339("2024-07-05T20:40:00Z").expect("time");
        trainer
            .apply(TrainerCommand::GoTo(at))
            .await
            .expect("serving");
        let paused = trainer.apply(TrainerCommand::Pause).await.expect("serving");
        let first_stop = paused.position(wall_now());
        let expected = report_at(&config, first_stop);
        assert!(expected.calls.line_999.offered > 0, "a busy hour");
        one.catch_up(&paused).await;
        one.shows_the_recording_at(&expected, first_stop);
        // A board started now reads the subject's current timeline, not the day.
        let mut two = NatsBoard::start("board two (late)", &nats.url());
        two.catch_up(&paused).await;
        two.shows_the_recording_at(&expected, first_stop);

        // Resume, let the room play, and pause again: both stand at the same time.
        trainer
            .apply(TrainerCommand::Resume)
            .await
            .expect("serving");
        one.runs_past(first_stop).await;
        let again = trainer.apply(TrainerCommand::Pause).await.expect("serving");
        let second_stop = again.position(wall_now());
        assert!(second_stop > first_stop);
        let expected = report_at(&config, second_stop);
        for board in [&mut one, &mut two] {
            board.catch_up(&again).await;
            board.shows_the_recording_at(&expected, second_stop);
        }

        // Back 15 minutes: a new timeline on the subject. Every board rebuilds, and a
        // board joining after the seek starts from it alone: from its clock heartbeat,
        // whatever its backfill (here a second: the timeline began earlier).
        let back = trainer
            .apply(TrainerCommand::Skip(Span::from_mins(-15)))
            .await
            .expect("serving");
        let third_stop = back.position(wall_now());
        assert_eq!(third_stop, second_stop - Span::from_mins(15));
        let expected = report_at(&config, third_stop);
        for board in [&mut one, &mut two] {
            board.catch_up(&back).await;
            board.shows_the_recording_at(&expected, third_stop);
        }
        // The boards have each taken two heartbeats since: the seek is seconds old.
        let mut three = NatsBoard::with_backfill(
            "board three (after the seek)",
            &nats.url(),
            Duration::from_secs(1),
        );
        three.catch_up(&back).await;
        three.shows_the_recording_at(&expected, third_stop);

        let counts = stop(stop_publisher, publisher).await;
        assert_eq!(counts.rejected, 0);
        assert!(counts.published > 0);
        server.stop().await;
    }))
    .await;
}

/// Stops a publisher and waits for its counts.
async fn stop(
    stop_publisher: watch::Sender<bool>,
    publisher: tokio::task::JoinHandle<Result<PublishCounts, PublishError>>,
) -> PublishCounts {
    stop_publisher.send(true).expect("the publisher is running");
    tokio::time::timeout(LIMIT, publisher)
        .await
        .expect("the publisher stops in time")
        .expect("no panic")
        .expect("published")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_and_publisher_started_again_begin_a_timeline_every_board_rebuilds_from() {
    within(Box::pin(async {
        let dir = TempDir::new("training-again");
        let nats = NatsServer::start(&dir.0);
        let config = Config::default();
        let room = |recording: &'static str, at: &str| {
            let at = forceboard::time::parse_rfc3339(at).expect("time");
            async move {
                let options = ServeOptions {
                    speed: 20.0,
                    ..ServeOptions::default()
                };
                let (server, trainer) = Server::with_trainer(recording, options).await;
                trainer
                    .apply(TrainerCommand::GoTo(at))
                    .await
                    .expect("serving");
                let paused = trainer.apply(TrainerCommand::Pause).await.expect("serving");
                (server, paused)
            }
        };

        let (server, paused) = room(MAJOR_INCIDENT, "2024-07-03T14:30:00Z").await;
        let stop_at = paused.position(wall_now());
        let (stop_first, first) = start_publisher(&server, &nats.url());
        let mut one = NatsBoard::start("board one", &nats.url());
        one.catch_up(&paused).await;
        let major = report_on(MAJOR_INCIDENT, &config, stop_at);
        assert!(major.incidents.emergency.open > 0, "incidents open");
        one.shows_the_recording_at(&major, stop_at);
        stop(stop_first, first).await;
        server.stop().await;

        // Another room on the same epoch, and its publisher: the incidents the board held
        // open from the first must go, not stay beside the new backlog.
        let (server, surge) = room(RECORDING, "2024-07-05T20:40:00Z").await;
        assert_eq!(surge.epoch, paused.epoch);
        let surge_at = surge.position(wall_now());
        let expected = report_at(&config, surge_at);
        let (stop_again, again) = start_publisher(&server, &nats.url());
        one.catch_up(&surge).await;
        one.shows_the_recording_at(&expected, surge_at);
        let mut two = NatsBoard::start("board two (late)", &nats.url());
        two.catch_up(&surge).await;
        two.shows_the_recording_at(&expected, surge_at);

        stop(stop_again, again).await;
        server.stop().await;
    }))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_board_joining_a_fast_room_reads_its_clock_as_it_is_now_and_refuses_nothing() {
    within(Box::pin(async {
        let dir = TempDir::new("training-fast");
        let nats = NatsServer::start(&dir.0);
        // ×240: a second of wall time between two heartbeats is four minutes of the
        // room's, beyond the future skew: a board that took a stored heartbeat's reading
        // as the time now would refuse the lines stored after it as future-dated.
        let options = ServeOptions {
            speed: 240.0,
            ..ServeOptions::default()
        };
        let (server, trainer) = Server::with_trainer(RECORDING, options).await;
        let (stop_publisher, publisher) = start_publisher(&server, &nats.url());
        let at = forceboard::time::parse_rfc3339("2024-07-05T20:00:00Z").expect("time");
        trainer
            .apply(TrainerCommand::GoTo(at))
            .await
            .expect("serving");
        let mut one = NatsBoard::start("board one", &nats.url());
        one.runs_past(at + Span::from_mins(10)).await;
        // Three heartbeats more (three seconds, twelve minutes of the room's): the backlog
        // of the seek is on the stream. Then a dozen events with no heartbeat between
        // (most of a minute of the room's, more on a loaded machine): the stream's latest
        // heartbeat is not the time now.
        one.heartbeats(3).await;
        one.events_without_a_heartbeat(12).await;

        // Joins while the room plays: its backlog in, and two heartbeats after it.
        let mut two = NatsBoard::start("board two (late, playing)", &nats.url());
        two.runs_past(at + Span::from_mins(10)).await;
        two.heartbeats(2).await;
        let wall = wall_now();
        let board = two.app.board(&two.feed, &two.config, wall);
        assert!(
            matches!(board.mode, Mode::Training { paused: false, .. }),
            "{:?}",
            board.mode
        );
        assert_eq!(board.feed.rejected, 0, "nothing refused as future-dated");

        let paused = trainer.apply(TrainerCommand::Pause).await.expect("serving");
        let stop_at = paused.position(wall_now());
        let expected = report_at(&Config::default(), stop_at);
        for board in [&mut one, &mut two] {
            board.catch_up(&paused).await;
            board.shows_the_recording_at(&expected, stop_at);
        }
        stop(stop_publisher, publisher).await;
        server.stop().await;
    }))
    .await;
}
