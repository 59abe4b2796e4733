//! A map's rules: which events a record makes (its conditions) and where each of an
//! event's fields comes from (its picks), checked as the native feed checks them.

use std::borrow::Cow;
use std::sync::Arc;

use chrono_tz::Tz;

use super::path::{Condition, Entry, FieldPath, ValueTable, text_of};
use super::record::Node;
use super::time_format::{TimeFormat, TimeRefusal};
use crate::model::{
    CallLine, CallOutcome, Event, EventBody, EventKind, FeedText, Grade, IncidentOutcome,
    MAX_ON_DUTY, MapReject,
};
use crate::time::Timestamp;

/// Where a value comes from: a field of the record, or a fixed value.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    Field(FieldPath),
    Value(Box<str>),
}

/// One field of an event: its source, then its value table, and how a time is read.
#[derive(Debug, Clone)]
pub(crate) struct Pick {
    pub(crate) source: Source,
    pub(crate) table: Option<Arc<ValueTable>>,
    pub(crate) time: TimeFormat,
    /// A time read from every value the path finds (each match of a filter step), the
    /// earliest taken: the first unit on scene among several.
    pub(crate) earliest: bool,
}

impl Pick {
    pub(crate) fn path(&self) -> Option<&FieldPath> {
        match &self.source {
            Source::Field(path) => Some(path),
            Source::Value(_) => None,
        }
    }

    /// The source's name for reasons: its path, or `value` for a fixed one.
    fn from(&self) -> &'static str {
        self.path().map_or("value", |path| path.text)
    }

    fn raw<'v>(&'v self, record: &'v Node<'v>) -> Option<Cow<'v, Node<'v>>> {
        match &self.source {
            Source::Field(path) => path.find(record).map(Cow::Borrowed),
            Source::Value(value) => Some(Cow::Owned(Node::Text(Cow::Borrowed(value)))),
        }
    }

    /// The field as text, through its table: `None` when the record lacks it.
    pub(crate) fn text<'v>(
        &'v self,
        record: &'v Node<'_>,
        field: &'static str,
    ) -> Result<Option<Cow<'v, str>>, MapReject> {
        let from = self.from();
        let text = match &self.source {
            Source::Value(value) => Cow::Borrowed(&**value),
            Source::Field(path) => match path.find(record) {
                None => return Ok(None),
                Some(value) => text_of(value).ok_or(MapReject::NotText { field, from })?,
            },
        };
        match &self.table {
            None => Ok(Some(text)),
            Some(table) => match table.entry(&text) {
                // The table's own text: no copy.
                Some(Entry::To(mapped)) => Ok(Some(Cow::Borrowed(mapped))),
                Some(Entry::AsItIs) => Ok(Some(text)),
                None => Err(MapReject::NotInTable {
                    from,
                    table: table.name,
                }),
            },
        }
    }

    /// The field as a time in its format: `None` when the record lacks it.
    pub(crate) fn time(&self, record: &Node<'_>, zone: Tz) -> Result<Option<Timestamp>, MapReject> {
        if self.earliest
            && let Source::Field(path) = &self.source
        {
            let mut earliest = None;
            for value in path.find_all(record) {
                let at = self.read_time(value, zone)?;
                earliest = Some(earliest.map_or(at, |seen: Timestamp| seen.min(at)));
            }
            return Ok(earliest);
        }
        match self.raw(record) {
            Some(value) => self.read_time(&value, zone).map(Some),
            None => Ok(None),
        }
    }

    fn read_time(&self, value: &Node<'_>, zone: Tz) -> Result<Timestamp, MapReject> {
        let from = self.from();
        self.time
            .read(value, zone)
            .map_err(|refusal| match refusal {
                TimeRefusal::Malformed => MapReject::BadTime {
                    from,
                    format: self.time.name(),
                },
                TimeRefusal::LocalGap => MapReject::LocalTimeGap { from },
            })
    }

    /// The field as a count of handlers, 0 to [`MAX_ON_DUTY`].
    fn count(&self, record: &Node<'_>, field: &'static str) -> Result<Option<u32>, MapReject> {
        let from = self.from();
        let Some(text) = self.text(record, field)? else {
            return Ok(None);
        };
        text.trim()
            .parse::<u32>()
            .ok()
            .filter(|count| *count <= MAX_ON_DUTY)
            .map(Some)
            .ok_or(MapReject::BadCount { from })
    }
}

/// At-least-once delivery: records with the same key are one record; with a version, a
/// record is news only when its version is newer than any seen for its key.
#[derive(Debug, Clone)]
pub(crate) struct Dedupe {
    pub(crate) key: FieldPath,
    pub(crate) version: Option<Pick>,
}

/// One event a record may make.
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub(crate) kind: EventKind,
    pub(crate) when: Vec<Condition>,
    pub(crate) fields: RuleFields,
}

/// Where each of the event's fields comes from (`None`: not given, which the map file's
/// check allows only for the kind's optional fields).
#[derive(Debug, Clone)]
pub(crate) struct RuleFields {
    pub(crate) at: Pick,
    pub(crate) id: Option<Pick>,
    pub(crate) line: Option<Pick>,
    pub(crate) grade: Option<Pick>,
    pub(crate) lpa: Option<Pick>,
    pub(crate) offered_at: Option<Pick>,
    pub(crate) created_at: Option<Pick>,
    pub(crate) on_duty: Option<Pick>,
    pub(crate) available: Option<Pick>,
}

impl Rule {
    pub(crate) fn applies(&self, record: &Node<'_>) -> bool {
        self.when.iter().all(|condition| condition.holds(record))
    }

