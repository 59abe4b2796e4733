//! The TOML configuration, with the feed contract's defaults built in.
//!
//! Every key is optional; an unknown key or a bad value is one sentence naming the key
//! (`calls.999.sl_goal_pct`) and its line, and saying what would be accepted. The file is
//! read with serde (`file`): each table refuses keys it does not know, each value checks
//! itself, and `serde_path_to_error` and toml's spans say which key and where.

use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use serde_path_to_error::Segment;
use toml::Value;

use crate::engine::{CallTargets, DEFAULT_AREAS, EngineSettings, IncidentTargets};
use crate::format::printable;
use crate::generate::AreaShare;
use crate::time::{Span, format_span, parse_span};

mod alerts;
mod file;
mod forces;

pub use alerts::{AlertSettings, MEASURES as ALERT_MEASURES, RuleSettings};
pub use file::Problem;
use file::{AreaKeys, AreaWeight, ConfigFile, Table, Text};
pub use forces::{Force, NoForce};

/// A Local Policing Area.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    pub(crate) code: String,
    pub(crate) name: String,
    /// Its share of the demand `gen` writes, relative to the other areas' (finite, more
    /// than 0). Only `gen` reads it.
    pub(crate) weight: f64,
}

/// An area's weight when the file gives none: areas without weights share alike.
pub(crate) const DEFAULT_AREA_WEIGHT: f64 = 1.0;

/// A rolling window, with the label it was configured as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    pub label: String,
    pub span: Span,
}

impl Window {
    pub fn new(span: Span) -> Window {
        Window {
            label: format_span(span),
            span,
        }
    }

    /// `15m`, `1h`, `24h`, `90m`, `7d`, `1h30m`…
    pub fn parse(text: &str) -> Option<Window> {
        parse_span(text)
            .filter(|span| span.is_positive())
            .map(|span| Window {
                label: text.trim().to_string(),
                span,
            })
    }
}

/// How far a file's line may be from its place and still be put in it (README "Order").
pub(crate) const DEFAULT_REORDER_HORIZON: Span = Span::from_mins(10);

/// The colours boards are drawn in (`theme = "light"`, or `--theme`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Theme {
    #[default]
    Dark,
    Light,
    HighContrast,
    /// Light or dark as the terminal's own background is (asked before the board
    /// starts), dark if it does not say.
    Auto,
}

/// The whole configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub force_name: String,
    pub timezone: Tz,
    pub windows: Vec<Window>,
    /// A duration is amber (approaching) from this fraction of its target, red past it.
    pub warn_fraction: f64,
    pub call_expiry: Span,
    pub reorder_horizon: Span,
    pub stale_after: Span,
    /// The handover's shifts: local times of day in `timezone`, in order.
    pub shift_starts: Vec<chrono::NaiveTime>,
    /// The handover's interval (a row of its table, a slot of its charts).
    pub handover_interval: Span,
    /// Where a board's `H` key writes the handover (`--handover-dir` overrides it).
    pub handover_dir: std::path::PathBuf,
    /// Live links: a TCP or HTTP connection silent this long is closed and dialled again
    /// (default twice `stale_after`).
    pub idle_limit: Span,
    pub future_skew: Span,
    /// Live feeds: how long a closing event waits for an opening that has not arrived.
    pub pairing_grace: Span,
    /// A call answered or abandoned longer than this after its offer is refused.
    pub max_call_duration: Span,
    /// An incident attended or cancelled longer than this after its creation is refused.
    pub max_incident_duration: Span,
    /// Indexed by `CallLine::index` (999, 101).
    pub calls: [CallTargets; 2],
    /// Emergency, priority (scheduled has no targets).
    pub incidents: [IncidentTargets; 2],
    pub areas: Vec<Area>,
    pub theme: Theme,
    pub alerts: AlertSettings,
    /// `[input] map`: the input map (a built-in's name or a map file's path) every feed is
    /// read through; `None`: the feed is forceboard's own schema.
    pub input_map: Option<String>,
    /// The `[[forces]]`, each the whole configuration of the boards on its subject
    /// (empty when the file lists none: every board is the top level's).
    pub forces: Vec<Force>,
}

