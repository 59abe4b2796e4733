//! `forceboard serve` as a blocking call: its own runtime, the listening socket, the
//! trainer's console or control socket, and [`serve_with_trainer`] until Ctrl-C, SIGTERM,
//! SIGHUP or the console's `q`.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;

use chrono_tz::Tz;
use tokio::net::TcpListener;
use tracing::{info, warn};

use super::control::ControlSocket;
use super::trainer::{RoomStatus, Trainer};
use super::{ServeOptions, ServeStats, serve_with_trainer};
use crate::ingest::playback::Playback;
use crate::time::WallClock;

/// The trainer's console: shown in the terminal until it quits (the shell provides it).
pub type Console = Box<dyn FnOnce(Trainer) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send>;

/// How the trainer commands the room.
pub struct TrainerControls {
    /// The console in this terminal, if there is one.
    pub console: Option<Console>,
    /// A Unix socket that takes commands too (`--control`).
    pub control: Option<PathBuf>,
    /// The force's zone, in which times are shown and `goto 21:45` is read.
    pub zone: Tz,
}

/// Why [`serve_until_stopped`] could not serve.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot start the server's runtime: {0}")]
    Runtime(io::Error),
    /// Not an address of this machine (`AddrNotAvailable`): a mistake in `--listen`
    /// rather than a failure.
    #[error("{0} is not an address of this machine")]
    NotHere(SocketAddr),
    #[error("cannot listen on {address}: {error}")]
    Listen {
        address: SocketAddr,
        error: io::Error,
    },
    #[error("cannot open the control socket {path}: {error}")]
    Control { path: PathBuf, error: io::Error },
    #[error("{0}")]
    Serve(io::Error),
}

/// Listens on `address`, calls `listening` with the address bound (the port, when
/// `address` asks for any), and plays `playback` to every client until the process is
/// told to stop or the console quits, taking the trainer's commands from `controls`.
pub fn serve_until_stopped(
    address: SocketAddr,
    playback: Playback,
    options: ServeOptions,
    controls: TrainerControls,
    listening: impl FnOnce(SocketAddr),
) -> Result<ServeStats, ServeError> {
    if !playback.rejected.is_empty() {
        warn!(
            lines = playback.rejected.len(),
            "lines of the feed file were rejected and are not served (see forceboard check)"
        );
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    runtime.block_on(async {
        let listener = TcpListener::bind(address).await.map_err(|error| {
            if error.kind() == io::ErrorKind::AddrNotAvailable {
                ServeError::NotHere(address)
            } else {
                ServeError::Listen { address, error }
            }
        })?;
        let control = match &controls.control {
            Some(path) => {
                Some(
                    ControlSocket::bind(path)
                        .await
                        .map_err(|error| ServeError::Control {
                            path: path.clone(),
                            error,
                        })?,
                )
            }
            None => None,
        };
        let stop_signal = stop_signal();
        listening(listener.local_addr().unwrap_or(address));
        let (trainer, desk) = Trainer::new();
        if let Some(control) = control {
            tokio::spawn(control.run(trainer.clone(), controls.zone));
        }
        let stop: Pin<Box<dyn Future<Output = ()> + Send>> = match controls.console {
            Some(console) => {
                let console = console(trainer.clone());
                Box::pin(async move {
                    tokio::select! {
                        () = console => {}
                        () = stop_signal => {}
                    }
                })
            }
            None => {
                tokio::spawn(print_mapping(trainer.clone(), controls.zone));
                Box::pin(stop_signal)
            }
        };
        serve_with_trainer(listener, playback, options, desk, stop)
            .await
            .map_err(ServeError::Serve)
    })
}

/// Without a console: prints the mapping from recording to now when serving starts and
/// whenever the trainer changes it (`recording 21:30:00 Fri 5 Jul 2024 = now, ×20 …`).
async fn print_mapping(mut trainer: Trainer, zone: Tz) {
    let wall = WallClock::new();
    let mut printed: Option<(u64, bool, u64)> = None;
    loop {
        if let Some(status) = trainer.status() {
            let key = mapping_key(&status);
            if printed != Some(key) {
                printed = Some(key);
                let mapping = status.describe(zone, wall.now());
                eprintln!("{mapping}");
                info!(%mapping, "the served clock");
            }
        }
        if !trainer.changed().await {
            return;
        }
    }
}

/// What changes the mapping: the timeline, pause, speed (not the boards connected).
fn mapping_key(status: &RoomStatus) -> (u64, bool, u64) {
    (status.epoch, status.is_paused(), status.speed().to_bits())
}

/// Ctrl-C, SIGTERM or SIGHUP.
fn stop_signal() -> impl Future<Output = ()> + Send {
    // Registered now, not when first awaited: a signal that comes the moment after the
    // server says where it listens must stop it cleanly (the control socket removed), not
    // end it by the signal's default action.
    use tokio::signal::unix::{SignalKind, signal};
    let term = signal(SignalKind::terminate()).ok();
    let hup = signal(SignalKind::hangup()).ok();
    let interrupt = signal(SignalKind::interrupt()).ok();
    async move {
        let next = |signal: Option<tokio::signal::unix::Signal>| async move {
            match signal {
                Some(mut signal) => {
                    signal.recv().await;
                }
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = next(interrupt) => {}
            () = next(term) => {}
            () = next(hup) => {}
        }
    }
}
