//! The time formats a map reads: RFC 3339 (with an offset, or local in the map's zone),
//! epoch seconds or milliseconds, the UK `dd/mm/yyyy HH:MM:SS` (local), or any
//! `strftime` pattern. Every time must still fall within the plausible years.

use super::record::Node;
use chrono::{LocalResult, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

use crate::time::{TimeError, Timestamp, is_plausible, parse_rfc3339};

/// How a map reads one time field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TimeFormat {
    /// RFC 3339; a time without an offset is read in the map's zone.
    Rfc3339,
    /// Seconds since 1970-01-01T00:00:00Z, a number (fractions allowed) or its text.
    EpochSeconds,
    /// Milliseconds since 1970-01-01T00:00:00Z.
    EpochMillis,
    /// `dd/mm/yyyy HH:MM:SS` in the map's zone, as UK systems write it.
    UkLocal,
    /// A chrono `strftime` pattern: with `%z` or `%:z` the time carries its offset,
    /// otherwise it is local in the map's zone.
    Pattern(&'static str),
}

/// Why a time was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimeRefusal {
    Malformed,
    /// Ambiguous (the autumn hour) or skipped (the spring hour) in the zone.
    LocalGap,
}

impl TimeFormat {
    /// The format a map names: `rfc3339`, `epoch_s`, `epoch_ms`, `uk`, or a pattern
    /// with a `%`.
    pub(crate) fn from_name(name: &str) -> Option<TimeFormat> {
        Some(match name {
            "rfc3339" => TimeFormat::Rfc3339,
            "epoch_s" => TimeFormat::EpochSeconds,
            "epoch_ms" => TimeFormat::EpochMillis,
            "uk" => TimeFormat::UkLocal,
            pattern if pattern.contains('%') => TimeFormat::Pattern(super::path::intern(pattern)),
            _ => return None,
        })
    }

    /// Its name, for reasons.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            TimeFormat::Rfc3339 => "rfc3339",
            TimeFormat::EpochSeconds => "epoch_s",
            TimeFormat::EpochMillis => "epoch_ms",
            TimeFormat::UkLocal => "uk",
            TimeFormat::Pattern(pattern) => pattern,
        }
    }

    /// Reads `value` as a time in this format, local times in `zone`.
    pub(crate) fn read(&self, value: &Node<'_>, zone: Tz) -> Result<Timestamp, TimeRefusal> {
        let at = match self {
            TimeFormat::EpochSeconds => epoch(value, 1_000_000_000)?,
            TimeFormat::EpochMillis => epoch(value, 1_000_000)?,
            TimeFormat::Rfc3339 => {
                let text = value.as_str().ok_or(TimeRefusal::Malformed)?;
                match parse_rfc3339(text) {
                    Ok(at) => at,
                    Err(TimeError::NoOffset) => local_rfc3339(text, zone)?,
                    Err(TimeError::Malformed | TimeError::Implausible) => {
                        return Err(TimeRefusal::Malformed);
                    }
                }
            }
            TimeFormat::UkLocal => {
                let text = value.as_str().ok_or(TimeRefusal::Malformed)?;
                let naive = NaiveDateTime::parse_from_str(text.trim(), "%d/%m/%Y %H:%M:%S")
                    .map_err(|_| TimeRefusal::Malformed)?;
                in_zone(naive, zone)?
            }
            TimeFormat::Pattern(pattern) => {
                let text = value.as_str().ok_or(TimeRefusal::Malformed)?;
                match chrono::DateTime::parse_from_str(text, pattern) {
                    Ok(time) => nanos(time.timestamp_nanos_opt())?,
                    Err(_) => {
                        let naive = NaiveDateTime::parse_from_str(text, pattern)
                            .map_err(|_| TimeRefusal::Malformed)?;
                        in_zone(naive, zone)?
                    }
                }
            }
        };
        if is_plausible(at) {
            Ok(at)
        } else {
            Err(TimeRefusal::Malformed)
        }
    }
}

fn local_rfc3339(text: &str, zone: Tz) -> Result<Timestamp, TimeRefusal> {
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f"))
        .map_err(|_| TimeRefusal::Malformed)?;
    in_zone(naive, zone)
}

/// A local time in `zone`; the hour the clocks go back is ambiguous and the hour they go
/// forward does not exist, so both are refused rather than guessed.
fn in_zone(naive: NaiveDateTime, zone: Tz) -> Result<Timestamp, TimeRefusal> {
    match zone.from_local_datetime(&naive) {
        LocalResult::Single(time) => nanos(time.timestamp_nanos_opt()),
        LocalResult::Ambiguous(..) | LocalResult::None => Err(TimeRefusal::LocalGap),
    }
}

