//! Property tests: the engine against a deliberately naive reading of the feed contract.
//!
//! Random feeds over a small id space (so duplicates, unmatched and stand-alone closes,
//! negative durations, closes of closed ids and re-opens all happen) are fed to the real
//! engine through `ingest_reader`, and to a brute-force model written here from the words
//! of the feed contract: plain `HashMap`s, no eviction, times parsed by chrono, every figure counted
//! by looping over every record. The two must agree on every figure, for the force and for
//! every area, and on the feed counts.
//!
//! Also: a feed shuffled by less than the reorder horizon gives the sorted feed's figures;
//! a live feed applied line by line in arrival order agrees with the model applying it
//! unsorted; and an engine that forgets old records (retention 1 h) still agrees with the
//! model for every window up to 1 h on feeds many hours long, while holding few records;
//! and closes opened anywhere in the accepted years never give a negative or over-maximum
//! duration.

use super::common::input::feed_input;
use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, FixedOffset, SecondsFormat, TimeDelta, TimeZone, Utc};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{RngAlgorithm, TestCaseError};
use serde_json::{Map, Value, json};

use forceboard::engine::{
    Applied, CallFigures, CallVerdicts, CallsByLine, Engine, EngineSettings, Figures,
    HeadlineMeans, IncidentFigures, IncidentVerdicts, IncidentsByGrade, Scope, ScopedFigures,
    Status, TopList,
};
use forceboard::feed::parse_line;
use forceboard::ingest::{FeedCounts, ingest_reader};
use forceboard::time::{Span, Timestamp};

const NS: i64 = 1_000_000_000;
const MIN: i64 = 60 * NS;
const HOUR: i64 = 60 * MIN;
/// 2024-07-01T10:00:00Z: every generated time is an offset from here.
const BASE_SECS: i64 = 1_719_828_000;
/// Larger than any generated feed's span: the engine then applies a file exactly in
/// (`at`, file order) order, like the model's stable sort.
const HUGE_HORIZON: i64 = 100 * 24 * HOUR;
/// the feed contract's default reorder horizon.
const DEFAULT_HORIZON: i64 = 10 * MIN;
/// The area codes the feeds use: two configured, one not.
const LPAS: [&str; 3] = ["BIR", "COV", "XYZ"];
/// the feed contract's default areas, in config order.
const CONFIGURED: [&str; 7] = ["BIR", "COV", "DUD", "SAN", "SOL", "WAL", "WOL"];

// ---------------------------------------------------------------------------------------
// Generating feeds
// ---------------------------------------------------------------------------------------

/// How a time is written: its offset, and whether the fraction is always written in full.
#[derive(Debug, Clone, Copy)]
struct Style {
    offset_s: i32,
    nanos: bool,
}

/// A time `nanos` after `BASE_SECS`, written in `style` (exactly: no digits are lost).
fn stamp(nanos: i64, style: Style) -> String {
    let utc = Utc.timestamp_nanos(BASE_SECS * NS + nanos);
    let zone = FixedOffset::east_opt(style.offset_s).expect("valid offset");
    let format = if style.nanos {
        SecondsFormat::Nanos
    } else {
        SecondsFormat::AutoSi
    };
    utc.with_timezone(&zone).to_rfc3339_opts(format, true)
}

fn style() -> impl Strategy<Value = Style> {
    (
        prop_oneof![4 => Just(0), 3 => Just(3600), 1 => Just(-5 * 3600)],
        prop::bool::weighted(0.15),
    )
        .prop_map(|(offset_s, nanos)| Style { offset_s, nanos })
}

/// An instant within `span` nanoseconds: whole minutes (so ties happen), whole seconds,
/// milliseconds or nanoseconds.
fn instant(span: i64) -> impl Strategy<Value = i64> {
    prop_oneof![
        3 => (0..span / MIN).prop_map(|m| m * MIN),
        4 => (0..span / NS).prop_map(|s| s * NS),
        2 => (0..span / 1_000_000).prop_map(|ms| ms * 1_000_000),
        1 => 0..span,
    ]
}

/// A close's delay after its opening: mostly short, often exactly on a target, a threshold
/// or the amber line, sometimes long, sometimes negative.
fn call_delay() -> impl Strategy<Value = i64> {
    prop_oneof![
        6 => (0..=25i64).prop_map(|s| s * NS),
        3 => prop::sample::select(vec![0, 5, 6, 10, 180, 181]).prop_map(|s| s * NS),
        1 => Just(10 * NS + 1),
        2 => (0..30_000i64).prop_map(|ms| ms * 1_000_000),
        2 => (0..3_600i64).prop_map(|s| s * NS),
        1 => (1..=2 * HOUR / NS).prop_map(|s| s * NS),
        2 => (-30..0i64).prop_map(|s| s * NS),
        1 => prop_oneof![Just(-1), -NS..0],
    ]
}

fn incident_delay() -> impl Strategy<Value = i64> {
    prop_oneof![
        4 => (0..1_200i64).prop_map(|s| s * NS),
        3 => prop::sample::select(vec![0, 900, 901, 1080, 3600, 3601, 4320]).prop_map(|s| s * NS),
        1 => Just(900 * NS + 1),
        3 => (0..2 * HOUR / NS).prop_map(|s| s * NS),
        1 => 0..2 * HOUR,
        2 => (-600..0i64).prop_map(|s| s * NS),
        1 => Just(-1),
    ]
}

fn lpa() -> impl Strategy<Value = Option<&'static str>> {
    prop_oneof![2 => Just(None), 3 => prop::sample::select(LPAS.to_vec()).prop_map(Some)]
}

/// What a closing event carries so that it can stand alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Alone {
    Nothing,
    /// `offered_at` / `created_at` only: not enough to stand alone.
    TimeOnly,
    /// Time and `line` / `grade`.
    TimeAndKind,
    /// Time, `line` / `grade` and `lpa`.
    Everything,
}

fn alone() -> impl Strategy<Value = Alone> {
    prop_oneof![
        5 => Just(Alone::Nothing),
        1 => Just(Alone::TimeOnly),
        2 => Just(Alone::TimeAndKind),
        2 => Just(Alone::Everything),
    ]
}

/// One closing event of a story.
#[derive(Debug, Clone)]
struct Close {
    /// Answered (calls) or arrived (incidents); otherwise abandoned / cancelled.
    attended: bool,
    delay: i64,
    style: Style,
    alone: Alone,
    /// The stand-alone opening time, relative to the story's own (usually 0).
    opened_shift: i64,
    opened_style: Style,
    /// A second closing event this long after the first, with the other outcome sometimes.
    again: Option<(i64, bool, Style)>,
    /// An unknown field, to be ignored.
    noise: bool,
}

/// A call's or an incident's life as the feed tells it.
#[derive(Debug, Clone)]
struct Story {
    id: u32,
    /// "999"/"101" for calls, a grade for incidents.
    class: &'static str,
    lpa: Option<&'static str>,
    opened: i64,
    /// The opening event, if the feed has it.
    open_line: Option<Style>,
    close: Option<Close>,
    /// A second opening event this long after the first (possibly of another class/area).
    reopen: Option<(i64, Style, &'static str, Option<&'static str>)>,
}

fn close(delay: impl Strategy<Value = i64>) -> impl Strategy<Value = Close> {
    (
        prop::bool::weighted(0.65),
        delay,
        style(),
        alone(),
        prop_oneof![8 => Just(0i64), 1 => (-300..300i64).prop_map(|s| s * NS)],
        style(),
        prop::option::weighted(0.2, (0..1_800i64, any::<bool>(), style())),
        prop::bool::weighted(0.1),
    )
        .prop_map(
            |(attended, delay, style, alone, opened_shift, opened_style, again, noise)| Close {
                attended,
                delay,
                style,
                alone,
                opened_shift,
                opened_style,
                again: again.map(|(s, a, st)| (s * NS, a, st)),
                noise,
            },
        )
}

fn story(
    ids: impl Strategy<Value = u32>,
    classes: Vec<&'static str>,
    span: i64,
    delay: impl Strategy<Value = i64>,
) -> impl Strategy<Value = Story> {
    (
        ids,
        prop::sample::select(classes.clone()),
        lpa(),
        instant(span),
        prop::option::weighted(0.75, style()),
        prop::option::weighted(0.85, close(delay)),
        prop::option::weighted(
            0.12,
            (0..1_800i64, style(), prop::sample::select(classes), lpa()),
        ),
    )
        .prop_map(|(id, class, lpa, opened, open_line, close, reopen)| Story {
            id,
            class,
            lpa,
            opened,
            open_line,
            close,
            reopen: reopen.map(|(s, st, c, l)| (s * NS, st, c, l)),
        })
}

fn call_story(ids: impl Strategy<Value = u32>, span: i64) -> impl Strategy<Value = Story> {
    story(ids, vec!["999", "101"], span, call_delay())
}

fn incident_story(ids: impl Strategy<Value = u32>, span: i64) -> impl Strategy<Value = Story> {
    story(
        ids,
        vec!["emergency", "priority", "scheduled"],
        span,
        incident_delay(),
    )
}

/// Lines every feed reader must refuse (or, for blank lines, skip).
#[derive(Debug, Clone, Copy)]
enum Junk {
    Blank,
    NotJson,
    Array,
    NoOffset,
    BadTime,
    UnknownKind,
    UnknownLine,
    UnknownGrade,
    IdNotString,
    MissingId,
    MissingLine,
    LpaNotString,
    BadOfferedAt,
}

