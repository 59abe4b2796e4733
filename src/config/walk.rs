//! Walking a TOML table key by key, so that every error names the exact key
//! (`calls.999.sl_goal_pct`) and what is left at the end is an unknown key.

use std::collections::HashSet;

use toml::{Table, Value};

use super::{Area, ConfigError, Window};
use crate::engine::MAX_AREAS;
use crate::format::printable;
use crate::time::{Span, parse_span};

/// Takes keys out of a table one by one, so that what is left at the end is unknown.
pub(super) struct Walker {
    table: Table,
    prefix: String,
}

impl Walker {
    pub(super) fn new(table: Table, prefix: &str) -> Walker {
        Walker {
            table,
            prefix: prefix.to_string(),
        }
    }

    pub(super) fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    /// The key and the problem (which may quote the file's values), escaped for people.
    pub(super) fn error(&self, key: &str, problem: &str) -> ConfigError {
        let message = format!("`{}` {problem}", self.key(key));
        ConfigError(printable(&message).into_owned())
    }

    pub(super) fn take(&mut self, key: &str) -> Option<Value> {
        self.table.remove(key)
    }

    pub(super) fn finish(self) -> Result<(), ConfigError> {
        match self.table.keys().next() {
            Some(unknown) => Err(ConfigError(format!(
                "unknown key `{}` (see forceboard.example.toml for every key)",
                printable(&self.key(unknown))
            ))),
            None => Ok(()),
        }
    }

    pub(super) fn table(&self, value: Value, key: &str) -> Result<Walker, ConfigError> {
        match value {
            Value::Table(table) => Ok(Walker::new(table, &format!("{}.", self.key(key)))),
            _ => Err(self.error(key, "must be a table")),
        }
    }

    pub(super) fn text(&self, value: &Value, key: &str) -> Result<String, ConfigError> {
        value
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| self.error(key, "must be a string"))
    }

    pub(super) fn number(&self, value: &Value, key: &str) -> Result<f64, ConfigError> {
        match value {
            Value::Integer(n) => Ok(*n as f64),
            Value::Float(x) if x.is_finite() => Ok(*x),
            _ => Err(self.error(key, "must be a number")),
        }
    }

    /// A duration: `"30s"`, `"15m"`, `"1h"`, or a number of seconds.
    pub(super) fn span(&self, value: &Value, key: &str) -> Result<Span, ConfigError> {
        let span = match value {
            Value::String(text) => parse_span(text),
            // Checked, not saturated: too many seconds is an error, not 292 years.
            Value::Integer(n) => n.checked_mul(Span::SECOND.nanos()).map(Span::from_nanos),
            Value::Float(x) if x.is_finite() && *x < 1e9 => {
                Some(Span::from_nanos_f64((x * 1e9).round()))
            }
            _ => None,
        };
        match span {
            Some(span) if span.is_positive() => Ok(span),
            _ => Err(self.error(
                key,
                "must be a positive duration such as \"30s\", \"15m\" or \"1h\" (or a number of seconds)",
            )),
        }
    }

    pub(super) fn is_off(value: &Value) -> bool {
        matches!(value, Value::String(text) if text == "off" || text == "none")
    }

    /// A duration, or `"off"` for none.
    pub(super) fn optional_span(
        &self,
        value: &Value,
        key: &str,
    ) -> Result<Option<Span>, ConfigError> {
        if Walker::is_off(value) {
            return Ok(None);
        }
        self.span(value, key).map(Some).map_err(|_| {
            self.error(
                key,
                "must be a duration such as \"5s\" or \"15m\", or \"off\"",
            )
        })
    }

    /// A percentage from 0 to 100, or `"off"` for none.
    pub(super) fn optional_percent(
        &self,
        value: &Value,
        key: &str,
    ) -> Result<Option<f64>, ConfigError> {
        if Walker::is_off(value) {
            return Ok(None);
        }
        match self.number(value, key) {
            Ok(pct) if (0.0..=100.0).contains(&pct) => Ok(Some(pct)),
            _ => Err(self.error(key, "must be a percentage from 0 to 100, or \"off\"")),
        }
    }

    pub(super) fn windows(&self, value: &Value) -> Result<Vec<Window>, ConfigError> {
        let problem = "must be a list of 1 to 9 durations such as [\"15m\", \"1h\", \"24h\"]";
        let items = value
            .as_array()
            .filter(|items| (1..=9).contains(&items.len()))
            .ok_or_else(|| self.error("windows", problem))?;
        items
            .iter()
            .map(|item| {
                item.as_str()
                    .and_then(Window::parse)
                    .ok_or_else(|| self.error("windows", problem))
            })
            .collect()
    }

    /// The `[[areas]]` tables, at most [`MAX_AREAS`] (the engine keeps no more), each code
    /// once. Linear in the number of areas: a long list must not stall start-up.
    pub(super) fn areas(&self, value: Value) -> Result<Vec<Area>, ConfigError> {
        let Value::Array(items) = value else {
            return Err(self.error("areas", "must be a list of [[areas]] tables"));
        };
        if items.len() > MAX_AREAS {
            return Err(self.error(
                "areas",
                &format!(
                    "lists {} areas, but at most {MAX_AREAS} can be configured",
                    items.len()
                ),
            ));
        }
        let mut areas: Vec<Area> = Vec::with_capacity(items.len());
        let mut codes: HashSet<String> = HashSet::with_capacity(items.len());
        for (index, item) in items.into_iter().enumerate() {
            let key = format!("areas[{index}]");
            let mut area = self.table(item, &key)?;
            let code = match area.take("code") {
                Some(v) => area.text(&v, "code")?,
                None => return Err(area.error("code", "is missing")),
            };
            let code = code.trim().to_string();
            if code.is_empty() {
                return Err(area.error("code", "must not be empty"));
            }
            let name = match area.take("name") {
                Some(v) => area.text(&v, "name")?,
                None => code.clone(),
            };
            if !codes.insert(code.clone()) {
                return Err(area.error("code", &format!("\"{code}\" is given twice")));
            }
            area.finish()?;
            areas.push(Area { code, name });
        }
        Ok(areas)
    }
}
