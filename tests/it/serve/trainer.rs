//! The trainer runs the room: `serve` of a recorded evening with three boards on it (one
//! joining late), driven by the trainer's commands — pause, seek back 15 minutes, speed
//! ×60, resume, pause again. At each paused step every board's clock reads the
//! recording's own time, the board says PAUSED, and its figures equal `report --at` on
//! the recording at that time (computed here by the report's own reading of the file,
//! independently of anything served).
//!
//! While paused the clock stands still, so the comparison is exact whatever the machine's
//! load. Each wait is for a condition: a board has taken every line of the step (a second
//! heartbeat of the timeline, which comes after the backlog); the bound is a safety net.

use std::collections::HashMap;
use std::future::Future;

use forceboard::app::{App, AppOptions, Msg, Timeline};
use forceboard::config::Config;
use forceboard::engine::Figures;
use forceboard::feed::{FeedItem, SourceState, parse_line};
use forceboard::model::{AnnouncedClock, EventBody};
use forceboard::serve::{RoomStatus, ServeOptions, TrainerCommand};
use forceboard::time::{Span, Timestamp};
use forceboard::ui::LayoutChoice;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

use crate::common::serve::{SAFETY, Server, wall_now};
use crate::common::training;

const RECORDING: &str = include_str!("../../../fixtures/scenarios/friday-surge.ndjson");

async fn within<T>(test: impl Future<Output = T>) -> T {
    tokio::time::timeout(SAFETY, test)
        .await
        .expect("finished within the safety net")
}

/// The figures `report --at at --window 1h` prints for the whole force.
fn report_at(config: &Config, at: Timestamp) -> Figures {
    training::report_at(RECORDING, config, at)
}

/// A board in the room: `watch --feed tcp://…` as the app runs it, fed the lines its
/// connection delivers, at the wall time they are taken.
struct RoomBoard {
    name: &'static str,
    config: Config,
    feed: Timeline,
    app: App,
    lines: mpsc::UnboundedReceiver<String>,
    next_line: u64,
    /// Heartbeats taken per epoch of the served timeline.
    beats: HashMap<u64, u32>,
}

