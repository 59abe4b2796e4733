//! The back-off between attempts: doubling from the base delay to the cap, each scaled by a
//! random ±20 % so that boards restarted together do not retry in step.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::SourceOptions;

use crate::time::WallClock;

/// The back-off before retry number `attempt` (0 first): 1, 2, 4, 8, 16, 30, 30… seconds,
/// each scaled by a jitter of ±20 % (`jitter_unit` in [0, 1): 0 → −20 %, 0.5 → none).
pub fn backoff_delay(attempt: u32, jitter_unit: f64) -> Duration {
    let defaults = SourceOptions::default();
    scaled_backoff(
        defaults.base_delay,
        defaults.max_delay,
        attempt,
        jitter_unit,
    )
}

/// [`backoff_delay`] from a chosen base and cap.
pub(super) fn scaled_backoff(
    base: Duration,
    max: Duration,
    attempt: u32,
    jitter_unit: f64,
) -> Duration {
    let nominal = base.saturating_mul(1 << attempt.min(20)).min(max);
    let unit = if jitter_unit.is_finite() {
        jitter_unit.clamp(0.0, 1.0)
    } else {
        0.5
    };
    nominal.mul_f64(0.8 + 0.4 * unit)
}

/// A tiny xorshift64* generator for back-off jitter; it needs no quality, only spread.
pub(super) struct Jitter(u64);

impl Jitter {
    pub(super) fn from_clock() -> Self {
        static STARTED: AtomicU64 = AtomicU64::new(0);
        let nanos = WallClock::new().now().nanos().cast_unsigned();
        let nth = STARTED.fetch_add(1, Ordering::Relaxed);
        Jitter((nanos ^ nth.wrapping_mul(0x9E37_79B9_7F4A_7C15)) | 1)
    }

    /// A number in [0, 1).
    pub(super) fn next_unit(&mut self) -> f64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1_u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_the_cap() {
        let seconds: Vec<f64> = (0..8)
            .map(|attempt| backoff_delay(attempt, 0.5).as_secs_f64())
            .collect();
        assert_eq!(seconds, vec![1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0]);
        assert_eq!(backoff_delay(u32::MAX, 0.5), Duration::from_secs(30));
    }

    #[test]
    fn jitter_units_stay_in_range_and_spread() {
        let mut jitter = Jitter::from_clock();
        let units: Vec<f64> = (0..1000).map(|_| jitter.next_unit()).collect();
        assert!(units.iter().all(|unit| (0.0..1.0).contains(unit)));
        assert!(units.iter().any(|unit| *unit < 0.1));
        assert!(units.iter().any(|unit| *unit > 0.9));
    }
}
