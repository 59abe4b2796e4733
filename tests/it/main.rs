//! The library's tests, in one binary: the engine and its figures against hand-worked
//! and independent results, the app driven on `TestBackend` (screens as insta snapshots),
//! sources and `serve` against real loopback sockets, and the house rules (layers, README
//! screens, the docs' key list).

// Tests fail by panicking: an unwrap or expect is how a test says what it expected. Test
// data is small and made here, so its indices and counts are cast without checks. A test
// crate exports nothing: `pub` says what its modules share.
#![allow(
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap
)]

// The helpers the three test binaries share (servers on free ports, a pty, feeds).
#[path = "../common/mod.rs"]
mod common;

mod alerts;
mod app;
mod docs;
mod engine;
mod erlang;
mod figures;
mod forces;
mod fuzz_regressions;
mod generate;
mod handover;
mod handover_charts;
mod handover_key;
mod handover_sums;
mod independent;
mod keys;
mod layers;
mod maps;
mod maps_agents_property;
mod maps_property;
mod paint;
mod parse_paths;
mod property;
mod record;
mod replay;
mod report_schema;
mod scenarios;
mod screens;
mod serve;
mod silent_links;
mod sources;
mod staffing;
mod strays;
mod ui_crowded;
mod ui_robustness;
mod ui_snapshots;
mod ui_staffing;
mod ui_themes;
mod ui_training;
