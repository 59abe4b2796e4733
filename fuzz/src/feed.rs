//! A fuzzed feed: mostly well-formed event lines over a few ids and times near each other
//! (so openings, closes, duplicates, stand-alone and unmatched closes, negative and
//! over-long durations all happen), mixed with raw bytes, blank lines and damaged lines.

use arbitrary::Arbitrary;
use chrono::{DateTime, FixedOffset, SecondsFormat};

use forceboard::time::{Span, Timestamp};

/// The whole fuzzed input of the engine target.
#[derive(Arbitrary, Debug)]
pub struct FeedInput {
    pub base: Base,
    pub scale: Scale,
    pub lines: Vec<LineInput>,
    pub crlf: bool,
    /// How many bytes the splitter is handed at a time.
    pub chunk: u8,
    pub horizon: Horizon,
    /// `report --at`: events after it are left out.
    pub until: Option<TimeInput>,
    /// A time to compute the figures at, besides the latest accepted one.
    pub probe: TimeInput,
    /// Whether the probe is instead `probe_ahead_secs` after the latest event.
    pub probe_after_latest: bool,
    pub probe_ahead_secs: u16,
    /// How late (seconds) each event reaches the live ingest, in turn.
    pub live_delays: Vec<u8>,
}

/// Where the feed's times are centred.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Base {
    /// 2024-07-01T10:00:00Z.
    Summer2024,
    /// 2024-10-27T00:30:00Z, half an hour before the UK clock change.
    ClockChange,
    /// 2000-01-01T00:05:00Z, just after the first accepted instant.
    Year2000,
    /// 2199-12-31T23:55:00Z, just before the end of the accepted years.
    Year2199,
}

impl Base {
    fn at(self) -> Timestamp {
        let secs: i64 = match self {
            Base::Summer2024 => 1_719_828_000,
            Base::ClockChange => 1_729_989_000,
            Base::Year2000 => 946_685_100,
            Base::Year2199 => 7_258_118_100,
        };
        Timestamp::from_nanos(secs * 1_000_000_000)
    }
}

/// How far apart the feed's times are.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Scale {
    /// Within ±10 minutes: answer times, service levels, windows' edges.
    Minutes,
    /// Within ±2 days: call expiry, the 24 h maximum, retention sweeps.
    Days,
    /// Within ±40 days: the 30-day maximum of incidents.
    Weeks,
    /// Anywhere a signed 32-bit count of seconds reaches (±68 years).
    Anywhere,
}

/// A time as an offset from the feed's base, with nanoseconds.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct TimeInput {
    pub offset: i32,
    pub nanos: u32,
}

impl TimeInput {
    pub fn instant(self, base: Base, scale: Scale) -> Timestamp {
        let offset = i64::from(self.offset);
        let secs = match scale {
            Scale::Minutes => offset % 600,
            Scale::Days => offset % (2 * 86_400),
            Scale::Weeks => offset % (40 * 86_400),
            Scale::Anywhere => offset,
        };
        // Mostly whole seconds, so equal times (ties, window edges) are common.
        let nanos = if self.nanos % 4 == 0 {
            i64::from(self.nanos % 1_000_000_000)
        } else {
            0
        };
        base.at() + Span::from_secs(secs) + Span::from_nanos(nanos)
    }
}

/// The reorder horizon of the ordered ingest.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Horizon {
    None,
    /// The default, 10 minutes.
    Default,
    /// Longer than any fuzzed feed: the whole file sorted.
    Everything,
}

impl Horizon {
    pub fn span(self) -> Span {
        match self {
            Horizon::None => Span::ZERO,
            Horizon::Default => Span::from_mins(10),
            Horizon::Everything => Span::from_days(100 * 365),
        }
    }
}

#[derive(Arbitrary, Debug)]
pub enum LineInput {
    Event(EventInput),
    /// Any bytes at all (a `\n` among them makes more lines).
    Raw(Vec<u8>),
    /// Spaces and tabs only.
    Blank(u8),
    /// A well-formed line with one byte replaced.
    Damaged(EventInput, u16, u8),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Kind {
    CallOffered,
    CallAnswered,
    CallAbandoned,
    IncidentCreated,
    IncidentArrived,
    IncidentCancelled,
    Heartbeat,
    /// Schema v1.1: a handler free again.
    CallEnded,
    /// Schema v1.1: handlers on duty on a line.
    Staffing,
    Unknown,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::CallOffered => "call_offered",
            Kind::CallAnswered => "call_answered",
            Kind::CallAbandoned => "call_abandoned",
            Kind::IncidentCreated => "incident_created",
            Kind::IncidentArrived => "incident_arrived",
            Kind::IncidentCancelled => "incident_cancelled",
            Kind::Heartbeat => "heartbeat",
            Kind::CallEnded => "call_ended",
            Kind::Staffing => "staffing",
            Kind::Unknown => "call_transferred",
        }
    }

    fn is_call(self) -> bool {
        matches!(
            self,
            Kind::CallOffered
                | Kind::CallAnswered
                | Kind::CallAbandoned
                | Kind::CallEnded
                | Kind::Staffing
        )
    }
}

