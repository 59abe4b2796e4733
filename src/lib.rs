//! forceboard: a terminal dashboard of a police control room's call queues and
//! attendance times against their targets.
//!
//! The library holds everything but the terminal loop: the feed parser, the pure engine,
//! the configuration, `report`, `serve`, the synthetic feed generator, the live sources,
//! and the dashboard's pure view state and render functions.

pub mod config;
pub mod engine;
pub mod feed;
pub mod generate;
pub mod replay;
pub mod report;
pub mod serve;
pub mod time;
pub mod ui;

/// The built-in demo day (`forceboard gen --seed 2024`), compiled in so that
/// `forceboard` with no arguments needs no file.
pub const DEMO_DAY: &str = include_str!("../fixtures/demo-day.ndjson");
