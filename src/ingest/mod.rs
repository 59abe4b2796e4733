//! Putting a feed's events into an engine in the right order: a file by time within the
//! reorder horizon (`ordered`), a recording on a virtual clock (`playback`), and replay
//! with checkpoints for seeking (`replay`).

pub mod ordered;
pub mod playback;
pub mod replay;

pub use ordered::{FeedCounts, OrderedIngest, ingest_reader};
