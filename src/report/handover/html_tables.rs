//! The handover page's tables: the intervals (the force, then each area), the breached
//! incidents and the feed's health.

use std::fmt::Write as _;

use chrono_tz::Tz;

use super::cells::{self, Part};
use super::html::local;
use super::svg::escape;
use super::{Handover, Interval};
use crate::config::Config;
use crate::engine::{Figures, StaffingByLine};
use crate::format::{duration, human_target};
use crate::model::{Grade, IncidentOutcome};
use crate::time::{format_utc, to_utc};

/// `Name (CODE)`, or the code alone.
fn area_label(config: &Config, code: &str) -> String {
    let name = config.area_name(code);
    if name == code {
        code.to_string()
    } else {
        format!("{name} ({code})")
    }
}

/// `19:00–19:15`, in the force's zone.
fn span_label(interval: &Interval, zone: Tz) -> String {
    let hm = |at| to_utc(at).with_timezone(&zone).format("%H:%M").to_string();
    format!("{}–{}", hm(interval.start), hm(interval.end))
}

fn write_part(out: &mut String, handover: &Handover, zone: Tz, area: Option<&str>, part: Part) {
    let scope = area.unwrap_or("force");
    let columns: Vec<_> = cells::columns()
        .into_iter()
        .filter(|c| c.part == part)
        .collect();
    let _ = write!(
        out,
        "<table class=\"intervals\" data-scope=\"{}\" data-part=\"{}\"><thead><tr><th class=\"l\">interval</th>",
        escape(scope),
        match part {
            Part::Calls => "calls",
            Part::Incidents => "incidents",
            Part::Staffing => "staffing",
        }
    );
    for column in &columns {
        let _ = write!(out, "<th>{}<br>({})</th>", escape(column.name), column.unit);
    }
    out.push_str("</tr></thead><tbody>");
    let none = StaffingByLine::default();
    for interval in &handover.intervals {
        let Some(figures) = figures_of(interval, area) else {
            continue;
        };
        let _ = write!(
            out,
            "<tr data-end=\"{}\"><th class=\"l\" scope=\"row\">{}</th>",
            format_utc(interval.end),
            span_label(interval, zone)
        );
        let staffing = if area.is_none() {
            &interval.staffing
        } else {
            &none
        };
        for column in &columns {
            let _ = write!(
                out,
                "<td>{}</td>",
                (column.value)(figures, staffing).text("–")
            );
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

/// The force's figures in an interval, or an area's.
fn figures_of<'a>(interval: &'a Interval, area: Option<&str>) -> Option<&'a Figures> {
    match area {
        None => Some(&interval.figures.force),
        Some(code) => interval
            .figures
            .areas
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, f)| f),
    }
}

/// The interval tables: the force (calls, incidents, and handlers where the feed reports
/// them), then each area's calls and incidents.
pub(super) fn write_intervals(out: &mut String, handover: &Handover, config: &Config) {
    let zone = config.timezone;
    let _ = write!(
        out,
        "<section id=\"intervals\"><h2>Interval by interval</h2><p class=\"note\">Each row is \
         the figures the board showed at the interval's end over that interval (calls \
         offered, answered and abandoned in it; the longest wait of the calls still waiting \
         at its end). Times are {}; counts in calls or incidents, times in seconds (answers) \
         or minutes (attendance), shares in percent; – is no data.</p><h3>Force</h3>",
        escape(&zone.to_string())
    );
    write_part(out, handover, zone, None, Part::Calls);
    write_part(out, handover, zone, None, Part::Incidents);
    if handover
        .intervals
        .iter()
        .any(|i| i.staffing.line_999.reported || i.staffing.line_101.reported)
    {
        write_part(out, handover, zone, None, Part::Staffing);
    } else {
        out.push_str("<p class=\"note\">No staffing events in this period: handlers on duty and needed are not known.</p>");
    }
    let codes: Vec<String> = handover
        .total
        .areas
        .iter()
        .map(|(code, _)| code.clone())
        .collect();
    for code in &codes {
        let _ = write!(out, "<h3>{}</h3>", escape(&area_label(config, code)));
        write_part(out, handover, zone, Some(code), Part::Calls);
        write_part(out, handover, zone, Some(code), Part::Incidents);
    }
    out.push_str("</section>\n");
}

