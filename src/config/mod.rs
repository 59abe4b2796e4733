//! The TOML configuration, with the feed contract's defaults built in.
//!
//! Every key is optional; an unknown key or a bad value is one sentence naming the key.
//! The file is walked by hand rather than through serde derive so that each message can
//! name the exact key (`calls.999.sl_goal_pct`) and say what would be accepted.

use std::path::Path;

use chrono_tz::Tz;
use toml::Table;

use crate::engine::{CallTargets, DEFAULT_AREAS, EngineSettings, IncidentTargets};
use crate::format::printable;
use crate::time::{Span, format_span, parse_span};

mod walk;

use walk::Walker;

/// A Local Policing Area.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Area {
    pub(crate) code: String,
    pub(crate) name: String,
}

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

/// The whole configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub force_name: String,
    pub timezone: Tz,
    pub windows: Vec<Window>,
    pub amber_factor: f64,
    pub call_expiry: Span,
    pub reorder_horizon: Span,
    pub stale_after: Span,
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
            amber_factor: engine.amber_factor,
            call_expiry: engine.call_expiry,
            reorder_horizon: DEFAULT_REORDER_HORIZON,
            stale_after: Span::from_secs(30),
            idle_limit: Span::from_secs(60),
            future_skew: Span::from_secs(60),
            pairing_grace: Span::from_mins(2),
            max_call_duration: engine.max_call_duration,
            max_incident_duration: engine.max_incident_duration,
            calls: engine.calls,
            incidents: [engine.incidents[0], engine.incidents[1]],
            areas: DEFAULT_AREAS
                .iter()
                .map(|(code, name)| Area {
                    code: code.to_string(),
                    name: name.to_string(),
                })
                .collect(),
        }
    }
}

/// A configuration that cannot be used; its message is one sentence naming the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub(crate) String);