fn junk() -> impl Strategy<Value = (Junk, i64)> {
    (
        prop::sample::select(vec![
            Junk::Blank,
            Junk::NotJson,
            Junk::Array,
            Junk::NoOffset,
            Junk::BadTime,
            Junk::UnknownKind,
            Junk::UnknownLine,
            Junk::UnknownGrade,
            Junk::IdNotString,
            Junk::MissingId,
            Junk::MissingLine,
            Junk::LpaNotString,
            Junk::BadOfferedAt,
        ]),
        instant(2 * HOUR),
    )
}

fn junk_line(junk: Junk, at: i64) -> String {
    let z = Style {
        offset_s: 0,
        nanos: false,
    };
    let t = stamp(at, z);
    match junk {
        Junk::Blank => "   ".to_string(),
        Junk::NotJson => "{\"kind\":\"heartbeat\",".to_string(),
        Junk::Array => format!("[\"heartbeat\",\"{t}\"]"),
        Junk::NoOffset => {
            json!({"kind":"call_offered","at":t.trim_end_matches('Z'),"id":"C1","line":"999"})
                .to_string()
        }
        Junk::BadTime => json!({"kind":"heartbeat","at":"2024-07-01T25:00:00Z"}).to_string(),
        Junk::UnknownKind => json!({"kind":"call_transferred","at":t,"id":"C1"}).to_string(),
        Junk::UnknownLine => {
            json!({"kind":"call_offered","at":t,"id":"C2","line":"112"}).to_string()
        }
        Junk::UnknownGrade => {
            json!({"kind":"incident_created","at":t,"id":"I1","grade":"urgent"}).to_string()
        }
        Junk::IdNotString => json!({"kind":"call_answered","at":t,"id":3}).to_string(),
        Junk::MissingId => json!({"kind":"incident_arrived","at":t}).to_string(),
        Junk::MissingLine => json!({"kind":"call_offered","at":t,"id":"C3"}).to_string(),
        Junk::LpaNotString => {
            json!({"kind":"call_offered","at":t,"id":"C4","line":"101","lpa":7}).to_string()
        }
        Junk::BadOfferedAt => {
            json!({"kind":"call_abandoned","at":t,"id":"C5","offered_at":"yesterday"}).to_string()
        }
    }
}

fn is_call_class(class: &str) -> bool {
    class == "999" || class == "101"
}

/// Appends a story's lines, each with the instant its `at` names.
fn render_story(story: &Story, out: &mut Vec<(i64, String)>) {
    let call = is_call_class(story.class);
    let (prefix, class_key, opened_key) = if call {
        ("C", "line", "offered_at")
    } else {
        ("I", "grade", "created_at")
    };
    let id = format!("{prefix}{}", story.id);
    let opening = |at: i64, style: Style, class: &str, lpa: Option<&str>| {
        let kind = if call {
            "call_offered"
        } else {
            "incident_created"
        };
        let mut object = Map::new();
        object.insert("kind".into(), json!(kind));
        object.insert("at".into(), json!(stamp(at, style)));
        object.insert("id".into(), json!(id));
        object.insert(class_key.into(), json!(class));
        if let Some(lpa) = lpa {
            object.insert("lpa".into(), json!(lpa));
        }
        (at, Value::Object(object).to_string())
    };
    if let Some(style) = story.open_line {
        out.push(opening(story.opened, style, story.class, story.lpa));
    }
    if let Some((after, style, class, lpa)) = story.reopen {
        out.push(opening(story.opened + after, style, class, lpa));
    }
    let Some(close) = &story.close else {
        return;
    };
    let closing = |at: i64, style: Style, attended: bool| {
        let kind = match (call, attended) {
            (true, true) => "call_answered",
            (true, false) => "call_abandoned",
            (false, true) => "incident_arrived",
            (false, false) => "incident_cancelled",
        };
        let mut object = Map::new();
        object.insert("kind".into(), json!(kind));
        object.insert("at".into(), json!(stamp(at, style)));
        object.insert("id".into(), json!(id));
        if close.alone != Alone::Nothing {
            let opened = story.opened + close.opened_shift;
            object.insert(opened_key.into(), json!(stamp(opened, close.opened_style)));
        }
        if matches!(close.alone, Alone::TimeAndKind | Alone::Everything) {
            object.insert(class_key.into(), json!(story.class));
        }
        if close.alone == Alone::Everything
            && let Some(lpa) = story.lpa
        {
            object.insert("lpa".into(), json!(lpa));
        }
        if close.noise {
            object.insert(
                "caller".into(),
                json!({"name": "Jo Bloggs", "phone": [1, 2]}),
            );
        }
        (at, Value::Object(object).to_string())
    };
    let at = story.opened + close.delay;
    out.push(closing(at, close.style, close.attended));
    if let Some((after, flip, style)) = close.again {
        out.push(closing(at + after, style, close.attended != flip));
    }
}

/// A heartbeat, sometimes with its optional `source`.
fn heartbeat_line(at: i64, style: Style, source: bool) -> String {
    if source {
        json!({"kind":"heartbeat","at":stamp(at, style),"source":"cad"}).to_string()
    } else {
        json!({"kind":"heartbeat","at":stamp(at, style)}).to_string()
    }
}

/// A short feed (two hours or half an hour) over a small id space (C0..C7 and I0..I5, or sometimes a
/// larger one, so that more lives play out whole), each line with its intended instant,
/// in story order (callers shuffle or sort it).
fn small_feed() -> impl Strategy<Value = Vec<(i64, String)>> {
    (
        prop_oneof![2 => Just((8u32, 6u32)), 1 => Just((40, 30))],
        prop_oneof![2 => Just(2 * HOUR), 1 => Just(30 * MIN)],
    )
        .prop_flat_map(|((calls, incidents), span)| {
            (
                prop::collection::vec(call_story(0..calls, span), 0..30),
                prop::collection::vec(incident_story(0..incidents, span), 0..12),
                prop::collection::vec((instant(span), style(), any::<bool>()), 0..4),
                prop::collection::vec(junk(), 0..3),
            )
        })
        .prop_map(|(calls, incidents, heartbeats, junk)| {
            let mut lines = Vec::new();
            for story in calls.iter().chain(&incidents) {
                render_story(story, &mut lines);
            }
            for (at, style, source) in heartbeats {
                lines.push((at, heartbeat_line(at, style, source)));
            }
            for (kind, at) in junk {
                lines.push((at, junk_line(kind, at)));
            }
            lines
        })
}

/// The lines alone, in a random file order.
fn shuffled_small_feed() -> impl Strategy<Value = Vec<String>> {
    small_feed()
        .prop_map(|lines| lines.into_iter().map(|(_, line)| line).collect::<Vec<_>>())
        .prop_shuffle()
}

// ---------------------------------------------------------------------------------------
// The naive model of the feed contract
// ---------------------------------------------------------------------------------------

type Time = DateTime<Utc>;

#[derive(Debug, Clone)]
enum Naive {
    CallOffered {
        id: String,
        line: String,
        lpa: Option<String>,
    },
    CallClosed {
        id: String,
        answered: bool,
        offered_at: Option<Time>,
        line: Option<String>,
        lpa: Option<String>,
    },
    IncidentCreated {
        id: String,
        grade: String,
        lpa: Option<String>,
    },
    IncidentClosed {
        id: String,
        arrived: bool,
        created_at: Option<Time>,
        grade: Option<String>,
        lpa: Option<String>,
    },
    Heartbeat,
}

fn naive_time(text: &str) -> Option<Time> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// One line as the feed contract reads it; `None` when the line is rejected.
fn naive_parse(line: &str) -> Option<(Time, Naive)> {
    let value: Value = serde_json::from_str(line).ok()?;
    let object = value.as_object()?;
    // `Err` for a present field of the wrong type.
    let optional = |key: &str| -> Result<Option<String>, ()> {
        match object.get(key) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(_) => Err(()),
        }
    };
    let required = |key: &str| optional(key).ok().flatten();
    let optional_time = |key: &str| -> Result<Option<Time>, ()> {
        match optional(key)? {
            None => Ok(None),
            Some(text) => naive_time(&text).map(Some).ok_or(()),
        }
    };
    let lines = ["999", "101"];
    let grades = ["emergency", "priority", "scheduled"];
    let optional_in = |key: &str, allowed: &[&str]| -> Result<Option<String>, ()> {
        match optional(key)? {
            Some(text) if !allowed.contains(&text.as_str()) => Err(()),
            other => Ok(other),
        }
    };
    let kind = required("kind")?;
    let at = naive_time(&required("at")?)?;
    let event = match kind.as_str() {
        "call_offered" => Naive::CallOffered {
            id: required("id")?,
            line: optional_in("line", &lines).ok()??,
            lpa: optional("lpa").ok()?,
        },
        "call_answered" | "call_abandoned" => Naive::CallClosed {
            id: required("id")?,
            answered: kind == "call_answered",
            offered_at: optional_time("offered_at").ok()?,
            line: optional_in("line", &lines).ok()?,
            lpa: optional("lpa").ok()?,
        },
        "incident_created" => Naive::IncidentCreated {
            id: required("id")?,
            grade: optional_in("grade", &grades).ok()??,
            lpa: optional("lpa").ok()?,
        },
        "incident_arrived" => Naive::IncidentClosed {
            id: required("id")?,
            arrived: true,
            created_at: optional_time("created_at").ok()?,
            grade: optional_in("grade", &grades).ok()?,
            lpa: optional("lpa").ok()?,
        },
        // The schema gives a cancellation no optional fields: anything else is unknown
        // to it, and unknown fields are ignored.
        "incident_cancelled" => Naive::IncidentClosed {
            id: required("id")?,
            arrived: false,
            created_at: None,
            grade: None,
            lpa: None,
        },
        "heartbeat" => {
            optional("source").ok()?;
            Naive::Heartbeat
        }
        _ => return None,
    };
    Some((at, event))
}

