//! A map file (TOML) read and checked into an [`InputMap`]: every error is one sentence
//! naming its line.
//!
//! ```toml
//! description = "Our ACD's call records"
//! zone = "Europe/London"        # local times (optional: the configuration's zone)
//! time = "uk"                   # the default time format (optional: rfc3339)
//! [tables.line]
//! "Emergency" = "999"
//! [[events]]
//! kind = "call_offered"
//! when = { present = ["queued_at"] }
//! at = "queued_at"
//! id = "call_ref"
//! line = { field = "queue", table = "line" }
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use chrono_tz::Tz;
use serde::Deserialize;
use toml::Spanned;

use super::InputMap;
use super::path::{Condition, FieldPath, ValueTable};
use super::rule::{Dedupe, Pick, Rule, RuleFields, Source};
use super::tally::Tally;
use super::time_format::TimeFormat;
use crate::model::EventKind;

/// A map file that cannot be used: one sentence, with its line when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapError {
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for MapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for MapError {}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct MapFile {
    description: Option<String>,
    /// A built-in map this file starts from: its events and dedupe, with this file's
    /// tables in place of the built-in's tables of the same name.
    base: Option<Spanned<String>>,
    zone: Option<Spanned<String>>,
    time: Option<Spanned<String>>,
    dedupe: Option<Spanned<DedupeFile>>,
    /// Snapshots: the field naming what each record is a full state of. Each event kind is
    /// made once per key; later snapshots add only what changed.
    snapshot: Option<Spanned<String>>,
    /// Handler counts from per-handler records.
    tally: Option<Spanned<TallyFile>>,
    /// A jq program whose outputs are feed events (objects of the feed schema).
    jq: Option<Spanned<String>>,
    #[serde(default)]
    tables: BTreeMap<String, BTreeMap<String, String>>,
    #[serde(default)]
    events: Vec<Spanned<RuleFile>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DedupeFile {
    key: String,
    version: Option<PickFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TallyFile {
    key: String,
    at: PickFile,
    line: PickFile,
    #[serde(default)]
    on_duty: WhenFile,
    #[serde(default)]
    available: WhenFile,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    kind: String,
    #[serde(default)]
    when: WhenFile,
    at: PickFile,
    id: Option<PickFile>,
    line: Option<PickFile>,
    grade: Option<PickFile>,
    lpa: Option<PickFile>,
    offered_at: Option<PickFile>,
    created_at: Option<PickFile>,
    on_duty: Option<PickFile>,
    available: Option<PickFile>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct WhenFile {
    #[serde(default)]
    present: Vec<String>,
    #[serde(default)]
    absent: Vec<String>,
    #[serde(default)]
    equals: BTreeMap<String, OneOrMany>,
    #[serde(default)]
    ends_with: BTreeMap<String, OneOrMany>,
    #[serde(default)]
    not_equals: BTreeMap<String, OneOrMany>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn texts(&self) -> Vec<Box<str>> {
        match self {
            OneOrMany::One(value) => vec![value.as_str().into()],
            OneOrMany::Many(values) => values.iter().map(|v| v.as_str().into()).collect(),
        }
    }
}

/// A field pick: a path, or a table saying where the value comes from and how it is read.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum PickFile {
    Path(String),
    Full(FullPick),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct FullPick {
    field: Option<String>,
    value: Option<String>,
    table: Option<String>,
    time: Option<String>,
    #[serde(default)]
    earliest: bool,
}

/// Reads a map file's text; `zone` is the configuration's, for local times when the map
/// names none. `base` finds a built-in map's text by name.
pub(super) fn compile(
    name: &str,
    text: &str,
    zone: Tz,
    base: impl Fn(&str) -> Option<&'static str>,
) -> Result<InputMap, MapError> {
    let mut file = read(text)?;
    if let Some(base_name) = file.base.take() {
        let line = line_at(text, base_name.span());
        let base_text = base(base_name.get_ref()).ok_or_else(|| MapError {
            line: Some(line),
            message: format!(
                "\"base\" names no built-in map ({}): see forceboard map list",
                base_name.get_ref()
            ),
        })?;
        let mut built_in = read(base_text).map_err(|error| MapError {
            line: Some(line),
            message: format!("the built-in map is broken: {error}"),
        })?;
        built_in.tables.extend(std::mem::take(&mut file.tables));
        built_in.events.append(&mut file.events);
        built_in.zone = file.zone.or(built_in.zone);
        built_in.time = file.time.or(built_in.time);
        built_in.dedupe = file.dedupe.or(built_in.dedupe);
        built_in.snapshot = file.snapshot.or(built_in.snapshot);
        built_in.tally = file.tally.or(built_in.tally);
        built_in.jq = file.jq.or(built_in.jq);
        built_in.description = file.description.or(built_in.description);
        // Spans of the base's parts point into the base's text: its errors are reported
        // on the line of `base`.
        return build(name, built_in, zone, &|_| line);
    }
    build(name, file, zone, &|span| line_at(text, span))
}

fn read(text: &str) -> Result<MapFile, MapError> {
    toml::from_str(text).map_err(|error: toml::de::Error| MapError {
        line: error.span().map(|span| line_at(text, span)),
        message: error.message().trim().trim_end_matches('.').to_string(),
    })
}

fn line_at(text: &str, span: Range<usize>) -> usize {
    let start = span.start.min(text.len());
    memchr::memchr_iter(b'\n', &text.as_bytes()[..start]).count() + 1
}

fn build(
    name: &str,
    file: MapFile,
    config_zone: Tz,
    line: &dyn Fn(Range<usize>) -> usize,
) -> Result<InputMap, MapError> {
    let at_line = |span: Range<usize>, message: String| MapError {
        line: Some(line(span)),
        message,
    };
    let zone = match &file.zone {
        Some(zone) => zone.get_ref().parse::<Tz>().map_err(|_| {
            at_line(
                zone.span(),
                format!(
                    "\"{}\" is not an IANA time zone (e.g. \"Europe/London\")",
                    zone.get_ref()
                ),
            )
        })?,
        None => config_zone,
    };
    let default_time = match &file.time {
        Some(time) => {
            time_format(time.get_ref()).map_err(|message| at_line(time.span(), message))?
        }
        None => TimeFormat::Rfc3339,
    };
    let tables: HashMap<&str, Arc<ValueTable>> = file
        .tables
        .iter()
        .map(|(table, entries)| {
            let entries = entries
                .iter()
                .map(|(from, to)| (from.as_str().into(), to.as_str().into()))
                .collect();
            (table.as_str(), Arc::new(ValueTable::new(table, entries)))
        })
        .collect();
    let picker = Picker {
        tables: &tables,
        default_time: &default_time,
    };
    let mut paths = Vec::new();
    let dedupe = match &file.dedupe {
        Some(dedupe) => {
            let span = dedupe.span();
            let dedupe = dedupe.get_ref();
            let key = field_path(&dedupe.key).map_err(|message| at_line(span.clone(), message))?;
            let version = dedupe
                .version
                .as_ref()
                .map(|version| picker.pick(version))
                .transpose()
                .map_err(|message| at_line(span, message))?;
            paths.push(key.clone());
            paths.extend(version.iter().filter_map(Pick::path).cloned());
            Some(Dedupe { key, version })
        }
        None => None,
    };
    let snapshot = match &file.snapshot {
        Some(key) => {
            let path = field_path(key.get_ref()).map_err(|message| at_line(key.span(), message))?;
            paths.push(path.clone());
            Some(path)
        }
        None => None,
    };
    let tally = match &file.tally {
        Some(tally) => {
            let span = tally.span();
            let tally = picker
                .tally(tally.get_ref())
                .map_err(|message| at_line(span, message))?;
            paths.extend(tally.paths().cloned());
            Some(tally)
        }
        None => None,
    };
    if let Some(code) = &file.jq {
        super::jq::check(code.get_ref()).map_err(|message| at_line(code.span(), message))?;
    }
    if file.events.is_empty() && tally.is_none() && file.jq.is_none() {
        return Err(MapError {
            line: None,
            message: "the map makes no events: give at least one [[events]] (or a [tally], or jq)"
                .to_string(),
        });
    }
    let mut rules = Vec::with_capacity(file.events.len());
    for rule in &file.events {
        let compiled = picker
            .rule(rule.get_ref())
            .map_err(|message| at_line(rule.span(), message))?;
        paths.extend(compiled.paths().cloned());
        rules.push(compiled);
    }
    Ok(InputMap {
        name: name.to_string(),
        description: file.description.unwrap_or_default(),
        zone,
        rules,
        dedupe,
        snapshot,
        tally,
        jq: file.jq.map(Spanned::into_inner),
        wanted: super::record::Wanted::of(&paths),
        paths,
    })
}

fn field_path(text: &str) -> Result<FieldPath, String> {
    FieldPath::parse(text).ok_or_else(|| format!("\"{text}\" is not a field path (a.b.c)"))
}

fn time_format(name: &str) -> Result<TimeFormat, String> {
    TimeFormat::from_name(name).ok_or_else(|| {
        format!(
            "\"{name}\" is not a time format (rfc3339, epoch_s, epoch_ms, uk, or a strftime \
             pattern with %)"
        )
    })
}

struct Picker<'a> {
    tables: &'a HashMap<&'a str, Arc<ValueTable>>,
    default_time: &'a TimeFormat,
}

impl Picker<'_> {
    fn pick(&self, file: &PickFile) -> Result<Pick, String> {
        let full = match file {
            PickFile::Path(path) => FullPick {
                field: Some(path.clone()),
                value: None,
                table: None,
                time: None,
                earliest: false,
            },
            PickFile::Full(full) => full.clone(),
        };
        let source = match (&full.field, &full.value) {
            (Some(path), None) => Source::Field(field_path(path)?),
            (None, Some(value)) => Source::Value(value.as_str().into()),
            _ => return Err("a field pick needs exactly one of \"field\" and \"value\"".into()),
        };
        let table = match &full.table {
            Some(name) => {
                Some(Arc::clone(self.tables.get(name.as_str()).ok_or_else(
                    || format!("no table \"{name}\": add [tables.{name}]"),
                )?))
            }
            None => None,
        };
        let time = match &full.time {
            Some(name) => time_format(name)?,
            None => self.default_time.clone(),
        };
        Ok(Pick {
            source,
            table,
            time,
            earliest: full.earliest,
        })
    }

    fn tally(&self, file: &TallyFile) -> Result<Tally, String> {
        Ok(Tally {
            key: field_path(&file.key)?,
            at: self.pick(&file.at)?,
            line: self.pick(&file.line)?,
            on_duty: conditions(&file.on_duty)?,
            available: conditions(&file.available)?,
        })
    }

    fn optional(&self, file: Option<&PickFile>) -> Result<Option<Pick>, String> {
        file.map(|file| self.pick(file)).transpose()
    }

    fn rule(&self, file: &RuleFile) -> Result<Rule, String> {
        let kind = kind_of(&file.kind)?;
        let allowed = fields_of(kind);
        let given = [
            ("id", file.id.is_some()),
            ("line", file.line.is_some()),
            ("grade", file.grade.is_some()),
            ("lpa", file.lpa.is_some()),
            ("offered_at", file.offered_at.is_some()),
            ("created_at", file.created_at.is_some()),
            ("on_duty", file.on_duty.is_some()),
            ("available", file.available.is_some()),
        ];
        for (field, is_given) in given {
            let (required, optional) = allowed;
            if is_given && !required.contains(&field) && !optional.contains(&field) {
                return Err(format!("{kind} has no field \"{field}\""));
            }
            if !is_given && required.contains(&field) {
                return Err(format!("{kind} needs \"{field}\""));
            }
        }
        Ok(Rule {
            kind,
            when: conditions(&file.when)?,
            fields: RuleFields {
                at: self.pick(&file.at)?,
                id: self.optional(file.id.as_ref())?,
                line: self.optional(file.line.as_ref())?,
                grade: self.optional(file.grade.as_ref())?,
                lpa: self.optional(file.lpa.as_ref())?,
                offered_at: self.optional(file.offered_at.as_ref())?,
                created_at: self.optional(file.created_at.as_ref())?,
                on_duty: self.optional(file.on_duty.as_ref())?,
                available: self.optional(file.available.as_ref())?,
            },
        })
    }
}

fn conditions(file: &WhenFile) -> Result<Vec<Condition>, String> {
    let mut when = Vec::new();
    for path in &file.present {
        when.push(Condition::Present(field_path(path)?));
    }
    for path in &file.absent {
        when.push(Condition::Absent(field_path(path)?));
    }
    for (path, values) in &file.equals {
        when.push(Condition::OneOf(field_path(path)?, values.texts()));
    }
    for (path, values) in &file.not_equals {
        when.push(Condition::NoneOf(field_path(path)?, values.texts()));
    }
    for (path, values) in &file.ends_with {
        when.push(Condition::EndsWith(field_path(path)?, values.texts()));
    }
    Ok(when)
}

fn kind_of(text: &str) -> Result<EventKind, String> {
    Ok(match text {
        "call_offered" => EventKind::CallOffered,
        "call_answered" => EventKind::CallAnswered,
        "call_abandoned" => EventKind::CallAbandoned,
        "call_ended" => EventKind::CallEnded,
        "incident_created" => EventKind::IncidentCreated,
        "incident_arrived" => EventKind::IncidentArrived,
        "incident_cancelled" => EventKind::IncidentCancelled,
        "staffing" => EventKind::Staffing,
        "heartbeat" => EventKind::Heartbeat,
        other => return Err(format!("\"{other}\" is not an event kind of the feed")),
    })
}

/// Each kind's required and optional fields besides `at`, as the feed schema has them.
fn fields_of(kind: EventKind) -> (&'static [&'static str], &'static [&'static str]) {
    match kind {
        EventKind::CallOffered => (&["id", "line"], &["lpa"]),
        EventKind::CallAnswered | EventKind::CallAbandoned => {
            (&["id"], &["offered_at", "line", "lpa"])
        }
        EventKind::CallEnded | EventKind::IncidentCancelled => (&["id"], &[]),
        EventKind::IncidentCreated => (&["id", "grade"], &["lpa"]),
        EventKind::IncidentArrived => (&["id"], &["created_at", "grade", "lpa"]),
        EventKind::Staffing => (&["line", "on_duty"], &["available"]),
        EventKind::Heartbeat => (&[], &[]),
    }
}
