//! The feed: schema v1 parsing, line splitting, applying a file in time order, and the
//! live sources (stdin, file, TCP, HTTP).

pub mod event;
pub mod lines;
pub mod ordered;
pub mod playback;
pub mod source;
pub mod wire;

pub use event::{Event, EventBody, Reject, parse_line};
pub use ordered::{FeedCounts, OrderedIngest, ingest_reader};
pub use source::{FeedItem, FeedSource, SourceState};
