//! The building blocks every region draws with: cells and styles (`paint`), text that
//! fits (`text`), tables (`grid`), large digits (`bigtext`), the symbols for each
//! terminal (`glyphs`), colours for each status (`theme`) and the small trend charts
//! (`trend`). They know nothing of the board's parts.

pub mod bigtext;
pub mod glyphs;
pub mod grid;
pub mod paint;
pub mod text;
pub mod theme;
pub mod trend;
