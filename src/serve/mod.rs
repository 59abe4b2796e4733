//! `forceboard serve`: plays a recorded feed over TCP, as NDJSON, to every client that
//! connects — one shared timeline, dated on a clock of its own: the served clock.
//!
//! # Timing: the trainer's clock
//!
//! Lines carry the recording's own times (`--redate`: all shifted by one fixed amount, so
//! the recording's start is dated when the server starts, for demos). The clock is a
//! [`ServedClock`]: recording time played at `--speed` × the wall clock from `--from` (or
//! the first event), which the trainer pauses, speeds and moves through a [`Trainer`] —
//! the console, the control socket. A line is sent at the wall moment the clock reaches
//! its time, so durations are the recording's at any speed and a board computes the
//! recording's own figures. Times are written as RFC 3339 UTC with milliseconds; a pause
//! stands at a whole millisecond, so every board reads exactly the same paused time.
//!
//! The feed announces its clock: the server's heartbeats carry `"speed"` (0 while paused)
//! and `"epoch"` and are dated on the clock
//! (`{"kind":"heartbeat","at":…,"source":"forceboard-serve","speed":20,"epoch":0}`): at
//! this moment the clock reads `at`, and it runs at `speed` × real time. Every client
//! receives one as its very first line, everyone one every [`ServeOptions::heartbeat`] of
//! wall time and one at once after each of the trainer's commands. A heartbeat never reads
//! later than an event still to be sent, nor earlier than a line already sent.
//!
//! A seek — back or forward — and `--loop`'s return to the start begin the served
//! timeline again (the producer's module says how): a new epoch, and every client sent the
//! new clock and its backlog at the new time, so a board rebuilds.

//! # What is sent
//!
//! Events are re-serialised as canonical schema-v1 lines carrying only the schema's fields:
//! unknown fields of the input (which may be caller details) never leave the server.
//! Every `call_answered`, `call_abandoned` and `incident_arrived` is made to stand alone:
//! it carries its call's `offered_at` + `line` (incident's `created_at` + `grade`) and
//! `lpa`, taken from the opening event in the file. Events a board would not accept —
//! duplicates, closing events for ids never opened (and unable to stand alone), closes
//! earlier than their opening or longer after it than the plausible maximum
//! ([`ServeOptions::max_call_duration`], [`ServeOptions::max_incident_duration`]) — are
//! left out, as are the file's own heartbeats: the server sends its own.
//!
//! # Late joiners
//!
//! A client that connects first receives the clock heartbeat, then the backlog, then the
//! live stream, with no gap and no duplicate between them. Nothing is copied per client:
//! there is one history of the lines sent (numbered in order; heartbeats numbered apart,
//! each after the events it followed), and every client is a cursor into it, taking about
//! 64 KiB of lines at a time under the lock and writing them. A joiner's cursor starts at
//! the old openings, then the backlog, and marks where the live lines begin; lines are let
//! go only once no client still needs them, and written from there (vectored), so a
//! client costs a list of the lines it is writing, whatever its backlog.
//!
//! The backlog is every event sent in the last [`ServeOptions::backlog`] of *served* time — the time the
//! client's windows are computed in — plus the opening event of every call and incident
//! still open, however old, so that `waiting`, `expired`, `open` and `oldest open` agree
//! with a client that was there from the start. (The command passes the largest configured
//! window plus [`BACKLOG_MARGIN`].) A cancellation whose incident's creation has left the
//! backlog is not kept in it either, so a late joiner never sees a cancellation it cannot
//! match. The backlog is capped at [`MAX_BACKLOG_LINES`] lines and [`MAX_OLD_OPEN`] old
//! openings.
//!
//! # Slow clients, the end, and `--loop`
//!
//! The producer never waits for a client. A client more than
//! [`ServeOptions::client_buffer`] lines behind the live stream is disconnected (it may
//! reconnect, and then gets the clock and the backlog again). So is a joiner that has not
//! taken its whole backlog within [`ServeOptions::drain_limit`] of wall time, and any
//! client that takes no line for that long while lines wait for it (it stopped reading,
//! before or after the end of the file). Clients are checked every 100 ms; lines a joiner
//! still has to take are kept meanwhile, so the history holds at most one backlog plus
//! about `client_buffer` lines, however many clients there are. Connections past
//! [`ServeOptions::max_clients`] are closed at once, with nothing written: any line would
//! be data to a board, or a rejected line it shows only as a count; a closed connection
//! shows `FEED DOWN` and is dialled again with back-off. Without `--loop` the server
//! keeps the connections open after the last event, sending heartbeats, until it is
//! stopped, so a board shows the final figures rather than "feed down". With `--loop` the
//! recording starts again at the start one recorded second (at least 10 ms of wall time)
//! after its last event, as a seek there.

