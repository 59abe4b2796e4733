//! The parts of a screen, one file each: the header and banners, the headline tiles,
//! the wall, the breach watch, the area table, the footer, the overlays, and the micro
//! and one-line layouts of small screens. Each draws one part of a [`Board`](super::Board)
//! with the [`widgets`](super::widgets), into the `Rect` and `Buffer` it is given (the
//! footer and the overlays still take the `Frame`).

pub mod areas;
pub mod breach;
pub mod footer;
mod handlers;
pub mod header;
pub mod headline;
pub mod masthead;
pub mod micro;
pub mod notlive;
pub mod overlays;
pub mod summary;
pub mod tiles;
pub mod wall;
