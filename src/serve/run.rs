//! `forceboard serve` as a blocking call: its own runtime, the listening socket, and
//! [`serve`] until Ctrl-C, SIGTERM or SIGHUP.

use std::io;
use std::net::SocketAddr;

use tokio::net::TcpListener;
use tracing::warn;

use super::{ServeOptions, ServeStats, serve};
use crate::ingest::playback::Playback;

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
    #[error("{0}")]
    Serve(io::Error),
}

/// Listens on `address`, calls `listening` with the address bound (the port, when
/// `address` asks for any), and plays `playback` to every client until the process is
/// told to stop.
pub fn serve_until_stopped(
    address: SocketAddr,
    playback: Playback,
    options: ServeOptions,
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
        listening(listener.local_addr().unwrap_or(address));
        serve(listener, playback, options, stop_signal())
            .await
            .map_err(ServeError::Serve)
    })
}

/// Ctrl-C, SIGTERM or SIGHUP.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let (Ok(mut term), Ok(mut hup)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
        ) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
                _ = hup.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
