//! Shared state: the clock, the one history every client reads, and the connected clients
//! with their cursors, dropped here when they are too slow or stop reading.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::watch;
use tokio::task::AbortHandle;
use tracing::warn;

use super::ServeStats;
use super::history::{Cursor, History, Taken};
use super::lines::{Role, heartbeat_line};
use crate::model::AnnouncedClock;
use crate::time::ServedClock;
use crate::time::{Span, Timestamp};

/// A client takes lines of about this many bytes at a time, and writes them in one go.
const TAKE_BYTES: usize = 64 * 1024;

pub(super) fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

struct Client {
    cursor: Cursor,
    abort: Option<AbortHandle>,
    peer: SocketAddr,
    joined: Instant,
    /// When it last came for lines: a client writing to a socket nobody reads stops coming.
    last_take: Instant,
    /// The new timeline's clock, to write before anything else it takes: the served
    /// timeline started again (the trainer moved the clock) since it last took lines.
    restarted: Option<Arc<str>>,
}

/// What a client's task does next.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Next {
    /// Write the lines taken (none: wait for more).
    Write,
    /// The server has stopped and the client has everything: close the connection.
    Close,
    /// The client was dropped: stop at once.
    Dropped,
}

/// Why a client is dropped.
#[derive(Debug, Clone, Copy)]
enum Reason {
    /// More than the client buffer behind the live stream.
    Slow,
    /// Its backlog not taken within the drain limit.
    Backlog,
    /// Lines waiting for it, and it took none for the drain limit.
    Stalled,
}

pub(super) struct Shared {
    clients: HashMap<u64, Client>,
    next_client: u64,
    /// The clock the lines are dated on: the trainer's.
    pub(super) clock: ServedClock,
    /// The served timeline's number, announced in every heartbeat: it changes when the
    /// timeline starts again (a seek, a new pass).
    pub(super) epoch: u64,
    /// The served time of the next event to send, if any: no line sent so far is later.
    pub(super) next_due: Option<Timestamp>,
    /// The latest `at` sent, so that a heartbeat never reads earlier.
    last_sent: Timestamp,
    history: History,
    backlog: Span,
    live_depth: u64,
    drain_limit: Duration,
    /// Told whenever there are new lines, and when the server stops.
    wake: watch::Sender<()>,
    stopping: bool,
    pub(super) stats: ServeStats,
}

impl Shared {
    /// `live_depth`: lines a client may be behind the live stream; `drain_limit`: how long
    /// a joiner may take over its backlog, and any client over taking nothing.
    pub(super) fn new(
        backlog: Span,
        clock: ServedClock,
        live_depth: usize,
        drain_limit: Duration,
    ) -> Shared {
        Shared {
            clock,
            epoch: 0,
            next_due: None,
            last_sent: Timestamp::MIN,
            clients: HashMap::new(),
            next_client: 0,
            history: History::new(backlog, live_depth),
            backlog,
            live_depth: live_depth.max(1) as u64,
            drain_limit,
            wake: watch::Sender::new(()),
            stopping: false,
            stats: ServeStats::default(),
        }
    }

    pub(super) fn connected(&self) -> usize {
        self.clients.len()
    }

    /// Registers a client joining now; returns its id, its first line (the clock), how
    /// many lines its backlog holds, and what wakes it.
    pub(super) fn join(
        &mut self,
        peer: SocketAddr,
        wall: Timestamp,
    ) -> (u64, Arc<str>, usize, watch::Receiver<()>) {
        let clock = self.clock_heartbeat(wall);
        let (cursor, backlog) = self.history.join();
        let id = self.next_client;
        self.next_client += 1;
        let now = Instant::now();
        let client = Client {
            cursor,
            abort: None,
            peer,
            joined: now,
            last_take: now,
            restarted: None,
        };
        self.clients.insert(id, client);
        self.stats.clients += 1;
        (id, clock, backlog, self.wake.subscribe())
    }

    /// Lets the server drop client `id` by aborting its task.
    pub(super) fn set_abort(&mut self, id: u64, abort: AbortHandle) {
        if let Some(client) = self.clients.get_mut(&id) {
            client.abort = Some(abort);
        }
    }

    /// Forgets a client whose task has ended.
    pub(super) fn leave(&mut self, id: u64) {
        self.clients.remove(&id);
    }

