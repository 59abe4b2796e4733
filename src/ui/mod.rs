//! The dashboard's pure half: view state and keys ([`view`]), the data of a frame
//! ([`board`]), and drawing it ([`render`]). The terminal loop lives elsewhere and calls
//! these; nothing here does I/O or reads the clock.

pub mod board;
pub mod render;
pub mod view;

pub use board::{AreaRow, Board, Trends};
pub use render::draw;
pub use view::{Action, ColorDepth, FeedState, FeedStatus, LayoutChoice, Mode, Overlay, View};
