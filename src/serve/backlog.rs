//! Shared state: the connected clients, and the backlog kept for late joiners.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;
use tokio::task::AbortHandle;
use tracing::warn;

use super::clock::ServedClock;
use super::lines::{Key, Role, heartbeat_line};
use super::{MAX_BACKLOG_LINES, MAX_OLD_OPEN, ServeStats};
use crate::time::{Span, Timestamp};

pub(super) fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

pub(super) struct Client {
    pub(super) tx: mpsc::Sender<Arc<str>>,
    pub(super) abort: AbortHandle,
    pub(super) peer: SocketAddr,
}

struct Entry {
    /// Its served time (its `at`).
    at: Timestamp,
    line: Arc<str>,
    /// For an opening: its id, to tell whether it is still open when it leaves.
    opens: Option<Key>,
    /// A cancellation whose creation has left the backlog: not for late joiners.
    skip: bool,
}

pub(super) struct Shared {
    pub(super) clients: HashMap<u64, Client>,
    pub(super) next_client: u64,
    /// The clock the lines are dated on.
    clock: ServedClock,
    /// The served time of the next event to send, if any: no line sent so far is later.
    pub(super) next_due: Option<Timestamp>,
    /// The latest `at` sent, so that a heartbeat never reads earlier.
    last_sent: Timestamp,
    /// Lines sent in the last `backlog` of served time; `history[i]` has sequence number
    /// `front_seq + i`.
    history: VecDeque<Entry>,
    front_seq: u64,
    backlog: Span,
    /// Every id open now, with its opening's sequence number.
    open: HashMap<Key, u64>,
    /// Openings that left `history` while still open, by sequence number.
    old_open: BTreeMap<u64, (Key, Arc<str>)>,
    /// Opening's sequence number → its cancellation's, while both are in `history`.
    cancelled: HashMap<u64, u64>,
    warned_cap: bool,
    pub(super) stats: ServeStats,
}

impl Shared {
    pub(super) fn new(backlog: Span, clock: ServedClock) -> Shared {
        Shared {
            clock,
            next_due: None,
            last_sent: Timestamp::MIN,
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
    pub(super) fn backlog(&self) -> Vec<Arc<str>> {
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
        heartbeat_line(reading, self.clock.speed())
    }

    /// Sends a line to every client; a client whose queue is full is disconnected.
    pub(super) fn broadcast(&mut self, line: &Arc<str>) {
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

    /// Sends an event's line dated `at` (served time), and keeps it for late joiners.
    pub(super) fn publish(&mut self, at: Timestamp, line: Arc<str>, role: Role) {
        self.last_sent = self.last_sent.max(at);
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
                at,
                line,
                opens,
                skip: false,
            });
        }
        self.trim(at);
    }

    /// Lets go of lines older than the backlog, keeping openings still open.
    fn trim(&mut self, now: Timestamp) {
        let cutoff = now - self.backlog;
        while let Some(front) = self.history.front() {
            let over_cap = self.history.len() > MAX_BACKLOG_LINES;
            if front.at > cutoff && !over_cap {
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
