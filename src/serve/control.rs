//! The trainer's control socket: `serve` run as a service (no terminal for the console)
//! takes the same commands on a Unix socket, one per line, and answers each with one
//! line: `ok recording 21:45:00 Fri 5 Jul 2024 = now, paused …` or `error: …`.
//! `forceboard control SOCKET COMMAND` sends one; any client that writes lines will do.
//!
//! The socket is made readable and writable by its owner only (0600): whoever can reach
//! it commands the room.

use std::io;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tracing::{info, warn};

use super::trainer::{Trainer, TrainerCommand, USAGE};
use crate::time::WallClock;

/// A command line longer than this is refused, and the connection closed.
const MAX_COMMAND_BYTES: u64 = 1024;

/// The bound control socket; its file is removed when this is dropped.
pub(crate) struct ControlSocket {
    listener: UnixListener,
    path: PathBuf,
}

impl ControlSocket {
    /// Binds `path` (owner only). A socket left there by a server that is no longer running
    /// is replaced; one a running server answers on, or anything but a socket, is refused.
    pub(crate) async fn bind(path: &Path) -> io::Result<ControlSocket> {
        if let Ok(existing) = std::fs::symlink_metadata(path) {
            // Only a socket a stopped server left behind is replaced: never a file someone
            // named by mistake (a recording, a config).
            if !existing.file_type().is_socket() {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("{} exists and is not a socket", path.display()),
                ));
            }
            if UnixStream::connect(path).await.is_ok() {
                return Err(io::Error::new(
                    io::ErrorKind::AddrInUse,
                    format!("{} is in use by another running serve", path.display()),
                ));
            }
            std::fs::remove_file(path)?;
        }
        let listener = UnixListener::bind(path)?;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
        Ok(ControlSocket {
            listener,
            path: path.to_path_buf(),
        })
    }

    /// Takes commands from every connection until the server stops.
    pub(crate) async fn run(self, trainer: Trainer, zone: Tz) {
        loop {
            match self.listener.accept().await {
                Ok((stream, _)) => {
                    tokio::spawn(take_commands(stream, trainer.clone(), zone));
                }
                Err(error) => {
                    warn!(%error, "cannot accept on the control socket");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
            }
        }
    }
}

impl Drop for ControlSocket {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Answers each command line of one connection.
async fn take_commands(stream: UnixStream, trainer: Trainer, zone: Tz) -> io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    let wall = WallClock::new();
    loop {
        let mut line = String::new();
        let read = (&mut reader)
            .take(MAX_COMMAND_BYTES)
            .read_line(&mut line)
            .await?;
        if read == 0 {
            return Ok(());
        }
        if !line.ends_with('\n') && read as u64 >= MAX_COMMAND_BYTES {
            writer.write_all(b"error: command too long\n").await?;
            return Ok(());
        }
        let text = line.trim();
        if text.is_empty() {
            continue;
        }
        let Some(status) = trainer.status() else {
            writer
                .write_all(b"error: the server is not serving yet\n")
                .await?;
            continue;
        };
        let answer = if text.eq_ignore_ascii_case("status") {
            format!("ok {}", status.describe(zone, wall.now()))
        } else {
            match TrainerCommand::parse(text, zone, status.position(wall.now())) {
                Ok(command) => match trainer.apply(command).await {
                    Some(after) => {
                        let mapping = after.describe(zone, wall.now());
                        info!(command = text, %mapping, "trainer command from the control socket");
                        format!("ok {mapping}")
                    }
                    None => "error: the server has stopped".to_string(),
                },
                Err(reason) => format!("error: {reason}"),
            }
        };
        writer.write_all(answer.as_bytes()).await?;
        writer.write_all(b"\n").await?;
    }
}

/// Sends one command to the control socket at `path` and returns the answer line.
pub async fn send_command(path: &Path, command: &str) -> io::Result<String> {
    let stream = UnixStream::connect(path).await?;
    let (reader, mut writer) = stream.into_split();
    writer.write_all(command.trim().as_bytes()).await?;
    writer.write_all(b"\n").await?;
    writer.shutdown().await?;
    let mut answer = String::new();
    BufReader::new(reader)
        .take(64 * 1024)
        .read_line(&mut answer)
        .await?;
    if answer.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the server closed the control socket without answering",
        ));
    }
    Ok(answer.trim_end().to_string())
}

/// What the control socket takes, for `--help`.
pub const COMMANDS: &str = USAGE;
