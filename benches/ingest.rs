//! Ingest throughput: the parser alone, `serde_json`'s `Value` over the same lines (the
//! baseline the performance requirement names), the whole ordered ingest `report` does,
//! and one figures computation at the end of the day.
//!
//! `cargo bench --bench ingest`; the feed is one generated day (seed 7), built in memory.
//!
//! Times are the benchmark thread's CPU time, not wall time: on a machine shared with other
//! builds, time spent preempted is not ours (see [`CpuTime`]).

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

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

use forceboard::config::{Config, Window};
use forceboard::engine::Engine;
use forceboard::feed::parse_line;
use forceboard::generate::{GenOptions, generate};
use forceboard::ingest::ingest_reader;
use forceboard::time::Timestamp;

use cpu_time::CpuTime;

/// One generated day and its lines (without their newlines).
struct Day {
    bytes: Vec<u8>,
    lines: Vec<(usize, usize)>,
}

impl Day {
    fn new() -> Self {
        let mut bytes = Vec::new();
        // Schema v1: the bench's figures stay comparable with those measured before v1.1.
        let options = GenOptions {
            seed: 7,
            handlers: false,
            ..GenOptions::default()
        };
        let summary = generate(&options, &mut bytes).expect("generating into memory");
        let mut lines = Vec::with_capacity(summary.lines as usize);
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', &bytes) {
            lines.push((start, end));
            start = end + 1;
        }
        assert_eq!(lines.len() as u64, summary.lines);
        Day { bytes, lines }
    }

    fn lines(&self) -> impl Iterator<Item = &[u8]> {
        self.lines
            .iter()
            .map(|&(start, end)| &self.bytes[start..end])
    }

    fn count(&self) -> u64 {
        self.lines.len() as u64
    }
}

/// What `report` builds before it reads the file: default configuration, 1 h window.
fn report_engine(config: &Config) -> Engine {
    let window = Window::parse("1h").expect("1h is a window");
    Engine::new(config.engine_settings(Some(window.span)))
}

fn ingest_day(day: &Day, config: &Config) -> (Engine, Option<Timestamp>) {
    let (engine, counts) = ingest_reader(
        &day.bytes[..],
        report_engine(config),
        config.reorder_horizon,
        None,
        &mut |_, _| {},
    )
    .expect("in-memory read");
    (engine, counts.latest_accepted)
}

fn parsing(c: &mut Criterion<CpuTime>) {
    let day = Day::new();
    let mut group = c.benchmark_group("parse");
    group
        .throughput(Throughput::Elements(day.count()))
        .sample_size(20)
        .measurement_time(Duration::from_secs(8));
    group.bench_function("parse_line", |b| {
        b.iter(|| {
            let mut accepted = 0u64;
            for line in day.lines() {
                accepted += u64::from(parse_line(black_box(line)).is_ok());
            }
            assert_eq!(accepted, day.count());
            accepted
        });
    });
    group.bench_function("serde_json_value", |b| {
        b.iter(|| {
            let mut parsed = 0u64;
            for line in day.lines() {
                parsed +=
                    u64::from(serde_json::from_slice::<serde_json::Value>(black_box(line)).is_ok());
            }
            assert_eq!(parsed, day.count());
            parsed
        });
    });
    group.finish();
}

fn ingesting(c: &mut Criterion<CpuTime>) {
    let day = Day::new();
    let config = Config::default();
    let mut group = c.benchmark_group("ingest");
    group
        .throughput(Throughput::Elements(day.count()))
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("ingest_reader_day", |b| {
        b.iter(|| ingest_day(black_box(&day), &config));
    });
    group.finish();
}

fn figures(c: &mut Criterion<CpuTime>) {
    let day = Day::new();
    let config = Config::default();
    let (engine, latest) = ingest_day(&day, &config);
    let now = latest.expect("the generated day has events");
    let mut group = c.benchmark_group("scoped_figures");
    group.sample_size(50);
    for label in ["15m", "1h", "24h"] {
        let window = Window::parse(label).expect("a window");
        group.bench_with_input(
            BenchmarkId::from_parameter(label),
            &window.span,
            |b, &span| b.iter(|| engine.scoped_figures(black_box(now), span)),
        );
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(CpuTime);
    targets = parsing, ingesting, figures
}
criterion_main!(benches);
