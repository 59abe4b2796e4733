//! The configuration file as serde reads it. Every table refuses a key it does not know
//! (`deny_unknown_fields`), and every value is a type that checks itself and says, in
//! [`Problem`]'s words, what it must be; [`Config::parse`](super::Config::parse) names the
//! key and its line.

use std::fmt;
use std::marker::PhantomData;

use chrono_tz::Tz;
use serde::Deserialize;
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use toml::{Spanned, Value};

use super::Window;
use crate::engine::MAX_AREAS;
use crate::time::{Span, parse_span};

/// What a key's value must be, in the words its message uses after the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("must be a string")]
    NotText,
    #[error("must not be empty")]
    Empty,
    #[error("\"{0}\" is not an IANA time zone (e.g. \"Europe/London\", \"UTC\")")]
    NotTimeZone(String),
    #[error("must be a number")]
    NotNumber,
    #[error("must be a number of at least 0 (or a duration such as \"30s\", read as seconds)")]
    NotThreshold,
    #[error("must be a duration such as \"2m\", or \"0s\" to raise at once")]
    NotHold,
    #[error("must be more than 0 and at most 1")]
    WarnFraction,
    #[error(
        "is no longer read: amber now means approaching the target, set by warn_fraction \
         (0.8: amber from 80 % of the target)"
    )]
    AmberFactorRetired,
    #[error(
        "must be a positive duration such as \"30s\", \"15m\" or \"1h\" (or a number of seconds)"
    )]
    NotDuration,
    #[error("must be a duration such as \"5s\" or \"15m\", or \"off\"")]
    NotTarget,
    #[error("must be a percentage from 0 to 100, or \"off\"")]
    NotGoal,
    #[error("must be a list of 1 to 9 durations such as [\"15m\", \"1h\", \"24h\"]")]
    NotWindows,
    #[error("must be a table")]
    NotTable,
    #[error("must be a list of [[areas]] tables")]
    NotAreas,
    #[error("lists {0} areas, but at most {MAX_AREAS} can be configured")]
    TooManyAreas(usize),
    #[error("must be a number more than 0 (the area's share of demand, relative to the others')")]
    NotWeight,
    #[error("is missing")]
    Missing,
    #[error("\"{0}\" is given twice")]
    GivenTwice(String),
    #[error(
        "must be a list of 1 to 12 different times of day such as [\"07:00\", \"15:00\", \"23:00\"]"
    )]
    NotShiftStarts,
    #[error("must be a duration from 1m to 24h such as \"15m\" or \"30m\"")]
    NotHandoverInterval,
    #[error("must be a list of [[forces]] tables")]
    NotForces,
    #[error(
        "\"{0}\" is not a NATS subject: give dot-separated words of letters, digits, - and _ \
         (e.g. \"events.wyp\"), no wildcards"
    )]
    NotSubject(String),
    #[error("belongs in a [[forces]] table: the top level holds what every force shares")]
    SubjectOutsideForces,
    #[error("cannot be nested: a force lists no forces of its own")]
    NestedForces,
    #[error("belongs at the top level: one input map reads every feed of the process")]
    InputInForce,
    #[error("is missing: each force is headed by its own name, never another force's")]
    ForceNameMissing,
    #[error("\"{subject}\" is given twice (first on line {first_line})")]
    SubjectTwice { subject: String, first_line: usize },
}

/// The whole file: every key optional.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ConfigFile {
    pub force_name: Option<ForceName>,
    pub timezone: Option<TimeZone>,
    pub windows: Option<Windows>,
    pub warn_fraction: Option<WarnFraction>,
    /// Before v1.2, amber *over* the target: refused while reading, with the key that
    /// replaced it, so it is never read after.
    #[allow(dead_code)]
    pub amber_factor: Option<Retired>,
    pub call_expiry: Option<Duration>,
    pub reorder_horizon: Option<Duration>,
    pub stale_after: Option<Duration>,
    /// Spanned: a limit shorter than `stale_after` is refused naming its line.
    pub idle_limit: Option<toml::Spanned<Duration>>,
    pub future_skew: Option<Duration>,
    pub pairing_grace: Option<Duration>,
    pub max_call_duration: Option<Duration>,
    pub max_incident_duration: Option<Duration>,
    /// The handover's shifts: local times of day in `timezone`.
    pub shift_starts: Option<ShiftStarts>,
    /// The handover's interval table and charts: each row this long.
    pub handover_interval: Option<HandoverInterval>,
    /// Where a board's `H` key writes the handover.
    pub handover_dir: Option<Folder>,
    pub calls: Option<Table<Calls>>,
    pub incidents: Option<Table<Incidents>>,
    pub areas: Option<AreaList>,
    pub theme: Option<super::Theme>,
    pub alerts: Option<Table<super::alerts::AlertsFile>>,
    /// `[input]`: how the feed's lines are read.
    pub input: Option<Table<InputKeys>>,
    /// Only in a `[[forces]]` table: the NATS subject whose boards are that force's.
    /// Checked once every force is read (each must differ), so it keeps its place.
    pub subject: Option<Spanned<Value>>,
    /// Each force's own keys over the top level's; the top level is every force's
    /// default. Only at the top level.
    pub forces: Option<ForceList>,
}

