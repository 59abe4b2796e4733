//! Synthetic control-room feed generator (`forceboard gen`).
//!
//! Writes a realistic NDJSON feed of 999 / 101 calls, incidents and heartbeats
//! (schema v1), calibrated to West Midlands Police published figures, and — unless
//! asked for v1 only — the call handlers of schema v1.1: when each answered call's
//! handler is free again (`call_ended`) and how many handlers each line has on duty
//! (`staffing`), from a shift roster (`roster`). The force is the caller's: its areas
//! share the demand by their weights, and its zone's clock shapes the day and the shifts.
//! Output is a pure function of [`GenOptions`]: the same options give the
//! same bytes, on every platform, forever. To guarantee that, the module uses
//! a fixed PRNG (splitmix64-seeded xoshiro256**) and the `libm` crate's
//! `exp` / `log` (pure Rust, the same bits everywhere) rather than the
//! platform's libm.
//!
//! Generation runs one day at a time: the day's arrivals are drawn from an
//! inhomogeneous Poisson process (per-minute Poisson counts), each arrival's
//! closing event is drawn at once, and everything goes through a min-heap
//! keyed by `(time, sequence)`. After each day, every pending event earlier
//! than the next day's start is written, so events that close after midnight
//! still come out in time order while memory stays at about one day's worth.
//!
//! The day loop lives here; `model` draws the events, `rng` is the random
//! stream, and `write` turns events into bytes.

mod model;
mod rng;
mod roster;
mod write;

use std::io::{self, Write};

use chrono::{DateTime, Days, FixedOffset, LocalResult, NaiveDate, NaiveTime, Offset, TimeZone};
use chrono_tz::Tz;

use crate::time::{PLAUSIBLE_UNTIL, Span, Timestamp, is_plausible};
use model::{DAY_MS, Generator, WEST_MIDLANDS_SHARES};

/// Options for [`generate`].
#[derive(Debug, Clone, PartialEq)]
pub struct GenOptions {
    /// Length of the feed in days (of 24 hours) from `start`.
    pub days: u32,
    /// PRNG seed; the output is a pure function of the options.
    pub seed: u64,
    /// First instant of the feed (inclusive).
    pub start: DateTime<FixedOffset>,
    /// Zone whose local clock drives the daily shape and the handlers' shifts.
    pub tz: Tz,
    /// Also write schema v1.1's `call_ended` and `staffing` lines (the call handlers).
    /// Every v1 line is the same either way.
    pub handlers: bool,
    /// The force's areas: the `lpa` codes written, each drawn by its weight. With none,
    /// no line carries an `lpa`.
    pub areas: Vec<AreaShare>,
}

/// An area's code and its share of the demand, relative to the other areas' (finite and
/// more than 0, as the configuration checks; an area weighing 0 or less is never drawn).
#[derive(Debug, Clone, PartialEq)]
pub struct AreaShare {
    pub code: String,
    pub weight: f64,
}

impl AreaShare {
    /// West Midlands' areas by their shares in percent: the default force's.
    pub fn west_midlands() -> Vec<AreaShare> {
        WEST_MIDLANDS_SHARES
            .iter()
            .map(|&(code, weight)| AreaShare {
                code: code.to_string(),
                weight,
            })
            .collect()
    }

    /// West Midlands' share of the demand for the area coded `code`, if it is one of its.
    pub(crate) fn west_midlands_weight(code: &str) -> Option<f64> {
        WEST_MIDLANDS_SHARES
            .iter()
            .find(|share| share.0 == code)
            .map(|share| share.1)
    }
}

impl GenOptions {
    /// The default seed (`--seed`).
    pub(crate) const DEFAULT_SEED: u64 = 1;

    /// The default start, 2024-07-01T00:00:00+01:00 (midnight in London).
    pub fn default_start() -> DateTime<FixedOffset> {
        DEFAULT_START
    }

    /// The default start in zone `tz`: local midnight starting 2024-07-01 there (for
    /// Europe/London, [`GenOptions::default_start`]).
    pub fn default_start_in(tz: Tz) -> DateTime<FixedOffset> {
        local_midnight(DEFAULT_START.date_naive(), tz).unwrap_or(DEFAULT_START)
    }

    /// The defaults for a force in zone `tz` with `areas`: from
    /// [`GenOptions::default_start_in`] that zone. For West Midlands in Europe/London,
    /// these are [`GenOptions::default`].
    pub fn for_force(tz: Tz, areas: Vec<AreaShare>) -> GenOptions {
        GenOptions {
            start: GenOptions::default_start_in(tz),
            tz,
            areas,
            ..GenOptions::default()
        }
    }
}

