//! forceboard against real external programs: the OpenSSH client against `forceboard
//! ssh`, a real nats-server under `publish` and `watch --feed nats://`, and Chromium
//! opening, printing and photographing the handover page. All come from Debian's
//! packages; `.ci/run` installs them when missing.

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

mod chromium;
mod nats;
mod ssh;
