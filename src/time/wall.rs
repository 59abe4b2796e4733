//! The one wall clock. Everything else is given the time as a [`Timestamp`], so it can be
//! tested to the nanosecond; only the shells (the terminal loop, `serve`, the sources)
//! read this.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use super::{Span, Timestamp};

/// The wall clock as an instant since the epoch, read once from the system and then
/// advanced by the monotonic clock: it never jumps backwards when NTP steps the system
/// time, so virtual clocks and countdowns built on it stay smooth.
#[derive(Debug, Clone, Copy)]
pub struct WallClock {
    base_instant: Instant,
    base: Timestamp,
}

impl WallClock {
    pub fn new() -> WallClock {
        let since_epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        WallClock {
            base_instant: Instant::now(),
            base: Timestamp::UNIX_EPOCH + Span::from_duration(since_epoch),
        }
    }

    /// Now.
    pub fn now(&self) -> Timestamp {
        self.base + Span::from_duration(self.base_instant.elapsed())
    }

    /// The monotonic instant at which this clock reads `wall` (for timers); the base
    /// instant for any time before it.
    pub(crate) fn instant_at(&self, wall: Timestamp) -> Instant {
        self.base_instant + (wall - self.base).to_duration()
    }
}

impl Default for WallClock {
    fn default() -> Self {
        WallClock::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_goes_backwards_and_maps_back_to_instants() {
        let clock = WallClock::new();
        let first = clock.now();
        let second = clock.now();
        assert!(second >= first);
        let at = clock.instant_at(first);
        assert!(at >= clock.base_instant);
        // A time before the base maps to the base, not a panic.
        assert_eq!(clock.instant_at(Timestamp::MIN), clock.base_instant);
    }
}