/// The first instant of `date` in zone `tz`: local midnight, or where the clocks jump over
/// midnight (as some zones' spring change does), the end of the jump.
pub fn local_midnight(date: NaiveDate, tz: Tz) -> Option<DateTime<FixedOffset>> {
    let midnight = date.and_time(NaiveTime::MIN);
    match tz.from_local_datetime(&midnight) {
        LocalResult::Single(start) | LocalResult::Ambiguous(start, _) => Some(start.fixed_offset()),
        // Midnight on the offset in force the day before is the instant of the jump.
        LocalResult::None => {
            let day_before = midnight.checked_sub_days(Days::new(1))?;
            let offset_before = tz.offset_from_local_datetime(&day_before).earliest()?;
            let jump = midnight.checked_sub_offset(offset_before.fix())?;
            Some(tz.from_utc_datetime(&jump).fixed_offset())
        }
    }
}

impl GenOptions {
    /// Does the whole feed, `[start, start + days)`, lie within the years 2000–2199, the
    /// only times a feed reader accepts?
    pub fn is_plausible(&self) -> bool {
        let Some(start) = self.start.timestamp_nanos_opt().map(Timestamp::from_nanos) else {
            return false;
        };
        let end = start + Span::from_days(i64::from(self.days));
        is_plausible(start) && end <= PLAUSIBLE_UNTIL
    }
}

/// [`GenOptions::default_start`], built when compiling: a date or offset out of range fails
/// the build rather than a run.
const DEFAULT_START: DateTime<FixedOffset> = {
    let Some(offset) = FixedOffset::east_opt(3600) else {
        panic!("+01:00 is a valid offset")
    };
    let Some(date) = NaiveDate::from_ymd_opt(2024, 7, 1) else {
        panic!("2024-07-01 is a valid date")
    };
    let Some(local) = date.and_hms_opt(0, 0, 0) else {
        panic!("00:00:00 is a valid time")
    };
    let Some(utc) = local.checked_sub_offset(offset) else {
        panic!("2024-06-30T23:00:00Z is in range")
    };
    DateTime::from_naive_utc_and_offset(utc, offset)
};

impl Default for GenOptions {
    /// One day of West Midlands (the default configuration's force) from
    /// [`GenOptions::default_start`], seed 1, Europe/London.
    fn default() -> Self {
        GenOptions {
            days: 1,
            seed: Self::DEFAULT_SEED,
            start: Self::default_start(),
            tz: chrono_tz::Europe::London,
            handlers: true,
            areas: AreaShare::west_midlands(),
        }
    }
}

/// What [`generate`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GenSummary {
    /// Lines written, heartbeats included.
    pub lines: u64,
    /// `call_offered` lines with `"line":"999"`.
    pub calls_999: u64,
    /// `call_offered` lines with `"line":"101"`.
    pub calls_101: u64,
    /// `incident_created` lines with `"grade":"emergency"`.
    pub emergency: u64,
    /// `incident_created` lines with `"grade":"priority"`.
    pub priority: u64,
    /// `incident_created` lines with `"grade":"scheduled"`.
    pub scheduled: u64,
    /// `call_ended` lines (schema v1.1).
    pub call_ended: u64,
    /// `staffing` lines (schema v1.1).
    pub staffing: u64,
}

/// Writes the synthetic feed for `opts` to `out` and returns what was written.
///
/// Lines are in non-decreasing time order and cover `[start, start + days)`;
/// anything that would happen at or after the end is not written.
pub fn generate<W: Write>(opts: &GenOptions, out: &mut W) -> io::Result<GenSummary> {
    let mut g = Generator::new(opts);
    let start = opts.start.timestamp_millis();
    let end = start + i64::from(opts.days) * DAY_MS;
    let mut buf: Vec<u8> = Vec::with_capacity(FLUSH_AT + 256);
    let mut summary = GenSummary::default();
    let mut busy = write::Busy::default();
    // Each code escaped once, so a code with a quote or a control character is still JSON.
    let area_codes = opts
        .areas
        .iter()
        .map(|area| serde_json::to_vec(&area.code).map_err(io::Error::other))
        .collect::<io::Result<Vec<Vec<u8>>>>()?;

    for day in 0..i64::from(opts.days) {
        let d0 = start + day * DAY_MS;
        let d1 = d0 + DAY_MS;
        g.heartbeats(d0, d1);
        g.staffing(d0, d1);
        g.arrivals(d0, d1);
        // Every arrival of later days is at or after `d1`, so whatever is
        // pending before `d1` is final.
        while let Some(p) = g.pop_before(d1) {
            write::write_line(&mut buf, &p, &mut summary, &mut busy, &area_codes);
            if buf.len() >= FLUSH_AT {
                out.write_all(&buf)?;
                buf.clear();
            }
        }
    }
    debug_assert!(g.drained_before(end));
    out.write_all(&buf)?;
    out.flush()?;
    Ok(summary)
}

