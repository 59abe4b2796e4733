//! Putting a feed's events into an engine in the right order: a file by time within the
//! reorder horizon (`ordered`), a recording on a virtual clock (`playback`), and replay
//! with checkpoints for seeking (`replay`).

pub(crate) mod feed_time;
pub mod input;
pub mod live;
pub(crate) mod ordered;
pub(crate) mod parallel;
pub mod playback;
mod positioned;
pub mod replay;

pub use feed_time::Placement;
pub use input::{FeedInput, READ_BUFFER_BYTES};
pub(crate) use ordered::read_whole;
pub use ordered::{FeedCounts, OnLine, OrderedIngest, Stray, ingest_reader, ingest_reader_on};
pub use parallel::{DEFAULT_PARSE_THREADS, PARSE_CHUNK_BYTES_ENV, PARSE_THREADS_ENV, ParsePath};