/// `[input]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct InputKeys {
    /// A built-in map's name or a map file's path.
    pub map: Option<Text>,
}

/// `[calls.999]` and `[calls.101]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Calls {
    #[serde(rename = "999")]
    pub line_999: Option<Table<CallKeys>>,
    #[serde(rename = "101")]
    pub line_101: Option<Table<CallKeys>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CallKeys {
    pub mean_target: Option<Target>,
    pub sl_threshold: Option<Target>,
    pub sl_goal_pct: Option<Goal>,
}

/// `[incidents.emergency]` and `[incidents.priority]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Incidents {
    pub emergency: Option<Table<IncidentKeys>>,
    pub priority: Option<Table<IncidentKeys>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct IncidentKeys {
    pub target: Option<Target>,
    pub goal_pct: Option<Goal>,
}

/// One `[[areas]]` table. The code is checked once all are read (each must differ from
/// the others), so it keeps its place in the file for the message.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AreaKeys {
    pub code: Option<Spanned<Value>>,
    pub name: Option<Text>,
    pub weight: Option<AreaWeight>,
}

/// Any string.
#[derive(Debug, Deserialize)]
#[serde(try_from = "Value")]
pub(super) struct Text(pub String);

impl TryFrom<Value> for Text {
    type Error = Problem;

    fn try_from(value: Value) -> Result<Text, Problem> {
        match value {
            Value::String(text) => Ok(Text(text)),
            _ => Err(Problem::NotText),
        }
    }
}

/// A string that is not blank.
#[derive(Debug, Deserialize)]
#[serde(try_from = "Value")]
pub(super) struct ForceName(pub String);

impl TryFrom<Value> for ForceName {
    type Error = Problem;

    fn try_from(value: Value) -> Result<ForceName, Problem> {
        let Text(name) = Text::try_from(value)?;
        if name.trim().is_empty() {
            return Err(Problem::Empty);
        }
        Ok(ForceName(name))
    }
}

/// A folder's path: text that is not empty, read as a force's name is.
pub(super) type Folder = ForceName;

/// An IANA time zone's name.
#[derive(Debug, Deserialize)]
#[serde(try_from = "Value")]
pub(super) struct TimeZone(pub Tz);

impl TryFrom<Value> for TimeZone {
    type Error = Problem;

    fn try_from(value: Value) -> Result<TimeZone, Problem> {
        let Text(name) = Text::try_from(value)?;
        name.parse()
            .map(TimeZone)
            .map_err(|_| Problem::NotTimeZone(name))
    }
}

/// 1 to 9 windows.
#[derive(Debug, Deserialize)]
#[serde(try_from = "Value")]
pub(super) struct Windows(pub Vec<Window>);

impl TryFrom<Value> for Windows {
    type Error = Problem;

    fn try_from(value: Value) -> Result<Windows, Problem> {
        let items = match value {
            Value::Array(items) if (1..=9).contains(&items.len()) => items,
            _ => return Err(Problem::NotWindows),
        };
        items
            .iter()
            .map(|item| item.as_str().and_then(Window::parse))
            .collect::<Option<Vec<Window>>>()
            .map(Windows)
            .ok_or(Problem::NotWindows)
    }
}

/// 1 to 12 different local times of day, `HH:MM`, in order.
#[derive(Debug, Deserialize)]
#[serde(try_from = "Value")]
pub(super) struct ShiftStarts(pub Vec<chrono::NaiveTime>);

impl TryFrom<Value> for ShiftStarts {
    type Error = Problem;