mod backlog;
mod client;
mod control;
mod history;
mod lines;
mod plan;
mod producer;
mod run;
mod trainer;

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use socket2::SockRef;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use tracing::{info, warn};

use crate::engine::{DEFAULT_MAX_CALL_DURATION, DEFAULT_MAX_INCIDENT_DURATION};
use crate::ingest::playback::Playback;
use crate::time::ServedClock;
use crate::time::{MAX_SPEED, MIN_SPEED};
use crate::time::{Span, Timestamp, WallClock};
use backlog::{Shared, lock};
use client::feed_client;
pub use control::{COMMANDS, send_command};
use plan::plan;
use producer::produce;
pub use run::{Console, ServeError, TrainerControls, serve_until_stopped};
pub use trainer::{RoomStatus, Trainer, TrainerCommand, TrainerDesk};

/// Added by the command to the largest window to make the backlog (served time): covers
/// the moments between a client's connecting and computing.
pub const BACKLOG_MARGIN: Span = Span::MINUTE;

/// The `source` of the server's heartbeats.
pub const HEARTBEAT_SOURCE: &str = "forceboard-serve";

/// At most this many recent lines are kept for late joiners.
pub(crate) const MAX_BACKLOG_LINES: usize = 250_000;

/// At most this many openings of still-open calls and incidents older than the backlog.
pub(crate) const MAX_OLD_OPEN: usize = 100_000;

/// How often clients are checked for being too slow or no longer reading.
const SWEEP_EVERY: Duration = Duration::from_millis(100);

/// Each connection's kernel send buffer (Linux doubles it): without a cap it grows to
/// megabytes for a client that does not read, held outside the process for every one.
const SEND_BUFFER_BYTES: usize = 128 * 1024;

/// How the feed is played.
#[derive(Debug, Clone, PartialEq)]
pub struct ServeOptions {
    /// Served seconds per wall second, clamped to 0.1–10,000.
    pub speed: f64,
    /// The recording time served first; `None` for the first event. Earlier events count
    /// as already sent (they are in the backlog of the first clients). The start key and
    /// `--loop` come back here.
    pub from: Option<Timestamp>,
    /// Start again at the end (a new epoch: boards rebuild, as after a seek).
    pub looping: bool,
    /// Re-date the recording: served times start at the wall time the server starts,
    /// instead of the recording's own (for demos that need today's date).
    pub redate: bool,
    /// How much served time of sent events a late joiner receives first: the largest
    /// window a client shows, plus a margin.
    pub backlog: Span,
    /// Wall time between the heartbeats that announce the served clock.
    pub heartbeat: Duration,
    /// Lines a client may be behind the live stream before it counts as too slow and is
    /// disconnected.
    pub client_buffer: usize,
    /// Wall time a joiner has to take its backlog, and any client to take a line while
    /// lines wait for it, before it is disconnected.
    pub drain_limit: Duration,
    /// Connections past this many are closed at once.
    pub max_clients: usize,
    /// Calls closed longer than this after their offer are left out, as a board refuses them.
    pub max_call_duration: Span,
    /// Incidents closed longer than this after their creation are left out likewise.
    pub max_incident_duration: Span,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            speed: 1.0,
            from: None,
            looping: false,
            redate: false,
            backlog: Span::from_hours(24) + BACKLOG_MARGIN,
            heartbeat: Duration::from_secs(1),
            client_buffer: 4096,
            drain_limit: Duration::from_secs(60),
            max_clients: 500,
            max_call_duration: DEFAULT_MAX_CALL_DURATION,
            max_incident_duration: DEFAULT_MAX_INCIDENT_DURATION,
        }
    }
}

/// What a run of [`serve`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServeStats {
    /// Connections accepted.
    pub clients: u64,
    /// Clients disconnected for being more than `client_buffer` lines behind.
    pub dropped_slow: u64,
    /// Joiners disconnected for not taking their backlog within the drain limit.
    pub dropped_backlog: u64,
    /// Clients disconnected for taking no line for the drain limit while lines waited.
    pub dropped_stalled: u64,
    /// Connections closed at once because `max_clients` were connected.
    pub refused: u64,
    /// Event lines sent (each to every client connected at the time).
    pub(crate) events: u64,
    /// Heartbeats sent (each client's first line among them).
    pub heartbeats: u64,
    /// Passes over the feed started (more than one only with `looping`).
    pub passes: u64,
    /// Events of the file left out as a board would not accept them (per pass).
    pub(crate) left_out: u64,
}

