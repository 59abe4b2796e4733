//! The cost of one dashboard frame, as `forceboard` with no arguments draws it: the built-in
//! demo day loaded into a [`Replay`] at 17:00 (as `Timeline::demo` starts it), the
//! starting view (`1h` window, whole force, automatic layout, true colour), drawn on
//! ratatui's `TestBackend` at 200×60 (the standard layout) and 80×24 (the compact one).
//!
//! - `build`: [`Board::build`] alone (the figures, 23 more for the trends, the lists):
//!   `build/demo_17h` on the demo (with its call handlers, schema v1.1: the board computes
//!   each line's handlers and forecast too), `build/demo_17h_v1` on the demo's v1 lines
//!   alone (no handlers to compute), and
//!   `build/open_1m` on a stuck feed — 1,000,000 calls
//!   offered over the last 25 minutes and 100,000 incidents created over the last 2 hours,
//!   none closed, across the seven areas, both lines and all grades — just after its last
//!   event;
//! - `draw`: `Terminal::draw` with [`draw`] given a built board: rendering into the buffer,
//!   the diff against the previous frame, and writing the changed cells to the backend;
//! - `frame`: both, which is what the terminal loop does once a second.
//!
//! Successive iterations alternate between `now` and one second later, so that each draw
//! differs from the previous one the way a real frame does (the clock, ages, waits) and the
//! diff is not empty.
//!
//! `cargo bench --bench frame`. Times are the benchmark thread's CPU time (see
//! `benches/cpu_time`), not wall time.

// A bench or example stops at the first thing that goes wrong: unwrap and expect say where.
// Its data is small and made here, so its indices and counts are cast without checks. It
// exports nothing: `pub` says what its modules share.
#![allow(
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap
)]

mod cpu_time;

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use forceboard::config::Config;
use forceboard::engine::Engine;
use forceboard::ingest::playback::Playback;
use forceboard::ingest::replay::{Replay, ReplayOptions};
use forceboard::model::{CallLine, Event, EventBody, Grade};
use forceboard::time::{Span, Timestamp, parse_rfc3339};
use forceboard::ui::{Board, ColorDepth, FeedState, FeedStatus, Mode, View, draw};

use cpu_time::CpuTime;

/// The terminal sizes measured: the issue's 200×60 and the smallest supported, 80×24.
const SIZES: [(u16, u16); 2] = [(200, 60), (80, 24)];

/// The demo as the dashboard starts it, frozen at 17:00 of the demo day.
struct Demo {
    config: Config,
    view: View,
    replay: Replay,
    /// 17:00 of the demo day.
    now: Timestamp,
}

impl Demo {
    fn new() -> Demo {
        Demo::of(forceboard::DEMO_DAY)
    }

    /// The demo day's schema v1 lines alone: no `call_ended`, no `staffing`.
    fn v1_only() -> Demo {
        let v1: Vec<&str> = forceboard::DEMO_DAY
            .lines()
            .filter(|line| {
                !line.contains(r#""kind":"call_ended""#) && !line.contains(r#""kind":"staffing""#)
            })
            .collect();
        Demo::of(&(v1.join("\n") + "\n"))
    }

    fn of(feed: &str) -> Demo {
        let config = Config::default();
        let playback = Playback::read(feed.as_bytes()).expect("the demo day");
        let first = playback.first_at().expect("the demo day has events");
        let start = first + Span::from_hours(17);
        // The wall clock is at the epoch and stays there: the virtual clock stands at
        // `start`.
        let replay = Replay::new(
            playback,
            config.engine_settings(None),
            ReplayOptions {
                from: Some(start),
                looping: true,
                ..ReplayOptions::default()
            },
            Timestamp::UNIX_EPOCH,
        );
        assert_eq!(replay.now(Timestamp::UNIX_EPOCH), start);
        let view = View::for_config(&config, ColorDepth::TrueColor);
        Demo {
            config,
            view,
            replay,
            now: start,
        }
    }

    /// What the loop passes for the demo: live, with the age of the last event.
    fn status(&self, now: Timestamp) -> FeedStatus {
        FeedStatus {
            state: FeedState::Live,
            events_per_min: 6.0,
            last_event_age_s: self
                .replay
                .last_event_at()
                .map(|at| (now - at).max(Span::ZERO).whole_secs() as u64),
            ..FeedStatus::default()
        }
    }

    fn board(&self, now: Timestamp) -> Board {
        Board::build(
            self.replay.engine(),
            &self.config,
            &self.view,
            now,
            Mode::Demo,
            self.status(now),
        )
    }

    /// `now` on even frames, a second later on odd ones.
    fn at(&self, frame: u64) -> Timestamp {
        self.now + Span::SECOND * (frame % 2) as i64
    }
}

/// A stuck upstream: calls and incidents opened and never closed.
struct Stuck {
    config: Config,
    view: View,
    engine: Engine,
    /// A second after the last event.
    now: Timestamp,
}

impl Stuck {
    const CALLS: i64 = 1_000_000;
    const INCIDENTS: i64 = 100_000;