impl RoomBoard {
    async fn connect(name: &'static str, server: &Server) -> RoomBoard {
        let stream = TcpStream::connect(server.addr).await.expect("connects");
        let (tx, lines) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut reader = BufReader::new(stream).lines();
            while let Ok(Some(line)) = reader.next_line().await {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let config = Config::default();
        let wall = wall_now();
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
        RoomBoard {
            name,
            config,
            feed,
            app,
            lines,
            next_line: 1,
            beats: HashMap::new(),
        }
    }

    fn take(&mut self, text: &str) {
        let wall = wall_now();
        let item = match parse_line(text.as_bytes()) {
            Ok(event) => {
                if let EventBody::Heartbeat {
                    clock: Some(AnnouncedClock { epoch, .. }),
                } = event.body
                {
                    *self.beats.entry(epoch).or_default() += 1;
                }
                FeedItem::Event {
                    line: self.next_line,
                    event,
                }
            }
            Err(reason) => FeedItem::Rejected {
                line: self.next_line,
                reason,
            },
        };
        self.next_line += 1;
        self.app.handle(Msg::Feed(item), &mut self.feed, wall);
    }

    /// Takes lines until the board has every line of `status`'s timeline up to its
    /// pause: two heartbeats of its epoch (the first before the backlog, the next after)
    /// and a clock standing at the paused time.
    async fn catch_up(&mut self, status: &RoomStatus) {
        let paused_at = status.position(wall_now());
        loop {
            let wall = wall_now();
            let beats = self.beats.get(&status.epoch).copied().unwrap_or(0);
            if beats >= 2 && self.feed.now(wall) == paused_at {
                return;
            }
            let line = self.lines.recv().await.expect("the server is serving");
            self.take(&line);
        }
    }

    /// Takes lines until `events` events (not heartbeats) have come: the room is playing.
    async fn take_events(&mut self, events: usize) {
        let mut taken = 0;
        while taken < events {
            let line = self.lines.recv().await.expect("the server is serving");
            if !line.contains(r#""kind":"heartbeat""#) {
                taken += 1;
            }
            self.take(&line);
        }
    }

    /// Checks what the board shows against `report --at` at the paused time; returns its
    /// events per minute, which every board of the room must agree on.
    fn shows_the_recording_at(&mut self, expected: &Figures, paused_at: Timestamp) -> f64 {
        let wall = wall_now();
        self.app.handle(Msg::Tick, &mut self.feed, wall);
        let board = self.app.board(&self.feed, &self.config, wall);
        assert_eq!(board.window.label, "1h", "{}", self.name);
        training::shows_paused_recording(self.name, (&board, self.app.view()), expected, paused_at);
        board.feed.events_per_min
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_board_follows_the_trainer_and_shows_the_recording_as_report_at_does() {
    // Three boards live across the awaits: the future is boxed rather than on the stack.
    within(Box::pin(async {
        let options = ServeOptions {
            speed: 20.0,
            ..ServeOptions::default()
        };
        let (server, trainer) = Server::with_trainer(RECORDING, options).await;
        let config = Config::default();
        let mut one = RoomBoard::connect("board one", &server).await;
        let mut two = RoomBoard::connect("board two", &server).await;

        // Go to 21:40 (20:40Z) and pause there: the surge is under way.
        let at = forceboard::time::parse_rfc3339("2024-07-05T20:40:00Z").expect("time");
        trainer
            .apply(TrainerCommand::GoTo(at))
            .await
            .expect("serving");
        let paused = trainer.apply(TrainerCommand::Pause).await.expect("serving");
        assert!(paused.is_paused());
        let first_stop = paused.position(wall_now());
        // Paused moments after 21:40: what the clock had reached by then.
        assert!(first_stop >= at && first_stop < at + Span::from_mins(10));
        let expected = report_at(&config, first_stop);
        assert!(expected.calls.line_999.offered > 0, "a busy hour");
        let mut rates = Vec::new();
        for board in [&mut one, &mut two] {
            board.catch_up(&paused).await;
            rates.push(board.shows_the_recording_at(&expected, first_stop));
        }
        // Events a minute in the recording's time: the same on both boards, and busy.
        assert_eq!(rates[0], rates[1]);
        assert!(rates[0] > 0.0);

        // Back 15 minutes: every board rebuilds at the new time.
        let back = trainer
            .apply(TrainerCommand::Skip(Span::from_mins(-15)))
            .await
            .expect("serving");
        let second_stop = back.position(wall_now());
        assert_eq!(second_stop, first_stop - Span::from_mins(15));
        assert!(back.epoch > paused.epoch);
        let expected = report_at(&config, second_stop);
        let mut rates = Vec::new();
        for board in [&mut one, &mut two] {
            board.catch_up(&back).await;
            rates.push(board.shows_the_recording_at(&expected, second_stop));
        }
        // A late joiner gets the same board, its backlog not counted as a burst.
        let mut three = RoomBoard::connect("board three (late)", &server).await;
        three.catch_up(&back).await;
        rates.push(three.shows_the_recording_at(&expected, second_stop));
        assert!(rates.iter().all(|rate| *rate == rates[0]), "{rates:?}");

        // ×60 while paused, resume, and pause again a little later.
        let faster = trainer
            .apply(TrainerCommand::Speed(60.0))
            .await
            .expect("serving");
        assert_eq!(faster.speed(), 60.0);
        assert!(faster.is_paused());
        trainer
            .apply(TrainerCommand::Resume)
            .await
            .expect("serving");
        // Playing: the recording goes on for a few dozen events before the next pause.
        one.take_events(30).await;
        let again = trainer.apply(TrainerCommand::Pause).await.expect("serving");
        let third_stop = again.position(wall_now());
        assert!(third_stop > second_stop);
        let expected = report_at(&config, third_stop);
        let mut rates = Vec::new();
        for board in [&mut one, &mut two, &mut three] {
            board.catch_up(&again).await;
            rates.push(board.shows_the_recording_at(&expected, third_stop));
        }
        assert!(rates.iter().all(|rate| *rate == rates[0]), "{rates:?}");
        let stats = server.stop().await;
        assert_eq!(stats.clients, 3);
        assert_eq!(stats.dropped_slow + stats.dropped_stalled, 0);
    }))
    .await;
}
