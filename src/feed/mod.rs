//! The feed: schema v1 parsing, line splitting, and applying a file in time order.

pub mod event;
pub mod lines;
pub mod ordered;
pub mod playback;

pub use event::{Event, EventBody, Reject, parse_line};
pub use ordered::{FeedCounts, OrderedIngest, ingest_reader};
