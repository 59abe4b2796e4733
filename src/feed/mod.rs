//! The feed: schema v1 parsing, line splitting, the schema's wire form, and the live
//! sources (stdin, file, TCP, HTTP).

pub mod lines;
pub mod parse;
pub mod source;
pub mod wire;

pub use parse::parse_line;
pub use source::{DownCause, FeedItem, FeedSource, SourceState};
