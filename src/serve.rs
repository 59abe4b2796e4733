//! `forceboard serve`: plays a recorded feed over TCP, as NDJSON, to every client that
//! connects — one shared timeline, timed and dated as if it were happening now.
//!
//! # Timing
//!
//! One producer plays the feed on a [`VirtualClock`] that starts at `--from` (or the first
//! event) at `--speed`. An event at virtual time `v` is sent at the wall time the clock maps
//! `v` to, and every time it carries (`at`, `offered_at`, `created_at`) is mapped the same
//! way, so the replay looks live: `at` is "now". At speed 1 that is a pure shift. At speed
//! X the mapping also compresses: a 4 s answer becomes 4/X s, a 24 h day lasts 24/X h, so a
//! client's windows (15 min, 1 h, 24 h of wall time) see X times as much of the recording
//! and its durations are X times shorter. Times are written as RFC 3339 UTC with
//! milliseconds.
//!
//! # What is sent
//!
//! Events are re-serialised as canonical schema-v1 lines carrying only the spec's fields:
//! unknown fields of the input (which may be caller details) never leave the server.
//! Every `call_answered`, `call_abandoned` and `incident_arrived` is made to stand alone:
//! it carries its call's `offered_at` + `line` (incident's `created_at` + `grade`) and
//! `lpa`, taken from the opening event in the file. Events a board would not accept —
//! duplicates, closing events for ids never opened (and unable to stand alone), closes
//! earlier than their opening — are left out, as are the file's own heartbeats: the server
//! sends its own (`{"kind":"heartbeat","at":…,"source":"forceboard-serve"}`), every
//! [`ServeOptions::heartbeat`] of wall time, to everyone.
//!
//! # Late joiners
//!
//! A client that connects first receives the backlog, then the live stream, with no gap
//! and no duplicate between them (the producer sends under the same lock as a new client
//! subscribes and copies the backlog). The backlog is every event sent in the last
//! [`ServeOptions::backlog`] of *wall* time — the time the client's windows are computed
//! in, whatever the speed — plus the opening event of every call and incident still open,
//! however old, so that `waiting`, `expired`, `open` and `oldest open` agree with a client
//! that was there from the start. (The command passes the largest configured window plus
//! [`BACKLOG_MARGIN`].) A cancellation whose incident's creation has left the backlog is
//! not kept in it either, so a late joiner never sees a cancellation it cannot match.
//! The backlog is capped at [`MAX_BACKLOG_LINES`] lines and [`MAX_OLD_OPEN`] old openings,
//! which only matters at high speed with `--loop` over a long time.
//!
//! # Slow clients, the end, and `--loop`
//!
//! Each client has a bounded queue ([`ServeOptions::client_buffer`] lines). The producer
//! never waits for a client: when a queue is full the client is disconnected (it may
//! reconnect, and then gets the backlog again). Without `--loop` the server keeps the
//! connections open after the last event, sending heartbeats, until it is stopped, so a
//! board shows the final figures rather than "feed down". With `--loop` it starts again
//! from the start time, after a gap of one virtual second, with ids made unique per pass
//! (`A`, then `A~2`, `A~3`…).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::SecondsFormat;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;
use tokio::task::{AbortHandle, JoinSet};
use tokio::time::Instant;
use tracing::{debug, info, warn};

use crate::feed::wire;
use crate::ingest::playback::{MAX_SPEED, MIN_SPEED, Playback, VirtualClock};
use crate::model::{Event, EventBody, IncidentOutcome};
use crate::time::{NANOS_PER_HOUR, NANOS_PER_MIN, NANOS_PER_SEC, Nanos, to_utc};

/// Added by the command to the largest window to make the backlog: covers a client whose
/// clock is behind the server's, and the moments between connecting and computing.
pub const BACKLOG_MARGIN: Nanos = NANOS_PER_MIN;

