//! forceboard against real external programs: the OpenSSH client against `forceboard
//! ssh`, and a real nats-server under `publish` and `watch --feed nats://`. Both come from
//! Debian's packages; `.ci/run` installs them when missing.

// The helpers the three test binaries share (servers on free ports, a pty, feeds).
#[path = "../common/mod.rs"]
mod common;

mod nats;
mod ssh;
