//! The call handlers: how long each answered call keeps its handler busy, and how many
//! handlers each line has on duty through the day (schema v1.1's `call_ended` and
//! `staffing` lines).
//!
//! Both draw from random streams of their own, so adding them leaves every v1 line of a
//! feed exactly as it was: the answer times, and so every figure of a v1 board, do not
//! change. The calibration is in fixtures/README.md ("How `gen` is calibrated").

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::rng::Rng;
use crate::model::CallLine;

/// The handle-time stream's seed is the feed's seed with these bits flipped.
const HANDLE_STREAM: u64 = 0x6861_6e64_6c65_7321;
/// The roster's stream (who is off sick on which day). With it, the demo day (seed
/// 2024) is a sick day and the default day (seed 1) is not.
const ROSTER_STREAM: u64 = 0x726f_7374_6572_2130;

/// A staffing snapshot per line this often, besides one at every change.
pub(super) const SNAPSHOT_EVERY_MS: i64 = 5 * MINUTE_MS;

/// The roster is looked at a minute at a time: every change is on the hour.
const MINUTE_MS: i64 = 60_000;

/// Shift changes, local time: night → early at 07:00, early → late at 15:00, late →
/// night at 23:00.
const EARLY_STARTS: u32 = 7;
const LATE_STARTS: u32 = 15;
const NIGHT_STARTS: u32 = 23;

/// Handlers on duty per shift (night, early, late), chosen so that on an ordinary day
/// each line meets its service-level goal in the Erlang C model at the demand `gen`
/// draws: about as many as the shift's busiest hour needs, a handler in hand at others.
const ROSTER_999: [u32; 3] = [11, 14, 15];
const ROSTER_101: [u32; 3] = [12, 16, 18];

/// On about one day in three, three 999 handlers of the late shift are off sick: the
/// late shift starts three short and is made up by 19:00 (one handler called in for
/// 18:00, two for 19:00), so the evening peak shows a shortfall and its recovery.
const SICK_DAY_CHANCE: f64 = 0.35;
const SICK_HANDLERS: u32 = 3;
const FIRST_COVER_HOUR: u32 = 18;
const SECOND_COVER_HOUR: u32 = 19;

/// How long answered calls keep their handlers, talk and wrap-up together.
pub(super) struct HandleTimes {
    rng: Rng,
}

impl HandleTimes {
    pub(super) fn new(seed: u64) -> HandleTimes {
        HandleTimes {
            rng: Rng::new(seed ^ HANDLE_STREAM),
        }
    }

    /// Seconds. 999: median 3.5 min (mean about 4 min 10 s with the tail); 101: median
    /// 6 min (mean about 7 min); one call in twenty is a long one (10 and 15 min medians).
    pub(super) fn draw(&mut self, line: CallLine) -> f64 {
        let long = self.rng.f64() < 0.05;
        match (line, long) {
            (CallLine::Emergency999, false) => self.rng.lognormal(210.0, 0.4),
            (CallLine::Emergency999, true) => self.rng.lognormal(600.0, 0.5),
            (CallLine::NonEmergency101, false) => self.rng.lognormal(360.0, 0.45),
            (CallLine::NonEmergency101, true) => self.rng.lognormal(900.0, 0.5),
        }
    }
}

/// One change of a line's on-duty count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Change {
    pub(super) at: i64,
    pub(super) line: CallLine,
    pub(super) on_duty: u32,
}

/// Who is on duty when.
pub(super) struct Roster {
    rng: Rng,
    tz: Tz,
}

impl Roster {
    pub(super) fn new(seed: u64, tz: Tz) -> Roster {
        Roster {
            rng: Rng::new(seed ^ ROSTER_STREAM),
            tz,
        }
    }