/// The `source` of the server's heartbeats.
pub const HEARTBEAT_SOURCE: &str = "forceboard-serve";

/// At most this many recent lines are kept for late joiners.
pub const MAX_BACKLOG_LINES: usize = 250_000;

/// At most this many openings of still-open calls and incidents older than the backlog.
pub const MAX_OLD_OPEN: usize = 100_000;

/// Events published in one go before the producer lets the clients' tasks run.
const PUBLISH_CHUNK: usize = 256;

/// Clients' lines are gathered into writes of about this size.
const WRITE_CHUNK: usize = 64 * 1024;

/// How the feed is played.
#[derive(Debug, Clone, PartialEq)]
pub struct ServeOptions {
    /// Virtual seconds per wall second, clamped to 0.1–10,000.
    pub speed: f64,
    /// Virtual start time; `None` for the first event. Earlier events count as already
    /// sent (they are in the backlog of the first clients).
    pub from: Option<Nanos>,
    /// Start again at the end, with ids made unique per pass.
    pub looping: bool,
    /// How much wall time of sent events a late joiner receives first: the largest
    /// window a client shows, plus a margin.
    pub backlog: Nanos,
    /// Wall time between heartbeats.
    pub heartbeat: Duration,
    /// Lines queued per client before it counts as too slow and is disconnected.
    pub client_buffer: usize,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            speed: 1.0,
            from: None,
            looping: false,
            backlog: 24 * NANOS_PER_HOUR + BACKLOG_MARGIN,
            heartbeat: Duration::from_secs(10),
            client_buffer: 4096,
        }
    }
}

/// What a run of [`serve`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServeStats {
    /// Connections accepted.
    pub clients: u64,
    /// Clients disconnected because their queue was full.
    pub dropped_slow: u64,
    /// Event lines sent (each to every client connected at the time).
    pub events: u64,
    /// Heartbeats sent.
    pub heartbeats: u64,
    /// Passes over the feed started (more than one only with `looping`).
    pub passes: u64,
    /// Events of the file left out as a board would not accept them (per pass).
    pub left_out: u64,
}

/// Plays `playback` to every client of `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    playback: Playback,
    options: ServeOptions,
    shutdown: impl Future,
) -> io::Result<ServeStats> {
    if !options.speed.is_finite() || options.backlog < 0 || options.heartbeat.is_zero() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "speed must be finite, backlog not negative and heartbeat not zero",
        ));
    }
    let (events, left_out) = plan(playback);
    if left_out > 0 {
        info!(left_out, "events a board would not accept are left out");
    }
    let shared = Arc::new(Mutex::new(Shared::new(options.backlog)));
    lock(&shared).stats.left_out = left_out;
    let wall = Wall::new();
    let mut producer = tokio::spawn(produce(shared.clone(), events, options.clone(), wall));
    let mut clients: JoinSet<(SocketAddr, io::Result<()>)> = JoinSet::new();
    let buffer = options.client_buffer.max(1);
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let _ = stream.set_nodelay(true);
                    let mut state = lock(&shared);
                    let (tx, rx) = mpsc::channel(buffer);
                    let backlog = state.backlog();
                    let lines = backlog.len();
                    let abort = clients.spawn(async move {
                        (peer, feed_client(stream, backlog, rx).await)
                    });
                    let id = state.next_client;
                    state.next_client += 1;
                    state.clients.insert(id, Client { tx, abort, peer });
                    state.stats.clients += 1;
                    drop(state);
                    info!(%peer, backlog = lines, "client connected");
                }
                Err(error) => {
                    // Out of file descriptors, typically: wait rather than spin.
                    warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
            Some(done) = clients.join_next(), if !clients.is_empty() => {
                if let Ok((peer, result)) = done {
                    match result {
                        Ok(()) => info!(%peer, "client disconnected"),
                        Err(error) => info!(%peer, %error, "client disconnected"),
                    }
                }
            }
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
    // Dropping the queues' senders lets each client write what it has, then close.
    lock(&shared).clients.clear();
    let drained = async { while clients.join_next().await.is_some() {} };
    let _ = tokio::time::timeout(Duration::from_secs(1), drained).await;
    clients.shutdown().await;
    let stats = lock(&shared).stats;
    info!(?stats, "stopped");
    Ok(stats)
}

fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

// ---------------------------------------------------------------------------------------
// Planning: which events to send, made to stand alone.

struct Opening<T> {
    at: Nanos,
    what: T,
    lpa: Option<Box<str>>,
}

enum Life<T> {
    Open(Opening<T>),
    Closed,
}

enum Verdict<T> {
    /// A board would refuse it (duplicate, unmatched, negative duration).
    LeaveOut,
    /// It stands alone already.
    Keep,
    /// Its opening, to copy in.
    Opened(Opening<T>),
}

fn open<T>(lives: &mut HashMap<Box<str>, Life<T>>, id: &str, opening: Opening<T>) -> bool {
    if lives.contains_key(id) {
        return false; // a second opening: a duplicate
    }
    lives.insert(id.into(), Life::Open(opening));
    true
}

/// The engine's rules for a closing event at `at`; `own` is its own stand-alone opening
/// time, when it carries one with the line or grade.
fn close<T>(
    lives: &mut HashMap<Box<str>, Life<T>>,
    id: &str,
    at: Nanos,
    own: Option<Nanos>,
) -> Verdict<T> {
    match lives.get_mut(id) {
        Some(Life::Closed) => Verdict::LeaveOut,
        Some(life @ Life::Open(_)) => {
            if matches!(life, Life::Open(opening) if at < opening.at) {
                return Verdict::LeaveOut;
            }
            match std::mem::replace(life, Life::Closed) {
                Life::Open(opening) => Verdict::Opened(opening),
                Life::Closed => Verdict::LeaveOut,
            }
        }
        None => match own {
            Some(opened) if opened <= at => {
                lives.insert(id.into(), Life::Closed);
                Verdict::Keep
            }
            _ => Verdict::LeaveOut,
        },
    }
}

/// The playback's events in time order, each as a board would accept it, with closing
/// events made to stand alone; and how many were left out.
fn plan(mut playback: Playback) -> (Vec<Event>, u64) {
    playback.rewind();
    let mut planned = Vec::with_capacity(playback.len());
    let all = playback.take_due(Nanos::MAX).iter().map(|(_, event)| event);
    let mut calls = HashMap::new();
    let mut incidents = HashMap::new();
    let mut left_out = 0;
    for event in all {
        let at = event.at;
        let mut event = event.clone();
        let keep = match &mut event.body {
            EventBody::Heartbeat => false,
            EventBody::CallOffered { id, line, lpa } => open(
                &mut calls,
                id,
                Opening {
                    at,
                    what: *line,
                    lpa: lpa.clone(),
                },
            ),
            EventBody::IncidentCreated { id, grade, lpa } => open(
                &mut incidents,
                id,
                Opening {
                    at,
                    what: *grade,
                    lpa: lpa.clone(),
                },
            ),
            EventBody::CallClosed {
                id,
                offered_at,
                line,
                lpa,
                ..
            } => match close(&mut calls, id, at, line.and(*offered_at)) {
                Verdict::LeaveOut => false,
                Verdict::Keep => true,
                Verdict::Opened(opening) => {
                    *offered_at = Some(opening.at);
                    *line = Some(opening.what);
                    *lpa = opening.lpa;
                    true
                }
            },
            EventBody::IncidentClosed {
                id,
                outcome,
                created_at,
                grade,
                lpa,
            } => {
                let own = grade.and(*created_at);
                match close(&mut incidents, id, at, own) {
                    Verdict::LeaveOut => false,
                    Verdict::Keep => true,
                    // The schema gives a cancellation no optional fields.
                    Verdict::Opened(_) if *outcome == IncidentOutcome::Cancelled => true,
                    Verdict::Opened(opening) => {
                        *created_at = Some(opening.at);
                        *grade = Some(opening.what);
                        *lpa = opening.lpa;
                        true
                    }
                }
            }
        };
        if keep {
            planned.push(event);
        } else if !matches!(event.body, EventBody::Heartbeat) {
            left_out += 1;
        }
    }
    (planned, left_out)
}