#[derive(Debug, Clone)]
struct Record {
    opened: Time,
    /// "999"/"101", or the grade.
    class: String,
    lpa: Option<String>,
    /// Answered / arrived (true) or abandoned / cancelled (false), and when.
    closed: Option<(bool, Time)>,
}

/// The state after applying a feed, with no eviction at all.
#[derive(Debug, Default)]
struct Model {
    calls: HashMap<String, Record>,
    incidents: HashMap<String, Record>,
    lines: u64,
    accepted: u64,
    rejected: u64,
    duplicates: u64,
    latest: Option<Time>,
}

impl Model {
    /// Reads every line, then applies the events stably sorted by `at`, leaving out those
    /// after `until` (they have not happened yet).
    fn run(lines: &[String], until: Option<Time>) -> Model {
        Model::run_in(lines, until, true)
    }

    /// As [`Model::run`], in time order (a file) or in arrival order (a live feed).
    fn run_in(lines: &[String], until: Option<Time>, by_time: bool) -> Model {
        let mut model = Model::default();
        let mut events = Vec::new();
        for line in lines {
            if line.trim().is_empty() {
                continue;
            }
            model.lines += 1;
            match naive_parse(line) {
                Some(event) => events.push(event),
                None => model.rejected += 1,
            }
        }
        if by_time {
            events.sort_by_key(|(at, _)| *at);
        }
        for (at, event) in events {
            if until.is_some_and(|until| at > until) {
                continue;
            }
            model.apply(at, event);
        }
        model
    }

    fn apply(&mut self, at: Time, event: Naive) {
        let outcome = match event {
            Naive::CallOffered { id, line, lpa } => open_record(&mut self.calls, id, at, line, lpa),
            Naive::CallClosed {
                id,
                answered,
                offered_at,
                line,
                lpa,
            } => close_record(&mut self.calls, id, at, answered, offered_at, line, lpa),
            Naive::IncidentCreated { id, grade, lpa } => {
                open_record(&mut self.incidents, id, at, grade, lpa)
            }
            Naive::IncidentClosed {
                id,
                arrived,
                created_at,
                grade,
                lpa,
            } => close_record(&mut self.incidents, id, at, arrived, created_at, grade, lpa),
            Naive::Heartbeat => Outcome::Accepted,
        };
        match outcome {
            Outcome::Accepted => {
                self.accepted += 1;
                if self.latest.is_none_or(|latest| at > latest) {
                    self.latest = Some(at);
                }
            }
            Outcome::Duplicate => self.duplicates += 1,
            Outcome::Rejected => self.rejected += 1,
        }
    }

    /// Area codes on the records (configured or not).
    fn areas_seen(&self) -> BTreeSet<String> {
        self.calls
            .values()
            .chain(self.incidents.values())
            .filter_map(|r| r.lpa.clone())
            .collect()
    }
}

enum Outcome {
    Accepted,
    Duplicate,
    Rejected,
}

/// unknown → open; a second opening is a duplicate.
fn open_record(
    records: &mut HashMap<String, Record>,
    id: String,
    at: Time,
    class: String,
    lpa: Option<String>,
) -> Outcome {
    if records.contains_key(&id) {
        return Outcome::Duplicate;
    }
    records.insert(
        id,
        Record {
            opened: at,
            class,
            lpa,
            closed: None,
        },
    );
    Outcome::Accepted
}

/// open → closed; closed → duplicate; unknown → closed only with its own opening time and
/// class; never earlier than the opening.
fn close_record(
    records: &mut HashMap<String, Record>,
    id: String,
    at: Time,
    attended: bool,
    opened: Option<Time>,
    class: Option<String>,
    lpa: Option<String>,
) -> Outcome {
    if let Some(record) = records.get_mut(&id) {
        if record.closed.is_some() {
            return Outcome::Duplicate;
        }
        if at < record.opened {
            return Outcome::Rejected;
        }
        record.closed = Some((attended, at));
        return Outcome::Accepted;
    }
    let (Some(opened), Some(class)) = (opened, class) else {
        return Outcome::Rejected;
    };
    if at < opened {
        return Outcome::Rejected;
    }
    records.insert(
        id,
        Record {
            opened,
            class,
            lpa,
            closed: Some((attended, at)),
        },
    );
    Outcome::Accepted
}

fn secs(span: TimeDelta) -> f64 {
    span.num_nanoseconds().expect("span in range") as f64 / 1e9
}

fn nanos(span: TimeDelta) -> i128 {
    i128::from(span.num_nanoseconds().expect("span in range"))
}

/// The k-th smallest, k = ceil(p/100 · n).
fn rank(sorted: &[TimeDelta], p: usize) -> f64 {
    let k = (p * sorted.len()).div_ceil(100);
    secs(sorted[k - 1])
}

/// mean, p50, p90, max (seconds) of some durations, all `None` when there are none.
fn summary(durations: &[TimeDelta]) -> [Option<f64>; 4] {
    if durations.is_empty() {
        return [None; 4];
    }
    let mut sorted = durations.to_vec();
    sorted.sort();
    let total: f64 = sorted.iter().map(|d| secs(*d)).sum();
    [
        Some(total / sorted.len() as f64),
        Some(rank(&sorted, 50)),
        Some(rank(&sorted, 90)),
        Some(secs(*sorted.last().expect("not empty"))),
    ]
}

/// A mean's verdict, in integers: green while the total is at most 0.8 × the target's
/// total (10 · total ≤ 8 · limit), amber to the target, red past it.
fn naive_mean_verdict(durations: &[TimeDelta], target_s: Option<i64>) -> Status {
    let Some(target) = target_s else {
        return Status::None;
    };
    if durations.is_empty() {
        return Status::None;
    }
    let total: i128 = durations.iter().map(|d| nanos(*d)).sum();
    let limit = i128::from(target) * i128::from(NS) * durations.len() as i128;
    if 10 * total <= 8 * limit {
        Status::Green
    } else if total <= limit {
        Status::Amber
    } else {
        Status::Red
    }
}

/// A share's verdict: green from 5 points above the goal, amber from the goal, red below.
fn naive_share_verdict(share: Option<f64>, goal: Option<f64>) -> Status {
    match (share, goal) {
        (Some(share), Some(goal)) if share >= goal + 5.0 => Status::Green,
        (Some(share), Some(goal)) if share >= goal => Status::Amber,
        (Some(_), Some(_)) => Status::Red,
        _ => Status::None,
    }
}

/// The worst of several verdicts: red, then amber, then green, then none.
fn naive_worst(verdicts: &[Status]) -> Status {
    for status in [Status::Red, Status::Amber, Status::Green] {
        if verdicts.contains(&status) {
            return status;
        }
    }
    Status::None
}

fn pct(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| 100.0 * part as f64 / whole as f64)
}

/// One call line's figures at `t` over `(t − w, t]`, by brute force.
fn naive_calls(
    model: &Model,
    t: Time,
    w: TimeDelta,
    area: Option<&str>,
    line: &str,
) -> CallFigures {
    let (target_s, threshold_s, goal) = match line {
        "999" => (Some(5), 10, 90.0),
        _ => (None, 180, 80.0),
    };
    let threshold = TimeDelta::seconds(threshold_s);
    let expiry = TimeDelta::minutes(30);
    let in_window = |x: Time| t - w < x && x <= t;
    let mut offered = 0;
    let mut answered = Vec::new();
    let mut abandoned = Vec::new();
    let mut waiting = 0;
    let mut expired = 0;
    let mut longest: Option<TimeDelta> = None;
    for call in model.calls.values() {
        if call.class != line || area.is_some_and(|a| call.lpa.as_deref() != Some(a)) {
            continue;
        }
        if call.opened > t {
            continue;
        }
        if in_window(call.opened) {
            offered += 1;
        }
        match call.closed {
            Some((was_answered, at)) if at <= t => {
                if in_window(at) {
                    let took = at - call.opened;
                    if was_answered {
                        answered.push(took);
                    } else {
                        abandoned.push(took);
                    }
                }
            }
            _ => {
                let wait = t - call.opened;
                if wait > expiry {
                    expired += 1;
                } else {
                    waiting += 1;
                    longest = Some(longest.map_or(wait, |l| l.max(wait)));
                }
            }
        }
    }
    let within = answered.iter().filter(|d| **d <= threshold).count();
    let abandoned_after = abandoned.iter().filter(|d| **d > threshold).count();
    let [mean, p50, p90, max] = summary(&answered);
    let service_level = pct(within, answered.len() + abandoned_after);
    let verdicts = CallVerdicts {
        mean: naive_mean_verdict(&answered, target_s),
        service_level: naive_share_verdict(service_level, Some(goal)),
    };
    CallFigures {
        offered,
        answered: answered.len() as u64,
        abandoned: abandoned.len() as u64,
        mean_answer_s: mean,
        p50_answer_s: p50,
        p90_answer_s: p90,
        max_answer_s: max,
        service_level_pct: service_level,
        abandon_rate_pct: pct(abandoned.len(), answered.len() + abandoned.len()),
        waiting,
        expired,
        longest_wait_s: longest.map(secs),
        target_s: target_s.map(|s| s as f64),
        sl_threshold_s: Some(threshold_s as f64),
        sl_goal_pct: Some(goal),
        status: naive_worst(&[verdicts.mean, verdicts.service_level]),
        verdicts,
    }
}