impl Default for Config {
    fn default() -> Self {
        let engine = EngineSettings::default();
        Config {
            force_name: "West Midlands Police".to_string(),
            timezone: chrono_tz::Europe::London,
            windows: ["15m", "1h", "24h"]
                .iter()
                .filter_map(|text| Window::parse(text))
                .collect(),
            warn_fraction: engine.warn_fraction,
            call_expiry: engine.call_expiry,
            reorder_horizon: DEFAULT_REORDER_HORIZON,
            stale_after: Span::from_secs(30),
            shift_starts: DEFAULT_SHIFT_STARTS
                .iter()
                .filter_map(|text| parse_time_of_day(text))
                .collect(),
            handover_interval: Span::from_mins(15),
            handover_dir: std::path::PathBuf::from("."),
            idle_limit: Span::from_secs(60),
            future_skew: Span::from_secs(60),
            pairing_grace: Span::from_mins(2),
            max_call_duration: engine.max_call_duration,
            max_incident_duration: engine.max_incident_duration,
            calls: engine.calls,
            incidents: [engine.incidents[0], engine.incidents[1]],
            // Each with West Midlands' share of the demand: `gen`'s calibration.
            areas: DEFAULT_AREAS
                .iter()
                .map(|(code, name)| Area {
                    code: code.to_string(),
                    name: name.to_string(),
                    weight: AreaShare::west_midlands_weight(code).unwrap_or(DEFAULT_AREA_WEIGHT),
                })
                .collect(),
            theme: Theme::Dark,
            alerts: AlertSettings::default(),
            input_map: None,
            forces: Vec::new(),
        }
    }
}

/// A configuration file that cannot be used. Its message names the file; its source says
/// what is wrong (the binary prints both, as one sentence).
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {}", shown(.path))]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("config file {}", shown(.path))]
    Invalid {
        path: PathBuf,
        #[source]
        source: InvalidConfig,
    },
}

/// What is wrong with a configuration's text: one sentence, naming the key and, where
/// the file has one, its line. What the file holds is quoted with control characters
/// escaped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidConfig {
    /// Not TOML: the parser's words.
    #[error("{}{}", at(.line.as_ref()), printable(.message))]
    Syntax {
        line: Option<usize>,
        message: String,
    },
    #[error(
        "{}unknown key `{}` (see forceboard.example.toml for every key)",
        at(.line.as_ref()),
        printable(.key)
    )]
    UnknownKey { key: String, line: Option<usize> },
    /// A key whose value is not what it must be. `problem` is a [`Problem`]'s words
    /// (serde carries a value's problem as text).
    #[error("{}{}", at(.line.as_ref()), printable(&format!("`{key}` {problem}")))]
    BadValue {
        key: String,
        line: Option<usize>,
        problem: String,
    },
}

impl InvalidConfig {
    fn bad_value(key: String, line: Option<usize>, problem: &Problem) -> InvalidConfig {
        InvalidConfig::BadValue {
            key,
            line,
            problem: problem.to_string(),
        }
    }
}

/// The start of the keys a spanned value is read through.
const SPANNED_KEY: &str = "$__serde_spanned_private";

/// The start of the key toml gives a date as, when serde asks it for a table.
const TOML_DATE_KEY: &str = "$__toml_private_datetime";

/// A key's path as the messages write it: `calls.999.sl_goal_pct`, `areas[1].code`.
fn key_path(path: &[Segment]) -> String {
    let mut text = String::new();
    for segment in path {
        match segment {
            Segment::Seq { index } => {
                let _ = write!(text, "[{index}]");
            }
            // A spanned value's inner key is toml's, not the file's.
            Segment::Map { key } if key.starts_with(SPANNED_KEY) => {}
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !text.is_empty() {
                    text.push('.');
                }
                text.push_str(key);
            }
            Segment::Unknown => text.push_str(".?"),
        }
    }
    text
}

/// `line 3: `, or nothing where there is no line to name.
fn at(line: Option<&usize>) -> String {
    line.map(|line| format!("line {line}: "))
        .unwrap_or_default()
}

fn shown(path: &Path) -> String {
    printable(&path.display().to_string()).into_owned()
}

