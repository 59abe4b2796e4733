//! The real binary end to end: its command line, exit codes and output, and the board
//! in a pseudo-terminal read back through a vt100 parser, as a person would see it.

// The helpers the three test binaries share (servers on free ports, a pty, feeds).
#[path = "../common/mod.rs"]
mod common;

mod ascii;
mod board;
mod cli;
mod failing_links;