/// One grade's figures at `t` over `(t − w, t]`, by brute force.
fn naive_incidents(
    model: &Model,
    t: Time,
    w: TimeDelta,
    area: Option<&str>,
    grade: &str,
) -> IncidentFigures {
    let (target_s, goal) = match grade {
        "emergency" => (Some(900), Some(90.0)),
        "priority" => (Some(3600), None),
        _ => (None, None),
    };
    let target = target_s.map(TimeDelta::seconds);
    let in_window = |x: Time| t - w < x && x <= t;
    let mut created = 0;
    let mut attended = Vec::new();
    let mut open = 0;
    let mut breached = 0;
    let mut oldest: Option<TimeDelta> = None;
    for incident in model.incidents.values() {
        if incident.class != grade || area.is_some_and(|a| incident.lpa.as_deref() != Some(a)) {
            continue;
        }
        if incident.opened > t {
            continue;
        }
        if in_window(incident.opened) {
            created += 1;
        }
        match incident.closed {
            Some((arrived, at)) if at <= t => {
                if arrived && in_window(at) {
                    attended.push(at - incident.opened);
                }
            }
            _ => {
                let age = t - incident.opened;
                open += 1;
                if target.is_some_and(|target| age > target) {
                    breached += 1;
                }
                oldest = Some(oldest.map_or(age, |o| o.max(age)));
            }
        }
    }
    let [mean, p50, p90, max] = summary(&attended);
    let within = target.and_then(|target| {
        pct(
            attended.iter().filter(|d| **d <= target).count(),
            attended.len(),
        )
    });
    let verdicts = IncidentVerdicts {
        mean: naive_mean_verdict(&attended, target_s),
        within_target: naive_share_verdict(within, goal),
        breached: if breached > 0 {
            Status::Red
        } else {
            Status::None
        },
    };
    IncidentFigures {
        created,
        attended: attended.len() as u64,
        mean_attend_s: mean,
        p50_attend_s: p50,
        p90_attend_s: p90,
        max_attend_s: max,
        within_target_pct: within,
        open,
        open_breached: breached,
        oldest_open_s: oldest.map(secs),
        target_s: target_s.map(|s| s as f64),
        goal_pct: goal,
        status: naive_worst(&[verdicts.mean, verdicts.within_target, verdicts.breached]),
        verdicts,
    }
}

fn naive_figures(model: &Model, t: Time, w: TimeDelta, area: Option<&str>) -> Figures {
    Figures {
        calls: CallsByLine {
            line_999: naive_calls(model, t, w, area, "999"),
            line_101: naive_calls(model, t, w, area, "101"),
        },
        incidents: IncidentsByGrade {
            emergency: naive_incidents(model, t, w, area, "emergency"),
            priority: naive_incidents(model, t, w, area, "priority"),
            scheduled: naive_incidents(model, t, w, area, "scheduled"),
        },
    }
}

// ---------------------------------------------------------------------------------------
// Comparing
// ---------------------------------------------------------------------------------------

fn close_enough(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

/// Every field that differs, as "scope.figure: expected … got …".
struct Diff<'a> {
    scope: &'a str,
    found: Vec<String>,
}

impl Diff<'_> {
    fn count(&mut self, name: &str, want: u64, got: u64) {
        if want != got {
            self.found
                .push(format!("{}.{name}: expected {want}, got {got}", self.scope));
        }
    }

    fn real(&mut self, name: &str, want: Option<f64>, got: Option<f64>) {
        let same = match (want, got) {
            (Some(a), Some(b)) => close_enough(a, b),
            (None, None) => true,
            _ => false,
        };
        if !same {
            self.found.push(format!(
                "{}.{name}: expected {want:?}, got {got:?}",
                self.scope
            ));
        }
    }

    fn status(&mut self, name: &str, want: Status, got: Status) {
        if want != got {
            self.found.push(format!(
                "{}.{name}: expected {want:?}, got {got:?}",
                self.scope
            ));
        }
    }

    fn calls(&mut self, line: &str, want: &CallFigures, got: &CallFigures) {
        let n = |field: &str| format!("{line}.{field}");
        self.count(&n("offered"), want.offered, got.offered);
        self.count(&n("answered"), want.answered, got.answered);
        self.count(&n("abandoned"), want.abandoned, got.abandoned);
        self.real(&n("mean_answer_s"), want.mean_answer_s, got.mean_answer_s);
        self.real(&n("p50_answer_s"), want.p50_answer_s, got.p50_answer_s);
        self.real(&n("p90_answer_s"), want.p90_answer_s, got.p90_answer_s);
        self.real(&n("max_answer_s"), want.max_answer_s, got.max_answer_s);
        self.real(
            &n("service_level_pct"),
            want.service_level_pct,
            got.service_level_pct,
        );
        self.real(
            &n("abandon_rate_pct"),
            want.abandon_rate_pct,
            got.abandon_rate_pct,
        );
        self.count(&n("waiting"), want.waiting, got.waiting);
        self.count(&n("expired"), want.expired, got.expired);
        self.real(
            &n("longest_wait_s"),
            want.longest_wait_s,
            got.longest_wait_s,
        );
        self.real(&n("target_s"), want.target_s, got.target_s);
        self.real(
            &n("sl_threshold_s"),
            want.sl_threshold_s,
            got.sl_threshold_s,
        );
        self.real(&n("sl_goal_pct"), want.sl_goal_pct, got.sl_goal_pct);
        self.status(&n("status"), want.status, got.status);
    }

    fn incidents(&mut self, grade: &str, want: &IncidentFigures, got: &IncidentFigures) {
        let n = |field: &str| format!("{grade}.{field}");
        self.count(&n("created"), want.created, got.created);
        self.count(&n("attended"), want.attended, got.attended);
        self.real(&n("mean_attend_s"), want.mean_attend_s, got.mean_attend_s);
        self.real(&n("p50_attend_s"), want.p50_attend_s, got.p50_attend_s);
        self.real(&n("p90_attend_s"), want.p90_attend_s, got.p90_attend_s);
        self.real(&n("max_attend_s"), want.max_attend_s, got.max_attend_s);
        self.real(
            &n("within_target_pct"),
            want.within_target_pct,
            got.within_target_pct,
        );
        self.count(&n("open"), want.open, got.open);
        self.count(&n("open_breached"), want.open_breached, got.open_breached);
        self.real(&n("oldest_open_s"), want.oldest_open_s, got.oldest_open_s);
        self.real(&n("target_s"), want.target_s, got.target_s);
        self.real(&n("goal_pct"), want.goal_pct, got.goal_pct);
        self.status(&n("status"), want.status, got.status);
    }

    fn figures(&mut self, want: &Figures, got: &Figures) {
        self.calls("999", &want.calls.line_999, &got.calls.line_999);
        self.calls("101", &want.calls.line_101, &got.calls.line_101);
        let (w, g) = (&want.incidents, &got.incidents);
        self.incidents("emergency", &w.emergency, &g.emergency);
        self.incidents("priority", &w.priority, &g.priority);
        self.incidents("scheduled", &w.scheduled, &g.scheduled);
    }
}

/// Compares the engine's figures for the force and every area with the model's, and the
/// list of areas with the configured ones plus those seen. `Err` lists every difference.
fn compare_scoped(
    model: &Model,
    seen: &BTreeSet<String>,
    t: Time,
    w: TimeDelta,
    got: &ScopedFigures,
) -> Result<(), String> {
    let mut found = Vec::new();
    let mut diff = Diff {
        scope: "force",
        found: Vec::new(),
    };
    diff.figures(&naive_figures(model, t, w, None), &got.force);
    found.append(&mut diff.found);

    let codes: Vec<&str> = got.areas.iter().map(|(code, _)| code.as_str()).collect();
    let expected_codes: Vec<&str> = CONFIGURED
        .iter()
        .copied()
        .chain(
            seen.iter()
                .map(String::as_str)
                .filter(|code| !CONFIGURED.contains(code)),
        )
        .collect();
    if codes != expected_codes {
        found.push(format!(
            "areas: expected {expected_codes:?} (configured, then seen, sorted), got {codes:?}"
        ));
    }
    for (code, figures) in &got.areas {
        let mut diff = Diff {
            scope: code,
            found: Vec::new(),
        };
        diff.figures(&naive_figures(model, t, w, Some(code)), figures);
        found.append(&mut diff.found);
    }
    if found.is_empty() {
        Ok(())
    } else {
        Err(found.join("\n"))
    }
}

fn compare_counts(model: &Model, counts: &FeedCounts) -> Result<(), String> {
    let want = (
        model.lines,
        model.accepted,
        model.rejected,
        model.duplicates,
        0,
    );
    let got = (
        counts.lines,
        counts.accepted,
        counts.rejected,
        counts.duplicates,
        counts.after_at,
    );
    if want != got {
        return Err(format!(
            "counts (lines, accepted, rejected, duplicates, after_at): expected {want:?}, got {got:?}"
        ));
    }
    let latest = model.latest.map(to_timestamp);
    if counts.latest_accepted != latest {
        return Err(format!(
            "latest accepted: expected {latest:?}, got {:?}",
            counts.latest_accepted
        ));
    }
    Ok(())
}

fn to_timestamp(t: Time) -> Timestamp {
    Timestamp::from_nanos(t.timestamp_nanos_opt().expect("time in range"))
}

fn to_span(span: TimeDelta) -> Span {
    Span::from_nanos(span.num_nanoseconds().expect("span in range"))
}

/// A live feed: every line applied as it arrives, with the engine's own parser, counted
/// as the feed contract says.
fn run_engine_live(lines: &[String]) -> (Engine, FeedCounts) {
    run_engine_live_with(lines, EngineSettings::default())
}

