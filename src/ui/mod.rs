//! The dashboard's pure half: view state and keys ([`view`]) and the data of a frame
//! ([`board`]). The terminal loop lives elsewhere and calls these; nothing here does I/O
//! or reads the clock.

pub mod board;
pub mod view;

pub use board::{AreaRow, Board, Trends};
pub use view::{Action, ColorDepth, FeedState, FeedStatus, LayoutChoice, Mode, Overlay, View};
