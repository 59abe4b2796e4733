//! The Erlang C model of a call-handling team: how many handlers keep calls answered
//! within a threshold at a given demand. Pure arithmetic, no feed and no clock.
//!
//! - The offered load, in erlangs, is the work arriving per second of time: calls per hour
//!   divided by 3,600, times the mean handle time in seconds. A load of 4.2 keeps 4.2
//!   handlers busy on average.
//! - With N handlers and load A, a call has to wait with probability C(N, A), the Erlang C
//!   formula. It only has a steady answer when N > A; otherwise calls arrive faster than
//!   they are handled and the queue grows without end ([`Forecast::QueueGrows`]).
//!   C is computed from the Erlang B recurrence, B(0) = 1 and
//!   B(n) = A·B(n−1) / (n + A·B(n−1)), then C = N·B / (N − A·(1 − B)), rather than
//!   from the textbook powers and factorials, which overflow long before 10,000
//!   handlers. The recurrence is carried as 1/B, which needs no division per step.
//! - The share answered within t seconds is 1 − C·e^(−(N−A)·t / AHT), and the mean wait
//!   over all calls is C·AHT / (N − A), AHT being the mean handle time.
//!
//! Percentages are 0–100 throughout (`_pct`), as in the rest of the engine's targets.

/// The most handlers the model considers: far beyond any control room.
pub(crate) const MAX_HANDLERS: u32 = 10_000;

/// Offered load in erlangs: finite and not negative.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct OfferedLoad(f64);

impl OfferedLoad {
    /// A load of `erlangs`, or `None` if it is negative, NaN or infinite.
    pub fn new(erlangs: f64) -> Option<OfferedLoad> {
        (erlangs.is_finite() && erlangs >= 0.0).then_some(OfferedLoad(erlangs))
    }

    /// The load of `calls_per_hour` calls each taking `mean_handle_s` seconds on average;
    /// `None` unless both are finite and not negative and the product is finite.
    pub(crate) fn from_rate(calls_per_hour: f64, mean_handle_s: f64) -> Option<OfferedLoad> {
        if !(calls_per_hour >= 0.0 && mean_handle_s >= 0.0) {
            return None; // also NaN
        }
        OfferedLoad::new(calls_per_hour / 3600.0 * mean_handle_s)
    }

    pub fn erlangs(self) -> f64 {
        self.0
    }
}

/// A number of call handlers on duty, at most [`MAX_HANDLERS`] (which bounds the work
/// of [`erlang_c`], one step per handler).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Handlers(u32);

impl Handlers {
    /// `count` handlers, or `None` above [`MAX_HANDLERS`].
    pub fn new(count: u32) -> Option<Handlers> {
        (count <= MAX_HANDLERS).then_some(Handlers(count))
    }

    pub fn count(self) -> u32 {
        self.0
    }
}

/// What a team of handlers can expect at a load.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Forecast {
    /// More handlers than load: the queue settles.
    Steady {
        /// Calls answered within the threshold, in percent.
        service_level_pct: f64,
        /// Mean wait to answer over all calls (those answered at once count 0), seconds.
        mean_wait_s: f64,
    },
    /// No more handlers than load: the queue grows without bound, nothing is answered
    /// within the threshold in the long run and the mean wait has no value.
    QueueGrows,
}

/// The probability that a call has to wait, C(N, A); `None` when N ≤ A (the queue grows).
pub fn erlang_c(handlers: Handlers, load: OfferedLoad) -> Option<f64> {
    let n = f64::from(handlers.0);
    let a = load.0;
    if n <= a {
        return None;
    }
    if a == 0.0 {
        return Some(0.0); // nobody calls, nobody waits
    }
    let inverse = (1..=handlers.0).fold(1.0, |inverse, k| next_inverse_blocking(inverse, k, a));
    Some(wait_from_inverse_blocking(n, a, inverse))
}