/// As [`run_engine_live`], with other settings.
fn run_engine_live_with(lines: &[String], settings: EngineSettings) -> (Engine, FeedCounts) {
    let mut engine = Engine::new(settings);
    let mut counts = FeedCounts::default();
    for line in lines.iter().filter(|line| !line.trim().is_empty()) {
        counts.lines += 1;
        let Ok(event) = parse_line(line.as_bytes()) else {
            counts.rejected += 1;
            continue;
        };
        let at = event.at;
        match engine.ingest(event) {
            Ok(Applied::Accepted) => {
                counts.accepted += 1;
                counts.latest_accepted = Some(counts.latest_accepted.map_or(at, |l| l.max(at)));
            }
            Ok(Applied::Duplicate) => counts.duplicates += 1,
            Err(_) => counts.rejected += 1,
        }
    }
    (engine, counts)
}

fn run_engine(lines: &[String], settings: EngineSettings, horizon: i64) -> (Engine, FeedCounts) {
    let mut text = lines.join("\n");
    text.push('\n');
    ingest_reader(
        feed_input(text.into_bytes()),
        Engine::new(settings),
        Span::from_nanos(horizon),
        None,
        &mut |_, _| {},
    )
    .expect("reading from memory cannot fail")
}

fn base() -> Time {
    Utc.timestamp_nanos(BASE_SECS * NS)
}

/// Every instant the feed's events name (`at`, `offered_at`, `created_at`), sorted.
fn instants(lines: &[String]) -> Vec<Time> {
    let mut all = BTreeSet::new();
    for (at, event) in lines.iter().filter_map(|line| naive_parse(line)) {
        all.insert(at);
        match event {
            Naive::CallClosed {
                offered_at: Some(opened),
                ..
            }
            | Naive::IncidentClosed {
                created_at: Some(opened),
                ..
            } => {
                all.insert(opened);
            }
            _ => {}
        }
    }
    all.into_iter().collect()
}

/// How the test picks `T`.
#[derive(Debug, Clone)]
enum PickT {
    /// Exactly the time of one of the feed's events.
    Event(Index),
    /// Exactly a call expiry or an attendance target after one of them.
    After(Index, i64),
    /// Anywhere around the feed, to the millisecond.
    Around(i64),
    /// The latest accepted `at` (the default of `report`).
    Latest,
}

/// How the test picks `W`.
#[derive(Debug, Clone)]
enum PickW {
    Fixed(i64),
    Any(i64),
    /// So that `T − W` is exactly one of the feed's instants (when that is before `T`).
    Boundary(Index),
}

fn pick_t() -> impl Strategy<Value = PickT> {
    prop_oneof![
        3 => any::<Index>().prop_map(PickT::Event),
        1 => (any::<Index>(), prop::sample::select(vec![30 * MIN, 15 * MIN, HOUR]))
            .prop_map(|(index, after)| PickT::After(index, after)),
        2 => (-600_000..7_800_000i64).prop_map(|ms| PickT::Around(ms * 1_000_000)),
        1 => Just(PickT::Latest),
    ]
}

fn pick_w() -> impl Strategy<Value = PickW> {
    prop_oneof![
        2 => prop::sample::select(vec![15 * MIN, HOUR, 24 * HOUR]).prop_map(PickW::Fixed),
        2 => (1..3 * HOUR / 1_000_000).prop_map(|ms| PickW::Any(ms * 1_000_000)),
        3 => any::<Index>().prop_map(PickW::Boundary),
    ]
}

fn resolve(t: &PickT, w: &PickW, instants: &[Time], latest: Option<Time>) -> (Time, TimeDelta) {
    let t = match t {
        PickT::Event(index) if !instants.is_empty() => *index.get(instants),
        PickT::After(index, after) if !instants.is_empty() => {
            *index.get(instants) + TimeDelta::nanoseconds(*after)
        }
        PickT::Around(offset) => base() + TimeDelta::nanoseconds(*offset),
        _ => latest.unwrap_or_else(base),
    };
    let w = match w {
        PickW::Fixed(span) | PickW::Any(span) => TimeDelta::nanoseconds(*span),
        PickW::Boundary(index) => {
            let before: Vec<&Time> = instants.iter().filter(|i| **i < t).collect();
            if before.is_empty() {
                TimeDelta::hours(1)
            } else {
                t - **index.get(&before)
            }
        }
    };
    (t, w)
}

fn show(lines: &[String]) -> String {
    lines.join("\n")
}

// ---------------------------------------------------------------------------------------
// Feeds for the eviction property: many hours, unique ids, lives shorter than an hour
// ---------------------------------------------------------------------------------------

/// Retention for the eviction property.
const RETENTION: Span = Span::HOUR;

/// Keeps a story inside what an engine retaining one hour is built to remember: a call's
/// closing events within 50 minutes of its opening event (an open call is forgotten, as
/// expired, an hour after it was offered), and a second opening or closing event within
/// 50 minutes of the first (a closed record is forgotten an hour after it closed, and
/// with it its id, which a later event would then open afresh).
fn within_an_hour(mut story: Story, index: u32) -> Story {
    story.id = index;
    let call = is_call_class(story.class);
    if let Some(close) = &mut story.close {
        if let Some((after, _, _)) = &mut close.again {
            *after = (*after).min(25 * MIN);
        }
        if call && (story.open_line.is_some() || story.reopen.is_some()) {
            // Both closing events must come within the hour of the opening one.
            close.delay %= 25 * MIN;
        }
    }
    if let Some((after, ..)) = &mut story.reopen {
        *after = (*after).min(50 * MIN);
    }
    story
}

/// A feed spanning `hours`, sorted by time (ties in story order), with unique ids.
fn long_feed() -> impl Strategy<Value = Vec<String>> {
    (4..=9i64)
        .prop_flat_map(|hours| {
            let span = hours * HOUR;
            (
                prop::collection::vec(call_story(Just(0), span), 30..120),
                prop::collection::vec(incident_story(Just(0), span), 15..45),
                prop::collection::vec((instant(span), style(), any::<bool>()), 0..6),
            )
        })
        .prop_map(|(calls, incidents, heartbeats)| {
            let mut lines = Vec::new();
            for (index, story) in calls.into_iter().enumerate() {
                render_story(&within_an_hour(story, index as u32), &mut lines);
            }
            for (index, story) in incidents.into_iter().enumerate() {
                render_story(&within_an_hour(story, index as u32), &mut lines);
            }
            for (at, style, source) in heartbeats {
                lines.push((at, heartbeat_line(at, style, source)));
            }
            lines.sort_by_key(|(at, _)| *at);
            lines.into_iter().map(|(_, line)| line).collect()
        })
}

/// How many records an engine that forgets after `retention` may hold at most: open
/// incidents (never forgotten), and records whose last event is within the retention
/// (plus one sweep interval) of the latest time.
fn records_bound(model: &Model, retention: Span) -> usize {
    let interval = (retention / 4).max(Span::MINUTE);
    let Some(latest) = model.latest else {
        return 0;
    };
    let horizon = latest - TimeDelta::nanoseconds((retention + interval).nanos());
    let recent = |r: &Record| r.closed.map_or(r.opened, |(_, at)| at) > horizon;
    model.calls.values().filter(|r| recent(r)).count()
        + model
            .incidents
            .values()
            .filter(|r| r.closed.is_none() || recent(r))
            .count()
}

// ---------------------------------------------------------------------------------------
// The properties
// ---------------------------------------------------------------------------------------

fn check_against_model(lines: &[String], t: &PickT, w: &PickW) -> Result<(), TestCaseError> {
    let (engine, counts) = run_engine(lines, EngineSettings::default(), HUGE_HORIZON);
    let full = Model::run(lines, None);
    if let Err(problem) = compare_counts(&full, &counts) {
        return Err(TestCaseError::fail(format!(
            "{problem}\nfeed:\n{}",
            show(lines)
        )));
    }
    let (t, w) = resolve(t, w, &instants(lines), full.latest);
    // The engine has every event; the model only those at or before T.
    let at_t = Model::run(lines, Some(t));
    let got = engine.scoped_figures(to_timestamp(t), to_span(w));
    if let Err(problem) = compare_scoped(&at_t, &full.areas_seen(), t, w, &got) {
        return Err(TestCaseError::fail(format!(
            "T = {}, W = {} s\n{problem}\nfeed:\n{}",
            t.to_rfc3339_opts(SecondsFormat::AutoSi, true),
            secs(w),
            show(lines)
        )));
    }
    Ok(())
}

