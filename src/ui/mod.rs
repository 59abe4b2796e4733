//! The dashboard's pure half: every key in one table ([`keymap`]), view state ([`view`]),
//! the data of a frame ([`board`], [`status`]), and drawing it ([`draw`](mod@draw) picks the layout;
//! [`regions`] are the parts of a screen, drawn with [`widgets`]). Nothing here does I/O
//! or reads the clock.

// A screen's geometry is u16 (ratatui's): rows, columns and widths counted in usize are
// cast into it, bounded by the screen they are drawn on.
#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap
)]

pub(crate) mod board;
pub mod draw;
pub mod keymap;
pub mod regions;
pub(crate) mod status;
pub(crate) mod view;
pub mod widgets;

pub use board::{AlertLine, AreaRow, Board, Trends};
pub use draw::draw;
pub use keymap::{KeyAction, ReplayCommand};
pub use status::{AsOf, FeedState, FeedStatus, Mode, RecordingStatus, SourceLabel};
pub use view::{Action, ColorDepth, LayoutChoice, Overlay, Palette, View};
