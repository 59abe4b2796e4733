//! The dashboard's pure half: every key in one table ([`keymap`]), view state ([`view`]),
//! the data of a frame ([`board`], [`status`]), and drawing it ([`draw`] picks the layout;
//! [`regions`] are the parts of a screen, drawn with [`widgets`]). Nothing here does I/O
//! or reads the clock.

pub mod board;
pub mod draw;
pub mod keymap;
pub mod regions;
pub mod status;
pub mod view;
pub mod widgets;

pub use board::{AreaRow, Board, Trends};
pub use draw::draw;
pub use keymap::{KeyAction, ReplayCommand};
pub use status::{FeedState, FeedStatus, Mode, RecordingStatus};
pub use view::{Action, ColorDepth, LayoutChoice, Overlay, View};