// ---------------------------------------------------------------------------------------
// Lines.

/// RFC 3339 UTC with milliseconds.
fn stamp(nanos: Nanos) -> String {
    to_utc(nanos).to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn heartbeat_line(at: Nanos) -> Arc<str> {
    let mut line = wire::heartbeat_line(stamp(at), HEARTBEAT_SOURCE);
    line.push('\n');
    line.into()
}

/// Calls and incidents have separate id spaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Space {
    Call,
    Incident,
}

type Key = (Space, Box<str>);

/// What a line does to the set of open ids.
enum Role {
    Open(Key),
    Close(Key),
    Cancel(Key),
}

/// An event's line in pass `pass` (ids suffixed `~pass` from the second), with every time
/// mapped to wall time by `map`; `None` for a heartbeat (the server sends its own).
fn render(event: &Event, pass: u64, map: impl Fn(Nanos) -> Nanos) -> Option<(Arc<str>, Role)> {
    let id = |id: &str| -> Box<str> {
        if pass > 1 {
            format!("{id}~{pass}").into()
        } else {
            id.into()
        }
    };
    let (key, role): (Key, fn(Key) -> Role) = match &event.body {
        EventBody::CallOffered { id: raw, .. } => ((Space::Call, id(raw)), Role::Open),
        EventBody::CallClosed { id: raw, .. } => ((Space::Call, id(raw)), Role::Close),
        EventBody::IncidentCreated { id: raw, .. } => ((Space::Incident, id(raw)), Role::Open),
        EventBody::IncidentClosed {
            id: raw,
            outcome: IncidentOutcome::Cancelled,
            ..
        } => ((Space::Incident, id(raw)), Role::Cancel),
        EventBody::IncidentClosed { id: raw, .. } => ((Space::Incident, id(raw)), Role::Close),
        EventBody::Heartbeat => return None,
    };
    let mut line = wire::schema_line(event, Some(&key.1), |t| stamp(map(t)));
    line.push('\n');
    Some((line.into(), role(key)))
}

// ---------------------------------------------------------------------------------------
// Shared state: clients, and the backlog.

struct Client {
    tx: mpsc::Sender<Arc<str>>,
    abort: AbortHandle,
    peer: SocketAddr,
}

struct Entry {
    /// The wall time it was sent at (its `at`).
    wall: Nanos,
    line: Arc<str>,
    /// For an opening: its id, to tell whether it is still open when it leaves.
    opens: Option<Key>,
    /// A cancellation whose creation has left the backlog: not for late joiners.
    skip: bool,
}

struct Shared {
    clients: HashMap<u64, Client>,
    next_client: u64,
    /// Lines sent in the last `backlog` of wall time; `history[i]` has sequence number
    /// `front_seq + i`.
    history: VecDeque<Entry>,
    front_seq: u64,
    backlog: Nanos,
    /// Every id open now, with its opening's sequence number.
    open: HashMap<Key, u64>,
    /// Openings that left `history` while still open, by sequence number.
    old_open: BTreeMap<u64, (Key, Arc<str>)>,
    /// Opening's sequence number → its cancellation's, while both are in `history`.
    cancelled: HashMap<u64, u64>,
    warned_cap: bool,
    stats: ServeStats,
}

impl Shared {
    fn new(backlog: Nanos) -> Shared {
        Shared {
            clients: HashMap::new(),
            next_client: 0,
            history: VecDeque::new(),
            front_seq: 0,
            backlog,
            open: HashMap::new(),
            old_open: BTreeMap::new(),
            cancelled: HashMap::new(),
            warned_cap: false,
            stats: ServeStats::default(),
        }
    }

