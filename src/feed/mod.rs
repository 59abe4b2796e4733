//! The feed: parsing a line of schema v1 (and v1.1's call handlers), line splitting, the
//! schema's wire form, and the live sources (stdin, file, TCP, HTTP, NATS JetStream).

pub mod lines;
pub mod map;
pub mod parse;
pub mod source;
pub mod wire;

pub use parse::parse_line;
pub use source::{DownCause, FeedItem, FeedSource, SourceState};
