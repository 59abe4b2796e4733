//! `forceboard ssh`: the board as an SSH endpoint. `ssh -p 2222 board@host` shows the
//! dashboard: no shell account, nothing installed on the host, public keys from an
//! allow-list only, and read-only by construction (no shell, exec, subsystem,
//! forwarding or agent — there is nothing behind the board to reach).
//!
//! One feed serves every session: [`hub`] owns the feed and each session's board and
//! terminal; [`handler`] is one connection; [`screen`] draws a session's frames into
//! bytes; [`decode`] reads its keys; [`authorized`] and [`host_key`] are the keys.

pub(crate) mod authorized;
pub(crate) mod decode;
mod gate;
mod handler;
pub(crate) mod host_key;
pub(crate) mod hub;
pub(crate) mod screen;
mod shared;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use russh::MethodKind;
use russh::server::run_stream;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tracing::{info, warn};

use crate::app::{PlaybackError, Timeline};
use crate::config::Config;
use crate::feed::source::FeedItem;
use crate::shell::FeedInput;
use crate::time::{Span, WallClock};
use crate::ui::{LayoutChoice, Palette};

use authorized::AuthorizedKeys;
use gate::{Gate, Ticket};
use handler::Connection;
use host_key::HostKeyError;
use hub::{Hub, HubOptions};
use shared::Shared;

/// The one line a connection past the cap is told before it is closed.
pub(crate) const FULL: &str = "forceboard: the board is full (too many sessions); try again later";
pub use gate::Startups;

