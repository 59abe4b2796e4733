//! Schema v1.1's `staffing` event: a line and two handler counts, read as numbers on both
//! scan paths alike.

use super::scan::Value;
use crate::model::{EventBody, MAX_ON_DUTY, Reject};

/// A handler count: a whole number from 0 to [`MAX_ON_DUTY`] (`7`, `7.0` and `7e0` are
/// the same JSON number), or absent.
fn count(value: Option<Value<'_>>, name: &'static str) -> Result<Option<u32>, Reject> {
    match value {
        None => Ok(None),
        Some(Value::Number(count))
            if count.fract() == 0.0 && (0.0..=f64::from(MAX_ON_DUTY)).contains(&count) =>
        {
            // Whole and within 0–10,000: the conversion is exact.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let count = count as u32;
            Ok(Some(count))
        }
        Some(_) => Err(Reject::BadCount(name)),
    }
}

/// A `staffing` snapshot: `line`, `on_duty`, and `available` no more than `on_duty`.
pub(super) fn body(
    line: Option<Value<'_>>,
    on_duty: Option<Value<'_>>,
    available: Option<Value<'_>>,
) -> Result<EventBody, Reject> {
    let line = super::optional_line(line)?.ok_or(Reject::Missing("line"))?;
    let on_duty = count(on_duty, "on_duty")?.ok_or(Reject::Missing("on_duty"))?;
    let available = count(available, "available")?;
    if available.is_some_and(|available| available > on_duty) {
        return Err(Reject::AvailableAboveOnDuty);
    }
    Ok(EventBody::Staffing {
        line,
        on_duty,
        available,
    })
}

#[cfg(test)]
mod tests {
    use super::super::parse_line;
    use crate::model::{CallLine, Event, EventBody, Reject};
    use crate::time::Timestamp;

    fn parse(text: &str) -> Result<Event, Reject> {
        parse_line(text.as_bytes())
    }

    const T0: Timestamp = Timestamp::from_nanos(1_719_831_600_000_000_000); // 2024-07-01T11:00:00Z

    #[test]
    fn schema_v1_1_events_parse_with_their_fields() {
        assert_eq!(
            parse(r#"{"kind":"call_ended","at":"2024-07-01T11:00:00Z","id":"A"}"#),
            Ok(Event {
                at: T0,
                body: EventBody::CallEnded { id: "A".into() }
            })
        );
        assert_eq!(
            parse(
                r#"{"kind":"staffing","at":"2024-07-01T11:00:00Z","line":"101","on_duty":0,"available":0}"#
            ),
            Ok(Event {
                at: T0,
                body: EventBody::Staffing {
                    line: CallLine::NonEmergency101,
                    on_duty: 0,
                    available: Some(0)
                }
            })
        );
        let cases: &[(&str, Reject)] = &[
            (
                r#"{"kind":"call_ended","at":"2024-07-01T11:00:00Z"}"#,
                Reject::Missing("id"),
            ),
            (
                r#"{"kind":"staffing","at":"2024-07-01T11:00:00Z","on_duty":3}"#,
                Reject::Missing("line"),
            ),
            (
                r#"{"kind":"staffing","at":"2024-07-01T11:00:00Z","line":"112","on_duty":3}"#,
                Reject::UnknownLine,
            ),
            (
                r#"{"kind":"staffing","at":"2024-07-01T11:00:00Z","line":"999"}"#,
                Reject::Missing("on_duty"),
            ),
            (
                r#"{"kind":"staffing","at":"2024-07-01T11:00:00Z","line":"999","on_duty":10001}"#,
                Reject::BadCount("on_duty"),
            ),
            (
                r#"{"kind":"staffing","at":"2024-07-01T11:00:00Z","line":"999","on_duty":3,"available":-1}"#,
                Reject::BadCount("available"),
            ),
            (
                r#"{"kind":"staffing","at":"2024-07-01T11:00:00Z","line":"999","on_duty":3,"available":4}"#,
                Reject::AvailableAboveOnDuty,
            ),
        ];
        for (line, reason) in cases {
            assert_eq!(parse(line), Err(*reason), "{line}");
        }
        assert_eq!(
            Reject::BadCount("on_duty").to_string(),
            "\"on_duty\" is not a whole number from 0 to 10000"
        );
        assert_eq!(
            Reject::AvailableAboveOnDuty.to_string(),
            "\"available\" is more than \"on_duty\""
        );
    }
}