/// Plays `playback` to every client of `listener` until `shutdown` completes, with no
/// trainer to pause or move it.
pub async fn serve(
    listener: TcpListener,
    playback: Playback,
    options: ServeOptions,
    shutdown: impl Future,
) -> io::Result<ServeStats> {
    let (_trainer, desk) = Trainer::new();
    serve_with_trainer(listener, playback, options, desk, shutdown).await
}

/// Plays `playback` to every client of `listener` until `shutdown` completes, taking the
/// commands of the [`Trainer`] whose `desk` this is.
pub async fn serve_with_trainer(
    listener: TcpListener,
    playback: Playback,
    options: ServeOptions,
    desk: TrainerDesk,
    shutdown: impl Future,
) -> io::Result<ServeStats> {
    if !options.speed.is_finite() || options.backlog.is_negative() || options.heartbeat.is_zero() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "speed must be finite, backlog not negative and heartbeat not zero",
        ));
    }
    let maxima = (options.max_call_duration, options.max_incident_duration);
    let (events, left_out) = plan(playback, maxima);
    if left_out > 0 {
        info!(left_out, "events a board would not accept are left out");
    }
    let wall = WallClock::new();
    let start = options
        .from
        .or_else(|| events.first().map(|event| event.at))
        .unwrap_or(Timestamp::UNIX_EPOCH);
    let speed = options.speed.clamp(MIN_SPEED, MAX_SPEED);
    let clock = ServedClock::new(start, wall.now(), speed, options.redate);
    let buffer = options.client_buffer.max(1);
    let shared = Shared::new(options.backlog, clock, buffer, options.drain_limit);
    let shared = Arc::new(Mutex::new(shared));
    lock(&shared).stats.left_out = left_out;
    let producer = produce(shared.clone(), events, options.clone(), desk, wall);
    let mut producer = tokio::spawn(producer);
    let mut clients: ClientTasks = JoinSet::new();
    let mut sweep = tokio::time::interval(SWEEP_EVERY);
    sweep.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    admit(&shared, &mut clients, stream, peer, &options, wall);
                }
                Err(error) => {
                    // Out of file descriptors, typically: wait rather than spin.
                    warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
            Some(done) = clients.join_next(), if !clients.is_empty() => {
                // A task aborted when its client was dropped was forgotten then.
                if let Ok((id, peer, result)) = done {
                    lock(&shared).leave(id);
                    match result {
                        Ok(()) => info!(%peer, "client disconnected"),
                        Err(error) => info!(%peer, %error, "client disconnected"),
                    }
                }
            }
            _ = sweep.tick() => lock(&shared).sweep(Instant::now()),
            result = &mut producer => {
                // The producer only ends by panicking; carry on serving what was sent.
                if let Err(error) = result {
                    warn!(%error, "the producer stopped");
                }
                break;
            }
        }
    }
    producer.abort();
    // Each client writes what it has not taken yet, then closes.
    lock(&shared).stop();
    let drained = async { while clients.join_next().await.is_some() {} };
    let _ = tokio::time::timeout(Duration::from_secs(1), drained).await;
    clients.shutdown().await;
    let stats = lock(&shared).stats;
    info!(?stats, "stopped");
    Ok(stats)
}

/// The clients' tasks, each ending with its client's id and peer.
type ClientTasks = JoinSet<(u64, SocketAddr, io::Result<()>)>;

/// Starts serving a connection, or closes it at once when `max_clients` are connected.
fn admit(
    shared: &Arc<Mutex<Shared>>,
    clients: &mut ClientTasks,
    stream: TcpStream,
    peer: SocketAddr,
    options: &ServeOptions,
    wall: WallClock,
) {
    let mut state = lock(shared);
    if state.connected() >= options.max_clients {
        state.stats.refused += 1;
        drop(state);
        // Nothing is written: a board sees the connection closed, and dials again.
        drop(stream);
        warn!(%peer, limit = options.max_clients, "too many clients: connection refused");
        return;
    }
    let _ = stream.set_nodelay(true);
    // A socket that refuses keeps the system's default: a cap, not a requirement.
    let _ = SockRef::from(&stream).set_send_buffer_size(SEND_BUFFER_BYTES);
    let (id, clock, backlog, wake) = state.join(peer, wall.now());
    let task = feed_client(stream, shared.clone(), id, clock, wake);
    let abort = clients.spawn(async move { (id, peer, task.await) });
    state.set_abort(id, abort);
    drop(state);
    info!(%peer, backlog, "client connected");
}