#[derive(Debug, Clone)]
pub struct SshOptions {
    pub host_key: PathBuf,
    pub authorized_keys: PathBuf,
    /// Signed-in sessions open at once; past it, a new connection is refused with [`FULL`].
    pub max_connections: usize,
    /// Connections not yet signed in, past which new ones are dropped at random.
    pub max_startups: Startups,
    /// Connections not yet signed in from one address, past which new ones are dropped.
    pub per_source_max_startups: usize,
    /// A connection that has not authenticated within this long of its accept is closed,
    /// whatever stage its handshake is in.
    pub auth_timeout: Duration,
    pub max_auth_attempts: usize,
    /// A session with no key for this long is closed (None: never, for wall screens).
    pub idle_after: Option<Span>,
    pub layout: LayoutChoice,
    /// Every session's colours (`--theme`; `auto` is dark: a session's terminal is not
    /// asked).
    pub palette: Palette,
    pub rotate_every: Option<Span>,
    /// Fingerprints (`SHA256:…`) of the keys whose sessions move a replay's shared clock.
    pub trainer_keys: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SshError {
    #[error(transparent)]
    HostKey(#[from] HostKeyError),
    #[error("cannot read the authorized keys file {path}")]
    AuthorizedKeys {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "the authorized keys file {path}, line {line}: {reason}; remove the option or the line"
    )]
    UnsupportedOption {
        path: String,
        line: usize,
        reason: &'static str,
    },
    #[error("cannot listen on {address}")]
    Listen {
        address: SocketAddr,
        source: std::io::Error,
    },
    #[error(transparent)]
    Timeline(#[from] PlaybackError),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
}

/// Serves the board on `address` until SIGTERM or Ctrl-C; SIGHUP reloads the
/// authorized keys. `announce` is given the lines for stderr (a new host key's
/// fingerprint, the address listened on).
pub fn serve_until_stopped(
    address: SocketAddr,
    config: Config,
    feed: FeedInput,
    options: SshOptions,
    announce: impl Fn(&str),
) -> Result<(), SshError> {
    let host_key = host_key::load_or_create(&options.host_key)?;
    if host_key.created {
        let path = options.host_key.display();
        announce(&format!(
            "created host key {path}: {}",
            host_key.fingerprint()
        ));
    }
    let keys = read_keys(&options)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(SshError::Runtime)?;
    let result = runtime.block_on(async {
        // Watched before the address is announced: a SIGHUP that comes the moment after
        // (a reload, a test) must reload the keys, not end the server by default.
        let stops = StopSignals::watch();
        let listener = TcpListener::bind(address)
            .await
            .map_err(|source| SshError::Listen { address, source })?;
        let (feed, items) = feed.start(&config, WallClock::new().now())?;
        announce(&format!(
            "listening on {}",
            listener.local_addr().unwrap_or(address)
        ));
        let russh_config = Arc::new(russh_config(host_key.key, &options));
        let server = Server {
            listener,
            russh_config,
            options,
        };
        server.run(config, feed, (Some(items), keys), stops).await;
        Ok(())
    });
    runtime.shutdown_timeout(Duration::from_millis(200));
    result
}

fn read_keys(options: &SshOptions) -> Result<AuthorizedKeys, SshError> {
    let keys = AuthorizedKeys::load(&options.authorized_keys).map_err(|source| {
        SshError::AuthorizedKeys {
            path: options.authorized_keys.display().to_string(),
            source,
        }
    })?;
    for &(line, reason) in &keys.skipped {
        if [
            authorized::RESTRICTS_VERIFY,
            authorized::RESTRICTS_PRINCIPALS,
        ]
        .contains(&reason)
        {
            return Err(SshError::UnsupportedOption {
                path: options.authorized_keys.display().to_string(),
                line,
                reason,
            });
        }
        warn!(line, reason, "an authorized_keys line was skipped");
    }
    Ok(keys)
}

fn russh_config(key: russh::keys::PrivateKey, options: &SshOptions) -> russh::server::Config {
    russh::server::Config {
        methods: russh::MethodSet::from(&[MethodKind::PublicKey][..]),
        keys: vec![key],
        max_auth_attempts: options.max_auth_attempts,
        auth_rejection_time: Duration::from_millis(300),
        auth_rejection_time_initial: Some(Duration::ZERO),
        // Wall screens send nothing for hours: no inactivity limit, but keepalives find
        // a client that has gone without a word.
        inactivity_timeout: None,
        keepalive_interval: Some(Duration::from_secs(30)),
        keepalive_max: 3,
        nodelay: true,
        ..Default::default()
    }
}

struct Server {
    listener: TcpListener,
    russh_config: Arc<russh::server::Config>,
    options: SshOptions,
}

impl Server {
    async fn run(
        self,
        config: Config,
        feed: Timeline,
        (items, keys): (Option<mpsc::Receiver<FeedItem>>, AuthorizedKeys),
        stops: StopSignals,
    ) {
        let (hub_tx, hub_rx) = mpsc::channel(1024);
        let (endings_tx, mut endings_rx) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared::new(hub_tx, keys));
        let hub_options = HubOptions {
            layout: self.options.layout,
            palette: self.options.palette,
            rotate_every: self.options.rotate_every,
            idle_after: self.options.idle_after,
            trainers: self.options.trainer_keys.clone(),
        };
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let hub = Hub::new(config, hub_options, feed, endings_tx);
        let hub_task = tokio::spawn(hub.run(hub_rx, items, async {
            let _ = stop_rx.await;
        }));
        let logged = Arc::clone(&shared);
        tokio::spawn(async move {
            while let Some((id, ending)) = endings_rx.recv().await {
                logged.ended(id, ending.reason());
            }
        });
        self.accept_until_stopped(&shared, stops).await;
        let _ = stop_tx.send(());
        let _ = hub_task.await;
        // Let the writers restore the clients' screens.
        tokio::time::sleep(Duration::from_millis(300)).await;
    }

    async fn accept_until_stopped(&self, shared: &Arc<Shared>, stops: StopSignals) {
        let StopSignals {
            mut hangup,
            mut terminate,
        } = stops;
        let gate = Arc::new(Gate::new(
            self.options.max_startups,
            self.options.per_source_max_startups,
        ));
        // SIGHUP, or a change to the keys file, reloads the keys; SIGTERM or Ctrl-C stops
        // the server.
        let mut keys_file = KeysFile::look(&self.options.authorized_keys);
        let mut look_again = tokio::time::interval(KEYS_FILE_POLL);
        look_again.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let accepted = tokio::select! {
                accepted = self.listener.accept() => accepted,
                _ = next_signal(&mut hangup) => {
                    keys_file = KeysFile::look(&self.options.authorized_keys);
                    self.reload(shared);
                    continue;
                }
                _ = look_again.tick() => {
                    let now = KeysFile::look(&self.options.authorized_keys);
                    if now != keys_file {
                        keys_file = now;
                        info!("the authorized keys file changed");
                        self.reload(shared);
                    }
                    continue;
                }
                _ = next_signal(&mut terminate) => return,
                _ = tokio::signal::ctrl_c() => return,
            };
            let Ok((socket, peer)) = accepted else {
                // Out of descriptors and the like: wait a moment rather than spin.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            };
            let ticket = match gate.enter(peer.ip()) {
                Ok(ticket) => Arc::new(ticket),
                Err(dropped) => {
                    // Closed at once, not even told: a flood gets nothing for its bytes.
                    shared.dropped(peer, dropped.reason());
                    continue;
                }
            };
            let sessions = gate.sessions();
            let refused = sessions >= self.options.max_connections;
            if refused {
                shared.full(peer, sessions);
            }
            let connection = Arc::clone(shared);
            let config = Arc::clone(&self.russh_config);
            let auth_timeout = self.options.auth_timeout;
            tokio::spawn(async move {
                connect(
                    config,
                    socket,
                    peer,
                    connection,
                    refused,
                    auth_timeout,
                    ticket,
                )
                .await;
            });
        }
    }

    fn reload(&self, shared: &Shared) {
        match read_keys(&self.options) {
            Ok(keys) => {
                info!(keys = keys.len(), "authorized keys reloaded");
                shared.set_keys(keys);
            }
            Err(error) => warn!(%error, "authorized keys not reloaded; the old list stays"),
        }
    }
}

/// How often the keys file is looked at for a change (an edit, or a new file moved into
/// its place), so an added or removed key takes effect without a SIGHUP.
const KEYS_FILE_POLL: Duration = Duration::from_secs(2);

/// What identifies one version of the keys file: its inode, size and modification time
/// (`None` while it cannot be read: the old list stays until it can).
#[derive(Debug, Clone, PartialEq, Eq)]
struct KeysFile(Option<(u64, u64, Option<std::time::SystemTime>)>);

impl KeysFile {
    fn look(path: &std::path::Path) -> KeysFile {
        use std::os::unix::fs::MetadataExt;
        KeysFile(
            std::fs::metadata(path)
                .ok()
                .map(|meta| (meta.ino(), meta.len(), meta.modified().ok())),
        )
    }
}

/// One connection, from the SSH handshake to its end.
async fn connect(
    config: Arc<russh::server::Config>,
    socket: TcpStream,
    peer: SocketAddr,
    shared: Arc<Shared>,
    refused: bool,
    auth_timeout: Duration,
    ticket: Arc<Ticket>,
) {
    let _ = socket.set_nodelay(true);
    // The time-out counts from the accept, whatever stage the handshake is in (a client
    // that sends only its version line, or never says hello): at it, the socket is shut
    // down under the SSH session, which then ends.
    let deadline = tokio::time::Instant::now() + auth_timeout;
    let Ok((socket, killer)) = with_killer(socket) else {
        return;
    };
    let handler = Connection::new(Arc::clone(&shared), peer, refused, Arc::clone(&ticket));
    let watched = Arc::clone(&ticket);
    let timed_out = async move {
        tokio::time::sleep_until(deadline).await;
        if watched.is_signed_in() {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        () = run(config, socket, handler, refused) => {}
        () = timed_out => {
            shared.timed_out(peer);
            let _ = killer.shutdown(std::net::Shutdown::Both);
        }
    }
}

/// The socket, and a second handle on it that can shut it down whatever the session is
/// doing with it.
fn with_killer(socket: TcpStream) -> std::io::Result<(TcpStream, std::net::TcpStream)> {
    let socket = socket.into_std()?;
    let killer = socket.try_clone()?;
    Ok((TcpStream::from_std(socket)?, killer))
}

async fn run(
    config: Arc<russh::server::Config>,
    socket: TcpStream,
    handler: Connection,
    refused: bool,
) {
    let Ok(session) = run_stream(config, socket, handler).await else {
        return;
    };
    if refused {
        let _ = session
            .handle()
            .disconnect(
                russh::Disconnect::TooManyConnections,
                FULL.into(),
                String::new(),
            )
            .await;
    }
    let _ = session.await;
}

/// A signal's next arrival; never, if it could not be watched.
/// SIGHUP (reload the keys) and SIGTERM (stop), watched from before the server says
/// where it listens.
struct StopSignals {
    hangup: Option<tokio::signal::unix::Signal>,
    terminate: Option<tokio::signal::unix::Signal>,
}

impl StopSignals {
    fn watch() -> StopSignals {
        use tokio::signal::unix::{SignalKind, signal};
        StopSignals {
            hangup: signal(SignalKind::hangup()).ok(),
            terminate: signal(SignalKind::terminate()).ok(),
        }
    }
}

async fn next_signal(signal: &mut Option<tokio::signal::unix::Signal>) {
    match signal {
        Some(signal) => {
            signal.recv().await;
        }
        None => std::future::pending().await,
    }
}
