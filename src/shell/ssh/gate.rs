//! Who may start a handshake: connections not yet signed in are limited apart from the
//! sessions (as OpenSSH's `MaxStartups` and `PerSourceMaxStartups`), so that anyone who
//! reaches the port cannot lock the inspectors out.
//!
//! Past `start` connections not yet signed in, a new one is dropped at random, with a
//! chance of `rate` % rising to 100 % at `full`; past `per_source` from one address, a new
//! one from there is dropped. Signed-in sessions are counted apart, against
//! `--max-sessions` only, so they never wait on the unauthenticated.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// `--max-startups START:RATE:FULL`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Startups {
    pub start: usize,
    /// The chance, in percent, of dropping a new connection at `start`.
    pub rate: u32,
    pub full: usize,
}

impl Startups {
    /// OpenSSH's default, 10:30:100.
    pub const DEFAULT: Startups = Startups {
        start: 10,
        rate: 30,
        full: 100,
    };

    /// The chance, in percent, that a new connection is dropped with `pending` not yet
    /// signed in.
    fn drop_chance(self, pending: usize) -> u64 {
        if pending >= self.full {
            return 100;
        }
        if pending < self.start {
            return 0;
        }
        let span = (self.full - self.start).max(1) as u64;
        let past = (pending - self.start) as u64;
        let rate = u64::from(self.rate.min(100));
        rate + (100 - rate) * past / span
    }
}

/// Why a connection was not let in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dropped {
    /// Too many not yet signed in: dropped at random (`MaxStartups`).
    Startups,
    /// Too many not yet signed in from its address.
    PerSource,
}

impl Dropped {
    pub(crate) fn reason(self) -> &'static str {
        match self {
            Dropped::Startups => "too many connections not yet signed in",
            Dropped::PerSource => "too many connections not yet signed in from this address",
        }
    }
}

#[derive(Default)]
struct Counts {
    pending: usize,
    per_source: HashMap<IpAddr, usize>,
    sessions: usize,
    random: u64,
}

pub(crate) struct Gate {
    startups: Startups,
    per_source: usize,
    counts: Mutex<Counts>,
}

impl Gate {
    pub(crate) fn new(startups: Startups, per_source: usize) -> Gate {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0x9e37_79b9, |since| {
                u64::from(since.subsec_nanos()) ^ since.as_secs().rotate_left(32)
            })
            | 1;
        Gate {
            startups,
            per_source,
            counts: Mutex::new(Counts {
                random: seed,
                ..Counts::default()
            }),
        }
    }

    fn counts(&self) -> MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Signed-in sessions open now.
    pub(crate) fn sessions(&self) -> usize {
        self.counts().sessions
    }

    /// Lets a new connection from `source` start its handshake, or says why not.
    pub(crate) fn enter(self: &Arc<Gate>, source: IpAddr) -> Result<Ticket, Dropped> {
        let mut counts = self.counts();
        if counts.per_source.get(&source).copied().unwrap_or(0) >= self.per_source {
            return Err(Dropped::PerSource);
        }
        let chance = self.startups.drop_chance(counts.pending);
        if chance > 0 {
            // xorshift64: enough to make the drop unpredictable to a flood.
            let mut x = counts.random;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            counts.random = x;
            if x % 100 < chance {
                return Err(Dropped::Startups);
            }
        }
        counts.pending += 1;
        *counts.per_source.entry(source).or_insert(0) += 1;
        Ok(Ticket {
            gate: Arc::clone(self),
            source,
            signed_in: AtomicBool::new(false),
        })
    }

    fn leave_pending(counts: &mut Counts, source: IpAddr) {
        counts.pending = counts.pending.saturating_sub(1);
        if let Some(n) = counts.per_source.get_mut(&source) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                counts.per_source.remove(&source);
            }
        }
    }
}

/// One connection's place: not yet signed in until [`Ticket::signed_in`], then a session.
pub(crate) struct Ticket {
    gate: Arc<Gate>,
    source: IpAddr,
    signed_in: AtomicBool,
}

impl Ticket {
    /// The connection has signed in: it counts as a session from now.
    pub(crate) fn sign_in(&self) {
        if !self.signed_in.swap(true, Ordering::SeqCst) {
            let mut counts = self.gate.counts();
            Gate::leave_pending(&mut counts, self.source);
            counts.sessions += 1;
        }
    }

    pub(crate) fn is_signed_in(&self) -> bool {
        self.signed_in.load(Ordering::SeqCst)
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut counts = self.gate.counts();
        if self.signed_in.load(Ordering::SeqCst) {
            counts.sessions = counts.sessions.saturating_sub(1);
        } else {
            Gate::leave_pending(&mut counts, self.source);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_drop_chance_rises_from_rate_at_start_to_certain_at_full() {
        let startups = Startups::DEFAULT;
        assert_eq!(startups.drop_chance(9), 0);
        assert_eq!(startups.drop_chance(10), 30);
        assert_eq!(startups.drop_chance(55), 65);
        assert_eq!(startups.drop_chance(100), 100);
    }

    #[test]
    fn one_address_is_held_to_its_share_and_a_session_frees_its_place() {
        let gate = Arc::new(Gate::new(
            Startups {
                start: 100,
                rate: 30,
                full: 100,
            },
            2,
        ));
        let here: IpAddr = [127, 0, 0, 1].into();
        let there: IpAddr = [127, 0, 0, 2].into();
        let first = gate.enter(here).unwrap();
        let _second = gate.enter(here).unwrap();
        assert_eq!(gate.enter(here).err(), Some(Dropped::PerSource));
        assert!(gate.enter(there).is_ok());
        first.sign_in();
        assert_eq!(gate.sessions(), 1);
        let _third = gate.enter(here).unwrap();
        drop(first);
        assert_eq!(gate.sessions(), 0);
    }
}