impl Config {
    /// Reads and checks a TOML file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let shown = path.display().to_string();
        let shown = printable(&shown);
        let text = std::fs::read_to_string(path)
            .map_err(|error| ConfigError(format!("cannot read config file {shown}: {error}")))?;
        Config::parse(&text)
            .map_err(|ConfigError(message)| ConfigError(format!("config file {shown}: {message}")))
    }

    /// Checks TOML text; every key not given keeps its default.
    pub(crate) fn parse(text: &str) -> Result<Config, ConfigError> {
        let table: Table = text.parse().map_err(|error: toml::de::Error| {
            let line = error.span().map(|span| line_number_at(text, span.start));
            // toml's message can quote the file's text.
            let message = printable(error.message().trim().trim_end_matches('.')).into_owned();
            ConfigError(match line {
                Some(line) => format!("line {line}: {message}"),
                None => message,
            })
        })?;
        let mut config = Config::default();
        let mut walker = Walker::new(table, "");
        if let Some(value) = walker.take("force_name") {
            config.force_name = walker.text(&value, "force_name")?;
            if config.force_name.trim().is_empty() {
                return Err(walker.error("force_name", "must not be empty"));
            }
        }
        if let Some(value) = walker.take("timezone") {
            let name = walker.text(&value, "timezone")?;
            config.timezone = name.parse().map_err(|_| {
                walker.error(
                    "timezone",
                    &format!(
                        "\"{name}\" is not an IANA time zone (e.g. \"Europe/London\", \"UTC\")"
                    ),
                )
            })?;
        }
        if let Some(value) = walker.take("windows") {
            config.windows = walker.windows(&value)?;
        }
        if let Some(value) = walker.take("amber_factor") {
            let factor = walker.number(&value, "amber_factor")?;
            if !(1.0..=10.0).contains(&factor) {
                return Err(walker.error("amber_factor", "must be between 1.0 and 10.0"));
            }
            config.amber_factor = factor;
        }
        for (key, slot) in [
            ("call_expiry", &mut config.call_expiry),
            ("reorder_horizon", &mut config.reorder_horizon),
            ("stale_after", &mut config.stale_after),
            ("future_skew", &mut config.future_skew),
            ("pairing_grace", &mut config.pairing_grace),
            ("max_call_duration", &mut config.max_call_duration),
            ("max_incident_duration", &mut config.max_incident_duration),
        ] {
            if let Some(value) = walker.take(key) {
                *slot = walker.span(&value, key)?;
            }
        }
        config.idle_limit = match walker.take("idle_limit") {
            Some(value) => walker.span(&value, "idle_limit")?,
            None => config.stale_after * 2,
        };
        if let Some(value) = walker.take("calls") {
            let mut calls = walker.table(value, "calls")?;
            for (line, targets) in ["999", "101"].iter().zip(config.calls.iter_mut()) {
                if let Some(value) = calls.take(line) {
                    let mut keys = calls.table(value, line)?;
                    if let Some(v) = keys.take("mean_target") {
                        targets.mean = keys.optional_span(&v, "mean_target")?;
                    }
                    if let Some(v) = keys.take("sl_threshold") {
                        targets.sl_threshold = keys.optional_span(&v, "sl_threshold")?;
                    }
                    if let Some(v) = keys.take("sl_goal_pct") {
                        targets.sl_goal_pct = keys.optional_percent(&v, "sl_goal_pct")?;
                    }
                    keys.finish()?;
                }
            }
            calls.finish()?;
        }
        if let Some(value) = walker.take("incidents") {
            let mut incidents = walker.table(value, "incidents")?;
            for (grade, targets) in ["emergency", "priority"]
                .iter()
                .zip(config.incidents.iter_mut())
            {
                if let Some(value) = incidents.take(grade) {
                    let mut keys = incidents.table(value, grade)?;
                    if let Some(v) = keys.take("target") {
                        targets.target = keys.optional_span(&v, "target")?;
                    }
                    if let Some(v) = keys.take("goal_pct") {
                        targets.goal_pct = keys.optional_percent(&v, "goal_pct")?;
                    }
                    keys.finish()?;
                }
            }
            incidents.finish()?;
        }
        if let Some(value) = walker.take("areas") {
            config.areas = walker.areas(value)?;
        }
        walker.finish()?;
        Ok(config)
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
    pub(crate) fn backfill(&self) -> Span {
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
            amber_factor: self.amber_factor,
            call_expiry: self.call_expiry,
            retention,
            areas: self.areas.iter().map(|a| a.code.clone()).collect(),
            max_call_duration: self.max_call_duration,
            max_incident_duration: self.max_incident_duration,
        }
    }

    /// An area's display name, or its code when it is not configured.
    pub(crate) fn area_name<'a>(&'a self, code: &'a str) -> &'a str {
        self.areas
            .iter()
            .find(|area| area.code == code)
            .map_or(code, |area| area.name.as_str())
    }
}