fn nanos(nanos: Option<i64>) -> Result<Timestamp, TimeRefusal> {
    nanos
        .map(Timestamp::from_nanos)
        .ok_or(TimeRefusal::Malformed)
}

/// A count of `unit`-nanosecond units since the epoch, from a JSON number or its text;
/// anything out of range is malformed, never wrapped.
fn epoch(value: &Node<'_>, unit: i64) -> Result<Timestamp, TimeRefusal> {
    let whole = match value {
        Node::Number(number) => number.as_i64(),
        Node::Text(text) => text.trim().parse::<i64>().ok(),
        _ => None,
    };
    if let Some(whole) = whole {
        return nanos(whole.checked_mul(unit));
    }
    let fractional = match value {
        Node::Number(number) => number.as_f64(),
        Node::Text(text) => text.trim().parse::<f64>().ok(),
        _ => None,
    }
    .ok_or(TimeRefusal::Malformed)?;
    // Within ±2^62 ns (years 1823–2116) the product is exact enough and fits an i64.
    #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation)]
    let limit = (1_i64 << 62) as f64;
    #[allow(clippy::cast_precision_loss)]
    let scaled = fractional * unit as f64;
    if scaled.is_finite() && scaled.abs() < limit {
        #[allow(clippy::cast_possible_truncation)]
        Ok(Timestamp::from_nanos(scaled.round() as i64))
    } else {
        Err(TimeRefusal::Malformed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::format_utc;
    use serde_json::json;

    fn read(format: &str, value: &serde_json::Value) -> Result<String, TimeRefusal> {
        TimeFormat::from_name(format)
            .expect("format")
            .read(&Node::whole(value), chrono_tz::Europe::London)
            .map(format_utc)
    }

    #[test]
    fn each_format_reads_the_instant_worked_out_by_hand() {
        // 1 July 2024 13:00:05 in London is BST (UTC+1): 12:00:05Z.
        let noon = Ok("2024-07-01T12:00:05Z".to_string());
        assert_eq!(read("rfc3339", &json!("2024-07-01T12:00:05Z")), noon);
        assert_eq!(read("rfc3339", &json!("2024-07-01T13:00:05+01:00")), noon);
        assert_eq!(read("rfc3339", &json!("2024-07-01T13:00:05")), noon);
        assert_eq!(read("uk", &json!("01/07/2024 13:00:05")), noon);
        // 2024-07-01T12:00:05Z is 1,719,835,205 s after the epoch.
        assert_eq!(read("epoch_s", &json!(1_719_835_205)), noon);
        assert_eq!(read("epoch_s", &json!("1719835205")), noon);
        assert_eq!(read("epoch_ms", &json!(1_719_835_205_000_i64)), noon);
        assert_eq!(
            read("epoch_s", &json!(1_719_835_204.5)),
            Ok("2024-07-01T12:00:04.500Z".into())
        );
        assert_eq!(read("%Y%m%d%H%M%S", &json!("20240701130005")), noon);
        // In winter London is on GMT: local equals UTC.
        assert_eq!(
            read("uk", &json!("05/12/2026 18:00:00")),
            Ok("2026-12-05T18:00:00Z".into())
        );
    }

    #[test]
    fn the_clock_change_hours_and_nonsense_are_refused_not_guessed() {
        // 27 Oct 2024 01:30 happened twice in London; 31 Mar 2024 01:30 never happened.
        assert_eq!(
            read("uk", &json!("27/10/2024 01:30:00")),
            Err(TimeRefusal::LocalGap)
        );
        assert_eq!(
            read("rfc3339", &json!("2024-03-31T01:30:00")),
            Err(TimeRefusal::LocalGap)
        );
        assert_eq!(
            read("uk", &json!("31/06/2024 10:00:00")),
            Err(TimeRefusal::Malformed)
        );
        assert_eq!(
            read("uk", &json!("2024-07-01 10:00:00")),
            Err(TimeRefusal::Malformed)
        );
        assert_eq!(
            read("epoch_ms", &json!(i64::MAX)),
            Err(TimeRefusal::Malformed)
        );
        assert_eq!(read("epoch_s", &json!(1e300)), Err(TimeRefusal::Malformed));
        assert_eq!(
            read("epoch_s", &json!(0)),
            Err(TimeRefusal::Malformed),
            "1970 is implausible"
        );
        assert_eq!(read("rfc3339", &json!(17)), Err(TimeRefusal::Malformed));
        assert!(TimeFormat::from_name("julian").is_none());
    }
}
