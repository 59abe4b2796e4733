//! forceboard: a terminal dashboard of a police control room's call queues and
//! attendance times against their targets.
//!
//! The library holds everything but the terminal loop: the feed parser, the pure engine,
//! the configuration, `report`, and the synthetic feed generator.

pub mod config;
pub mod engine;
pub mod feed;
pub mod report;
pub mod time;
pub mod ui;
