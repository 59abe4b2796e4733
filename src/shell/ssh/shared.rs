//! What every connection shares: the way to the hub, the allow-list (swapped whole on a
//! reload, so a check never sees half a file), and the session log.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Instant;

use tokio::sync::mpsc;
use tracing::info;

use crate::format::printable;

use super::authorized::AuthorizedKeys;
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
    /// Refusals logged per source address in the current minute.
    refusals: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

/// At most this many refusals from one address are logged a minute (then one line says
/// the rest are not), so a flood cannot fill the disk.
pub(crate) const REFUSALS_PER_MINUTE: u32 = 10;

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

    /// Logs a refusal: the address, user name, key fingerprint (or `-`) and reason, at
    /// most [`REFUSALS_PER_MINUTE`] a minute from one address.
    pub(crate) fn refused(&self, peer: SocketAddr, user: &str, key: &str, reason: &str) {
        let count = {
            let mut refusals = self.refusals.lock().unwrap_or_else(PoisonError::into_inner);
            if refusals.len() > 10_000 {
                refusals.retain(|_, (since, _)| since.elapsed().as_secs() < 60);
            }
            let entry = refusals
                .entry(peer.ip())
                .or_insert_with(|| (Instant::now(), 0));
            if entry.0.elapsed().as_secs() >= 60 {
                *entry = (Instant::now(), 0);
            }
            entry.1 = entry.1.saturating_add(1);
            entry.1
        };
        let user: String = printable(user).chars().take(64).collect();
        if count <= REFUSALS_PER_MINUTE {
            info!(%peer, user = %user, key, reason, "refused");
        } else if count == REFUSALS_PER_MINUTE + 1 {
            info!(%peer, "more refusals from this address are not logged for a minute");
        }
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
