//! The domain types every layer shares: events, call lines, grades, outcomes and the
//! reasons a line is refused. Parsing (`feed`) produces them and the engine consumes them,
//! so neither depends on the other.

use std::fmt;

use crate::time::Timestamp;

/// A call's or incident's id, or an area's name, as a line of the feed gives it. Ids
/// and area names are short (a few to twenty bytes), and up to 24 bytes one is kept in
/// place, so reading an event costs no allocation for them.
pub type FeedText = compact_str::CompactString;

/// The two call lines the board tracks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CallLine {
    Emergency999,
    NonEmergency101,
}

impl CallLine {
    pub const ALL: [CallLine; 2] = [CallLine::Emergency999, CallLine::NonEmergency101];

    pub(crate) fn label(self) -> &'static str {
        match self {
            CallLine::Emergency999 => "999",
            CallLine::NonEmergency101 => "101",
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// The schema's text for it (`"999"`, `"emergency"`…), if it is one.
    pub(crate) fn from_text(text: &str) -> Option<Self> {
        match text {
            "999" => Some(CallLine::Emergency999),
            "101" => Some(CallLine::NonEmergency101),
            _ => None,
        }
    }
}

/// Incident grades. Emergency and priority are target-tracked; scheduled is counted only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Grade {
    Emergency,
    Priority,
    Scheduled,
}

impl Grade {
    pub const ALL: [Grade; 3] = [Grade::Emergency, Grade::Priority, Grade::Scheduled];

    pub(crate) fn label(self) -> &'static str {
        match self {
            Grade::Emergency => "emergency",
            Grade::Priority => "priority",
            Grade::Scheduled => "scheduled",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// The schema's text for it (`"999"`, `"emergency"`…), if it is one.
    pub(crate) fn from_text(text: &str) -> Option<Self> {
        match text {
            "emergency" => Some(Grade::Emergency),
            "priority" => Some(Grade::Priority),
            "scheduled" => Some(Grade::Scheduled),
            _ => None,
        }
    }
}

/// How a call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallOutcome {
    Answered,
    Abandoned,
}

/// How an incident closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncidentOutcome {
    /// First unit on scene.
    Arrived,
    /// Closed with no attendance.
    Cancelled,
}

/// One accepted line of the feed.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub at: Timestamp,
    pub body: EventBody,
}

/// The clock a served feed announces in its heartbeats: at the heartbeat's `at` it reads
/// that time, and from then on it runs at `speed` × real time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AnnouncedClock {
    /// 0 while the trainer has paused it; otherwise within [`SPEEDS`](crate::time::SPEEDS).
    pub speed: f64,
    /// The served timeline's number. It changes when the served timeline starts again
    /// (the trainer moved the clock, or a looping recording began again): a board drops
    /// what it knows and rebuilds from the lines that follow, which are the new backlog.
    pub epoch: u64,
}