    fn try_from(value: Value) -> Result<ShiftStarts, Problem> {
        let items = match value {
            Value::Array(items) if (1..=12).contains(&items.len()) => items,
            _ => return Err(Problem::NotShiftStarts),
        };
        let mut starts = items
            .iter()
            .map(|item| item.as_str().and_then(super::parse_time_of_day))
            .collect::<Option<Vec<_>>>()
            .ok_or(Problem::NotShiftStarts)?;
        starts.sort_unstable();
        let count = starts.len();
        starts.dedup();
        if starts.len() != count {
            return Err(Problem::NotShiftStarts);
        }
        Ok(ShiftStarts(starts))
    }
}

/// The handover's interval: 1 minute to 24 hours.
#[derive(Debug, Deserialize)]
#[serde(try_from = "Value")]
pub(super) struct HandoverInterval(pub Span);

impl TryFrom<Value> for HandoverInterval {
    type Error = Problem;

    fn try_from(value: Value) -> Result<HandoverInterval, Problem> {
        positive_span(&value)
            .filter(|span| (Span::MINUTE..=Span::from_hours(24)).contains(span))
            .map(HandoverInterval)
            .ok_or(Problem::NotHandoverInterval)
    }
}

/// From what fraction of its target a duration is amber (approaching): more than 0, at
/// most 1.
#[derive(Debug, Deserialize)]
#[serde(try_from = "Value")]
pub(super) struct WarnFraction(pub f64);

impl TryFrom<Value> for WarnFraction {
    type Error = Problem;

    fn try_from(value: Value) -> Result<WarnFraction, Problem> {
        let fraction = number(&value).ok_or(Problem::NotNumber)?;
        if !(fraction > 0.0 && fraction <= 1.0) {
            return Err(Problem::WarnFraction);
        }
        Ok(WarnFraction(fraction))
    }
}

/// A key that is no longer read: whatever its value, it is refused with a sentence
/// saying what replaced it.
#[derive(Debug, Deserialize)]
#[serde(try_from = "Value")]
pub(super) struct Retired;

impl TryFrom<Value> for Retired {
    type Error = Problem;

    fn try_from(_: Value) -> Result<Retired, Problem> {
        Err(Problem::AmberFactorRetired)
    }
}

/// An area's share of `gen`'s demand, relative to the other areas': a finite number
/// more than 0.
#[derive(Debug, Deserialize)]
#[serde(try_from = "Value")]
pub(super) struct AreaWeight(pub f64);

impl TryFrom<Value> for AreaWeight {
    type Error = Problem;

    fn try_from(value: Value) -> Result<AreaWeight, Problem> {
        match number(&value) {
            Some(weight) if weight > 0.0 => Ok(AreaWeight(weight)),
            _ => Err(Problem::NotWeight),
        }
    }
}

/// A positive duration: `"30s"`, `"15m"`, `"1h"`, or a number of seconds.
#[derive(Debug, Deserialize)]
#[serde(try_from = "Value")]
pub(super) struct Duration(pub Span);

impl TryFrom<Value> for Duration {
    type Error = Problem;

    fn try_from(value: Value) -> Result<Duration, Problem> {
        positive_span(&value)
            .map(Duration)
            .ok_or(Problem::NotDuration)
    }
}

/// A target: a positive duration, or `"off"` (`"none"`) for none.
#[derive(Debug, Deserialize)]
#[serde(try_from = "Value")]
pub(super) struct Target(pub Option<Span>);

impl TryFrom<Value> for Target {
    type Error = Problem;

    fn try_from(value: Value) -> Result<Target, Problem> {
        if is_off(&value) {
            return Ok(Target(None));
        }
        positive_span(&value)
            .map(|span| Target(Some(span)))
            .ok_or(Problem::NotTarget)
    }
}

/// A goal: a percentage from 0 to 100, or `"off"` (`"none"`) for none.
#[derive(Debug, Deserialize)]
#[serde(try_from = "Value")]
pub(super) struct Goal(pub Option<f64>);

impl TryFrom<Value> for Goal {
    type Error = Problem;

    fn try_from(value: Value) -> Result<Goal, Problem> {
        if is_off(&value) {
            return Ok(Goal(None));
        }
        match number(&value) {
            // `+ 0.0` turns -0.0 into 0.0, so a goal never reads `-0%`.
            Some(pct) if (0.0..=100.0).contains(&pct) => Ok(Goal(Some(pct + 0.0))),
            _ => Err(Problem::NotGoal),
        }
    }
}