/// The service level within `threshold_s` and the mean wait for `handlers` at `load`,
/// calls taking `aht_s` seconds on average. `None` unless `aht_s` is finite and positive
/// and `threshold_s` finite and not negative (or the mean wait would not be finite).
pub fn forecast(
    handlers: Handlers,
    load: OfferedLoad,
    aht_s: f64,
    threshold_s: f64,
) -> Option<Forecast> {
    if !times_are_valid(aht_s, threshold_s) {
        return None;
    }
    match erlang_c(handlers, load) {
        None => Some(Forecast::QueueGrows),
        Some(wait) => steady(f64::from(handlers.0), load.0, wait, aht_s, threshold_s),
    }
}

/// How many handlers a goal needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needed {
    /// This many, the fewest that meet the goal (at most [`MAX_HANDLERS`]).
    Team(u32),
    /// No team of up to [`MAX_HANDLERS`] meets the goal: more than that are needed.
    MoreThanMax,
}

/// The fewest handlers whose service level within `threshold_s` is at least `goal_pct`,
/// or [`Needed::MoreThanMax`] when no team of up to [`MAX_HANDLERS`] reaches it. `None`
/// when the load, `aht_s` or the goal is not finite and positive, the goal is 100 or more
/// (never met while any call arrives, whatever the team) or `threshold_s` is negative or
/// not finite.
pub fn needed(load: OfferedLoad, aht_s: f64, threshold_s: f64, goal_pct: f64) -> Option<Needed> {
    let a = load.0;
    let goal_is_valid = goal_pct > 0.0 && goal_pct < 100.0;
    if !(a > 0.0 && goal_is_valid && times_are_valid(aht_s, threshold_s)) {
        return None;
    }
    if a >= f64::from(MAX_HANDLERS) {
        return Some(Needed::MoreThanMax); // no team within the limit is larger than the load
    }
    // One pass of the recurrence: 1/B(n) for each n is the step after 1/B(n − 1).
    let mut inverse = 1.0;
    for k in 1..=MAX_HANDLERS {
        inverse = next_inverse_blocking(inverse, k, a);
        let n = f64::from(k);
        if n <= a {
            continue;
        }
        let wait = wait_from_inverse_blocking(n, a, inverse);
        if let Some(Forecast::Steady {
            service_level_pct, ..
        }) = steady(n, a, wait, aht_s, threshold_s)
            && service_level_pct >= goal_pct
        {
            return Some(Needed::Team(k));
        }
    }
    Some(Needed::MoreThanMax)
}

fn times_are_valid(aht_s: f64, threshold_s: f64) -> bool {
    aht_s.is_finite() && aht_s > 0.0 && threshold_s.is_finite() && threshold_s >= 0.0
}

/// 1/B for `k` handlers from 1/B for `k − 1`, for a > 0: the B recurrence turned over,
/// 1/B(k) = 1 + (k/A)·1/B(k − 1). A multiply and an add on the chain from one step to
/// the next rather than a division, which makes 10,000 steps several times faster. It
/// stays at least 1, and runs to infinity (never NaN) only when B is below the smallest
/// double, where 0 is B's nearest value (see `wait_from_inverse_blocking`).
fn next_inverse_blocking(previous: f64, k: u32, a: f64) -> f64 {
    1.0 + f64::from(k) / a * previous
}

/// Erlang C from 1/B, for n > a (so the denominator is positive).
fn wait_from_inverse_blocking(n: f64, a: f64, inverse_blocking: f64) -> f64 {
    let blocking = if inverse_blocking.is_finite() {
        1.0 / inverse_blocking
    } else {
        0.0
    };
    n * blocking / (n - a * (1.0 - blocking))
}

/// The forecast for n > a with wait probability `wait`; `None` if the mean wait is not
/// a finite number (an enormous handle time over a hair's breadth of spare capacity).
fn steady(n: f64, a: f64, wait: f64, aht_s: f64, threshold_s: f64) -> Option<Forecast> {
    let spare = n - a;
    let decay = (-spare * threshold_s / aht_s).exp();
    let mean_wait_s = wait * aht_s / spare;
    mean_wait_s.is_finite().then_some(Forecast::Steady {
        service_level_pct: 100.0 * (1.0 - wait * decay),
        mean_wait_s,
    })
}

#[cfg(test)]
mod tests;
