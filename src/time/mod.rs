//! Instants ([`Timestamp`]) and lengths of time ([`Span`]): nanoseconds in an `i64`, UTC;
//! and every clock: the one wall clock ([`WallClock`]), virtual time ([`VirtualClock`]),
//! the clock a served feed carries ([`ServedClock`]) and a board's reading of it
//! ([`FeedClock`]).
//!
//! Integers keep the arithmetic exact and cheap, and the two types keep an instant from
//! being used as a duration; chrono is used only at the edges (the slow path of parsing,
//! and formatting for people).

mod feed_clock;
mod instant;
mod rfc3339;
mod served_clock;
mod span;
mod virtual_clock;
mod wall;

pub(crate) use feed_clock::{FeedClock, Followed};
pub use instant::Timestamp;
pub(crate) use served_clock::ServedClock;
pub use span::Span;
pub use virtual_clock::{MAX_SPEED, MIN_SPEED, SPEEDS, VirtualClock};
pub use wall::WallClock;

use std::fmt::Write as _;

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};

use rfc3339::parse_fixed_layout;

/// Why a time stamp was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeError {
    /// A well-formed local time without `Z` or `±HH:MM`: ambiguous across the clock change.
    NoOffset,
    /// Anything else: not RFC 3339, an impossible date, or out of range.
    Malformed,
    /// A valid time outside the years 2000–2199 ([`PLAUSIBLE_FROM`]..[`PLAUSIBLE_UNTIL`]):
    /// a database's "null" date or a corrupt field, never a real event.
    Implausible,
}

/// The earliest plausible instant, 2000-01-01T00:00:00Z (inclusive).
pub const PLAUSIBLE_FROM: Timestamp = Timestamp::from_nanos(946_684_800_000_000_000);
/// The end of the plausible instants, 2200-01-01T00:00:00Z (exclusive).
pub(crate) const PLAUSIBLE_UNTIL: Timestamp = Timestamp::from_nanos(7_258_118_400_000_000_000);

/// Is `at` within the years 2000–2199 (UTC)?
pub fn is_plausible(at: Timestamp) -> bool {
    (PLAUSIBLE_FROM..PLAUSIBLE_UNTIL).contains(&at)
}

/// As [`parse_rfc3339`], and refused as [`TimeError::Implausible`] outside the years
/// 2000–2199 (UTC, after the offset is applied): the rule for every time of a feed.
pub fn parse_plausible(text: &str) -> Result<Timestamp, TimeError> {
    let at = parse_rfc3339(text)?;
    if is_plausible(at) {
        Ok(at)
    } else {
        Err(TimeError::Implausible)
    }
}

/// Parses an RFC 3339 time with an explicit offset (`Z`, `+01:00`; fractional seconds allowed).
///
/// The common fixed layout (`2024-07-01T11:00:04.123Z`) is parsed by hand, because feed
/// parsing is the hot path of `report`; anything unusual falls back to chrono.
pub fn parse_rfc3339(text: &str) -> Result<Timestamp, TimeError> {
    match parse_fixed_layout(text.as_bytes()) {
        Some(nanos) => Ok(Timestamp::from_nanos(nanos)),
        None => parse_with_chrono(text).map(Timestamp::from_nanos),
    }
}

fn parse_with_chrono(text: &str) -> Result<i64, TimeError> {
    match DateTime::parse_from_rfc3339(text) {
        // A valid time beyond what nanoseconds in an i64 hold (after 2262) is far outside
        // the plausible years, not malformed.
        Ok(time) => time.timestamp_nanos_opt().ok_or(TimeError::Implausible),
        Err(_) => {
            let local = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
                .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f"));
            if local.is_ok() {
                Err(TimeError::NoOffset)
            } else {
                Err(TimeError::Malformed)
            }
        }
    }
}

/// A chrono UTC time for an instant (for formatting and zone conversion).
pub(crate) fn to_utc(at: Timestamp) -> DateTime<Utc> {
    DateTime::from_timestamp_nanos(at.nanos())
}