fn is_off(value: &Value) -> bool {
    matches!(value, Value::String(text) if text == "off" || text == "none")
}

/// An integer or a finite float.
fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Integer(n) => Some(*n as f64),
        Value::Float(x) if x.is_finite() => Some(*x),
        _ => None,
    }
}

fn positive_span(value: &Value) -> Option<Span> {
    let span = match value {
        Value::String(text) => parse_span(text),
        // Checked, not saturated: too many seconds is an error, not 292 years.
        Value::Integer(n) => n.checked_mul(Span::SECOND.nanos()).map(Span::from_nanos),
        Value::Float(x) if x.is_finite() && *x < 1e9 => {
            Some(Span::from_nanos_f64((x * 1e9).round()))
        }
        _ => None,
    };
    span.filter(|span| span.is_positive())
}

/// A table of the keys `T` knows; any other value is [`Problem::NotTable`].
#[derive(Debug)]
pub(super) struct Table<T>(pub T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Table<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Table<T>, D::Error> {
        deserializer.deserialize_map(TableVisitor(PhantomData))
    }
}

struct TableVisitor<T>(PhantomData<T>);

/// A visitor's answer to a string, a number or a boolean: `$problem`.
macro_rules! refuse_scalars {
    ($problem:expr) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Err(E::custom($problem))
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Err(E::custom($problem))
        }
        fn visit_i128<E: de::Error>(self, _: i128) -> Result<Self::Value, E> {
            Err(E::custom($problem))
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Err(E::custom($problem))
        }
        fn visit_u128<E: de::Error>(self, _: u128) -> Result<Self::Value, E> {
            Err(E::custom($problem))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Err(E::custom($problem))
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Err(E::custom($problem))
        }
    };
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for TableVisitor<T> {
    type Value = Table<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a table")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Table<T>, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(Table)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Table<T>, A::Error> {
        Err(de::Error::custom(Problem::NotTable))
    }

    refuse_scalars!(Problem::NotTable);
}

/// The `[[areas]]` tables, at most [`MAX_AREAS`] (the engine keeps no more): a longer
/// list is refused as soon as its length is known, before any area is read.
#[derive(Debug)]
pub(super) struct AreaList(pub Vec<AreaKeys>);

impl<'de> Deserialize<'de> for AreaList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<AreaList, D::Error> {
        deserializer.deserialize_seq(AreasVisitor)
    }
}

struct AreasVisitor;

impl<'de> Visitor<'de> for AreasVisitor {
    type Value = AreaList;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of [[areas]] tables")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<AreaList, A::Error> {
        let told = items.size_hint().unwrap_or(0);
        if told > MAX_AREAS {
            return Err(de::Error::custom(Problem::TooManyAreas(told)));
        }
        let mut areas = Vec::with_capacity(told);
        while let Some(Table(area)) = items.next_element()? {
            if areas.len() == MAX_AREAS {
                // A list that did not say its length: count the rest without reading it.
                let mut count = MAX_AREAS + 1;
                while items.next_element::<IgnoredAny>()?.is_some() {
                    count += 1;
                }
                return Err(de::Error::custom(Problem::TooManyAreas(count)));
            }
            areas.push(area);
        }
        Ok(AreaList(areas))
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<AreaList, A::Error> {
        Err(de::Error::custom(Problem::NotAreas))
    }

    refuse_scalars!(Problem::NotAreas);
}

/// The `[[forces]]` tables, each with its place in the file (a missing key names the
/// force's line).
#[derive(Debug)]
pub(super) struct ForceList(pub Vec<Spanned<Table<ConfigFile>>>);

impl<'de> Deserialize<'de> for ForceList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<ForceList, D::Error> {
        deserializer.deserialize_seq(ForcesVisitor)
    }
}

struct ForcesVisitor;

impl<'de> Visitor<'de> for ForcesVisitor {
    type Value = ForceList;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of [[forces]] tables")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<ForceList, A::Error> {
        let mut forces = Vec::with_capacity(items.size_hint().unwrap_or(0));
        while let Some(force) = items.next_element()? {
            forces.push(force);
        }
        Ok(ForceList(forces))
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<ForceList, A::Error> {
        Err(de::Error::custom(Problem::NotForces))
    }

    refuse_scalars!(Problem::NotForces);
}
