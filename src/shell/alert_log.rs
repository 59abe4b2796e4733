//! `--alert-log FILE`: every raise, escalation, acknowledgement (who, and their note),
//! re-alarm and clear, one JSON object a line, appended, with the board's time and the
//! figure's value — what a supervisor's decisions are later checked against.

use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::Path;

use anyhow::Context as _;
use serde_json::json;

use crate::app::alerts::{ActiveAlert, AlertEvent, Level};
use crate::time::format_utc;

pub(crate) struct AlertLog {
    file: File,
    /// A write failed: said once in the log, not on every event.
    failed: bool,
}

impl AlertLog {
    pub(crate) fn open(path: &Path) -> anyhow::Result<AlertLog> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .with_context(|| format!("cannot open the alert log {}", path.display()))?;
        Ok(AlertLog {
            file,
            failed: false,
        })
    }

    pub(crate) fn write(&mut self, events: &[AlertEvent]) {
        for event in events {
            let line = entry(event).to_string();
            if let Err(error) = writeln!(self.file, "{line}") {
                if !self.failed {
                    tracing::warn!(%error, "the alert log cannot be written");
                }
                self.failed = true;
            }
        }
    }
}

fn level(level: Level) -> &'static str {
    match level {
        Level::Warning => "warning",
        Level::Critical => "critical",
    }
}

fn alert_entry(what: &str, alert: &ActiveAlert, at: crate::time::Timestamp) -> serde_json::Value {
    let mut entry = json!({
        "at": format_utc(at),
        "event": what,
        "alert": alert.key.label(),
        "level": level(alert.level),
        "value": alert.value,
        "threshold": alert.threshold,
    });
    if let Some(ack) = &alert.acknowledged {
        entry["by"] = json!(ack.by);
        entry["note"] = json!(ack.note);
    }
    entry
}

/// One event as the log and the alert command write it.
pub(crate) fn entry(event: &AlertEvent) -> serde_json::Value {
    match event {
        AlertEvent::Raised(alert) => alert_entry("raised", alert, alert.alarmed_at),
        AlertEvent::Escalated(alert) => alert_entry("escalated", alert, alert.alarmed_at),
        AlertEvent::Realarmed(alert) => alert_entry("realarmed", alert, alert.alarmed_at),
        AlertEvent::Acknowledged(alert) => {
            let at = alert
                .acknowledged
                .as_ref()
                .map_or(alert.alarmed_at, |ack| ack.at);
            alert_entry("acknowledged", alert, at)
        }
        AlertEvent::Cleared { key, at, value } => json!({
            "at": format_utc(*at),
            "event": "cleared",
            "alert": key.label(),
            "value": value,
        }),
    }
}