/// The 1-based number of the line that byte `offset` of `text` is on. A span that starts
/// a line belongs to that line, not to the one its `\n` ends.
fn line_number_at(text: &str, offset: usize) -> usize {
    let before = &text.as_bytes()[..offset.min(text.len())];
    memchr::memchr_iter(b'\n', before).count().saturating_add(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    fn secs(secs: i64) -> Span {
        Span::from_secs(secs)
    }

    #[test]
    fn an_empty_file_gives_the_spec_defaults() {
        let config = Config::parse("").expect("empty config");
        assert_eq!(config, Config::default());
        assert_eq!(config.calls[0].mean, Some(secs(5)));
        assert_eq!(config.calls[0].sl_threshold, Some(secs(10)));
        assert_eq!(config.calls[0].sl_goal_pct, Some(90.0));
        assert_eq!(config.calls[1].mean, None);
        assert_eq!(config.calls[1].sl_threshold, Some(secs(180)));
        assert_eq!(config.calls[1].sl_goal_pct, Some(80.0));
        assert_eq!(config.incidents[0].target, Some(secs(900)));
        assert_eq!(config.incidents[0].goal_pct, Some(90.0));
        assert_eq!(config.incidents[1].target, Some(secs(3600)));
        assert_eq!(config.incidents[1].goal_pct, None);
        assert_eq!(config.areas.len(), 7);
        assert_eq!(config.area_name("BIR"), "Birmingham");
        assert_eq!(config.area_name("XYZ"), "XYZ");
    }

    #[test]
    fn the_example_file_parses_and_equals_the_defaults() {
        let text = include_str!("../../forceboard.example.toml");
        assert_eq!(Config::parse(text), Ok(Config::default()));
    }

    #[test]
    fn keys_override_defaults() {
        let config = Config::parse(
            r#"
            force_name = "Test Force"
            timezone = "UTC"
            windows = ["30m", "7d"]
            amber_factor = 1.5
            call_expiry = 600
            pairing_grace = "30s"
            [calls.999]
            mean_target = "8s"
            sl_goal_pct = "off"
            [incidents.priority]
            goal_pct = 75
            [[areas]]
            code = "N"
            name = "North"
            "#,
        )
        .expect("valid config");
        assert_eq!(config.force_name, "Test Force");
        assert_eq!(config.timezone, chrono_tz::UTC);
        assert_eq!(config.windows[1].span, Span::from_days(7));
        assert_eq!(config.amber_factor, 1.5);
        assert_eq!(config.call_expiry, Span::from_secs(600));
        assert_eq!(config.pairing_grace, Span::from_secs(30));
        assert_eq!(config.calls[0].mean, Some(secs(8)));
        assert_eq!(config.calls[0].sl_threshold, Some(secs(10)));
        assert_eq!(config.calls[0].sl_goal_pct, None);
        assert_eq!(config.incidents[1].goal_pct, Some(75.0));
        assert_eq!(
            config.areas,
            vec![Area {
                code: "N".into(),
                name: "North".into()
            }]
        );
        assert_eq!(config.engine_settings(None).retention, Span::from_days(7));
    }

    #[test]
    fn the_idle_limit_is_twice_stale_after_unless_set() {
        assert_eq!(Config::default().idle_limit, secs(60));
        let config = Config::parse("stale_after = \"45s\"").expect("valid config");
        assert_eq!(config.idle_limit, secs(90));
        let config = Config::parse("stale_after = \"45s\"\nidle_limit = \"2m\"").expect("valid");
        assert_eq!(config.idle_limit, secs(120));
        let message = Config::parse("idle_limit = \"0s\"")
            .expect_err("zero")
            .to_string();
        assert!(
            message.starts_with("`idle_limit` must be a positive duration"),
            "{message}"
        );
    }

    #[test]
    fn the_plausible_maxima_default_to_a_day_and_thirty_days_and_can_be_set() {
        let defaults = Config::default();
        assert_eq!(defaults.max_call_duration, secs(86_400));
        assert_eq!(defaults.max_incident_duration, secs(30 * 86_400));
        let config = Config::parse(
            r#"
            max_call_duration = "2h"
            max_incident_duration = "7d"
            "#,
        )
        .expect("valid config");
        assert_eq!(config.max_call_duration, secs(7_200));
        assert_eq!(config.max_incident_duration, secs(604_800));
        let settings = config.engine_settings(None);
        assert_eq!(settings.max_call_duration, secs(7_200));
        assert_eq!(settings.max_incident_duration, secs(604_800));
        let message = Config::parse("max_call_duration = \"0s\"")
            .expect_err("zero")
            .to_string();
        assert!(
            message.starts_with("`max_call_duration` must be a positive duration"),
            "{message}"
        );
    }

    #[test]
    fn bad_keys_and_values_are_one_sentence_naming_the_key() {
        let cases = [
            ("tz = \"UTC\"", "unknown key `tz`"),
            (
                "timezone = \"Europe/Lodnon\"",
                "`timezone` \"Europe/Lodnon\" is not an IANA time zone",
            ),
            ("amber_factor = \"high\"", "`amber_factor` must be a number"),
            (
                "amber_factor = 0.5",
                "`amber_factor` must be between 1.0 and 10.0",
            ),
            ("windows = []", "`windows` must be a list"),
            ("windows = [\"15q\"]", "`windows` must be a list"),
            (
                "stale_after = \"soon\"",
                "`stale_after` must be a positive duration",
            ),
            (
                "[calls.999]\nmean_target = \"5x\"",
                "`calls.999.mean_target` must be a duration",
            ),
            (
                "[calls.999]\nsl_goal_pct = 120",
                "`calls.999.sl_goal_pct` must be a percentage",
            ),
            (
                "[calls.999]\ntarget = \"5s\"",
                "unknown key `calls.999.target`",
            ),
            (
                "[calls.112]\nmean_target = \"5s\"",
                "unknown key `calls.112`",
            ),
            (
                "[incidents.emergency]\ntarget = -3",
                "`incidents.emergency.target` must be a duration",
            ),
            ("[[areas]]\nname = \"North\"", "`areas[0].code` is missing"),
            (
                "[[areas]]\ncode = \"N\"\n[[areas]]\ncode = \"N\"",
                "`areas[1].code` \"N\" is given twice",
            ),
            ("force_name = ", "line 1: "),
            // The second `force_name` is on line 3 (its span starts that line).
            (
                "force_name = \"A\"\ntimezone = \"UTC\"\nforce_name = \"B\"",
                "line 3: duplicate key",
            ),
            // Values and keys from the file are quoted with control characters escaped.
            (
                "timezone = \"\\u001b[2J\"",
                r#"`timezone` "\u{1b}[2J" is not an IANA time zone"#,
            ),
            ("\"\\u009b\" = 1", r"unknown key `\u{9b}`"),
            (
                "[[areas]]\ncode = \"N\\u0007\"\n[[areas]]\ncode = \"N\\u0007\"",
                r#"`areas[1].code` "N\u{7}" is given twice"#,
            ),
        ];
        for (text, expected) in cases {
            let message = Config::parse(text).expect_err(text).to_string();
            assert!(message.starts_with(expected), "{text:?} gave {message:?}");
            assert!(!message.contains('\n'), "one line: {message:?}");
        }
    }

    /// `count` areas coded A1, A2…
    fn areas_toml(count: usize) -> String {
        (1..=count).fold(String::new(), |mut toml, n| {
            let _ = writeln!(toml, "[[areas]]\ncode = \"A{n}\"");
            toml
        })
    }

    #[test]
    fn up_to_1024_areas_load_and_more_are_one_sentence_naming_the_key() {
        let config = Config::parse(&areas_toml(1024)).expect("1024 areas");
        assert_eq!(config.areas.len(), 1024);
        assert_eq!(config.areas[1023].code, "A1024");
        assert_eq!(config.area_name("A1024"), "A1024");
        let message = Config::parse(&areas_toml(1025))
            .expect_err("1025 areas")
            .to_string();
        assert_eq!(
            message,
            "`areas` lists 1025 areas, but at most 1024 can be configured"
        );
    }

    #[test]
    fn a_line_number_counts_the_newlines_before_the_offset() {
        let text = "a = 1\nb = 2\n";
        assert_eq!(line_number_at(text, 0), 1);
        assert_eq!(line_number_at(text, 5), 1);
        // Just past the first `\n`: the start of line 2.
        assert_eq!(line_number_at(text, 6), 2);
        assert_eq!(line_number_at(text, 12), 3);
        // An offset past the end is clamped, never a panic.
        assert_eq!(line_number_at(text, 1000), 3);
    }
}
