//! How a board on this terminal ends, and the signals that end it: each one's default
//! action would leave the terminal raw and on the alternate screen, so the shells watch
//! them and end the board the same way as `q`.

use anyhow::Context;
use tokio::signal::unix::{Signal, SignalKind, signal};

/// How the board ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// `q`, Esc, or the terminal gone.
    Quit,
    /// Ended by this signal, or by Ctrl-C (the key of SIGINT while the terminal is raw).
    Signal(EndSignal),
}

/// The signals that end the board, by their numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndSignal {
    Hangup = 1,
    Interrupt = 2,
    Quit = 3,
    Terminate = 15,
}

impl Ending {
    /// 0 for a quit; 128 + the signal's number for a signal, as shells report a process
    /// that a signal ended (SIGINT 130, SIGQUIT 131, SIGTERM 143, SIGHUP 129).
    pub fn exit_status(self) -> u8 {
        match self {
            Ending::Quit => 0,
            Ending::Signal(signal) => 128 + signal as u8,
        }
    }
}

/// The signals that end the board. Each one's default action would leave the terminal
/// raw and on the alternate screen (SIGQUIT's with a core dump too).
pub(super) struct Signals {
    terminate: Signal,
    hangup: Signal,
    interrupt: Signal,
    quit: Signal,
}

impl Signals {
    pub(super) fn watch() -> anyhow::Result<Signals> {
        Ok(Signals {
            terminate: signal(SignalKind::terminate()).context("cannot watch SIGTERM")?,
            hangup: signal(SignalKind::hangup()).context("cannot watch SIGHUP")?,
            interrupt: signal(SignalKind::interrupt()).context("cannot watch SIGINT")?,
            quit: signal(SignalKind::quit()).context("cannot watch SIGQUIT")?,
        })
    }

    pub(super) async fn any(&mut self) -> EndSignal {
        tokio::select! {
            _ = self.terminate.recv() => EndSignal::Terminate,
            _ = self.hangup.recv() => EndSignal::Hangup,
            _ = self.interrupt.recv() => EndSignal::Interrupt,
            _ = self.quit.recv() => EndSignal::Quit,
        }
    }
}