/// Output is written to `out` in chunks of about this many bytes.
const FLUSH_AT: usize = 1 << 16;

#[cfg(test)]
mod tests {
    use super::model::HEARTBEAT_MS;
    use super::rng::Rng;
    use super::*;

    /// Guards the "same bytes for the same seed, forever" promise. If this
    /// fails, the generator's output changed: that breaks every recorded
    /// feed and golden file, so only update these values deliberately.
    #[test]
    fn output_is_pinned() {
        let mut r = Rng::new(1);
        let first: Vec<u64> = (0..3).map(|_| r.next_u64()).collect();
        assert_eq!(
            first,
            [
                0xb3f2_af6d_0fc7_10c5,
                0x853b_5596_4736_4cea,
                0x92f8_9756_082a_4514
            ]
        );
        // FNV-1a over the default day's bytes: schema v1 (as pinned before v1.1 existed:
        // adding the handlers changed no v1 line), then v1.1.
        let day = |handlers: bool| {
            let mut out = Vec::new();
            let options = GenOptions {
                handlers,
                ..GenOptions::default()
            };
            let summary = generate(&options, &mut out).unwrap();
            assert_eq!(
                summary.lines,
                memchr::memchr_iter(b'\n', &out).count() as u64
            );
            let hash = out.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| {
                (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
            });
            (out.len(), hash)
        };
        assert_eq!(day(false), (1_257_025, 0xab93_a47e_e8f2_d840));
        assert_eq!(day(true), (1_585_007, 0x6c4a_a23e_5cd0_309c));
    }

    #[test]
    fn a_feed_is_plausible_only_when_it_lies_within_the_years_2000_to_2199() {
        let options = |start: &str, days: u32| GenOptions {
            days,
            start: DateTime::parse_from_rfc3339(start).unwrap(),
            ..GenOptions::default()
        };
        assert!(options("2000-01-01T00:00:00Z", 1).is_plausible());
        // 01:00 at +01:00 is midnight UTC: the first instant of 2000.
        assert!(options("2000-01-01T01:00:00+01:00", 1).is_plausible());
        assert!(!options("2000-01-01T00:59:59+01:00", 1).is_plausible());
        assert!(!options("1999-12-31T23:59:59.999Z", 1).is_plausible());
        // The last day of 2199: its feed ends just before 2200 (the end is exclusive).
        assert!(options("2199-12-31T00:00:00Z", 1).is_plausible());
        assert!(!options("2199-12-31T00:00:00Z", 2).is_plausible());
        assert!(!options("2199-12-31T00:00:00.001Z", 1).is_plausible());
        assert!(!options("1900-01-01T00:00:00Z", 1).is_plausible());
        assert!(GenOptions::default().is_plausible());
    }

