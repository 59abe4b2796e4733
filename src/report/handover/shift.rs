//! Shift boundaries: local times of day (e.g. 07:00, 15:00, 23:00) in the force's zone,
//! turned into instants day by day, so a shift over the clock change is an hour longer
//! or shorter, as the room worked it.

use chrono::{Days, LocalResult, NaiveDate, NaiveTime, TimeZone};
use chrono_tz::Tz;

use crate::time::{Timestamp, to_utc};

pub use crate::config::{DEFAULT_SHIFT_STARTS, parse_time_of_day};

/// The instant a local time of day falls at on `date`: the first of two when the clocks
/// go back (the hour happens twice), the first moment after the gap when they go forward
/// (the hour does not happen).
fn instant_of(zone: Tz, date: NaiveDate, time: NaiveTime) -> Option<Timestamp> {
    let local = date.and_time(time);
    let resolved = match zone.from_local_datetime(&local) {
        LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => at,
        LocalResult::None => {
            // In the spring gap: an hour later is past it (every zone's gap is an hour or less
            // here; a longer one would be found on the next step of the search).
            let later = local + chrono::Duration::hours(1);
            match zone.from_local_datetime(&later) {
                LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => at,
                LocalResult::None => return None,
            }
        }
    };
    resolved.timestamp_nanos_opt().map(Timestamp::from_nanos)
}

/// The shift holding `at`: its start and end, with a shift being `(start, end]` like every
/// window, so an instant exactly on a boundary ends the shift before it. `None` with no
/// boundaries.
pub fn shift_around(
    at: Timestamp,
    starts: &[NaiveTime],
    zone: Tz,
) -> Option<(Timestamp, Timestamp)> {
    let date = to_utc(at).with_timezone(&zone).date_naive();
    let mut boundaries: Vec<Timestamp> = Vec::new();
    for offset in 0..=3u64 {
        let day = date
            .checked_sub_days(Days::new(1))?
            .checked_add_days(Days::new(offset))?;
        for &start in starts {
            boundaries.extend(instant_of(zone, day, start));
        }
    }
    boundaries.sort_unstable();
    boundaries.dedup();
    let start = boundaries.iter().rev().find(|&&b| b < at).copied()?;
    let end = boundaries.iter().find(|&&b| b >= at).copied()?;
    Some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_rfc3339;

    fn at(text: &str) -> Timestamp {
        parse_rfc3339(text).unwrap()
    }

    fn starts() -> Vec<NaiveTime> {
        DEFAULT_SHIFT_STARTS
            .iter()
            .filter_map(|s| parse_time_of_day(s))
            .collect()
    }

    #[test]
    fn a_summer_evening_is_in_the_late_shift_in_local_time() {
        // 20:30 BST = 19:30Z: the late shift 15:00–23:00 BST = 14:00Z–22:00Z.
        let shift = shift_around(
            at("2024-07-05T19:30:00Z"),
            &starts(),
            chrono_tz::Europe::London,
        );
        assert_eq!(
            shift,
            Some((at("2024-07-05T14:00:00Z"), at("2024-07-05T22:00:00Z")))
        );
    }

    #[test]
    fn the_night_the_clocks_go_back_is_nine_hours_long() {
        // 26 Oct 2024 23:00 BST (22:00Z) to 27 Oct 07:00 GMT (07:00Z): 9 hours.
        let shift = shift_around(
            at("2024-10-27T03:00:00Z"),
            &starts(),
            chrono_tz::Europe::London,
        );
        assert_eq!(
            shift,
            Some((at("2024-10-26T22:00:00Z"), at("2024-10-27T07:00:00Z")))
        );
    }

    #[test]
    fn the_night_the_clocks_go_forward_is_seven_hours_long() {
        // 30 Mar 2024 23:00 GMT (23:00Z) to 31 Mar 07:00 BST (06:00Z): 7 hours.
        let shift = shift_around(
            at("2024-03-31T02:30:00Z"),
            &starts(),
            chrono_tz::Europe::London,
        );
        assert_eq!(
            shift,
            Some((at("2024-03-30T23:00:00Z"), at("2024-03-31T06:00:00Z")))
        );
    }

    #[test]
    fn an_instant_on_a_boundary_ends_the_shift_before_it() {
        // 15:00 BST exactly ends the early shift (07:00–15:00 BST).
        let shift = shift_around(
            at("2024-07-05T14:00:00Z"),
            &starts(),
            chrono_tz::Europe::London,
        );
        assert_eq!(
            shift,
            Some((at("2024-07-05T06:00:00Z"), at("2024-07-05T14:00:00Z")))
        );
    }

    #[test]
    fn a_start_in_the_spring_gap_falls_just_after_it() {
        // 01:30 does not happen in London on 31 Mar 2024: the shift starts at 02:30 BST (01:30Z).
        let starts = [
            parse_time_of_day("01:30").unwrap(),
            parse_time_of_day("13:30").unwrap(),
        ];
        let shift = shift_around(
            at("2024-03-31T05:00:00Z"),
            &starts,
            chrono_tz::Europe::London,
        );
        assert_eq!(
            shift,
            Some((at("2024-03-31T01:30:00Z"), at("2024-03-31T12:30:00Z")))
        );
    }

    #[test]
    fn times_of_day_are_two_digits_each() {
        assert!(parse_time_of_day("07:00").is_some());
        assert!(parse_time_of_day("7:00").is_none());
        assert!(parse_time_of_day("24:00").is_none());
        assert!(parse_time_of_day("07:60").is_none());
    }
}