    fn new() -> Stuck {
        let config = Config::default();
        let end = parse_rfc3339("2024-07-01T17:00:00Z").expect("a valid time");
        let areas = &config.engine_settings(None).areas;
        let area = |i: i64| Some(areas[i as usize % areas.len()].as_str().into());
        let mut events = Vec::new();
        let call_span = Span::from_mins(25);
        for i in 0..Self::CALLS {
            events.push(Event {
                at: end - call_span + call_span * i / Self::CALLS,
                body: EventBody::CallOffered {
                    id: format!("C{i:07}").into(),
                    line: CallLine::ALL[i as usize % 2],
                    lpa: area(i / 2),
                },
            });
        }
        let incident_span = Span::from_hours(2);
        for i in 0..Self::INCIDENTS {
            events.push(Event {
                at: end - incident_span + incident_span * i / Self::INCIDENTS,
                body: EventBody::IncidentCreated {
                    id: format!("I{i:06}").into(),
                    grade: Grade::ALL[i as usize % 3],
                    lpa: area(i / 3),
                },
            });
        }
        events.sort_by_key(|event| event.at);
        let mut engine = Engine::new(config.engine_settings(None));
        for event in events {
            engine.ingest(event).expect("every opening is accepted");
        }
        let now = engine.latest().expect("events") + Span::SECOND;
        let view = View::for_config(&config, ColorDepth::TrueColor);
        Stuck {
            config,
            view,
            engine,
            now,
        }
    }

    fn board(&self, now: Timestamp) -> Board {
        let feed = FeedStatus {
            state: FeedState::Live,
            ..FeedStatus::default()
        };
        Board::build(
            &self.engine,
            &self.config,
            &self.view,
            now,
            Mode::Live,
            feed,
        )
    }
}

fn terminal(width: u16, height: u16) -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(width, height)).expect("a test terminal")
}

fn label(width: u16, height: u16) -> String {
    format!("{width}x{height}")
}

fn build(c: &mut Criterion<CpuTime>) {
    let demo = Demo::new();
    let mut group = c.benchmark_group("build");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(5));
    // The board does not depend on the terminal's size: one benchmark covers both.
    let board = demo.board(demo.now);
    assert!(board.staffing.line_999.reported && board.staffing.line_999.needed.is_some());
    group.bench_function("demo_17h", |b| {
        let mut frame = 0u64;
        b.iter(|| {
            frame += 1;
            demo.board(black_box(demo.at(frame)))
        });
    });
    let v1 = Demo::v1_only();
    let board = v1.board(v1.now);
    assert!(!board.staffing.line_999.reported);
    group.bench_function("demo_17h_v1", |b| {
        let mut frame = 0u64;
        b.iter(|| {
            frame += 1;
            v1.board(black_box(v1.at(frame)))
        });
    });
    let stuck = Stuck::new();
    let board = stuck.board(stuck.now);
    assert_eq!(board.waiting_total, Stuck::CALLS as usize);
    assert_eq!(
        board.open_total, 66_667,
        "emergency and priority: two in three"
    );
    group.bench_function("open_1m", |b| {
        let mut frame = 0u64;
        b.iter(|| {
            frame += 1;
            let now = stuck.now + Span::SECOND * (frame % 2) as i64;
            stuck.board(black_box(now))
        });
    });
    group.finish();
}

fn drawing(c: &mut Criterion<CpuTime>) {
    let demo = Demo::new();
    let boards = [demo.board(demo.at(0)), demo.board(demo.at(1))];
    let mut group = c.benchmark_group("draw");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(5));
    for (width, height) in SIZES {
        let mut term = terminal(width, height);
        term.draw(|f| draw(f, &boards[0], &demo.view))
            .expect("drawing on TestBackend");
        let shown = term.backend().to_string();
        assert!(shown.contains("DEMO DATA"), "the demo banner is drawn");
        group.bench_function(BenchmarkId::from_parameter(label(width, height)), |b| {
            let mut frame = 0u64;
            b.iter(|| {
                frame += 1;
                let board = &boards[(frame % 2) as usize];
                term.draw(|f| draw(f, black_box(board), &demo.view))
                    .expect("drawing on TestBackend")
                    .area
            });
        });
    }
    group.finish();
}

fn whole_frame(c: &mut Criterion<CpuTime>) {
    let demo = Demo::new();
    let mut group = c.benchmark_group("frame");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(5));
    for (width, height) in SIZES {
        let mut term = terminal(width, height);
        group.bench_function(BenchmarkId::from_parameter(label(width, height)), |b| {
            let mut frame = 0u64;
            b.iter(|| {
                frame += 1;
                let board = demo.board(black_box(demo.at(frame)));
                term.draw(|f| draw(f, &board, &demo.view))
                    .expect("drawing on TestBackend")
                    .area
            });
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(CpuTime);
    targets = build, drawing, whole_frame
}
criterion_main!(benches);