    fn next_seq(&self) -> u64 {
        self.front_seq + self.history.len() as u64
    }

    /// What a client joining now receives first, oldest first.
    fn backlog(&self) -> Vec<Arc<str>> {
        let mut lines = Vec::with_capacity(self.old_open.len() + self.history.len());
        lines.extend(self.old_open.values().map(|(_, line)| line.clone()));
        lines.extend(
            self.history
                .iter()
                .filter(|entry| !entry.skip)
                .map(|entry| entry.line.clone()),
        );
        lines
    }

    /// Sends a line to every client; a client whose queue is full is disconnected.
    fn broadcast(&mut self, line: &Arc<str>) {
        let mut gone = Vec::new();
        for (&id, client) in &self.clients {
            match client.tx.try_send(line.clone()) {
                Ok(()) => {}
                Err(TrySendError::Full(_)) => {
                    client.abort.abort();
                    self.stats.dropped_slow += 1;
                    warn!(peer = %client.peer, "client too slow: disconnected");
                    gone.push(id);
                }
                Err(TrySendError::Closed(_)) => gone.push(id),
            }
        }
        for id in gone {
            self.clients.remove(&id);
        }
    }

    /// Sends an event's line at wall time `wall`, and keeps it for late joiners.
    fn publish(&mut self, wall: Nanos, line: Arc<str>, role: Role) {
        let seq = self.next_seq();
        let mut keep = true;
        let mut opens = None;
        match role {
            Role::Open(key) => {
                self.open.insert(key.clone(), seq);
                opens = Some(key);
            }
            Role::Close(key) => {
                if let Some(opened) = self.open.remove(&key) {
                    self.old_open.remove(&opened);
                }
            }
            Role::Cancel(key) => match self.open.remove(&key) {
                // Its creation was never sent (before the start of a later pass): no
                // board could match it.
                None => return,
                Some(opened) if opened < self.front_seq => {
                    self.old_open.remove(&opened);
                    keep = false;
                }
                Some(opened) => {
                    self.cancelled.insert(opened, seq);
                }
            },
        }
        self.broadcast(&line);
        self.stats.events += 1;
        if keep {
            self.history.push_back(Entry {
                wall,
                line,
                opens,
                skip: false,
            });
        }
        self.trim(wall);
    }