/// RFC 3339 in UTC with a `Z`, with fractional seconds only when there are any.
pub fn format_utc(at: Timestamp) -> String {
    to_utc(at).to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Parses a span such as `15m`, `1h`, `24h`, `90m`, `7d`, `30s`, `1h30m` or `1.5h`.
pub fn parse_span(text: &str) -> Option<Span> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let mut total: f64 = 0.0;
    let mut rest = text;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..number_len].parse().ok()?;
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        let unit = match &rest[..unit_len] {
            "ms" => 1e6,
            "s" | "sec" => 1e9,
            "m" | "min" => 60e9,
            "h" => 3600e9,
            "d" => 86_400e9,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += number * unit;
    }
    (total.is_finite() && total < 1e18).then_some(Span::from_nanos_f64(total.round()))
}

/// A short human label for a span: `15m`, `1h`, `24h`, `90m`, `7d`, `45s`, `1h30m`.
pub(crate) fn format_span(span: Span) -> String {
    let nanos = span.nanos();
    let total_seconds = span.whole_secs();
    if nanos % Span::SECOND.nanos() != 0 || total_seconds == 0 {
        return format!("{}ms", nanos / Span::MILLISECOND.nanos());
    }
    let days = total_seconds / 86_400;
    if total_seconds % 86_400 == 0 && days > 1 {
        return format!("{days}d");
    }
    let hours = total_seconds / 3600;
    let minutes = (total_seconds % 3600) / 60;
    let secs = total_seconds % 60;
    let mut label = String::new();
    // Writing into a String cannot fail.
    if hours > 0 {
        let _ = write!(label, "{hours}h");
    }
    if minutes > 0 {
        let _ = write!(label, "{minutes}m");
    }
    if secs > 0 {
        let _ = write!(label, "{secs}s");
    }
    label
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chrono_nanos(text: &str) -> i64 {
        DateTime::parse_from_rfc3339(text)
            .expect("valid test time")
            .timestamp_nanos_opt()
            .expect("in range")
    }

    fn chrono_time(text: &str) -> Timestamp {
        Timestamp::from_nanos(chrono_nanos(text))
    }

    #[test]
    fn fixed_layout_agrees_with_chrono() {
        for text in [
            "2024-07-01T11:00:00Z",
            "2024-07-01T12:00:00+01:00",
            "2024-10-27T01:30:00+01:00",
            "2024-10-27T01:30:00Z",
            "2024-02-29T23:59:59.999999999-05:30",
            "1970-01-01T00:00:00Z",
            "1969-12-31T23:59:59.5Z",
            "2000-03-01T00:00:00.1+14:00",
        ] {
            assert_eq!(
                parse_fixed_layout(text.as_bytes()),
                Some(chrono_nanos(text)),
                "{text}"
            );
            assert_eq!(parse_rfc3339(text), Ok(chrono_time(text)), "{text}");
        }
    }

    #[test]
    fn the_same_instant_in_two_offsets_is_equal() {
        assert_eq!(
            parse_rfc3339("2024-07-01T12:00:00+01:00"),
            parse_rfc3339("2024-07-01T11:00:00Z")
        );
        // The October clock change: 01:30 BST is 00:30Z; 01:30 GMT an hour later.
        let bst = parse_rfc3339("2024-10-27T01:30:00+01:00").unwrap();
        let gmt = parse_rfc3339("2024-10-27T01:30:00+00:00").unwrap();
        assert_eq!(gmt - bst, Span::HOUR);
    }

    #[test]
    fn lowercase_and_space_separators_go_through_chrono() {
        assert_eq!(
            parse_rfc3339("2024-07-01t11:00:00z"),
            Ok(chrono_time("2024-07-01T11:00:00Z"))
        );
    }

    #[test]
    fn a_time_without_offset_is_refused_as_such() {
        assert_eq!(
            parse_rfc3339("2024-07-01T11:00:00"),
            Err(TimeError::NoOffset)
        );
        assert_eq!(
            parse_rfc3339("2024-07-01T11:00:00.250"),
            Err(TimeError::NoOffset)
        );
    }

    #[test]
    fn impossible_or_garbled_times_are_malformed() {
        for text in [
            "",
            "yesterday",
            "2024-02-30T10:00:00Z",
            "2023-02-29T10:00:00Z",
            "2024-13-01T10:00:00Z",
            "2024-07-01T24:00:00Z",
            "2024-07-01T11:00:00+25:00",
            "2024-07-01T11:00:00.Z",
            "2024-07-01T11:00:00Zjunk",
            "2024-07-01",
        ] {
            assert_eq!(parse_rfc3339(text), Err(TimeError::Malformed), "{text}");
        }
        // Well formed, but beyond the nanoseconds an i64 holds.
        assert_eq!(
            parse_rfc3339("9999-12-31T23:59:59Z"),
            Err(TimeError::Implausible)
        );
    }

    #[test]
    fn feed_times_are_plausible_only_within_the_years_2000_to_2199() {
        let accepted = [
            "2000-01-01T00:00:00Z",
            "2199-12-31T23:59:59Z",
            "2199-12-31T23:59:59.999999999Z",
            // 23:30 on the last day of 1999 at -01:00 is 00:30Z on the first of 2000.
            "1999-12-31T23:30:00-01:00",
            // 00:30 on the first day of 2200 at +01:00 is 23:30Z on the last of 2199.
            "2200-01-01T00:30:00+01:00",
            // Through chrono (lower-case separators): the same edges.
            "2000-01-01t00:00:00z",
            "2199-12-31t23:59:59z",
        ];
        for text in accepted {
            assert_eq!(parse_plausible(text), parse_rfc3339(text), "{text}");
            assert!(parse_plausible(text).is_ok(), "{text}");
        }
        let refused = [
            "1999-12-31T23:59:59.999Z",
            "2200-01-01T00:00:00Z",
            "1900-01-01T00:00:00Z",
            "1970-01-01T00:00:00Z",
            // 00:30 on the first day of 2000 at +01:00 is 23:30Z on the last of 1999.
            "2000-01-01T00:30:00+01:00",
            // 23:30 on the last day of 2199 at -01:00 is 00:30Z on the first of 2200.
            "2199-12-31T23:30:00-01:00",
            "1999-12-31t23:59:59.999z",
            "2200-01-01t00:00:00z",
        ];
        for text in refused {
            assert_eq!(parse_plausible(text), Err(TimeError::Implausible), "{text}");
        }
        // Other refusals keep their own reason.
        assert_eq!(parse_plausible("soon"), Err(TimeError::Malformed));
        assert_eq!(
            parse_plausible("1900-01-01T00:00:00"),
            Err(TimeError::NoOffset)
        );
        assert_eq!(
            PLAUSIBLE_FROM,
            chrono_time("2000-01-01T00:00:00Z"),
            "the constant is the first instant of 2000"
        );
        assert_eq!(PLAUSIBLE_UNTIL, chrono_time("2200-01-01T00:00:00Z"));
    }

    #[test]
    fn spans_parse_and_format() {
        assert_eq!(parse_span("15m"), Some(Span::from_mins(15)));
        assert_eq!(parse_span("1h"), Some(Span::HOUR));
        assert_eq!(parse_span("90m"), Some(Span::from_mins(90)));
        assert_eq!(parse_span("7d"), Some(Span::from_days(7)));
        assert_eq!(parse_span("1h30m"), Some(Span::from_mins(90)));
        assert_eq!(parse_span("1.5h"), Some(Span::from_mins(90)));
        assert_eq!(parse_span("30s"), Some(Span::from_secs(30)));
        assert_eq!(parse_span("10"), None);
        assert_eq!(parse_span("5x"), None);
        assert_eq!(parse_span(""), None);
        assert_eq!(format_span(Span::from_mins(15)), "15m");
        assert_eq!(format_span(Span::from_hours(24)), "24h");
        assert_eq!(format_span(Span::from_mins(90)), "1h30m");
        assert_eq!(format_span(Span::from_days(7)), "7d");
    }

    #[test]
    fn format_utc_is_rfc3339_z() {
        assert_eq!(
            format_utc(chrono_time("2024-07-01T12:00:00+01:00")),
            "2024-07-01T11:00:00Z"
        );
        assert_eq!(
            format_utc(chrono_time("2024-07-01T11:00:00.25Z")),
            "2024-07-01T11:00:00.250Z"
        );
    }
}
