//! What the fuzz targets share: the line splitter driven in chunks with a naive reference
//! to hold it to, the checks every classified line must pass, a generator of mostly-valid
//! feeds, and the checks every figure must pass.

pub mod feed;
pub mod figure_checks;
pub mod line_checks;
pub mod split;
