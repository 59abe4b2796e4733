//! The NDJSON writer: one schema-v1 line per event, formatted by hand into a
//! byte buffer, so the bytes depend on nothing but the event (no float or
//! locale formatting) and a day of output costs no allocation per line.

use chrono::{DateTime, Datelike, Timelike, Utc};

use super::GenSummary;
use super::model::{Event, Grade, Pending};
use crate::model::CallLine;

/// Handlers busy on each line's answered calls (999, 101), as the lines written so far
/// say: a staffing line's `available` is its `on_duty` less these.
#[derive(Debug, Default)]
pub(super) struct Busy([u32; 2]);

impl Busy {
    fn slot(&mut self, line: CallLine) -> &mut u32 {
        &mut self.0[usize::from(line == CallLine::NonEmergency101)]
    }
}

/// Appends `p` as one line to `buf` and counts it in `summary`. `area_codes` are the
/// areas' codes as JSON strings (quoted and escaped), by index.
pub(super) fn write_line(
    buf: &mut Vec<u8>,
    p: &Pending,
    summary: &mut GenSummary,
    busy: &mut Busy,
    area_codes: &[Vec<u8>],
) {
    summary.lines += 1;
    if let Event::Staffing { line, on_duty } = p.ev {
        summary.staffing += 1;
        let available = on_duty.saturating_sub(*busy.slot(line));
        buf.extend_from_slice(b"{\"kind\":\"staffing\",\"at\":\"");
        push_timestamp(buf, p.at);
        buf.extend_from_slice(b"\",\"line\":\"");
        buf.extend_from_slice(line_code(line));
        buf.extend_from_slice(b"\",\"on_duty\":");
        push_padded(buf, u64::from(on_duty), 1);
        buf.extend_from_slice(b",\"available\":");
        push_padded(buf, u64::from(available), 1);
        buf.extend_from_slice(b"}\n");
        return;
    }
    let (kind, id_prefix, id) = match p.ev {
        Event::Heartbeat | Event::Staffing { .. } => ("heartbeat", b'-', 0),
        Event::CallOffered { id, .. } => ("call_offered", b'C', id),
        Event::CallAnswered { id, line } => {
            *busy.slot(line) += 1;
            ("call_answered", b'C', id)
        }
        Event::CallEnded { id, line } => {
            summary.call_ended += 1;
            let slot = busy.slot(line);
            *slot = slot.saturating_sub(1);
            ("call_ended", b'C', id)
        }
        Event::CallAbandoned { id } => ("call_abandoned", b'C', id),
        Event::IncidentCreated { id, .. } => ("incident_created", b'I', id),
        Event::IncidentArrived { id } => ("incident_arrived", b'I', id),
        Event::IncidentCancelled { id } => ("incident_cancelled", b'I', id),
    };
    buf.extend_from_slice(b"{\"kind\":\"");
    buf.extend_from_slice(kind.as_bytes());
    buf.extend_from_slice(b"\",\"at\":\"");
    push_timestamp(buf, p.at);
    buf.push(b'"');
    if let Event::Heartbeat = p.ev {
        buf.extend_from_slice(b",\"source\":\"gen\"}\n");
        return;
    }
    buf.extend_from_slice(b",\"id\":\"");
    buf.push(id_prefix);
    push_padded(buf, id, 6);
    buf.push(b'"');
    match p.ev {
        Event::CallOffered { line, lpa, .. } => {
            match line {
                CallLine::Emergency999 => summary.calls_999 += 1,
                CallLine::NonEmergency101 => summary.calls_101 += 1,
            }
            buf.extend_from_slice(b",\"line\":\"");
            buf.extend_from_slice(line_code(line));
            buf.push(b'"');
            push_lpa(buf, lpa, area_codes);
        }
        Event::IncidentCreated { grade, lpa, .. } => {
            let g: &[u8] = match grade {
                Grade::Emergency => {
                    summary.emergency += 1;
                    b"emergency"
                }
                Grade::Priority => {
                    summary.priority += 1;
                    b"priority"
                }
                Grade::Scheduled => {
                    summary.scheduled += 1;
                    b"scheduled"
                }
            };
            buf.extend_from_slice(b",\"grade\":\"");
            buf.extend_from_slice(g);
            buf.push(b'"');
            push_lpa(buf, lpa, area_codes);
        }
        _ => {}
    }
    buf.extend_from_slice(b"}\n");
}

fn line_code(line: CallLine) -> &'static [u8] {
    match line {
        CallLine::Emergency999 => b"999",
        CallLine::NonEmergency101 => b"101",
    }
}

/// `,"lpa":"CODE"`, or nothing for an event in no area.
fn push_lpa(buf: &mut Vec<u8>, lpa: Option<u16>, area_codes: &[Vec<u8>]) {
    let Some(code) = lpa.and_then(|index| area_codes.get(usize::from(index))) else {
        return;
    };
    buf.extend_from_slice(b",\"lpa\":");
    buf.extend_from_slice(code);
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` (RFC 3339, UTC, millisecond precision).
fn push_timestamp(buf: &mut Vec<u8>, ms: i64) {
    let Some(t) = DateTime::<Utc>::from_timestamp_millis(ms) else {
        buf.extend_from_slice(b"invalid");
        return;
    };
    push_padded(buf, u64::try_from(t.year()).unwrap_or(0), 4);
    buf.push(b'-');
    push_padded(buf, u64::from(t.month()), 2);
    buf.push(b'-');
    push_padded(buf, u64::from(t.day()), 2);
    buf.push(b'T');
    push_padded(buf, u64::from(t.hour()), 2);
    buf.push(b':');
    push_padded(buf, u64::from(t.minute()), 2);
    buf.push(b':');
    push_padded(buf, u64::from(t.second()), 2);
    buf.push(b'.');
    push_padded(buf, ms.rem_euclid(1000) as u64, 3);
    buf.push(b'Z');
}

/// Decimal `n`, zero-padded to at least `width` digits.
fn push_padded(buf: &mut Vec<u8>, mut n: u64, width: usize) {
    let mut digits = [0u8; 20];
    let mut len = 0;
    loop {
        digits[len] = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for _ in len..width {
        buf.push(b'0');
    }
    buf.extend(digits[..len].iter().rev());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_and_padding() {
        let mut b = Vec::new();
        let t = DateTime::parse_from_rfc3339("2024-07-01T11:00:04.123Z").unwrap();
        push_timestamp(&mut b, t.timestamp_millis());
        assert_eq!(b, b"2024-07-01T11:00:04.123Z");
        b.clear();
        push_padded(&mut b, 42, 6);
        push_padded(&mut b, 1_234_567, 6);
        assert_eq!(b, b"0000421234567");
    }
}