impl AnnouncedClock {
    pub fn is_paused(&self) -> bool {
        self.speed == 0.0
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum EventBody {
    CallOffered {
        id: FeedText,
        line: CallLine,
        lpa: Option<FeedText>,
    },
    /// `call_answered` or `call_abandoned`; `offered_at` + `line` let it stand alone.
    CallClosed {
        id: FeedText,
        outcome: CallOutcome,
        offered_at: Option<Timestamp>,
        line: Option<CallLine>,
        lpa: Option<FeedText>,
    },
    IncidentCreated {
        id: FeedText,
        grade: Grade,
        lpa: Option<FeedText>,
    },
    /// `incident_arrived` (may stand alone with `created_at` + `grade`) or `incident_cancelled`.
    IncidentClosed {
        id: FeedText,
        outcome: IncidentOutcome,
        created_at: Option<Timestamp>,
        grade: Option<Grade>,
        lpa: Option<FeedText>,
    },
    /// With `clock`, the feed carries its own clock (a served recording): at this
    /// moment it reads `at`; see [`AnnouncedClock`].
    Heartbeat { clock: Option<AnnouncedClock> },
    /// `call_ended` (schema v1.1): the handler of answered call `id` is free again, talk
    /// and wrap-up done. Handle time = this `at` − the answer's.
    CallEnded { id: FeedText },
    /// `staffing` (schema v1.1): a snapshot of one line's call handlers, within
    /// [`MAX_ON_DUTY`] and with `available` ≤ `on_duty` when read.
    Staffing {
        line: CallLine,
        on_duty: u32,
        available: Option<u32>,
    },
}

/// The most call handlers a `staffing` event may report on one line.
pub(crate) const MAX_ON_DUTY: u32 = 10_000;

/// The schema's `kind` of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    CallOffered,
    CallAnswered,
    CallAbandoned,
    IncidentCreated,
    IncidentArrived,
    IncidentCancelled,
    Heartbeat,
    CallEnded,
    Staffing,
}

impl EventKind {
    /// The schema's text for this kind (`"call_offered"`…).
    pub fn label(self) -> &'static str {
        match self {
            EventKind::CallOffered => "call_offered",
            EventKind::CallAnswered => "call_answered",
            EventKind::CallAbandoned => "call_abandoned",
            EventKind::IncidentCreated => "incident_created",
            EventKind::IncidentArrived => "incident_arrived",
            EventKind::IncidentCancelled => "incident_cancelled",
            EventKind::Heartbeat => "heartbeat",
            EventKind::CallEnded => "call_ended",
            EventKind::Staffing => "staffing",
        }
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl EventBody {
    /// The schema's `kind` for this event.
    pub fn kind(&self) -> EventKind {
        match self {
            EventBody::CallOffered { .. } => EventKind::CallOffered,
            EventBody::CallClosed {
                outcome: CallOutcome::Answered,
                ..
            } => EventKind::CallAnswered,
            EventBody::CallClosed {
                outcome: CallOutcome::Abandoned,
                ..
            } => EventKind::CallAbandoned,
            EventBody::IncidentCreated { .. } => EventKind::IncidentCreated,
            EventBody::IncidentClosed {
                outcome: IncidentOutcome::Arrived,
                ..
            } => EventKind::IncidentArrived,
            EventBody::IncidentClosed {
                outcome: IncidentOutcome::Cancelled,
                ..
            } => EventKind::IncidentCancelled,
            EventBody::Heartbeat { .. } => EventKind::Heartbeat,
            EventBody::CallEnded { .. } => EventKind::CallEnded,
            EventBody::Staffing { .. } => EventKind::Staffing,
        }
    }

    /// The call's or incident's id; heartbeats and staffing snapshots have none.
    pub fn id(&self) -> Option<&str> {
        match self {
            EventBody::CallOffered { id, .. }
            | EventBody::CallClosed { id, .. }
            | EventBody::CallEnded { id }
            | EventBody::IncidentCreated { id, .. }
            | EventBody::IncidentClosed { id, .. } => Some(id),
            EventBody::Heartbeat { .. } | EventBody::Staffing { .. } => None,
        }
    }
}

/// A refused line: its number in its stream and why. Never its content: the board shows
/// reasons and line numbers only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RejectedLine {
    pub line: u64,
    pub reason: Reject,
}

/// Why a line was refused. The reasons name fields, never values from the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reject {
    TooLong,
    NotUtf8,
    NotJson,
    NotObject,
    Missing(&'static str),
    NotString(&'static str),
    UnknownKind,
    UnknownLine,
    UnknownGrade,
    NoOffset(&'static str),
    BadTime(&'static str),
    /// A heartbeat's `speed` that is not 0 or a number within [`SPEEDS`](crate::time::SPEEDS).
    BadSpeed,
    /// A heartbeat's `epoch` that is not a whole number from 0 to 2^53, or one without `speed`.
    BadEpoch,
    /// A closing event for an id never opened, without the fields to stand alone.
    Unmatched(EventKind),
    /// A closing event earlier than its opening time.
    NegativeDuration(EventKind),
    /// A closing event longer after its opening time than a call or incident can last.
    ImplausibleDuration(EventKind),
    /// Live feeds only: too far ahead of the board's clock (the wall clock, or the feed's
    /// own clock it follows).
    FutureDated,
    /// Live feeds only: a heartbeat announcing a clock (`speed`) in the middle of a feed
    /// the board reads on the wall clock. A board follows a feed's clock only when it is
    /// the first line of a connection.
    UnexpectedClock,
    /// A `staffing` count (`on_duty`, `available`) that is not a whole number from 0 to
    /// [`MAX_ON_DUTY`].
    BadCount(&'static str),
    /// A `staffing` event with more handlers available than on duty.
    AvailableAboveOnDuty,
    /// A foreign record the input map could not turn into events (`--map`).
    Map(MapReject),
}

/// Why an input map refused a foreign record. `from` is the record's field as the map names
/// it and `field` the event's field it was to fill: names from the map, never values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MapReject {
    /// The record lacks a field the event needs.
    Missing {
        field: &'static str,
        from: &'static str,
    },
    /// The field is an object, an array, a boolean or null where text or a number was needed.
    NotText {
        field: &'static str,
        from: &'static str,
    },
    /// The field's value is not in the map's value table.
    NotInTable {
        from: &'static str,
        table: &'static str,
    },
    /// The field is not a time in the map's format for it.
    BadTime {
        from: &'static str,
        format: &'static str,
    },
    /// A local time that the clock change makes ambiguous or skips, in the map's zone.
    LocalTimeGap { from: &'static str },
    /// A count that is not a whole number from 0 to [`MAX_ON_DUTY`].
    BadCount { from: &'static str },
    /// The value a table gave is not one the event's field takes.
    BadValue { field: &'static str },
    /// A new handler when the map already counts the most a line may have.
    TooManyHandlers,
    /// The map's jq program raised an error on the record (or it is not JSON to jq).
    JqFailed,
    /// The jq program made more events from one record than any record makes.
    JqTooMany,
    /// The jq program made a line the feed refuses, for this (the native parser's) reason.
    JqOutput { reason: &'static str },
}

impl fmt::Display for MapReject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MapReject::Missing { field, from } => {
                write!(f, "map: no \"{from}\" for \"{field}\"")
            }
            MapReject::NotText { field, from } => {
                write!(f, "map: \"{from}\" for \"{field}\" is not text or a number")
            }
            MapReject::NotInTable { from, table } => {
                write!(f, "map: \"{from}\" has a value not in table \"{table}\"")
            }
            MapReject::BadTime { from, format } => {
                write!(f, "map: \"{from}\" is not a time in format \"{format}\"")
            }
            MapReject::LocalTimeGap { from } => write!(
                f,
                "map: \"{from}\" is a local time the clock change makes ambiguous or skips"
            ),
            MapReject::BadCount { from } => write!(
                f,
                "map: \"{from}\" is not a whole number from 0 to {MAX_ON_DUTY}"
            ),
            MapReject::JqFailed => write!(f, "map: the jq program failed on the record"),
            MapReject::JqTooMany => {
                write!(
                    f,
                    "map: the jq program made more than 64 events of one record"
                )
            }
            MapReject::JqOutput { reason } => {
                write!(
                    f,
                    "map: the jq program made a line the feed refuses: {reason}"
                )
            }
            MapReject::TooManyHandlers => write!(
                f,
                "map: more than {MAX_ON_DUTY} handlers counted (a new handler is refused)"
            ),
            MapReject::BadValue { field } => write!(
                f,
                "map: the table gives \"{field}\" a value the schema does not take"
            ),
        }
    }
}

impl fmt::Display for Reject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reject::TooLong => write!(f, "line longer than 64 KiB"),
            Reject::NotUtf8 => write!(f, "not UTF-8"),
            Reject::NotJson => write!(f, "not valid JSON"),
            Reject::NotObject => write!(f, "not a JSON object"),
            Reject::Missing(field) => write!(f, "missing \"{field}\""),
            Reject::NotString(field) => write!(f, "\"{field}\" is not a string"),
            Reject::UnknownKind => write!(f, "unknown \"kind\""),
            Reject::UnknownLine => write!(f, "unknown \"line\" (expected \"999\" or \"101\")"),
            Reject::UnknownGrade => write!(
                f,
                "unknown \"grade\" (expected \"emergency\", \"priority\" or \"scheduled\")"
            ),
            Reject::NoOffset(field) => write!(f, "no offset in \"{field}\""),
            Reject::BadTime(field) => write!(f, "bad time in \"{field}\""),
            Reject::BadSpeed => write!(f, "\"speed\" is not 0 or a number from 0.1 to 10000"),
            Reject::BadEpoch => write!(
                f,
                "\"epoch\" is not a whole number from 0 to 2^53, or comes without \"speed\""
            ),
            Reject::Unmatched(EventKind::CallEnded) => write!(
                f,
                "call_ended for an unknown id or a call not answered (unmatched)"
            ),
            Reject::Unmatched(kind) => write!(f, "{kind} for an unknown id (unmatched)"),
            Reject::NegativeDuration(EventKind::CallEnded) => write!(
                f,
                "call_ended earlier than its call's answer (negative duration)"
            ),
            Reject::NegativeDuration(kind) => {
                write!(
                    f,
                    "{kind} earlier than its opening time (negative duration)"
                )
            }
            Reject::ImplausibleDuration(kind) => write!(
                f,
                "{kind} longer than the plausible maximum (implausible duration)"
            ),
            Reject::FutureDated => write!(f, "dated too far ahead of the clock (future-dated)"),
            Reject::UnexpectedClock => write!(
                f,
                "clock heartbeat on a feed on the wall clock (unexpected speed)"
            ),
            Reject::BadCount(field) => write!(
                f,
                "\"{field}\" is not a whole number from 0 to {MAX_ON_DUTY}"
            ),
            Reject::AvailableAboveOnDuty => {
                write!(f, "\"available\" is more than \"on_duty\"")
            }
            Reject::Map(reason) => reason.fmt(f),
        }
    }
}