    /// Every field path the rule reads.
    pub(crate) fn paths(&self) -> impl Iterator<Item = &FieldPath> {
        let fields = &self.fields;
        let picks = [
            Some(&fields.at),
            fields.id.as_ref(),
            fields.line.as_ref(),
            fields.grade.as_ref(),
            fields.lpa.as_ref(),
            fields.offered_at.as_ref(),
            fields.created_at.as_ref(),
            fields.on_duty.as_ref(),
            fields.available.as_ref(),
        ];
        self.when
            .iter()
            .map(Condition::path)
            .chain(picks.into_iter().flatten().filter_map(Pick::path))
    }

    /// The event this rule makes of `record`, or why it cannot.
    pub(crate) fn event(&self, record: &Node<'_>, zone: Tz) -> Result<Event, MapReject> {
        let fields = &self.fields;
        let at = required(fields.at.time(record, zone)?, "at", &fields.at)?;
        let body = match self.kind {
            EventKind::CallOffered => EventBody::CallOffered {
                id: self.id(record)?,
                line: required_line(record, fields.line.as_ref())?,
                lpa: optional_text(record, fields.lpa.as_ref(), "lpa")?,
            },
            EventKind::CallAnswered | EventKind::CallAbandoned => EventBody::CallClosed {
                id: self.id(record)?,
                outcome: if self.kind == EventKind::CallAnswered {
                    CallOutcome::Answered
                } else {
                    CallOutcome::Abandoned
                },
                offered_at: optional_time(record, fields.offered_at.as_ref(), zone)?,
                line: optional_line(record, fields.line.as_ref())?,
                lpa: optional_text(record, fields.lpa.as_ref(), "lpa")?,
            },
            EventKind::CallEnded => EventBody::CallEnded {
                id: self.id(record)?,
            },
            EventKind::IncidentCreated => EventBody::IncidentCreated {
                id: self.id(record)?,
                grade: optional_grade(record, fields.grade.as_ref())?.ok_or(
                    MapReject::Missing {
                        field: "grade",
                        from: fields.grade.as_ref().map_or("grade", Pick::from),
                    },
                )?,
                lpa: optional_text(record, fields.lpa.as_ref(), "lpa")?,
            },
            EventKind::IncidentArrived | EventKind::IncidentCancelled => {
                let arrived = self.kind == EventKind::IncidentArrived;
                EventBody::IncidentClosed {
                    id: self.id(record)?,
                    outcome: if arrived {
                        IncidentOutcome::Arrived
                    } else {
                        IncidentOutcome::Cancelled
                    },
                    created_at: optional_time(record, fields.created_at.as_ref(), zone)?,
                    grade: optional_grade(record, fields.grade.as_ref())?,
                    lpa: optional_text(record, fields.lpa.as_ref(), "lpa")?,
                }
            }
            EventKind::Staffing => staffing(record, fields)?,
            EventKind::Heartbeat => EventBody::Heartbeat { clock: None },
        };
        Ok(Event { at, body })
    }

    fn id(&self, record: &Node<'_>) -> Result<FeedText, MapReject> {
        let pick = self.fields.id.as_ref();
        let text = optional_text(record, pick, "id")?;
        text.ok_or(MapReject::Missing {
            field: "id",
            from: pick.map_or("id", Pick::from),
        })
    }
}

fn required<T>(value: Option<T>, field: &'static str, pick: &Pick) -> Result<T, MapReject> {
    value.ok_or(MapReject::Missing {
        field,
        from: pick.from(),
    })
}

fn optional_text(
    record: &Node<'_>,
    pick: Option<&Pick>,
    field: &'static str,
) -> Result<Option<FeedText>, MapReject> {
    match pick {
        Some(pick) => Ok(pick.text(record, field)?.map(FeedText::from)),
        None => Ok(None),
    }
}

fn optional_time(
    record: &Node<'_>,
    pick: Option<&Pick>,
    zone: Tz,
) -> Result<Option<Timestamp>, MapReject> {
    match pick {
        Some(pick) => pick.time(record, zone),
        None => Ok(None),
    }
}

fn optional_line(record: &Node<'_>, pick: Option<&Pick>) -> Result<Option<CallLine>, MapReject> {
    let Some(pick) = pick else { return Ok(None) };
    pick.text(record, "line")?
        .map(|text| CallLine::from_text(&text).ok_or(MapReject::BadValue { field: "line" }))
        .transpose()
}

fn required_line(record: &Node<'_>, pick: Option<&Pick>) -> Result<CallLine, MapReject> {
    optional_line(record, pick)?.ok_or(MapReject::Missing {
        field: "line",
        from: pick.map_or("line", Pick::from),
    })
}

fn optional_grade(record: &Node<'_>, pick: Option<&Pick>) -> Result<Option<Grade>, MapReject> {
    let Some(pick) = pick else { return Ok(None) };
    pick.text(record, "grade")?
        .map(|text| Grade::from_text(&text).ok_or(MapReject::BadValue { field: "grade" }))
        .transpose()
}

fn staffing(record: &Node<'_>, fields: &RuleFields) -> Result<EventBody, MapReject> {
    let line = required_line(record, fields.line.as_ref())?;
    let on_duty_pick = fields.on_duty.as_ref();
    let on_duty = match on_duty_pick {
        Some(pick) => pick.count(record, "on_duty")?,
        None => None,
    }
    .ok_or(MapReject::Missing {
        field: "on_duty",
        from: on_duty_pick.map_or("on_duty", Pick::from),
    })?;
    let available = match fields.available.as_ref() {
        Some(pick) => pick.count(record, "available")?,
        None => None,
    };
    if available.is_some_and(|available| available > on_duty) {
        return Err(MapReject::BadValue { field: "available" });
    }
    Ok(EventBody::Staffing {
        line,
        on_duty,
        available,
    })
}