/// How a time is written.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum TimeStyle {
    Utc,
    /// `+01:00`.
    Bst,
    /// `-05:30`: an odd offset west of UTC.
    West,
    /// No offset: refused.
    Local,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct EventInput {
    pub kind: Kind,
    pub at: TimeInput,
    pub style: TimeStyle,
    /// From a small set (so ids meet again); some values leave the id out.
    pub id: u8,
    /// The line or grade: mostly valid, sometimes not.
    pub what: u8,
    /// Whether a close carries its line or grade (to stand alone).
    pub with_what: bool,
    pub lpa: u8,
    /// A close's `offered_at` / `created_at`.
    pub opening: Option<TimeInput>,
}

const IDS: [&str; 6] = ["A", "B", "C", "D", "E", "\u{e9}\\\"x"];
const LPAS: [&str; 5] = ["BIR", "COV", "XYZ", "", "\u{1b}[2J"];

fn write_time(at: Timestamp, style: TimeStyle) -> String {
    let utc = DateTime::from_timestamp_nanos(at.nanos());
    let offset_secs = match style {
        TimeStyle::Utc | TimeStyle::Local => 0,
        TimeStyle::Bst => 3600,
        TimeStyle::West => -(5 * 3600 + 1800),
    };
    let Some(offset) = FixedOffset::east_opt(offset_secs) else {
        return String::new();
    };
    let text = utc
        .with_timezone(&offset)
        .to_rfc3339_opts(SecondsFormat::AutoSi, true);
    match style {
        TimeStyle::Local => text.trim_end_matches('Z').to_string(),
        _ => text,
    }
}

/// A JSON string literal of `text` (escaped as JSON needs).
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

impl EventInput {
    /// The event as one line of the feed, without its newline.
    pub fn line(&self, base: Base, scale: Scale) -> String {
        let mut fields = vec![
            format!("\"kind\":{}", quoted(self.kind.label())),
            format!(
                "\"at\":{}",
                quoted(&write_time(self.at.instant(base, scale), self.style))
            ),
        ];
        if let Some(id) = IDS.get(usize::from(self.id % 8)) {
            fields.push(format!("\"id\":{}", quoted(id)));
        }
        let closing = matches!(
            self.kind,
            Kind::CallAnswered | Kind::CallAbandoned | Kind::IncidentArrived
        );
        if matches!(
            self.kind,
            Kind::CallOffered | Kind::IncidentCreated | Kind::Staffing
        ) || (closing && self.with_what)
        {
            fields.push(self.what_field());
        }
        if let Kind::Staffing = self.kind {
            fields.extend(self.staffing_fields());
        }
        if let Some(lpa) = LPAS.get(usize::from(self.lpa % 8)) {
            fields.push(format!("\"lpa\":{}", quoted(lpa)));
        }
        if let (true, Some(opening)) = (closing, self.opening) {
            let name = if self.kind.is_call() {
                "offered_at"
            } else {
                "created_at"
            };
            let text = write_time(opening.instant(base, scale), TimeStyle::Utc);
            fields.push(format!("\"{name}\":{}", quoted(&text)));
        }
        if self.what % 16 == 15 {
            fields.push("\"caller\":{\"number\":\"07700900123\",\"n\":[1,2.5e3]}".to_string());
        }
        format!("{{{}}}", fields.join(","))
    }

    /// `on_duty` and `available`: mostly within 0–10,000 and in order, sometimes not
    /// (too many, more free than on duty, not whole, missing).
    fn staffing_fields(&self) -> Vec<String> {
        const COUNTS: [&str; 8] = ["0", "7", "12", "10000", "10001", "-1", "2.5", "\"8\""];
        let on_duty = COUNTS[usize::from(self.lpa) % COUNTS.len()];
        let mut fields = vec![format!("\"on_duty\":{on_duty}")];
        if self.with_what {
            let available = COUNTS[usize::from(self.id) % COUNTS.len()];
            fields.push(format!("\"available\":{available}"));
        }
        fields
    }

    fn what_field(&self) -> String {
        let calls = ["999", "101", "112"];
        let grades = ["emergency", "priority", "scheduled", "urgent"];
        if self.kind.is_call() {
            let line = calls[usize::from(self.what) % calls.len()];
            format!("\"line\":{}", quoted(line))
        } else {
            let grade = grades[usize::from(self.what) % grades.len()];
            format!("\"grade\":{}", quoted(grade))
        }
    }
}

impl FeedInput {
    /// The whole feed as bytes, as a file or a socket would carry it.
    pub fn bytes(&self) -> Vec<u8> {
        let newline: &[u8] = if self.crlf { b"\r\n" } else { b"\n" };
        let mut out = Vec::new();
        for line in &self.lines {
            match line {
                LineInput::Event(event) => {
                    out.extend_from_slice(event.line(self.base, self.scale).as_bytes())
                }
                LineInput::Raw(bytes) => out.extend_from_slice(bytes),
                LineInput::Blank(width) => {
                    out.extend(std::iter::repeat_n(b' ', usize::from(width % 4)));
                    out.push(b'\t');
                }
                LineInput::Damaged(event, position, byte) => {
                    let mut bytes = event.line(self.base, self.scale).into_bytes();
                    let len = bytes.len();
                    if let Some(slot) = bytes.get_mut(usize::from(*position) % len.max(1)) {
                        *slot = *byte;
                    }
                    out.extend_from_slice(&bytes);
                }
            }
            out.extend_from_slice(newline);
        }
        out
    }
}