/// Sorts a feed by time (ties, and lines with no time, in their order), then moves every
/// line up to `jitter` later than its time, keeping lines of the same time in order.
fn sorted_and_shuffled(
    lines: &[(i64, String)],
    seed: u64,
    jitter: i64,
) -> (Vec<String>, Vec<String>) {
    let mut sorted: Vec<(i64, &String)> = lines.iter().map(|(at, line)| (*at, line)).collect();
    sorted.sort_by_key(|(at, _)| *at);
    let mut state = seed;
    let mut next = move || {
        // splitmix64
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut keyed: Vec<(i64, usize)> = sorted
        .iter()
        .enumerate()
        .map(|(position, (at, _))| (at + (next() % jitter as u64) as i64, position))
        .collect();
    keyed.sort_unstable();
    // Lines of one time keep their sorted-feed order: ties are applied in file order.
    let mut order: Vec<usize> = keyed.into_iter().map(|(_, position)| position).collect();
    let mut by_time: HashMap<i64, Vec<usize>> = HashMap::new();
    for &position in &order {
        by_time
            .entry(sorted[position].0)
            .or_default()
            .push(position);
    }
    for positions in by_time.values_mut() {
        positions.sort_unstable_by(|a, b| b.cmp(a));
    }
    for slot in &mut order {
        *slot = by_time
            .get_mut(&sorted[*slot].0)
            .and_then(Vec::pop)
            .expect("one per line");
    }
    let shuffled = order.iter().map(|&p| sorted[p].1.clone()).collect();
    (
        sorted.into_iter().map(|(_, l)| l.clone()).collect(),
        shuffled,
    )
}

/// `cases` cases, drawn with XorShift: ChaCha, the default, dominates the run time in a
/// debug build.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        rng_algorithm: RngAlgorithm::XorShift,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// Every figure, for the force and every area, and the feed counts, equal the naive
    /// model's, for any T and window.
    #[test]
    fn engine_agrees_with_the_naive_model(lines in shuffled_small_feed(), t in pick_t(), w in pick_w()) {
        check_against_model(&lines, &t, &w)?;
    }

    /// Lines moved by less than the reorder horizon (here up to 5 minutes, the default
    /// horizon being 10) change neither the counts nor any figure.
    #[test]
    fn a_slightly_shuffled_feed_gives_the_sorted_feeds_figures(
        lines in small_feed(),
        seed in any::<u64>(),
        t in pick_t(),
        w in pick_w(),
    ) {
        let (sorted, shuffled) = sorted_and_shuffled(&lines, seed, 5 * MIN);
        let (engine_sorted, counts_sorted) = run_engine(&sorted, EngineSettings::default(), DEFAULT_HORIZON);
        let (engine_shuffled, counts_shuffled) = run_engine(&shuffled, EngineSettings::default(), DEFAULT_HORIZON);
        // How many lines were out of place is the one count the order may change.
        prop_assert_eq!(
            FeedCounts { strays: 0, ..counts_sorted },
            FeedCounts { strays: 0, ..counts_shuffled },
            "shuffled feed:\n{}", show(&shuffled)
        );
        let latest = counts_sorted.latest_accepted.map(|at| Utc.timestamp_nanos(at.nanos()));
        let (t, w) = resolve(&t, &w, &instants(&sorted), latest);
        for window in [to_span(w), Span::from_mins(15), Span::HOUR, Span::from_hours(24)] {
            prop_assert_eq!(
                engine_sorted.scoped_figures(to_timestamp(t), window),
                engine_shuffled.scoped_figures(to_timestamp(t), window),
                "T = {}, W = {:?}, shuffled feed:\n{}", t, window, show(&shuffled)
            );
        }
        // And the sorted feed, applied with the default horizon, is what the model says.
        let model = Model::run(&sorted, None);
        if let Err(problem) = compare_counts(&model, &counts_sorted) {
            return Err(TestCaseError::fail(problem));
        }
    }
}

proptest! {
    #![proptest_config(config(128))]

    /// A live feed is applied in arrival order: the engine fed line by line agrees with
    /// the model applying the same lines unsorted, at any time after the last event (a
    /// live board's clock is never behind what it has heard).
    #[test]
    fn a_live_feed_in_arrival_order_agrees_with_the_model(
        lines in shuffled_small_feed(),
        later in prop_oneof![Just(0i64), 0..40 * MIN],
        w in pick_w(),
    ) {
        let (engine, counts) = run_engine_live(&lines);
        let model = Model::run_in(&lines, None, false);
        if let Err(problem) = compare_counts(&model, &counts) {
            return Err(TestCaseError::fail(format!("{problem}\nfeed:\n{}", show(&lines))));
        }
        let all = instants(&lines);
        let last = lines.iter().filter_map(|line| naive_parse(line)).map(|(at, _)| at).max();
        let t = last.unwrap_or_else(base) + TimeDelta::nanoseconds(later);
        let (_, w) = resolve(&PickT::Latest, &w, &all, Some(t));
        let got = engine.scoped_figures(to_timestamp(t), to_span(w));
        if let Err(problem) = compare_scoped(&model, &model.areas_seen(), t, w, &got) {
            return Err(TestCaseError::fail(format!(
                "T = {t}, W = {} s\n{problem}\nfeed (arrival order):\n{}", secs(w), show(&lines)
            )));
        }
    }
}

proptest! {
    #![proptest_config(config(64))]

    /// An engine keeping one hour of closed records agrees with the unevicted model on
    /// every window up to an hour at the latest time, and holds only recent records.
    #[test]
    fn forgetting_old_records_changes_no_figure_within_the_retention(
        lines in long_feed(),
        w in prop_oneof![
            Just(HOUR),
            Just(15 * MIN),
            (1..=HOUR / 1_000_000).prop_map(|ms| ms * 1_000_000),
        ],
        boundary in any::<Index>(),
        at_boundary in any::<bool>(),
    ) {
        let settings = EngineSettings { retention: RETENTION, ..EngineSettings::default() };
        let (engine, counts) = run_engine(&lines, settings, DEFAULT_HORIZON);
        // A last line dated far past the rest is a stray past the end (after T, by the
        // feed rules), which this model does not know: strays are the subject of
        // tests/it/strays.rs, eviction is this test's.
        prop_assume!(counts.strays == 0);
        let model = Model::run(&lines, None);
        if let Err(problem) = compare_counts(&model, &counts) {
            return Err(TestCaseError::fail(format!("{problem}\nfeed:\n{}", show(&lines))));
        }
        let t = model.latest.expect("every long feed has accepted events");
        prop_assert_eq!(engine.latest(), Some(to_timestamp(t)));
        let mut w = TimeDelta::nanoseconds(w);
        if at_boundary {
            let candidates: Vec<Time> = instants(&lines)
                .into_iter()
                .filter(|i| *i < t && t - *i <= TimeDelta::nanoseconds(RETENTION.nanos()))
                .collect();
            if !candidates.is_empty() {
                w = t - *boundary.get(&candidates);
            }
        }
        let got = engine.scoped_figures(to_timestamp(t), to_span(w));
        if let Err(problem) = compare_scoped(&model, &model.areas_seen(), t, w, &got) {
            return Err(TestCaseError::fail(format!(
                "T = {t}, W = {} s\n{problem}\nfeed:\n{}", secs(w), show(&lines)
            )));
        }
        let held = engine.records_held();
        let bound = records_bound(&model, RETENTION);
        prop_assert!(
            held <= bound,
            "holds {} records, more than the {} recent ones (of {} in all)",
            held, bound, model.calls.len() + model.incidents.len()
        );
    }
}

// ---------------------------------------------------------------------------------------
// The incremental path against the exact scan
// ---------------------------------------------------------------------------------------

/// Settings that reach the incremental path's corners: the defaults, a short call expiry,
/// a tracked grade without a target (listed last, by id), and a one-hour retention.
fn fast_path_settings() -> impl Strategy<Value = EngineSettings> {
    let defaults = EngineSettings::default;
    let mut untimed = defaults();
    untimed.incidents[1].target = None;
    let mut both_untimed = defaults();
    both_untimed.incidents[0].target = None;
    both_untimed.incidents[1].target = None;
    prop_oneof![
        3 => Just(defaults()),
        1 => Just(EngineSettings { call_expiry: Span::from_mins(10), ..defaults() }),
        1 => Just(untimed),
        1 => Just(both_untimed),
        1 => Just(EngineSettings { retention: Span::HOUR, ..defaults() }),
    ]
}

/// How far after the latest event `now` is: at it, a little or a lot later, or exactly a
/// call expiry or an attendance target after one of the feed's instants.
#[derive(Debug, Clone)]
enum Later {
    By(i64),
    OnBoundary(Index, i64),
}

fn later() -> impl Strategy<Value = Later> {
    prop_oneof![
        2 => Just(Later::By(0)),
        2 => (0..40 * MIN).prop_map(Later::By),
        1 => (0..3 * HOUR / MIN).prop_map(|m| Later::By(m * MIN)),
        3 => (any::<Index>(), prop::sample::select(vec![10 * MIN, 15 * MIN, 30 * MIN, HOUR]))
            .prop_map(|(index, after)| Later::OnBoundary(index, after)),
    ]
}

/// A `now` at or after the engine's latest event.
fn now_after(engine: &Engine, lines: &[String], later: &Later) -> Timestamp {
    let latest = engine.latest().unwrap_or(to_timestamp(base()));
    match later {
        Later::By(by) => latest + Span::from_nanos(*by),
        Later::OnBoundary(index, after) => {
            // Only instants that put `now` at or after the latest event.
            let near: Vec<Timestamp> = instants(lines)
                .into_iter()
                .map(|at| to_timestamp(at) + Span::from_nanos(*after))
                .filter(|at| *at >= latest)
                .collect();
            if near.is_empty() {
                latest
            } else {
                *index.get(&near)
            }
        }
    }
}

/// Every scope the engine knows, and one it does not.
fn every_scope(engine: &Engine) -> Vec<Scope<'_>> {
    let mut scopes = vec![Scope::Force, Scope::Area("NOWHERE")];
    scopes.extend(engine.area_codes().iter().map(|code| Scope::Area(code)));
    scopes
}

