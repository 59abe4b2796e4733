//! What every connection shares: the way to the hub, the allow-list (swapped whole on a
//! reload, so a check never sees half a file), and the session log.

use std::collections::HashMap;
use std::net::SocketAddr;
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
}

impl Shared {
    pub(crate) fn new(hub: mpsc::Sender<ToHub>, keys: AuthorizedKeys) -> Shared {
        Shared {
            hub,
            keys: RwLock::new(Arc::new(keys)),
            ids: AtomicU64::new(1),
            sessions: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn next_id(&self) -> u64 {
        self.ids.fetch_add(1, Ordering::Relaxed)
    }

    pub(crate) fn keys(&self) -> Arc<AuthorizedKeys> {
        let keys = self.keys.read().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(&keys)
    }

    /// The new allow-list; sessions already open stay open.
    pub(crate) fn set_keys(&self, keys: AuthorizedKeys) {
        let mut current = self.keys.write().unwrap_or_else(PoisonError::into_inner);
        *current = Arc::new(keys);
    }

    fn sessions(&self) -> std::sync::MutexGuard<'_, HashMap<u64, (Who, Instant)>> {
        self.sessions.lock().unwrap_or_else(PoisonError::into_inner)
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
