//! One board: see `App`.
