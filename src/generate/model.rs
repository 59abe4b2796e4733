//! The feed's model: calibrated daily demand, arrivals, and each call's and
//! incident's closing event, queued in time order. Kept apart from the writer
//! and the random stream so the West Midlands calibration reads on its own.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use chrono::{DateTime, Datelike, Timelike, Utc, Weekday};
use chrono_tz::Tz;

use super::rng::Rng;
use super::roster::{HandleTimes, Roster, SNAPSHOT_EVERY_MS};
use super::{AreaShare, GenOptions};
use crate::model::CallLine;

// ---------------------------------------------------------------------------
// Calibration
// ---------------------------------------------------------------------------

pub(super) const DAY_MS: i64 = 86_400_000;
pub(super) const MINUTE_MS: i64 = 60_000;
pub(super) const HEARTBEAT_MS: i64 = 15_000;

/// Mean arrivals per (weekday) day, indexed by [`Stream`].
const DAILY_RATE: [f64; 5] = [2200.0, 2000.0, 300.0, 500.0, 150.0];

/// Relative arrival rate at each local hour `hh:00`; linear in between.
/// Trough at 04:00, peak 17:00–18:00 (about 5x the trough).
const HOURLY_SHAPE: [f64; 24] = [
    0.85, 0.68, 0.52, 0.38, 0.30, 0.31, 0.42, 0.62, 0.85, 1.02, 1.12, 1.20, //
    1.26, 1.30, 1.36, 1.42, 1.48, 1.52, 1.52, 1.48, 1.40, 1.28, 1.14, 1.00,
];

/// Extra demand on Friday and Saturday evenings (ramping in 17:00–20:00 and
/// out 01:00–04:00 the next morning).
const WEEKEND_EVENING_BOOST: f64 = 0.15;

/// West Midlands' Local Policing Areas and their shares of the demand (percent): the
/// default force's areas and `weight`s.
pub(super) const WEST_MIDLANDS_SHARES: [(&str, f64); 7] = [
    ("BIR", 40.0),
    ("COV", 12.0),
    ("DUD", 11.0),
    ("SAN", 11.0),
    ("SOL", 7.0),
    ("WAL", 9.0),
    ("WOL", 10.0),
];
/// Share of calls offered with no `lpa` key.
const CALL_NO_LPA: f64 = 0.03;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stream {
    Call999 = 0,
    Call101 = 1,
    Emergency = 2,
    Priority = 3,
    Scheduled = 4,
}

const STREAMS: [Stream; 5] = [
    Stream::Call999,
    Stream::Call101,
    Stream::Emergency,
    Stream::Priority,
    Stream::Scheduled,
];