    /// The on-duty counts in force at `d0` and every change in `[d0, d1)`, in time
    /// order. One draw per day decides whether the late shift is short.
    pub(super) fn changes(&mut self, d0: i64, d1: i64) -> Vec<Change> {
        let sick = self.rng.f64() < SICK_DAY_CHANCE;
        let mut changes = Vec::new();
        for line in CallLine::ALL {
            let mut last = None;
            let mut t = d0;
            while t < d1 {
                let on_duty = self.on_duty(line, t, sick);
                if last != Some(on_duty) {
                    changes.push(Change {
                        at: t,
                        line,
                        on_duty,
                    });
                    last = Some(on_duty);
                }
                t += MINUTE_MS;
            }
        }
        changes.sort_by_key(|c| (c.at, c.line == CallLine::NonEmergency101));
        changes
    }

    /// Handlers of `line` on duty at UTC `ms` (looked at a minute at a time: every
    /// change is on the hour).
    fn on_duty(&self, line: CallLine, ms: i64, sick: bool) -> u32 {
        let hour = self.local_hour(ms);
        let shift = if (EARLY_STARTS..LATE_STARTS).contains(&hour) {
            1
        } else if (LATE_STARTS..NIGHT_STARTS).contains(&hour) {
            2
        } else {
            0
        };
        match line {
            CallLine::Emergency999 => {
                let base = ROSTER_999[shift];
                if shift != 2 || !sick {
                    base
                } else if hour < FIRST_COVER_HOUR {
                    base - SICK_HANDLERS
                } else if hour < SECOND_COVER_HOUR {
                    base - SICK_HANDLERS + 1
                } else {
                    base
                }
            }
            CallLine::NonEmergency101 => ROSTER_101[shift],
        }
    }

    fn local_hour(&self, ms: i64) -> u32 {
        use chrono::Timelike;
        DateTime::<Utc>::from_timestamp_millis(ms)
            .map_or(0, |utc| self.tz.from_utc_datetime(&utc.naive_utc()).hour())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn monday() -> i64 {
        // 2024-07-01T00:00:00+01:00.
        1_719_788_400_000
    }

    #[test]
    fn shifts_change_at_seven_fifteen_and_twenty_three_local_time() {
        let mut roster = Roster::new(1, chrono_tz::Europe::London);
        let d0 = monday();
        let changes = roster.changes(d0, d0 + 86_400_000);
        let hours: Vec<(i64, u32)> = changes
            .iter()
            .filter(|c| c.line == CallLine::NonEmergency101)
            .map(|c| ((c.at - d0) / 3_600_000, c.on_duty))
            .collect();
        assert_eq!(hours, [(0, 12), (7, 16), (15, 18), (23, 12)]);
    }

    #[test]
    fn a_sick_late_shift_starts_three_short_and_is_made_up_by_seven_pm() {
        let roster = Roster::new(1, chrono_tz::Europe::London);
        let at = |h: i64| monday() + h * 3_600_000;
        assert_eq!(roster.on_duty(CallLine::Emergency999, at(14), true), 14);
        assert_eq!(roster.on_duty(CallLine::Emergency999, at(15), true), 12);
        assert_eq!(roster.on_duty(CallLine::Emergency999, at(18), true), 13);
        assert_eq!(roster.on_duty(CallLine::Emergency999, at(19), true), 15);
        assert_eq!(roster.on_duty(CallLine::Emergency999, at(15), false), 15);
        assert_eq!(roster.on_duty(CallLine::Emergency999, at(23), true), 11);
    }

    #[test]
    fn handle_times_have_the_calibrated_medians() {
        let mut times = HandleTimes::new(7);
        let mut d999: Vec<f64> = (0..20_000)
            .map(|_| times.draw(CallLine::Emergency999))
            .collect();
        let mut d101: Vec<f64> = (0..20_000)
            .map(|_| times.draw(CallLine::NonEmergency101))
            .collect();
        d999.sort_by(f64::total_cmp);
        d101.sort_by(f64::total_cmp);
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        assert!((200.0..235.0).contains(&d999[10_000]), "{}", d999[10_000]);
        assert!((345.0..395.0).contains(&d101[10_000]), "{}", d101[10_000]);
        assert!((230.0..270.0).contains(&mean(&d999)), "{}", mean(&d999));
        assert!((400.0..460.0).contains(&mean(&d101)), "{}", mean(&d101));
    }
}
