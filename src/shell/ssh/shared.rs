//! What every connection shares: the way to the hub, the allow-list (swapped whole on a
//! reload, so a check never sees half a file), and the session log.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Instant;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tracing::info;

use crate::format::printable;

use super::authorized::{Admitted, AuthorizedKeys};
use super::hub::ToHub;

/// Who a session is, for the log: never anything of the feed.
#[derive(Debug, Clone)]
pub(crate) struct Who {
    pub(crate) fingerprint: String,
    pub(crate) comment: String,
    pub(crate) peer: SocketAddr,
}

pub(crate) struct Shared {
    pub(crate) hub: mpsc::Sender<ToHub>,
    keys: RwLock<Arc<AuthorizedKeys>>,
    ids: AtomicU64,
    /// The sessions showing the board, for the line logged when each ends.
    sessions: Mutex<HashMap<u64, (Who, Instant)>>,
    /// Refusals, drops and time-outs logged per source address in the current minute.
    refusals: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

/// At most this many refusals, drops and time-outs from one address are logged a minute
/// (then one line says the rest are not), so a flood cannot fill the disk.
pub(crate) const REFUSALS_PER_MINUTE: u32 = 10;

/// Whether one more line about an address may be logged this minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LogTurn {
    Log,
    /// The first past the limit: one line says the rest are not logged.
    SayQuiet,
    Quiet,
}

impl Shared {
    pub(crate) fn new(hub: mpsc::Sender<ToHub>, keys: AuthorizedKeys) -> Shared {
        Shared {
            hub,
            keys: RwLock::new(Arc::new(keys)),
            ids: AtomicU64::new(1),
            sessions: Mutex::new(HashMap::new()),
            refusals: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn next_id(&self) -> u64 {
        self.ids.fetch_add(1, Ordering::Relaxed)
    }

    pub(crate) fn keys(&self) -> Arc<AuthorizedKeys> {
        let keys = self.keys.read().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(&keys)
    }

    /// The new allow-list; sessions whose key it no longer lets in are ended.
    pub(crate) fn set_keys(&self, keys: AuthorizedKeys) {
        let revoked: Vec<u64> = self
            .sessions()
            .iter()
            .filter(|(_, (who, _))| !keys.still_admits(&who.fingerprint, who.peer.ip()))
            .map(|(&id, _)| id)
            .collect();
        {
            let mut current = self.keys.write().unwrap_or_else(PoisonError::into_inner);
            *current = Arc::new(keys);
        }
        for id in revoked {
            let _ = self.hub.try_send(ToHub::Revoke { id });
        }
    }

    fn sessions(&self) -> std::sync::MutexGuard<'_, HashMap<u64, (Who, Instant)>> {
        self.sessions.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts one more line about `address` in its minute: one limit for refusals,
    /// drops and time-outs together, [`REFUSALS_PER_MINUTE`].
    fn log_turn(&self, address: IpAddr) -> LogTurn {
        let count = {
            let mut refusals = self.refusals.lock().unwrap_or_else(PoisonError::into_inner);
            if refusals.len() > 10_000 {
                refusals.retain(|_, (since, _)| since.elapsed().as_secs() < 60);
            }
            let entry = refusals
                .entry(address)
                .or_insert_with(|| (Instant::now(), 0));
            if entry.0.elapsed().as_secs() >= 60 {
                *entry = (Instant::now(), 0);
            }
            entry.1 = entry.1.saturating_add(1);
            entry.1
        };
        match count {
            count if count <= REFUSALS_PER_MINUTE => LogTurn::Log,
            count if count == REFUSALS_PER_MINUTE + 1 => LogTurn::SayQuiet,
            _ => LogTurn::Quiet,
        }
    }

    /// Logs `line` about `peer` if its turn allows, else the one line saying the rest
    /// are not logged.
    fn log_limited(&self, peer: SocketAddr, line: impl FnOnce()) {
        match self.log_turn(peer.ip()) {
            LogTurn::Log => line(),
            LogTurn::SayQuiet => info!(
                %peer,
                "more refusals, drops and time-outs from this address are not logged for a minute"
            ),
            LogTurn::Quiet => {}
        }
    }

    /// Logs a refusal: the address, user name, key fingerprint (or `-`) and reason,
    /// rate-limited per address.
    pub(crate) fn refused(&self, peer: SocketAddr, user: &str, key: &str, reason: &str) {
        let user: String = printable(user).chars().take(64).collect();
        self.log_limited(peer, || info!(%peer, user = %user, key, reason, "refused"));
    }

    /// Logs a connection dropped before its handshake, rate-limited per address.
    pub(crate) fn dropped(&self, peer: SocketAddr, reason: &str) {
        self.log_limited(peer, || info!(%peer, reason, "connection dropped"));
    }

    /// Logs a connection turned away because the board is full, rate-limited per address.
    pub(crate) fn full(&self, peer: SocketAddr, sessions: usize) {
        self.log_limited(peer, || {
            info!(%peer, sessions, "connection refused: the board is full");
        });
    }

    /// Logs a connection closed for not signing in in time, rate-limited per address.
    pub(crate) fn timed_out(&self, peer: SocketAddr) {
        self.log_limited(peer, || info!(%peer, "authentication timed out"));
    }

    /// Ends session `id` when its key's `expiry-time` passes: a timer to the expiry (the
    /// latest of the lines that let the key in, read again at the time in case a reload
    /// changed it), not a poll. Abort the handle when the session ends first.
    pub(crate) fn end_at_expiry(self: &Arc<Self>, id: u64, who: &Who) -> JoinHandle<()> {
        let shared = Arc::clone(self);
        let (fingerprint, address) = (who.fingerprint.clone(), who.peer.ip());
        tokio::spawn(async move {
            loop {
                let expires = match shared.keys().admitted_until(&fingerprint, address) {
                    Admitted::Always => return,
                    Admitted::Until(at) => at,
                    Admitted::No => break,
                };
                let left = (expires - chrono::Utc::now()).to_std().unwrap_or_default();
                tokio::time::sleep(left).await;
            }
            let _ = shared.hub.send(ToHub::Expire { id }).await;
        })
    }

    pub(crate) fn started(&self, id: u64, who: Who) {
        info!(
            session = id,
            key = %who.fingerprint,
            comment = %printable(&who.comment),
            peer = %who.peer,
            "session started"
        );
        self.sessions().insert(id, (who, Instant::now()));
    }

    /// Logs the end of session `id` once, whichever side saw it first.
    pub(crate) fn ended(&self, id: u64, reason: &str) {
        let Some((who, started)) = self.sessions().remove(&id) else {
            return;
        };
        info!(
            session = id,
            key = %who.fingerprint,
            comment = %printable(&who.comment),
            peer = %who.peer,
            seconds = started.elapsed().as_secs(),
            reason,
            "session ended"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_drops_and_time_outs_share_ten_lines_a_minute_per_address() {
        let (hub, _) = mpsc::channel(1);
        let shared = Shared::new(hub, AuthorizedKeys::default());
        let flood: IpAddr = [192, 0, 2, 7].into();
        let other: IpAddr = [192, 0, 2, 8].into();
        // Ten from one address are logged, whatever they are; the eleventh says the
        // rest are not, and the twelfth is quiet. Another address has its own ten.
        let turns: Vec<LogTurn> = (0..12).map(|_| shared.log_turn(flood)).collect();
        assert_eq!(&turns[..10], &[LogTurn::Log; 10]);
        assert_eq!(turns[10..], [LogTurn::SayQuiet, LogTurn::Quiet]);
        assert_eq!(shared.log_turn(other), LogTurn::Log);
    }
}
