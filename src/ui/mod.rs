//! The dashboard's pure half: view state and keys ([`view`]), the data of a frame
//! ([`board`], [`status`]), and drawing it ([`render`]). Nothing here does I/O or reads
//! the clock.

pub mod board;
pub mod render;
pub mod status;
pub mod view;

pub use board::{AreaRow, Board, Trends};
pub use render::draw;
pub use status::{FeedState, FeedStatus, Mode, RecordingStatus};
pub use view::{Action, ColorDepth, LayoutChoice, Overlay, View};