/// The figures, the two lists (first rows and totals) and the trend's points from the
/// incremental path, each equal to the exact scan's, at `now` (at or after the latest).
fn fast_path_agrees(engine: &Engine, now: Timestamp, window: Span) -> Result<(), String> {
    let exact = engine.exact_scan();
    for w in [
        window,
        Span::from_mins(15),
        Span::HOUR,
        Span::from_hours(24),
    ] {
        let fast = engine.scoped_figures(now, w);
        let scanned = exact.scoped_figures(now, w);
        if fast != scanned {
            return Err(format!(
                "W = {w:?}: figures\nfast: {fast:#?}\nscan: {scanned:#?}"
            ));
        }
    }
    for scope in every_scope(engine) {
        for limit in [0, 1, 3, 50, usize::MAX] {
            let fast = engine.waiting_calls_top(now, scope, limit);
            let scanned = TopList::of(exact.waiting_calls(now, scope), limit);
            if fast != scanned {
                return Err(format!(
                    "{scope:?} waiting, limit {limit}\nfast: {fast:?}\nscan: {scanned:?}"
                ));
            }
            let fast = engine.open_incidents_top(now, scope, limit);
            let scanned = TopList::of(exact.open_incidents(now, scope), limit);
            if fast != scanned {
                return Err(format!(
                    "{scope:?} breach watch, limit {limit}\nfast: {fast:?}\nscan: {scanned:?}"
                ));
            }
        }
        // Trend points on the 5-minute marks around `now` (some before the latest event),
        // and at `now` less whole steps, as the board asks for them.
        let step = Span::from_mins(5);
        let mark = now - Span::from_nanos(now.nanos().rem_euclid(step.nanos()));
        let points: Vec<Timestamp> = (-30..=1)
            .map(|k| mark + step * k)
            .chain((0..24).map(|k| now - step * k))
            .collect();
        for w in [
            window,
            step,
            Span::from_mins(15),
            Span::HOUR,
            Span::from_hours(3),
        ] {
            let fast = engine.headline_means(&points, w, scope);
            let scanned: Vec<HeadlineMeans> = points
                .iter()
                .map(|&at| HeadlineMeans::of(&exact.figures(at, w, scope)))
                .collect();
            if fast != scanned {
                return Err(format!(
                    "{scope:?} trend, W = {w:?}\nfast: {fast:?}\nscan: {scanned:?}"
                ));
            }
        }
    }
    Ok(())
}