    /// The value of `"key":"..."` in a generated line.
    fn field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
        let pat = format!("\"{key}\":\"");
        let from = line.find(&pat)? + pat.len();
        let len = line[from..].find('"')?;
        Some(&line[from..from + len])
    }

    /// A force of three areas weighted 1:2:5, in Helsinki (UTC+3 in July, two hours
    /// ahead of London, so a day shaped on London's clock would show it).
    fn three_area_force() -> GenOptions {
        let areas = [("NTH", 1.0), ("MID", 2.0), ("STH", 5.0)]
            .map(|(code, weight)| AreaShare {
                code: code.to_string(),
                weight,
            })
            .to_vec();
        GenOptions::for_force(chrono_tz::Europe::Helsinki, areas)
    }

    #[test]
    fn a_configured_force_gets_its_areas_by_their_weights_and_its_day_in_its_zone() {
        let options = three_area_force();
        assert_eq!(options.start.to_rfc3339(), "2024-07-01T00:00:00+03:00");
        let mut out = Vec::new();
        generate(&options, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let mut again = Vec::new();
        generate(&options, &mut again).unwrap();
        assert_eq!(text.as_bytes(), again, "the same bytes for the same seed");

        let codes: Vec<&str> = text.lines().filter_map(|l| field(l, "lpa")).collect();
        let total = codes.len() as f64;
        // About 5,000 calls and incidents carry an area. A share p drawn n times has a
        // standard deviation of sqrt(p(1 − p)/n), at most 0.007 here (p = 5/8): 0.025 is
        // more than 3.5 of them, and the seed is fixed, so this never flickers.
        assert!(total > 4_000.0, "{total}");
        for (code, weight) in [("NTH", 1.0), ("MID", 2.0), ("STH", 5.0)] {
            let share = codes.iter().filter(|&&c| c == code).count() as f64 / total;
            assert!((share - weight / 8.0).abs() < 0.025, "{code}: {share}");
        }
        assert!(codes.iter().all(|c| ["NTH", "MID", "STH"].contains(c)));

        // The day's shape is on Helsinki's clock: its quietest hours are around 04:00 and
        // its busiest in the afternoon and evening there.
        let mut per_local_hour = [0_u32; 24];
        for line in text.lines().filter(|l| l.contains("\"call_offered\"")) {
            let at = DateTime::parse_from_rfc3339(field(line, "at").unwrap()).unwrap();
            let local = at.with_timezone(&options.tz);
            per_local_hour[chrono::Timelike::hour(&local) as usize] += 1;
        }
        let hour_of = |pick: fn(u32, u32) -> bool| {
            (0..24)
                .reduce(|a, b| {
                    if pick(per_local_hour[b], per_local_hour[a]) {
                        b
                    } else {
                        a
                    }
                })
                .unwrap()
        };
        let quietest = hour_of(|a, b| a < b);
        let busiest = hour_of(|a, b| a > b);
        assert!(
            (2..=6).contains(&quietest),
            "{quietest}: {per_local_hour:?}"
        );
        assert!(
            (14..=20).contains(&busiest),
            "{busiest}: {per_local_hour:?}"
        );
    }

    #[test]
    fn the_default_force_is_west_midlands_and_a_day_starts_at_local_midnight() {
        assert_eq!(
            GenOptions::for_force(chrono_tz::Europe::London, AreaShare::west_midlands()),
            GenOptions::default()
        );
        let midnight = |date: &str, tz: Tz| {
            local_midnight(date.parse().unwrap(), tz)
                .unwrap()
                .to_rfc3339()
        };
        assert_eq!(
            midnight("2024-07-01", chrono_tz::Europe::London),
            "2024-07-01T00:00:00+01:00"
        );
        assert_eq!(
            midnight("2024-01-05", chrono_tz::Europe::Dublin),
            "2024-01-05T00:00:00+00:00"
        );
        // Santiago's clocks went from 00:00 to 01:00 on 2024-09-08: the day began at 01:00.
        assert_eq!(
            midnight("2024-09-08", chrono_tz::America::Santiago),
            "2024-09-08T01:00:00-03:00"
        );
    }

    #[test]
    fn heartbeats_sit_on_quarter_minutes_and_events_carry_over_midnight() {
        let start = DateTime::parse_from_rfc3339("2024-07-01T00:00:07.500+01:00").unwrap();
        let opts = GenOptions {
            days: 2,
            start,
            ..GenOptions::default()
        };
        let mut out = Vec::new();
        let s = generate(&opts, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count() as u64, s.lines);
        let ms = |l: &str| {
            DateTime::parse_from_rfc3339(field(l, "at").unwrap())
                .unwrap()
                .timestamp_millis()
        };
        let (t0, t1) = (start.timestamp_millis(), start.timestamp_millis() + DAY_MS);
        let beats: Vec<i64> = text
            .lines()
            .filter(|l| l.contains("heartbeat"))
            .map(ms)
            .collect();
        assert_eq!(beats.len(), 2 * 5760);
        assert_eq!(beats[0], t0 + 7_500);
        assert!(beats.iter().all(|t| t % HEARTBEAT_MS == 0));
        let times: Vec<i64> = text.lines().map(ms).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]));
        assert!(times[0] >= t0 && *times.last().unwrap() < t1 + DAY_MS);
        // Incidents created on day 1 but attended on day 2 come out on day 2.
        let day1: std::collections::HashSet<&str> = text
            .lines()
            .filter(|l| l.contains("incident_created") && ms(l) < t1)
            .map(|l| field(l, "id").unwrap())
            .collect();
        let carried = text
            .lines()
            .filter(|l| l.contains("incident_arrived") && ms(l) >= t1)
            .filter(|l| day1.contains(field(l, "id").unwrap()))
            .count();
        assert!(carried > 20, "{carried}");
    }
}
