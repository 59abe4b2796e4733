//! The parts of a screen, one file each: the header and banners, the headline tiles,
//! the wall, the breach watch, the area table, the footer, the overlays, and the micro
//! and one-line layouts of small screens. Each draws one part of a [`Board`](super::Board)
//! with the [`widgets`](super::widgets), into the `Rect` and `Buffer` it is given (the
//! footer and the overlays still take the `Frame`).

pub(crate) mod alerts;
pub(crate) mod areas;
pub(crate) mod breach;
pub(crate) mod footer;
mod handlers;
pub(crate) mod header;
pub(crate) mod headline;
pub(crate) mod masthead;
pub(crate) mod micro;
pub(crate) mod notlive;
pub(crate) mod overlays;
pub mod summary;
pub(crate) mod tiles;
pub(crate) mod wall;