/// At every `now` (at or after the latest event) exactly a call expiry or an attendance
/// target after one of the feed's instants, the figures and the whole lists agree.
fn fast_path_agrees_on_boundaries(engine: &Engine, lines: &[String]) -> Result<(), String> {
    let Some(latest) = engine.latest() else {
        return Ok(());
    };
    let settings = engine.settings();
    let mut spans = vec![settings.call_expiry];
    spans.extend(
        settings
            .incidents
            .iter()
            .filter_map(|targets| targets.target),
    );
    let exact = engine.exact_scan();
    for at in instants(lines).into_iter().map(to_timestamp) {
        for now in spans
            .iter()
            .map(|&span| at + span)
            .filter(|now| *now >= latest)
        {
            let (fast, scanned) = (
                engine.scoped_figures(now, Span::from_mins(15)),
                exact.scoped_figures(now, Span::from_mins(15)),
            );
            if fast != scanned {
                return Err(format!(
                    "now = {now:?}: figures\nfast: {fast:#?}\nscan: {scanned:#?}"
                ));
            }
            let (fast, scanned) = (
                engine.waiting_calls(now, Scope::Force),
                exact.waiting_calls(now, Scope::Force),
            );
            if fast != scanned {
                return Err(format!(
                    "now = {now:?}: waiting\nfast: {fast:?}\nscan: {scanned:?}"
                ));
            }
            let (fast, scanned) = (
                engine.open_incidents(now, Scope::Force),
                exact.open_incidents(now, Scope::Force),
            );
            if fast != scanned {
                return Err(format!(
                    "now = {now:?}: breach watch\nfast: {fast:?}\nscan: {scanned:?}"
                ));
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(128))]

    /// Applied in arrival order (out of time order, with stand-alone closes, duplicates
    /// and refusals), the incremental path and the exact scan agree at any `now` at or
    /// after the latest event, whatever the settings.
    #[test]
    fn the_fast_path_equals_the_scan_on_a_live_feed(
        lines in shuffled_small_feed(),
        settings in fast_path_settings(),
        later in later(),
        window in prop_oneof![Just(HOUR), (1..3 * HOUR / 1_000_000).prop_map(|ms| ms * 1_000_000)],
    ) {
        let (engine, _) = run_engine_live_with(&lines, settings);
        let now = now_after(&engine, &lines, &later);
        let agreed = fast_path_agrees(&engine, now, Span::from_nanos(window))
            .and_then(|()| fast_path_agrees_on_boundaries(&engine, &lines));
        if let Err(problem) = agreed {
            return Err(TestCaseError::fail(format!(
                "now = {now:?}\n{problem}\nfeed (arrival order):\n{}", show(&lines)
            )));
        }
    }

    /// The same for a file read through the reorder horizon, slightly shuffled.
    #[test]
    fn the_fast_path_equals_the_scan_on_a_reordered_file(
        lines in small_feed(),
        seed in any::<u64>(),
        settings in fast_path_settings(),
        later in later(),
    ) {
        let (_, shuffled) = sorted_and_shuffled(&lines, seed, 5 * MIN);
        let (engine, _) = run_engine(&shuffled, settings, DEFAULT_HORIZON);
        let now = now_after(&engine, &shuffled, &later);
        let agreed = fast_path_agrees(&engine, now, Span::from_mins(15))
            .and_then(|()| fast_path_agrees_on_boundaries(&engine, &shuffled));
        if let Err(problem) = agreed {
            return Err(TestCaseError::fail(format!(
                "now = {now:?}\n{problem}\nfeed:\n{}", show(&shuffled)
            )));
        }
    }
}

proptest! {
    #![proptest_config(config(48))]

    /// After hours of feed with a one-hour retention (closed records and long-open calls
    /// forgotten, with the indexes and sums), the two still agree.
    #[test]
    fn the_fast_path_equals_the_scan_after_forgetting(
        lines in long_feed(),
        later in later(),
        window in prop_oneof![Just(HOUR), Just(15 * MIN), (1..=HOUR / NS).prop_map(|s| s * NS)],
    ) {
        let settings = EngineSettings { retention: RETENTION, ..EngineSettings::default() };
        let (engine, _) = run_engine(&lines, settings, DEFAULT_HORIZON);
        let now = now_after(&engine, &lines, &later);
        if let Err(problem) = fast_path_agrees(&engine, now, Span::from_nanos(window)) {
            return Err(TestCaseError::fail(format!(
                "now = {now:?}\n{problem}\nfeed:\n{}", show(&lines)
            )));
        }
    }
}

/// the feed contract's worked example, through the same model (a check on the model itself).
#[test]
fn the_model_reproduces_the_worked_example() {
    let feed = [
        r#"{"kind":"call_offered","at":"2024-07-01T11:00:00Z","id":"A","line":"999","lpa":"BIR"}"#,
        r#"{"kind":"call_answered","at":"2024-07-01T11:00:04Z","id":"A"}"#,
        r#"{"kind":"call_offered","at":"2024-07-01T11:10:00Z","id":"B","line":"999"}"#,
        r#"{"kind":"call_answered","at":"2024-07-01T11:10:12Z","id":"B"}"#,
        r#"{"kind":"call_offered","at":"2024-07-01T11:20:00Z","id":"C","line":"999"}"#,
        r#"{"kind":"call_abandoned","at":"2024-07-01T11:20:03Z","id":"C"}"#,
        r#"{"kind":"call_offered","at":"2024-07-01T11:30:00Z","id":"D","line":"999"}"#,
        r#"{"kind":"call_abandoned","at":"2024-07-01T11:30:20Z","id":"D"}"#,
        r#"{"kind":"call_answered","at":"2024-07-01T12:00:00+01:00","id":"E","offered_at":"2024-07-01T10:59:58Z","line":"999"}"#,
        r#"{"kind":"call_offered","at":"2024-07-01T11:59:00Z","id":"F","line":"999"}"#,
        r#"{"kind":"call_offered","at":"2024-07-01T11:00:00Z","id":"G","line":"999"}"#,
        r#"{"kind":"call_offered","at":"2024-07-01T11:00:00Z","id":"A","line":"999"}"#,
        r#"{"kind":"call_answered","at":"2024-07-01T11:00:09Z","id":"A"}"#,
        r#"{"kind":"call_answered","at":"2024-07-01T11:00:09Z","id":"ZZ"}"#,
        r#"{"kind":"incident_created","at":"2024-07-01T11:00:00Z","id":"I1","grade":"emergency"}"#,
        r#"{"kind":"incident_arrived","at":"2024-07-01T11:10:00Z","id":"I1"}"#,
        r#"{"kind":"incident_created","at":"2024-07-01T11:30:00Z","id":"I2","grade":"emergency"}"#,
        r#"{"kind":"heartbeat","at":"2024-07-01T12:00:00Z"}"#,
    ]
    .map(String::from);
    let model = Model::run(&feed, None);
    assert_eq!(
        (
            model.lines,
            model.accepted,
            model.rejected,
            model.duplicates
        ),
        (18, 15, 1, 2)
    );
    let t = model.latest.expect("accepted events");
    assert_eq!(t, naive_time("2024-07-01T12:00:00Z").expect("valid"));
    let figures = naive_figures(&model, t, TimeDelta::hours(1), None);
    let c = &figures.calls.line_999;
    assert_eq!((c.offered, c.answered, c.abandoned), (4, 2, 2));
    assert_eq!(
        (
            c.mean_answer_s,
            c.p50_answer_s,
            c.p90_answer_s,
            c.max_answer_s
        ),
        (Some(8.0), Some(4.0), Some(12.0), Some(12.0))
    );
    assert!(close_enough(
        c.service_level_pct.expect("some"),
        100.0 / 3.0
    ));
    assert_eq!(c.abandon_rate_pct, Some(50.0));
    assert_eq!((c.waiting, c.expired, c.longest_wait_s), (1, 1, Some(60.0)));
    assert_eq!(c.status, Status::Red);
    let e = &figures.incidents.emergency;
    assert_eq!(
        (e.created, e.attended, e.within_target_pct),
        (1, 1, Some(100.0))
    );
    assert_eq!(
        (e.open, e.open_breached, e.oldest_open_s),
        (1, 1, Some(1800.0))
    );
    // I2 is open and breached: red, though the mean (600 s) alone would be green.
    assert_eq!(e.status, Status::Red);

    // And the engine agrees with the model on it, everywhere.
    let (engine, counts) = run_engine(&feed, EngineSettings::default(), HUGE_HORIZON);
    compare_counts(&model, &counts).expect("counts agree");
    let got = engine.scoped_figures(to_timestamp(t), Span::HOUR);
    compare_scoped(&model, &model.areas_seen(), t, TimeDelta::hours(1), &got)
        .expect("figures agree");
}

/// the feed contract: "Events with `at > T` have not happened yet." A stand-alone closing event
/// after T is one of them, so the call or incident it tells of is unknown at T.
#[test]
fn a_stand_alone_close_after_t_is_unknown_at_t() {
    let feed = [
        r#"{"kind":"incident_arrived","at":"2024-07-01T10:00:02Z","id":"I0","created_at":"2024-07-01T10:00:00Z","grade":"emergency"}"#,
        r#"{"kind":"call_answered","at":"2024-07-01T10:00:07Z","id":"C0","offered_at":"2024-07-01T09:59:59Z","line":"999"}"#,
    ]
    .map(String::from);
    let t = naive_time("2024-07-01T10:00:00Z").expect("valid");
    let (engine, _) = run_engine(&feed, EngineSettings::default(), HUGE_HORIZON);
    let got = engine
        .scoped_figures(to_timestamp(t), Span::from_mins(15))
        .force;
    let model = Model::run(&feed, Some(t));
    let want = naive_figures(&model, t, TimeDelta::minutes(15), None);
    assert_eq!(
        (
            want.incidents.emergency.created,
            want.incidents.emergency.open
        ),
        (0, 0)
    );
    assert_eq!(
        (want.calls.line_999.offered, want.calls.line_999.waiting),
        (0, 0)
    );
    assert_eq!(
        (
            got.incidents.emergency.created,
            got.incidents.emergency.open
        ),
        (0, 0),
        "emergency created / open at T"
    );
    assert_eq!(
        (got.calls.line_999.offered, got.calls.line_999.waiting),
        (0, 0),
        "999 offered / waiting at T"
    );
}

// ---------------------------------------------------------------------------------------
// Plausible times and durations
// ---------------------------------------------------------------------------------------

/// 2000-01-01T00:00:00Z, the first accepted instant, in nanoseconds since 1970.
const PLAUSIBLE_FROM_NS: i64 = 946_684_800 * NS;
/// 2200-01-01T00:00:00Z, the first instant no longer accepted.
const PLAUSIBLE_UNTIL_NS: i64 = 7_258_118_400 * NS;
const DAY: i64 = 24 * HOUR;

/// An instant anywhere in the accepted years, often at or right next to either end.
fn plausible_instant() -> impl Strategy<Value = i64> {
    prop_oneof![
        2 => Just(PLAUSIBLE_FROM_NS),
        2 => Just(PLAUSIBLE_UNTIL_NS - 1),
        1 => (0..2 * DAY).prop_map(|d| PLAUSIBLE_FROM_NS + d),
        1 => (1..=2 * DAY).prop_map(|d| PLAUSIBLE_UNTIL_NS - d),
        4 => PLAUSIBLE_FROM_NS..PLAUSIBLE_UNTIL_NS,
    ]
}

/// When a close is: a delay after its opening (on, just over or far past a maximum,
/// negative, or any `i64` at all), or an unrelated instant of the accepted years.
fn close_time(opened: i64) -> impl Strategy<Value = i64> {
    prop_oneof![
        3 => prop::sample::select(vec![0, 1, DAY, DAY + 1, 30 * DAY, 30 * DAY + 1, -1]),
        3 => -2 * DAY..=31 * DAY,
        1 => any::<i64>(),
    ]
    .prop_map(move |delay| opened.saturating_add(delay))
    .boxed()
    .prop_union(plausible_instant().boxed())
}

/// One call or incident: its opening and closing instants, and whether the closing event
/// stands alone (carries its own opening) or follows an opening line.
#[derive(Debug, Clone)]
struct Extreme {
    call: bool,
    opened: i64,
    closed: i64,
    stand_alone: bool,
    open_style: Style,
    close_style: Style,
}

fn extreme() -> impl Strategy<Value = Extreme> {
    (
        any::<bool>(),
        plausible_instant(),
        any::<bool>(),
        style(),
        style(),
    )
        .prop_flat_map(|(call, opened, stand_alone, open_style, close_style)| {
            close_time(opened).prop_map(move |closed| Extreme {
                call,
                opened,
                closed,
                stand_alone,
                open_style,
                close_style,
            })
        })
}

/// An instant given in nanoseconds since 1970 (any `i64`), written in `style`.
fn stamp_absolute(nanos: i64, style: Style) -> String {
    let zone = FixedOffset::east_opt(style.offset_s).expect("valid offset");
    let format = if style.nanos {
        SecondsFormat::Nanos
    } else {
        SecondsFormat::AutoSi
    };
    let utc = Utc.timestamp_nanos(nanos);
    utc.with_timezone(&zone).to_rfc3339_opts(format, true)
}

fn extreme_lines(index: usize, story: &Extreme) -> Vec<String> {
    let opened = stamp_absolute(story.opened, story.open_style);
    let closed = stamp_absolute(story.closed, story.close_style);
    let id = format!("E{index}");
    let (open_kind, close_kind, what, opened_field) = if story.call {
        (
            "call_offered",
            "call_answered",
            r#""line":"999""#,
            "offered_at",
        )
    } else {
        (
            "incident_created",
            "incident_arrived",
            r#""grade":"emergency""#,
            "created_at",
        )
    };
    if story.stand_alone {
        vec![format!(
            r#"{{"kind":"{close_kind}","at":"{closed}","id":"{id}",{what},"{opened_field}":"{opened}"}}"#
        )]
    } else {
        vec![
            format!(r#"{{"kind":"{open_kind}","at":"{opened}","id":"{id}",{what}}}"#),
            format!(r#"{{"kind":"{close_kind}","at":"{closed}","id":"{id}"}}"#),
        ]
    }
}

/// The duration a close is accepted with, by the rules written out here: both instants
/// within the accepted years and `0 <= closed - opened <= max`.
fn accepted_duration(story: &Extreme, max: i64) -> Option<i64> {
    let plausible = |t: i64| (PLAUSIBLE_FROM_NS..PLAUSIBLE_UNTIL_NS).contains(&t);
    let duration = story.closed.checked_sub(story.opened)?;
    (plausible(story.opened) && plausible(story.closed) && (0..=max).contains(&duration))
        .then_some(duration)
}

proptest! {
    #![proptest_config(config(256))]

    /// Closes whose opening is anywhere in the accepted years, at the extremes included,
    /// never give a negative or over-maximum duration, and never panic: exactly the closes
    /// the rules accept are counted, and the longest is the longest of those.
    #[test]
    fn no_duration_is_negative_or_longer_than_the_plausible_maximum(
        stories in prop::collection::vec(extreme(), 1..12),
        (max_call, max_incident) in prop_oneof![
            Just((DAY, 30 * DAY)),
            (1..=DAY, 1..=30 * DAY),
        ],
    ) {
        let lines: Vec<String> = stories
            .iter()
            .enumerate()
            .flat_map(|(index, story)| extreme_lines(index, story))
            .collect();
        let whole_range = Span::from_nanos(PLAUSIBLE_UNTIL_NS - PLAUSIBLE_FROM_NS + 1);
        let settings = EngineSettings {
            retention: whole_range,
            max_call_duration: Span::from_nanos(max_call),
            max_incident_duration: Span::from_nanos(max_incident),
            ..EngineSettings::default()
        };
        let (engine, _) = run_engine_live_with(&lines, settings);
        let durations = |call: bool, max: i64| -> Vec<i64> {
            stories
                .iter()
                .filter(|story| story.call == call)
                .filter_map(|story| accepted_duration(story, max))
                .collect()
        };
        let (calls, incidents) = (durations(true, max_call), durations(false, max_incident));
        let Some(now) = engine.latest() else {
            prop_assert!(calls.is_empty() && incidents.is_empty(), "feed:\n{}", show(&lines));
            return Ok(());
        };
        let figures = engine.scoped_figures(now, whole_range).force;
        let seconds = |nanos: i64| nanos as f64 / 1e9;
        let answer = &figures.calls.line_999;
        prop_assert_eq!(answer.answered, calls.len() as u64, "feed:\n{}", show(&lines));
        let longest_call = calls.iter().max().map(|&nanos| seconds(nanos));
        prop_assert_eq!(answer.max_answer_s, longest_call, "feed:\n{}", show(&lines));
        for value in [answer.mean_answer_s, answer.p50_answer_s, answer.p90_answer_s] {
            let value = value.unwrap_or(0.0);
            prop_assert!((0.0..=seconds(max_call)).contains(&value), "{value}\n{}", show(&lines));
        }
        let attend = &figures.incidents.emergency;
        prop_assert_eq!(attend.attended, incidents.len() as u64, "feed:\n{}", show(&lines));
        let longest_incident = incidents.iter().max().map(|&nanos| seconds(nanos));
        prop_assert_eq!(attend.max_attend_s, longest_incident, "feed:\n{}", show(&lines));
        for value in [attend.mean_attend_s, attend.p50_attend_s, attend.p90_attend_s] {
            let value = value.unwrap_or(0.0);
            prop_assert!(
                (0.0..=seconds(max_incident)).contains(&value),
                "{value}\n{}",
                show(&lines)
            );
        }
    }
}