/// Every incident past its target in the period, emergencies first.
pub(super) fn write_breaches(out: &mut String, handover: &Handover, config: &Config) {
    let zone = config.timezone;
    let _ = write!(
        out,
        "<section id=\"breaches\"><h2>Breached incidents ({})</h2><p class=\"note\">Every \
         emergency and priority incident past its attendance target at some moment of the \
         period, emergencies first, each in order of creation; over by: at its close, or at \
         the period's end while still open.</p>",
        handover.breaches.len()
    );
    if handover.breaches.is_empty() {
        out.push_str("<p>None.</p></section>\n");
        return;
    }
    out.push_str(
        "<table class=\"breaches\"><thead><tr><th class=\"l\">incident</th><th class=\"l\">area</th>\
         <th class=\"l\">grade</th><th class=\"l\">created</th><th class=\"l\">attended</th>\
         <th>target</th><th>over by</th></tr></thead><tbody>",
    );
    for breach in &handover.breaches {
        let life = &breach.life;
        let closed = match life.closed {
            Some((IncidentOutcome::Arrived, at)) => local(at, zone),
            Some((IncidentOutcome::Cancelled, at)) => format!("cancelled {}", local(at, zone)),
            None => "still open".to_string(),
        };
        let grade = match life.grade {
            Grade::Emergency => "emergency",
            Grade::Priority => "priority",
            Grade::Scheduled => "scheduled",
        };
        let _ = write!(
            out,
            "<tr><td class=\"l\">{}</td><td class=\"l\">{}</td><td class=\"l\">{grade}</td>\
             <td class=\"l\">{}</td><td class=\"l\">{}</td><td>{}</td><td>{}</td></tr>",
            escape(&life.id),
            escape(
                &life
                    .area
                    .as_deref()
                    .map_or("–".to_string(), |code| area_label(config, code))
            ),
            escape(&local(life.created, zone)),
            escape(&closed),
            life.target
                .map_or(String::new(), |t| human_target(t.as_secs_f64())),
            duration(breach.over.as_secs_f64()),
        );
    }
    out.push_str("</tbody></table></section>\n");
}

/// The feed's gaps and refused lines, so a reader knows what the figures cover.
pub(super) fn write_health(out: &mut String, handover: &Handover, zone: Tz) {
    let health = &handover.health;
    let counts = &health.counts;
    if health.from_board {
        let _ = writeln!(
            out,
            "<section id=\"feed\"><h2>The feed's health</h2><p>Written from a running board, \
             which keeps no times of past events: the feed's gaps are not listed here (a \
             report from the recording lists them). {} lines rejected since the board \
             started.</p></section>",
            counts.rejected
        );
        return;
    }
    let stale = human_target(health.stale_after.as_secs_f64());
    let _ = write!(
        out,
        "<section id=\"feed\"><h2>The feed's health</h2><p>Read to the period's end: {} \
         lines, {} accepted, {} rejected, {} duplicates, {} after the period's end.</p>\
         <h3>Gaps: no event for longer than {stale} ({})</h3>",
        counts.lines,
        counts.accepted,
        counts.rejected,
        counts.duplicates,
        counts.after_at,
        health.gaps.len(),
    );
    if health.gaps.is_empty() {
        let _ = write!(
            out,
            "<p>None: the feed was never silent for longer than {stale} in the period.</p>"
        );
    } else {
        out.push_str("<table class=\"gaps\"><thead><tr><th class=\"l\">from</th><th class=\"l\">to</th><th>silent for</th></tr></thead><tbody>");
        for gap in &health.gaps {
            let _ = write!(
                out,
                "<tr><td class=\"l\">{}</td><td class=\"l\">{}</td><td>{}</td></tr>",
                escape(&local(gap.start, zone)),
                escape(&local(gap.end, zone)),
                duration(gap.length().as_secs_f64()),
            );
        }
        out.push_str("</tbody></table>");
    }
    let _ = write!(
        out,
        "<h3>Rejected lines by reason ({})</h3>",
        counts.rejected
    );
    if health.rejected.is_empty() {
        out.push_str("<p>None.</p>");
    } else {
        out.push_str("<table class=\"rejected\"><thead><tr><th class=\"l\">reason</th><th>lines</th></tr></thead><tbody>");
        for (reason, count) in &health.rejected {
            let _ = write!(
                out,
                "<tr><td class=\"l\">{}</td><td>{count}</td></tr>",
                escape(reason)
            );
        }
        out.push_str(
            "</tbody></table><p class=\"note\">Counted over the file read up to the period's \
             end: a line that cannot be read has no time to place it in the period.</p>",
        );
    }
    out.push_str("</section>\n");
}