impl Config {
    /// Reads and checks a TOML file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Config::parse(&text).map_err(|source| ConfigError::Invalid {
            path: path.to_path_buf(),
            source,
        })
    }

    /// Checks TOML text; every key not given keeps its default.
    pub fn parse(text: &str) -> Result<Config, InvalidConfig> {
        let line_of =
            |span: Option<Range<usize>>| span.map(|span| line_number_at(text, span.start));
        let document = toml::Deserializer::parse(text).map_err(|error| InvalidConfig::Syntax {
            line: line_of(error.span()),
            message: error.message().trim().trim_end_matches('.').to_string(),
        })?;
        let file: ConfigFile = serde_path_to_error::deserialize(document).map_err(|error| {
            let path: Vec<Segment> = error.path().iter().cloned().collect();
            let error = error.into_inner();
            let line = line_of(error.span());
            // What serde says of a key that `deny_unknown_fields` refused.
            if !error.message().starts_with("unknown field") {
                return InvalidConfig::BadValue {
                    key: key_path(&path),
                    line,
                    problem: error.message().to_string(),
                };
            }
            match path.split_last() {
                // toml hands serde a date as a table of one key of its own: a date given
                // where a table belongs.
                Some((Segment::Map { key }, table)) if key.starts_with(TOML_DATE_KEY) => {
                    InvalidConfig::bad_value(key_path(table), line, &Problem::NotTable)
                }
                _ => InvalidConfig::UnknownKey {
                    key: key_path(&path),
                    line,
                },
            }
        })?;
        Config::from_file(&file, text)
    }

    /// The top level's keys over the defaults, and each `[[forces]]` table's over the
    /// top level; `text` is the file, for the lines its messages name.
    fn from_file(file: &ConfigFile, text: &str) -> Result<Config, InvalidConfig> {
        if let Some(subject) = &file.subject {
            return Err(InvalidConfig::bad_value(
                "subject".to_string(),
                Some(line_number_at(text, subject.span().start)),
                &Problem::SubjectOutsideForces,
            ));
        }
        let mut config = Config::layered(&[(file, "")], text)?;
        config.forces = forces::forces_of(file, text)?;
        Ok(config)
    }

    /// The defaults with each layer's keys put in, in order (the top level, then a
    /// force's); each layer's `prefix` (`""`, `"forces[2]."`) begins its keys' names.
    fn layered(layers: &[(&ConfigFile, &str)], text: &str) -> Result<Config, InvalidConfig> {
        let mut config = Config::default();
        for (file, prefix) in layers {
            config.put_keys(file, text, prefix)?;
        }
        // The last layer to give one sets it; otherwise it follows the final stale_after.
        let given = layers
            .iter()
            .rev()
            .find_map(|(file, prefix)| file.idle_limit.as_ref().map(|limit| (limit, *prefix)));
        config.idle_limit = match given {
            // A link closed for silence before the board says STALE would hide the
            // silence: the limit is at least `stale_after`.
            Some((given, prefix)) if given.get_ref().0 < config.stale_after => {
                return Err(InvalidConfig::BadValue {
                    key: format!("{prefix}idle_limit"),
                    line: Some(line_number_at(text, given.span().start)),
                    problem: format!(
                        "({}) must be at least stale_after ({}): a link is closed for silence \
                         only after the board has said it is stale",
                        format_span(given.get_ref().0),
                        format_span(config.stale_after)
                    ),
                });
            }
            Some((given, _)) => given.get_ref().0,
            None => config.stale_after * 2,
        };
        Ok(config)
    }

    /// Puts in every key `file` gives but the idle limit (which depends on every layer).
    fn put_keys(
        &mut self,
        file: &ConfigFile,
        text: &str,
        prefix: &str,
    ) -> Result<(), InvalidConfig> {
        if let Some(name) = &file.force_name {
            self.force_name.clone_from(&name.0);
        }
        if let Some(zone) = &file.timezone {
            self.timezone = zone.0;
        }
        if let Some(Table(input)) = &file.input
            && let Some(map) = &input.map
        {
            self.input_map = Some(map.0.clone());
        }
        if let Some(windows) = &file.windows {
            self.windows.clone_from(&windows.0);
        }
        if let Some(starts) = &file.shift_starts {
            self.shift_starts.clone_from(&starts.0);
        }
        if let Some(interval) = &file.handover_interval {
            self.handover_interval = interval.0;
        }
        if let Some(dir) = &file.handover_dir {
            self.handover_dir = std::path::PathBuf::from(&dir.0);
        }
        if let Some(fraction) = &file.warn_fraction {
            self.warn_fraction = fraction.0;
        }
        if let Some(theme) = file.theme {
            self.theme = theme;
        }
        if let Some(Table(alerts)) = &file.alerts {
            alerts.apply(&mut self.alerts);
        }
        for (given, slot) in [
            (&file.call_expiry, &mut self.call_expiry),
            (&file.reorder_horizon, &mut self.reorder_horizon),
            (&file.stale_after, &mut self.stale_after),
            (&file.future_skew, &mut self.future_skew),
            (&file.pairing_grace, &mut self.pairing_grace),
            (&file.max_call_duration, &mut self.max_call_duration),
            (&file.max_incident_duration, &mut self.max_incident_duration),
        ] {
            if let Some(duration) = given {
                *slot = duration.0;
            }
        }
        if let Some(Table(calls)) = &file.calls {
            for (given, targets) in [&calls.line_999, &calls.line_101]
                .into_iter()
                .zip(self.calls.iter_mut())
            {
                let Some(Table(keys)) = given else { continue };
                if let Some(target) = &keys.mean_target {
                    targets.mean = target.0;
                }
                if let Some(target) = &keys.sl_threshold {
                    targets.sl_threshold = target.0;
                }
                if let Some(goal) = &keys.sl_goal_pct {
                    targets.sl_goal_pct = goal.0;
                }
            }
        }
        if let Some(Table(incidents)) = &file.incidents {
            for (given, targets) in [&incidents.emergency, &incidents.priority]
                .into_iter()
                .zip(self.incidents.iter_mut())
            {
                let Some(Table(keys)) = given else { continue };
                if let Some(target) = &keys.target {
                    targets.target = target.0;
                }
                if let Some(goal) = &keys.goal_pct {
                    targets.goal_pct = goal.0;
                }
            }
        }
        if let Some(areas) = &file.areas {
            self.areas = areas_of(&areas.0, text, prefix)?;
        }
        Ok(())
    }

    /// The largest configured window (zero when none is configured).
    pub fn largest_window(&self) -> Span {
        self.windows
            .iter()
            .map(|window| window.span)
            .max()
            .unwrap_or(Span::ZERO)
    }

    /// How far back a board reads a stored feed when it starts (NATS): its largest window
    /// and the pairing grace, so every figure is whole from its first frame.
    pub fn backfill(&self) -> Span {
        self.largest_window() + self.pairing_grace
    }

    /// The engine's settings, keeping closed records long enough for every configured
    /// window and for `extra_window` (e.g. `report --window 7d`).
    pub fn engine_settings(&self, extra_window: Option<Span>) -> EngineSettings {
        let retention = self
            .windows
            .iter()
            .map(|w| w.span)
            .chain(extra_window)
            .max()
            .unwrap_or(Span::from_hours(24));
        let defaults = EngineSettings::default();
        EngineSettings {
            calls: self.calls,
            incidents: [self.incidents[0], self.incidents[1], defaults.incidents[2]],
            warn_fraction: self.warn_fraction,
            call_expiry: self.call_expiry,
            retention,
            areas: self.areas.iter().map(|a| a.code.clone()).collect(),
            max_call_duration: self.max_call_duration,
            max_incident_duration: self.max_incident_duration,
        }
    }

    /// The areas as `gen` draws them: each code with its weight.
    pub fn area_shares(&self) -> Vec<AreaShare> {
        self.areas
            .iter()
            .map(|area| AreaShare {
                code: area.code.clone(),
                weight: area.weight,
            })
            .collect()
    }

    /// An area's display name, or its code when it is not configured.
    pub(crate) fn area_name<'a>(&'a self, code: &'a str) -> &'a str {
        self.areas
            .iter()
            .find(|area| area.code == code)
            .map_or(code, |area| area.name.as_str())
    }
}