// ---------------------------------------------------------------------------
// Events and the pending heap
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Grade {
    Emergency,
    Priority,
    Scheduled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Event {
    Heartbeat,
    CallOffered {
        id: u64,
        line: CallLine,
        lpa: Option<u16>,
    },
    CallAnswered {
        id: u64,
        line: CallLine,
    },
    /// The handler of an answered call is free again (schema v1.1).
    CallEnded {
        id: u64,
        line: CallLine,
    },
    CallAbandoned {
        id: u64,
    },
    IncidentCreated {
        id: u64,
        grade: Grade,
        lpa: Option<u16>,
    },
    IncidentArrived {
        id: u64,
    },
    IncidentCancelled {
        id: u64,
    },
    /// Handlers of `line` logged on now (schema v1.1); the writer adds how many are free.
    Staffing {
        line: CallLine,
        on_duty: u32,
    },
}

/// An event waiting to be written; ordered (as a min-heap) by time, then by
/// push order, so an opening event always precedes its closing event.
#[derive(Debug, Clone, Copy)]
pub(super) struct Pending {
    pub(super) at: i64,
    seq: u64,
    pub(super) ev: Event,
}

impl PartialEq for Pending {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Pending {}
impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Pending {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: BinaryHeap is a max-heap.
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

pub(super) struct Generator {
    rng: Rng,
    tz: Tz,
    heap: BinaryHeap<Pending>,
    seq: u64,
    next_call: u64,
    next_incident: u64,
    /// Normalised hourly shape (mean 1 over the day).
    shape: [f64; 24],
    /// Reused per-day arrival buffer: (time, stream, load weight).
    arrivals: Vec<(i64, Stream, f64)>,
    /// The call handlers (schema v1.1), when the feed carries them.
    handlers: Option<(HandleTimes, Roster)>,
    /// Which area each call and incident is in.
    areas: AreaDraw,
}

impl Generator {
    pub(super) fn new(opts: &GenOptions) -> Self {
        let mean = HOURLY_SHAPE.iter().sum::<f64>() / 24.0;
        let shape = HOURLY_SHAPE.map(|w| w / mean);
        Generator {
            rng: Rng::new(opts.seed),
            tz: opts.tz,
            heap: BinaryHeap::new(),
            seq: 0,
            next_call: 1,
            next_incident: 1,
            shape,
            arrivals: Vec::new(),
            handlers: opts
                .handlers
                .then(|| (HandleTimes::new(opts.seed), Roster::new(opts.seed, opts.tz))),
            areas: AreaDraw::new(&opts.areas),
        }
    }

    fn push(&mut self, at: i64, ev: Event) {
        self.heap.push(Pending {
            at,
            seq: self.seq,
            ev,
        });
        self.seq += 1;
    }

    /// The earliest pending event if it is before `t`.
    pub(super) fn pop_before(&mut self, t: i64) -> Option<Pending> {
        if self.heap.peek()?.at < t {
            self.heap.pop()
        } else {
            None
        }
    }

    /// Whether nothing pending is earlier than `t`.
    pub(super) fn drained_before(&self, t: i64) -> bool {
        self.heap.iter().all(|p| p.at >= t)
    }

    /// Heartbeats on every quarter minute (UTC) in `[d0, d1)`.
    pub(super) fn heartbeats(&mut self, d0: i64, d1: i64) {
        let mut t = d0 + (HEARTBEAT_MS - d0.rem_euclid(HEARTBEAT_MS)) % HEARTBEAT_MS;
        while t < d1 {
            self.push(t, Event::Heartbeat);
            t += HEARTBEAT_MS;
        }
    }

    /// The staffing snapshots of `[d0, d1)`: each line's count every five minutes (UTC)
    /// and at every change of the roster.
    pub(super) fn staffing(&mut self, d0: i64, d1: i64) {
        let Some((_, roster)) = &mut self.handlers else {
            return;
        };
        let changes = roster.changes(d0, d1);
        let mut snapshots = Vec::new();
        for line in CallLine::ALL {
            let of_line: Vec<_> = changes.iter().filter(|c| c.line == line).collect();
            let mut t =
                d0 + (SNAPSHOT_EVERY_MS - d0.rem_euclid(SNAPSHOT_EVERY_MS)) % SNAPSHOT_EVERY_MS;
            let mut times: Vec<i64> = of_line.iter().map(|c| c.at).collect();
            while t < d1 {
                times.push(t);
                t += SNAPSHOT_EVERY_MS;
            }
            times.sort_unstable();
            times.dedup();
            for at in times {
                let on_duty = of_line
                    .iter()
                    .take_while(|c| c.at <= at)
                    .last()
                    .map_or(0, |c| c.on_duty);
                snapshots.push((
                    at,
                    line == CallLine::NonEmergency101,
                    Event::Staffing { line, on_duty },
                ));
            }
        }
        snapshots.sort_by_key(|s| (s.0, s.1));
        for (at, _, event) in snapshots {
            self.push(at, event);
        }
    }

    /// Relative demand at UTC instant `ms` (1.0 = average weekday).
    fn load(&self, ms: i64) -> f64 {
        let Some(utc) = DateTime::<Utc>::from_timestamp_millis(ms) else {
            return 1.0;
        };
        let local = utc.with_timezone(&self.tz);
        let x = f64::from(local.hour())
            + f64::from(local.minute()) / 60.0
            + f64::from(local.second()) / 3600.0;
        let h = local.hour() as usize;
        let frac = x - h as f64;
        let w = self.shape[h] * (1.0 - frac) + self.shape[(h + 1) % 24] * frac;
        let evening = match local.weekday() {
            Weekday::Fri => ramp_up(x),
            Weekday::Sat => ramp_up(x).max(ramp_down(x)),
            Weekday::Sun => ramp_down(x),
            _ => 0.0,
        };
        w * (1.0 + WEEKEND_EVENING_BOOST * evening)
    }

    /// Draws the arrivals in `[d0, d1)` and pushes them with their closes.
    pub(super) fn arrivals(&mut self, d0: i64, d1: i64) {
        let mut arrivals = std::mem::take(&mut self.arrivals);
        arrivals.clear();
        let mut t0 = d0;
        while t0 < d1 {
            let span = (d1 - t0).min(MINUTE_MS);
            let w = self.load(t0 + span / 2);
            let minutes = span as f64 / MINUTE_MS as f64;
            for s in STREAMS {
                let mean = DAILY_RATE[s as usize] / 1440.0 * w * minutes;
                let n = self.rng.poisson(mean);
                for _ in 0..n {
                    // 0 < span ≤ a minute, and below(span) < span: both casts keep the value.
                    let at = t0 + self.rng.below(span.cast_unsigned()).cast_signed();
                    arrivals.push((at, s, w));
                }
            }
            t0 += span;
        }
        arrivals.sort_by_key(|a| (a.0, a.1));
        for &(at, s, w) in &arrivals {
            match s {
                Stream::Call999 => self.call(at, CallLine::Emergency999, w),
                Stream::Call101 => self.call(at, CallLine::NonEmergency101, w),
                Stream::Emergency => self.incident(at, Grade::Emergency, w),
                Stream::Priority => self.incident(at, Grade::Priority, w),
                Stream::Scheduled => self.incident(at, Grade::Scheduled, w),
            }
        }
        self.arrivals = arrivals;
    }

    /// The index of an area drawn by its share, or none when the force has no areas.
    fn lpa(&mut self) -> Option<u16> {
        if self.areas.total == 0 {
            return None;
        }
        let mut r = self.rng.below(self.areas.total);
        for (index, &parts) in (0_u16..).zip(&self.areas.parts) {
            if r < parts {
                return Some(index);
            }
            r -= parts;
        }
        None
    }

    fn call(&mut self, at: i64, line: CallLine, w: f64) {
        let id = self.next_call;
        self.next_call += 1;
        let lpa = if self.rng.f64() < CALL_NO_LPA {
            None
        } else {
            self.lpa()
        };
        self.push(at, Event::CallOffered { id, line, lpa });
        // Busier = slower: waits scale with the current demand.
        let slow = 0.82 + 0.18 * w;
        let r = &mut self.rng;
        let (abandoned, secs) = match line {
            CallLine::Emergency999 => {
                if r.f64() < 0.0095 * slow {
                    (true, r.lognormal(9.0, 0.9))
                } else if r.f64() < 0.03 {
                    (false, r.lognormal(17.0, 0.7) * slow)
                } else {
                    (false, r.lognormal(3.3, 0.55) * slow)
                }
            }
            CallLine::NonEmergency101 => {
                if r.f64() < 0.098 * slow {
                    (true, r.lognormal(150.0, 0.5))
                } else {
                    (false, r.lognormal(33.0, 1.05) * slow)
                }
            }
        };
        let close = at + secs_to_ms(secs);
        if abandoned {
            self.push(close, Event::CallAbandoned { id });
            return;
        }
        self.push(close, Event::CallAnswered { id, line });
        if let Some((handle_times, _)) = &mut self.handlers {
            let handled = secs_to_ms(handle_times.draw(line));
            self.push(close.saturating_add(handled), Event::CallEnded { id, line });
        }
    }

    fn incident(&mut self, at: i64, grade: Grade, w: f64) {
        let id = self.next_incident;
        self.next_incident += 1;
        let lpa = self.lpa();
        self.push(at, Event::IncidentCreated { id, grade, lpa });
        let slow = 0.9 + 0.1 * w;
        let r = &mut self.rng;
        let (cancel_p, mins) = match grade {
            Grade::Emergency => {
                // Mostly tight around 10 minutes, with a slow tail.
                let m = if r.f64() < 0.035 {
                    r.lognormal(23.0, 0.35)
                } else {
                    r.lognormal(10.0, 0.24)
                };
                (0.02, m * slow)
            }
            Grade::Priority => (0.05, r.lognormal(30.0, 0.75) * slow),
            Grade::Scheduled => {
                // An appointment 2-24 hours later, typically 6-10 hours.
                let mut m = r.lognormal(7.0 * 60.0, 0.55);
                while !(120.0..=1440.0).contains(&m) {
                    m = r.lognormal(7.0 * 60.0, 0.55);
                }
                (0.10, m)
            }
        };
        let (close, ev) = if r.f64() < cancel_p {
            // Cancelled part-way to attendance.
            let frac = 0.1 + 0.8 * r.f64();
            (
                at + secs_to_ms(mins * 60.0 * frac),
                Event::IncidentCancelled { id },
            )
        } else {
            (at + secs_to_ms(mins * 60.0), Event::IncidentArrived { id })
        };
        self.push(close, ev);
    }
}

/// The areas' weights as whole numbers of parts, so an area is drawn with one integer
/// draw: whole weights as they are (West Midlands' percentages draw exactly as they always
/// have, so the default feed keeps its bytes), any others as millionths of the largest
/// weight, at least one part each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct AreaDraw {
    parts: Vec<u64>,
    total: u64,
}

/// Whole weights summing to more than this are scaled like fractional ones.
const MOST_WHOLE_PARTS: f64 = 1e9;
/// Parts of the largest weight when weights are scaled.
const PARTS_OF_LARGEST: f64 = 1e6;

impl AreaDraw {
    pub(super) fn new(areas: &[AreaShare]) -> AreaDraw {
        let weights: Vec<f64> = areas.iter().map(|area| area.weight).collect();
        let whole = weights.iter().all(|weight| weight.fract() == 0.0)
            && weights.iter().sum::<f64>() <= MOST_WHOLE_PARTS;
        let largest = weights.iter().copied().fold(0.0, f64::max);
        let parts: Vec<u64> = weights
            .iter()
            .map(|&weight| {
                let parts = if whole {
                    weight
                } else {
                    (weight / largest * PARTS_OF_LARGEST).round().max(1.0)
                };
                // Weights are finite and more than 0, and the parts at most 1e9:
                // the cast keeps the value.
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let parts = parts as u64;
                parts
            })
            .collect();
        let total = parts.iter().sum();
        AreaDraw { parts, total }
    }
}

/// 0 before 17:00, rising to 1 at 20:00 and staying there until midnight.
fn ramp_up(x: f64) -> f64 {
    ((x - 17.0) / 3.0).clamp(0.0, 1.0)
}

/// 1 from midnight to 01:00, falling to 0 at 04:00.
fn ramp_down(x: f64) -> f64 {
    ((4.0 - x) / 3.0).clamp(0.0, 1.0)
}

/// Seconds to whole milliseconds, at least 1 ms.
fn secs_to_ms(secs: f64) -> i64 {
    let ms = (secs * 1000.0).round();
    if ms >= 1.0 {
        // Saturating float-to-int cast; waits are far below i64::MAX anyway.
        #[allow(clippy::cast_possible_truncation)]
        let ms = ms as i64;
        ms
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn areas(weights: &[f64]) -> Vec<AreaShare> {
        weights
            .iter()
            .map(|&weight| AreaShare {
                code: String::new(),
                weight,
            })
            .collect()
    }

    #[test]
    fn whole_weights_are_their_own_parts_and_others_are_millionths_of_the_largest() {
        let west_midlands = AreaDraw::new(&GenOptions::default().areas);
        assert_eq!(west_midlands.parts, [40, 12, 11, 11, 7, 9, 10]);
        assert_eq!(west_midlands.total, 100);
        assert_eq!(AreaDraw::new(&areas(&[1.0, 2.0, 5.0])).total, 8);
        let fractional = AreaDraw::new(&areas(&[2.5, 1.0, 1e-9]));
        assert_eq!(fractional.parts, [1_000_000, 400_000, 1]);
        let huge = AreaDraw::new(&areas(&[1e300, 1.0]));
        assert_eq!(huge.parts, [1_000_000, 1]);
        assert_eq!(AreaDraw::new(&[]).total, 0);
    }

    #[test]
    fn daily_shape_is_normalised_with_a_4am_trough() {
        let g = Generator::new(&GenOptions::default());
        // Monday 2024-07-01 in London (BST).
        let day = GenOptions::default_start().timestamp_millis();
        let per_min: Vec<f64> = (0..1440).map(|m| g.load(day + m * MINUTE_MS)).collect();
        let mean = per_min.iter().sum::<f64>() / 1440.0;
        assert!((mean - 1.0).abs() < 1e-3, "{mean}");
        let hour = |h: usize| per_min[h * 60..h * 60 + 60].iter().sum::<f64>();
        let trough = (0..24).map(hour).fold(f64::MAX, f64::min);
        assert_eq!(trough, hour(4));
        let peak = (0..24).map(hour).fold(0.0, f64::max);
        assert!((4.0..=5.2).contains(&(peak / trough)), "{}", peak / trough);
        // Friday evening is busier than Monday evening.
        let friday = day + 4 * DAY_MS + 21 * 3_600_000;
        assert!(g.load(friday) > 1.1 * g.load(day + 21 * 3_600_000));
    }
}