    /// Adds to `out` the lines client `id` writes next.
    pub(super) fn take(&mut self, id: u64, out: &mut Vec<Arc<str>>) -> Next {
        let Some(client) = self.clients.get_mut(&id) else {
            return Next::Dropped;
        };
        client.last_take = Instant::now();
        if let Some(clock) = client.restarted.take() {
            out.push(clock);
        }
        let slow = self.history.waiting_live(&client.cursor) > self.live_depth
            || self.history.take(&mut client.cursor, out, TAKE_BYTES) == Taken::FellBehind;
        if slow {
            self.drop_client(id, Reason::Slow);
            return Next::Dropped;
        }
        if self.stopping && out.is_empty() {
            Next::Close
        } else {
            Next::Write
        }
    }

    /// Drops every client too slow, too long over its backlog, or no longer reading; then
    /// lets go of what no client needs any more. Called every so often.
    pub(super) fn sweep(&mut self, now: Instant) {
        let mut dropped = Vec::new();
        for (&id, client) in &self.clients {
            let idle = now.saturating_duration_since(client.last_take);
            let reason = if self.history.waiting_live(&client.cursor) > self.live_depth {
                Reason::Slow
            } else if client.cursor.in_backlog()
                && now.saturating_duration_since(client.joined) > self.drain_limit
            {
                Reason::Backlog
            } else if idle > self.drain_limit && self.history.has_waiting(&client.cursor) {
                Reason::Stalled
            } else {
                continue;
            };
            dropped.push((id, reason));
        }
        for (id, reason) in dropped {
            self.drop_client(id, reason);
        }
        let cursors = self.clients.values().map(|client| &client.cursor);
        self.history.tidy(cursors);
    }

    fn drop_client(&mut self, id: u64, reason: Reason) {
        let Some(client) = self.clients.remove(&id) else {
            return;
        };
        if let Some(abort) = client.abort {
            abort.abort();
        }
        let peer = client.peer;
        match reason {
            Reason::Slow => {
                self.stats.dropped_slow += 1;
                warn!(%peer, "client too slow: disconnected");
            }
            Reason::Backlog => {
                self.stats.dropped_backlog += 1;
                warn!(%peer, limit = ?self.drain_limit, "client did not take its backlog in time: disconnected");
            }
            Reason::Stalled => {
                self.stats.dropped_stalled += 1;
                warn!(%peer, limit = ?self.drain_limit, "client stopped reading: disconnected");
            }
        }
    }

    /// Tells every client there is more to take.
    pub(super) fn wake_clients(&self) {
        self.wake.send_replace(());
    }

    /// No more lines: each client writes what it has not taken, then closes.
    pub(super) fn stop(&mut self) {
        self.stopping = true;
        self.wake_clients();
    }

    /// A heartbeat announcing the served clock as it reads at wall time `wall`: never
    /// later than an event not sent yet (the producer may be a moment behind), never
    /// earlier than a line already sent.
    pub(super) fn clock_heartbeat(&mut self, wall: Timestamp) -> Arc<str> {
        let mut reading = self.clock.at(wall);
        if let Some(next) = self.next_due {
            reading = reading.min(next);
        }
        reading = reading.max(self.last_sent);
        self.last_sent = reading;
        self.stats.heartbeats += 1;
        heartbeat_line(
            reading,
            AnnouncedClock {
                speed: self.clock.announced_speed(),
                epoch: self.epoch,
            },
        )
    }

    /// Starts the served timeline again: a new epoch and an empty history, for the
    /// producer to fill with the new backlog before [`rejoin`](Self::rejoin).
    pub(super) fn restart(&mut self) {
        self.epoch += 1;
        self.history = History::new(
            self.backlog,
            usize::try_from(self.live_depth).unwrap_or(usize::MAX),
        );
        self.last_sent = Timestamp::MIN;
        self.next_due = None;
    }

    /// Every client joins the restarted timeline: the new clock first, then its backlog,
    /// as a client connecting now (with as long again to take it).
    pub(super) fn rejoin(&mut self, wall: Timestamp) {
        let clock = self.clock_heartbeat(wall);
        let now = Instant::now();
        for client in self.clients.values_mut() {
            client.cursor = self.history.join().0;
            client.restarted = Some(clock.clone());
            client.joined = now;
        }
        self.wake_clients();
    }

    /// Sends a heartbeat to every client.
    pub(super) fn beat(&mut self, wall: Timestamp) {
        let line = self.clock_heartbeat(wall);
        self.history.push_beat(line);
        self.wake_clients();
    }

    /// Sends an event's line dated `at` (served time), and keeps it for late joiners. The
    /// caller wakes the clients.
    pub(super) fn publish(&mut self, at: Timestamp, line: Arc<str>, role: Role) {
        self.last_sent = self.last_sent.max(at);
        if self.history.push(at, line, role) {
            self.stats.events += 1;
        }
    }
}