    /// Lets go of lines older than the backlog, keeping openings still open.
    fn trim(&mut self, now: Nanos) {
        let cutoff = now.saturating_sub(self.backlog);
        while let Some(front) = self.history.front() {
            let over_cap = self.history.len() > MAX_BACKLOG_LINES;
            if front.wall > cutoff && !over_cap {
                break;
            }
            if over_cap && !self.warned_cap {
                self.warned_cap = true;
                warn!(
                    lines = MAX_BACKLOG_LINES,
                    "backlog full: late joiners get only the most recent lines"
                );
            }
            let seq = self.front_seq;
            let Some(entry) = self.history.pop_front() else {
                break;
            };
            self.front_seq += 1;
            if let Some(cancel) = self.cancelled.remove(&seq) {
                let index = (cancel - self.front_seq) as usize;
                if let Some(later) = self.history.get_mut(index) {
                    later.skip = true;
                }
            }
            if let Some(key) = entry.opens
                && self.open.get(&key) == Some(&seq)
            {
                self.old_open.insert(seq, (key, entry.line));
                if self.old_open.len() > MAX_OLD_OPEN
                    && let Some((_, (key, _))) = self.old_open.pop_first()
                {
                    self.open.remove(&key);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// The producer.

/// The wall clock as nanoseconds since the epoch, advancing monotonically.
#[derive(Debug, Clone, Copy)]
struct Wall {
    base_instant: Instant,
    base: Nanos,
}

impl Wall {
    fn new() -> Wall {
        let since_epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        Wall {
            base_instant: Instant::now(),
            base: Nanos::try_from(since_epoch.as_nanos()).unwrap_or(Nanos::MAX),
        }
    }

    fn now(&self) -> Nanos {
        let elapsed = Nanos::try_from(self.base_instant.elapsed().as_nanos()).unwrap_or(0);
        self.base.saturating_add(elapsed)
    }

    fn instant_at(&self, wall: Nanos) -> Instant {
        let after = u64::try_from(wall.saturating_sub(self.base)).unwrap_or(0);
        self.base_instant + Duration::from_nanos(after)
    }
}

/// One pass over the feed on the shared timeline.
struct Pass {
    number: u64,
    clock: VirtualClock,
    start_virtual: Nanos,
    start_wall: Nanos,
}

impl Pass {
    fn new(number: u64, start_virtual: Nanos, start_wall: Nanos, speed: f64) -> Pass {
        Pass {
            number,
            clock: VirtualClock::new(start_virtual, start_wall, speed),
            start_virtual,
            start_wall,
        }
    }

    /// The wall time the clock maps virtual time `v` to (the inverse of
    /// [`VirtualClock::now`]; monotonic in `v`).
    fn wall_at(&self, v: Nanos) -> Nanos {
        let offset = v.saturating_sub(self.start_virtual) as f64 / self.clock.speed();
        self.start_wall.saturating_add(offset.floor() as Nanos)
    }
}

async fn produce(
    shared: Arc<Mutex<Shared>>,
    events: Vec<Event>,
    options: ServeOptions,
    wall: Wall,
) {
    let speed = options.speed.clamp(MIN_SPEED, MAX_SPEED);
    let start_virtual = options
        .from
        .or_else(|| events.first().map(|event| event.at))
        .unwrap_or(0);
    // Later passes start at the start time; earlier events were sent once, on the first.
    let replay_from = events.partition_point(|event| event.at < start_virtual);
    let gap = ((NANOS_PER_SEC as f64 / speed) as Nanos).max(10 * 1_000_000);
    let mut pass = Pass::new(1, start_virtual, wall.now(), speed);
    lock(&shared).stats.passes = 1;
    let mut cursor = 0;
    let mut playing = !events.is_empty();
    let mut heartbeat =
        tokio::time::interval_at(Instant::now() + options.heartbeat, options.heartbeat);
    heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);

    // Publishes up to `limit` events due at wall time `now`; returns how many.
    let publish_due = |pass: &Pass, cursor: &mut usize, now: Nanos, limit: usize| {
        let mut state = lock(&shared);
        let mut sent = 0;
        while sent < limit {
            let Some(event) = events.get(*cursor) else {
                break;
            };
            let at = pass.wall_at(event.at);
            if at > now {
                break;
            }
            if let Some((line, role)) = render(event, pass.number, |t| pass.wall_at(t)) {
                state.publish(at, line, role);
            }
            *cursor += 1;
            sent += 1;
        }
        sent
    };

    loop {
        if playing && cursor >= events.len() {
            if options.looping && replay_from < events.len() {
                let end = pass.wall_at(events[events.len() - 1].at);
                pass = Pass::new(pass.number + 1, start_virtual, end + gap, speed);
                cursor = replay_from;
                lock(&shared).stats.passes = pass.number;
                debug!(pass = pass.number, "starting again");
            } else {
                playing = false;
                info!("the feed has ended; sending heartbeats until stopped");
            }
        }
        let next = if playing {
            events.get(cursor).map(|event| pass.wall_at(event.at))
        } else {
            None
        };
        let now = wall.now();
        if next.is_some_and(|at| at <= now) {
            publish_due(&pass, &mut cursor, now, PUBLISH_CHUNK);
            tokio::task::yield_now().await;
            continue;
        }
        let until_next = async {
            match next {
                Some(at) => tokio::time::sleep_until(wall.instant_at(at)).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = until_next => {}
            _ = heartbeat.tick() => {
                // Everything due by the heartbeat's time goes first, so `at` never goes back.
                let now = wall.now();
                if playing {
                    publish_due(&pass, &mut cursor, now, usize::MAX);
                }
                let mut state = lock(&shared);
                state.broadcast(&heartbeat_line(now));
                state.stats.heartbeats += 1;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// A client.

/// Writes the backlog, then every line queued for this client, until the queue closes or
/// the connection fails. A client too slow to keep its queue from filling is aborted by
/// the producer.
async fn feed_client(
    stream: TcpStream,
    backlog: Vec<Arc<str>>,
    mut queue: mpsc::Receiver<Arc<str>>,
) -> io::Result<()> {
    let (mut reader, mut writer) = stream.into_split();
    let mut buffer = Vec::with_capacity(WRITE_CHUNK);
    for line in &backlog {
        buffer.extend_from_slice(line.as_bytes());
        if buffer.len() >= WRITE_CHUNK {
            writer.write_all(&buffer).await?;
            buffer.clear();
        }
    }
    drop(backlog);
    let mut reading = true;
    let mut scratch = [0_u8; 1024];
    loop {
        if !buffer.is_empty() {
            writer.write_all(&buffer).await?;
            buffer.clear();
        }
        tokio::select! {
            line = queue.recv() => {
                let Some(line) = line else { break };
                buffer.extend_from_slice(line.as_bytes());
                while buffer.len() < WRITE_CHUNK {
                    match queue.try_recv() {
                        Ok(line) => buffer.extend_from_slice(line.as_bytes()),
                        Err(_) => break,
                    }
                }
            }
            // Whatever a client sends is ignored; reading only notices a reset early.
            read = reader.read(&mut scratch), if reading => match read {
                Ok(0) => reading = false,
                Ok(_) => {}
                Err(error) => return Err(error),
            },
        }
    }
    writer.shutdown().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CallLine, CallOutcome, Grade};

    fn planned(feed: &str) -> (Vec<Event>, u64) {
        plan(Playback::read(feed.as_bytes()).expect("in memory"))
    }

    fn kinds_and_ids(events: &[Event]) -> Vec<String> {
        events
            .iter()
            .map(|event| {
                let id = match &event.body {
                    EventBody::CallOffered { id, .. }
                    | EventBody::CallClosed { id, .. }
                    | EventBody::IncidentCreated { id, .. }
                    | EventBody::IncidentClosed { id, .. } => id.to_string(),
                    EventBody::Heartbeat => String::new(),
                };
                format!("{} {id}", event.body.kind())
            })
            .collect()
    }

    #[test]
    fn planning_keeps_what_a_board_accepts_and_makes_closes_stand_alone() {
        let (events, left_out) = planned(
            r#"{"kind":"call_offered","at":"2024-07-01T11:00:00Z","id":"A","line":"101","lpa":"BIR"}
{"kind":"call_answered","at":"2024-07-01T11:00:04Z","id":"A","offered_at":"2024-07-01T10:00:00Z","line":"999","lpa":"COV"}
{"kind":"call_answered","at":"2024-07-01T11:00:09Z","id":"A"}
{"kind":"call_offered","at":"2024-07-01T11:00:10Z","id":"A","line":"999"}
{"kind":"call_abandoned","at":"2024-07-01T11:00:09Z","id":"ZZ"}
{"kind":"call_abandoned","at":"2024-07-01T11:00:09Z","id":"S","offered_at":"2024-07-01T11:00:01Z","line":"999"}
{"kind":"call_offered","at":"2024-07-01T11:00:30Z","id":"N","line":"999"}
{"kind":"call_answered","at":"2024-07-01T11:00:20Z","id":"N"}
{"kind":"incident_created","at":"2024-07-01T11:00:00Z","id":"A","grade":"priority"}
{"kind":"incident_arrived","at":"2024-07-01T11:30:00Z","id":"A"}
{"kind":"incident_created","at":"2024-07-01T11:01:00Z","id":"B","grade":"emergency"}
{"kind":"incident_cancelled","at":"2024-07-01T11:02:00Z","id":"B"}
{"kind":"incident_cancelled","at":"2024-07-01T11:02:00Z","id":"Q"}
{"kind":"heartbeat","at":"2024-07-01T11:40:00Z"}
"#,
        );
        assert_eq!(
            kinds_and_ids(&events),
            [
                "call_offered A",
                "incident_created A",
                "call_answered A",
                "call_abandoned S",
                // N's answer came before its offer: unmatched then, so left out.
                "call_offered N",
                "incident_created B",
                "incident_cancelled B",
                "incident_arrived A",
            ]
        );
        // A second answer, a second offer, the unmatched ZZ and Q, N's early answer.
        assert_eq!(left_out, 5);
        let t = |text: &str| crate::time::parse_rfc3339(text).expect("time");
        // The offer's time, line and area win over the close's own.
        assert_eq!(
            events[2].body,
            EventBody::CallClosed {
                id: "A".into(),
                outcome: CallOutcome::Answered,
                offered_at: Some(t("2024-07-01T11:00:00Z")),
                line: Some(CallLine::NonEmergency101),
                lpa: Some("BIR".into()),
            }
        );
        assert_eq!(
            events[7].body,
            EventBody::IncidentClosed {
                id: "A".into(),
                outcome: IncidentOutcome::Arrived,
                created_at: Some(t("2024-07-01T11:00:00Z")),
                grade: Some(Grade::Priority),
                lpa: None,
            }
        );
    }

    #[test]
    fn lines_are_canonical_with_times_mapped_and_ids_suffixed() {
        let (events, _) = planned(
            r#"{"kind":"call_offered","at":"2024-07-01T11:00:00Z","id":"A\"1","line":"999","lpa":"BIR","name":"x"}
{"kind":"call_answered","at":"2024-07-01T11:00:04.5Z","id":"A\"1"}
"#,
        );
        let start = events[0].at;
        let pass = Pass::new(2, start, 1_000 * NANOS_PER_SEC, 2.0);
        let lines: Vec<String> = events
            .iter()
            .map(|e| {
                render(e, pass.number, |t| pass.wall_at(t))
                    .expect("line")
                    .0
                    .to_string()
            })
            .collect();
        assert_eq!(
            lines,
            [
                "{\"kind\":\"call_offered\",\"at\":\"1970-01-01T00:16:40.000Z\",\"id\":\"A\\\"1~2\",\"line\":\"999\",\"lpa\":\"BIR\"}\n",
                "{\"kind\":\"call_answered\",\"at\":\"1970-01-01T00:16:42.250Z\",\"id\":\"A\\\"1~2\",\"line\":\"999\",\"lpa\":\"BIR\",\"offered_at\":\"1970-01-01T00:16:40.000Z\"}\n",
            ]
        );
        assert_eq!(
            &*heartbeat_line(0),
            "{\"kind\":\"heartbeat\",\"at\":\"1970-01-01T00:00:00.000Z\",\"source\":\"forceboard-serve\"}\n"
        );
    }

    #[test]
    fn the_wall_mapping_inverts_the_clock() {
        let s = NANOS_PER_SEC;
        for speed in [0.1, 1.0, 60.0, 10_000.0] {
            let pass = Pass::new(1, 5_000 * s, 7 * s, speed);
            for v in [5_000 * s, 5_001 * s, 8_600 * s, 4_000 * s] {
                let wall = pass.wall_at(v);
                assert!(
                    (pass.clock.now(wall) - v).abs() <= (speed.ceil() as Nanos),
                    "{speed} {v}"
                );
            }
        }
    }
}