/// The default shift pattern of the handover: earlies, lates and nights.
pub const DEFAULT_SHIFT_STARTS: [&str; 3] = ["07:00", "15:00", "23:00"];

/// A time of day as `HH:MM`, 00:00 to 23:59 (a shift's start).
pub fn parse_time_of_day(text: &str) -> Option<chrono::NaiveTime> {
    let (hours, minutes) = text.trim().split_once(':')?;
    if hours.len() != 2 || minutes.len() != 2 {
        return None;
    }
    chrono::NaiveTime::from_hms_opt(hours.parse().ok()?, minutes.parse().ok()?, 0)
}

/// The 1-based number of the line that byte `offset` of `text` is on. A span that starts
/// a line belongs to that line, not to the one its `\n` ends.
fn line_number_at(text: &str, offset: usize) -> usize {
    let before = &text.as_bytes()[..offset.min(text.len())];
    memchr::memchr_iter(b'\n', before).count().saturating_add(1)
}

/// The `[[areas]]` as areas: each code a string, not blank, and given once; an area
/// without a weight weighs [`DEFAULT_AREA_WEIGHT`]. Linear in the
/// number of areas: a long list must not stall start-up.
fn areas_of(list: &[AreaKeys], text: &str, prefix: &str) -> Result<Vec<Area>, InvalidConfig> {
    let mut areas: Vec<Area> = Vec::with_capacity(list.len());
    let mut codes = std::collections::HashSet::with_capacity(list.len());
    for (index, keys) in list.iter().enumerate() {
        let key = format!("{prefix}areas[{index}].code");
        let Some(code) = &keys.code else {
            return Err(InvalidConfig::bad_value(key, None, &Problem::Missing));
        };
        let line = Some(line_number_at(text, code.span().start));
        let code = match code.get_ref() {
            Value::String(code) => code.trim().to_string(),
            _ => return Err(InvalidConfig::bad_value(key, line, &Problem::NotText)),
        };
        if code.is_empty() {
            return Err(InvalidConfig::bad_value(key, line, &Problem::Empty));
        }
        if !codes.insert(code.clone()) {
            return Err(InvalidConfig::bad_value(
                key,
                line,
                &Problem::GivenTwice(code),
            ));
        }
        let name = keys
            .name
            .as_ref()
            .map_or_else(|| code.clone(), |Text(name)| name.clone());
        let weight = keys
            .weight
            .as_ref()
            .map_or(DEFAULT_AREA_WEIGHT, |AreaWeight(weight)| *weight);
        areas.push(Area { code, name, weight });
    }
    Ok(areas)
}

#[cfg(test)]
mod tests;
