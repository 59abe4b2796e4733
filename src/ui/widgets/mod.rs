//! The building blocks every region draws with: cells and styles (`paint`), text that
//! fits (`text`), tables (`grid`), large digits (`bigtext`), the symbols for each
//! terminal (`glyphs`), colours for each status (`theme`) and the small trend charts
//! (`trend`). They know nothing of the board's parts.

pub(crate) mod bigtext;
pub(crate) mod glyphs;
pub mod grid;
pub mod paint;
pub(crate) mod text;
pub mod theme;
pub(crate) mod trend;
