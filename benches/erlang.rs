//! The cost of the Erlang C model at its largest team, 10,000 handlers:
//!
//! - `erlang_c/10000`: C(10,000, 9,990), the recurrence's full 10,000 steps;
//! - `needed/10000`: the fewest handlers for 47 % within 10 s at 9,990 erlangs
//!   (AHT 180 s), which answers 10,000 (9,999 give 45.9 %): the same 10,000 steps plus
//!   a service level at each of the ten teams above the load.
//!
//! `cargo bench --bench erlang`. Times are the benchmark thread's CPU time (see
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

use criterion::{Criterion, criterion_group, criterion_main};

use forceboard::engine::erlang::{Handlers, OfferedLoad, erlang_c, needed};

use cpu_time::CpuTime;

fn model(c: &mut Criterion<CpuTime>) {
    let load = OfferedLoad::new(9_990.0).expect("a valid load");
    let team = Handlers::new(10_000).expect("within the limit");
    c.bench_function("erlang_c/10000", |b| {
        b.iter(|| erlang_c(black_box(team), black_box(load)));
    });
    c.bench_function("needed/10000", |b| {
        b.iter(|| needed(black_box(load), 180.0, 10.0, black_box(47.0)));
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(CpuTime);
    targets = model
}
criterion_main!(benches);
