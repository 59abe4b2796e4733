//! The real binary end to end: its command line, exit codes and output, and the board
//! in a pseudo-terminal read back through a vt100 parser, as a person would see it.

// Tests fail by panicking: an unwrap or expect is how a test says what it expected. Test
// data is small and made here, so its indices and counts are cast without checks. A test
// crate exports nothing: `pub` says what its modules share.
#![allow(
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap
)]

// The helpers the three test binaries share (servers on free ports, a pty, feeds).
#[path = "../common/mod.rs"]
mod common;

mod alerts;
mod ascii;
mod board;
mod cli;
mod failing_links;
mod maps;
mod themes;
mod tls;
mod trainer;
