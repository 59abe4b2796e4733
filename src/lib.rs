//! forceboard: a terminal dashboard of a police control room's call queues and
//! attendance times against their targets.
//!
//! The feed contract — the schema of the lines, the rules for each id's life, and every
//! figure's definition — is written out in docs/reference/feed.md and docs/reference/figures.md (summed up in
//! README.md); the code and its comments refer to it as "the feed contract".
//!
//! The library holds everything; the binary (`main.rs`, `cli/`) parses the command line
//! and calls one library function per command.
//!
//! # Module map
//! Events flow source → ingest → engine → figures → app → render. Each module may import
//! only from the modules listed below it (`tests/it/layers.rs` checks this):
//!
//! | module     | owns |
//! |------------|------|
//! | `shell`    | the shells around an app, and all their I/O: the terminal, `TERM=dumb` lines, the SSH server, the trainer's console; terminal capabilities; starting a board's sources; `--record`'s writer |
//! | `app`      | one board's state machine: feed items, keys, ticks and resizes in, a `Board` out; the timeline of events and clock a board reads |
//! | `ui`       | view state and keys, the `Board` (a frame's plain data), the regions of a screen and the widgets they draw with |
//! | `report`   | headless figures: the `report` table and JSON, the handover (HTML + SVG, CSV) |
//! | `check`    | headless validation: a feed's rejected lines and counts (`check`) |
//! | `publish`  | bridges a live source onto a NATS JetStream subject, acked and de-duplicated |
//! | `serve`    | plays a recording to TCP clients on one timeline on the trainer's clock (pause, seek, speed; control socket) |
//! | `ingest`   | time order for files (reorder horizon), live pairing grace, playback, replay checkpoints |
//! | `config`   | the TOML configuration and its defaults |
//! | `engine`   | applies events and computes figures; pure: no I/O, no clock |
//! | `feed`     | parses a line into the model; line splitting; the wire form; live sources |
//! | `format`   | durations, targets, percentages and speeds as people read them; text made safe to show |
//! | `generate` | synthetic feeds (`gen`) |
//! | `model`    | events, call lines, grades, outcomes, reject reasons: the shared types |
//! | `time`     | instants and spans, RFC 3339, every clock: wall, virtual, served, feed |

pub mod app;
pub mod check;
pub mod config;
pub mod engine;
pub mod feed;
pub mod format;
pub mod generate;
pub mod ingest;
pub mod model;
pub mod publish;
pub mod report;
pub mod serve;
pub mod shell;
pub mod time;
pub mod ui;

/// The built-in demo day (`forceboard gen --seed 2024`), compiled in so that
/// `forceboard` with no arguments needs no file.
pub const DEMO_DAY: &str = include_str!("../fixtures/demo-day.ndjson");
