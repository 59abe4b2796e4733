//! The alerts of the period on the handover page, from a board's audit log
//! (`report --format html --alert-log FILE`, the file a board wrote with `--alert-log`):
//! every raise, escalation, acknowledgement (who, their note), re-alarm and clear in the
//! period, in the order they happened.

use std::fmt::Write as _;
use std::path::Path;

use chrono_tz::Tz;
use serde::Deserialize;

use super::html::local;
use super::svg::escape;
use crate::time::{Timestamp, parse_rfc3339};

/// One line of the audit log, as the board wrote it.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedAlert {
    pub at: Timestamp,
    pub event: String,
    pub alert: String,
    pub level: Option<String>,
    pub value: Option<f64>,
    pub threshold: Option<f64>,
    pub by: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Line {
    at: String,
    event: String,
    alert: String,
    level: Option<String>,
    value: Option<f64>,
    threshold: Option<f64>,
    by: Option<String>,
    note: Option<String>,
}

/// The log's alerts, and how many of its lines were not alerts (unreadable).
pub fn read(path: &Path) -> std::io::Result<(Vec<LoggedAlert>, usize)> {
    let text = std::fs::read_to_string(path)?;
    let mut alerts = Vec::new();
    let mut unreadable = 0;
    for line in text.lines().filter(|line| !line.trim().is_empty()) {
        let read = serde_json::from_str::<Line>(line)
            .ok()
            .and_then(|line| Some((parse_rfc3339(&line.at).ok()?, line)));
        match read {
            Some((at, line)) => alerts.push(LoggedAlert {
                at,
                event: line.event,
                alert: line.alert,
                level: line.level,
                value: line.value,
                threshold: line.threshold,
                by: line.by,
                note: line.note,
            }),
            None => unreadable += 1,
        }
    }
    alerts.sort_by_key(|alert| alert.at);
    Ok((alerts, unreadable))
}

/// The section: the log's alerts in `(from, to]`.
pub(super) fn write(
    out: &mut String,
    log: &(Vec<LoggedAlert>, usize),
    (from, to): (Timestamp, Timestamp),
    zone: Tz,
) {
    let (alerts, unreadable) = log;
    let period: Vec<&LoggedAlert> = alerts
        .iter()
        .filter(|alert| alert.at > from && alert.at <= to)
        .collect();
    let _ = write!(
        out,
        "<section id=\"alerts\"><h2>Alerts in the period ({})</h2>",
        period.len()
    );
    if *unreadable > 0 {
        let _ = write!(
            out,
            "<p>{unreadable} lines of the alert log could not be read and are left out.</p>"
        );
    }
    if period.is_empty() {
        out.push_str("<p>None raised, acknowledged or cleared in the period.</p></section>\n");
        return;
    }
    out.push_str(
        "<table class=\"alerts\"><thead><tr><th class=\"l\">when</th><th class=\"l\">what</th>\
         <th class=\"l\">alert</th><th class=\"l\">level</th><th>figure</th><th>threshold</th>\
         <th class=\"l\">by</th><th class=\"l\">note</th></tr></thead><tbody>",
    );
    let number = |value: Option<f64>| value.map_or_else(String::new, |value| format!("{value:.1}"));
    for alert in period {
        let _ = write!(
            out,
            "<tr><td class=\"l\">{}</td><td class=\"l\">{}</td><td class=\"l\">{}</td>\
             <td class=\"l\">{}</td><td>{}</td><td>{}</td><td class=\"l\">{}</td>\
             <td class=\"l\">{}</td></tr>",
            escape(&local(alert.at, zone)),
            escape(&alert.event),
            escape(&alert.alert),
            escape(alert.level.as_deref().unwrap_or("")),
            number(alert.value),
            number(alert.threshold),
            escape(alert.by.as_deref().unwrap_or("")),
            escape(alert.note.as_deref().unwrap_or("")),
        );
    }
    out.push_str("</tbody></table></section>\n");
}
