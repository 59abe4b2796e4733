//! The handover as one self-contained HTML page: no script, nothing fetched, its own
//! style sheet inline, print styles for A4 with a page break before each section.

use std::fmt::Write as _;

use chrono_tz::Tz;

use super::Handover;
use super::alert_log::LoggedAlert;
use super::charts;
use super::html_tables;
use super::svg::escape;
use crate::config::Config;
use crate::engine::{CallFigures, IncidentFigures, Status};
use crate::format::{dur, dur_999, human_target, pct};
use crate::model::CallLine;
use crate::time::{Timestamp, format_utc, to_utc};

const STYLE: &str = "\
body{font-family:sans-serif;font-size:10pt;color:#000;background:#fff;margin:1.5em;}
h1{font-size:15pt;margin:0 0 .2em}h2{font-size:12.5pt;margin:.2em 0 .5em}h3{font-size:11pt;margin:1em 0 .3em}
p.sub{margin:0 0 1em}
table{border-collapse:collapse;margin:0 0 1em}
th,td{border:1px solid #888;padding:2px 5px;text-align:right}
th{background:#eee}th.l,td.l{text-align:left}
table.intervals{font-size:7.5pt}
td.red{font-weight:bold}
figure{margin:0 0 1em;break-inside:avoid}figcaption{font-size:9pt;margin-bottom:.2em}
svg.chart{width:100%;max-width:180mm;height:auto;border:1px solid #ccc}
.note{font-size:9pt}
@page{size:A4;margin:12mm}
@media print{body{margin:0}section{break-before:page}section:first-of-type{break-before:auto}\
table.intervals{break-inside:auto}tr{break-inside:avoid}h2,h3{break-after:avoid}}
";

/// A time for people: `Fri 05 Jul 19:00 BST`.
pub(crate) fn local(at: Timestamp, zone: Tz) -> String {
    to_utc(at)
        .with_timezone(&zone)
        .format("%a %d %b %Y %H:%M:%S %Z")
        .to_string()
}

/// The whole page.
pub fn page(handover: &Handover, config: &Config, source: &str) -> String {
    page_with_alerts(handover, config, source, None)
}

/// The whole page, with the alerts of a board's audit log in the period (`--alert-log`).
pub fn page_with_alerts(
    handover: &Handover,
    config: &Config,
    source: &str,
    alerts: Option<&(Vec<LoggedAlert>, usize)>,
) -> String {
    let zone = config.timezone;
    let force = escape(&config.force_name);
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\">\
         <title>{force} handover {} to {}</title><style>{STYLE}</style></head><body>\n",
        escape(&local(handover.from, zone)),
        escape(&local(handover.to, zone)),
    );
    let _ = write!(
        out,
        "<section id=\"headline\"><h1>{force} — handover</h1>\
         <p class=\"sub\">From {} to {} ({} to {}); intervals of {}; feed {}.</p>",
        escape(&local(handover.from, zone)),
        escape(&local(handover.to, zone)),
        format_utc(handover.from),
        format_utc(handover.to),
        human_target(handover.interval.as_secs_f64()),
        escape(source),
    );
    write_headline(&mut out, handover);
    out.push_str("</section>\n");
    write_charts(&mut out, handover, zone);
    html_tables::write_intervals(&mut out, handover, config);
    html_tables::write_breaches(&mut out, handover, config);
    if let Some(alerts) = alerts {
        super::alert_log::write(&mut out, alerts, (handover.from, handover.to), zone);
    }
    html_tables::write_health(&mut out, handover, zone);
    out.push_str("</body></html>\n");
    out
}

/// The board's word for a verdict, beside its mark.
fn verdict(status: Status) -> &'static str {
    match status {
        Status::Green => "✔ on target",
        Status::Amber => "▲ approaching",
        Status::Red => "✖ missed",
        Status::None => "· no verdict",
    }
}

fn headline_row(out: &mut String, measure: &str, value: &str, target: &str, status: Status) {
    let class = if status == Status::Red {
        " class=\"red l\""
    } else {
        " class=\"l\""
    };
    let _ = write!(
        out,
        "<tr><td class=\"l\">{}</td><td>{}</td><td>{}</td><td{class}>{}</td></tr>",
        escape(measure),
        escape(value),
        escape(target),
        verdict(status)
    );
}

fn call_rows(out: &mut String, line: CallLine, c: &CallFigures) {
    let label = line.label();
    let time = |v| match line {
        CallLine::Emergency999 => dur_999(v),
        CallLine::NonEmergency101 => dur(v),
    };
    let _ = write!(
        out,
        "<tr><th class=\"l\" colspan=\"4\">{label} calls: {} offered, {} answered, {} abandoned \
         ({} abandon rate) — the board says {}</th></tr>",
        c.offered,
        c.answered,
        c.abandoned,
        pct(c.abandon_rate_pct),
        escape(&c.status_words(line)),
    );
    let target = c.target_s.map_or("no target".to_string(), |t| {
        format!("≤ {}", human_target(t))
    });
    headline_row(
        out,
        &format!("{label} mean answer"),
        &time(c.mean_answer_s),
        &target,
        c.verdicts.mean,
    );
    headline_row(
        out,
        &format!("{label} p90 answer"),
        &time(c.p90_answer_s),
        "",
        Status::None,
    );
    let goal = match (c.sl_goal_pct, c.sl_threshold_s) {
        (Some(goal), Some(within)) => format!("≥ {goal}% within {}", human_target(within)),
        _ => "no goal".to_string(),
    };
    headline_row(
        out,
        &format!("{label} service level"),
        &pct(c.service_level_pct),
        &goal,
        c.verdicts.service_level,
    );
}

fn incident_rows(out: &mut String, name: &str, i: &IncidentFigures) {
    let _ = write!(
        out,
        "<tr><th class=\"l\" colspan=\"4\">{name} incidents: {} created, {} attended; {} open at the \
         end, {} of them past target — the board says {}</th></tr>",
        i.created,
        i.attended,
        i.open,
        i.open_breached,
        escape(&i.status_words()),
    );
    let target = i.target_s.map_or("no target".to_string(), |t| {
        format!("≤ {}", human_target(t))
    });
    headline_row(
        out,
        &format!("{name} mean attendance"),
        &dur(i.mean_attend_s),
        &target,
        i.verdicts.mean,
    );
    let goal = match (i.goal_pct, i.target_s) {
        (Some(goal), Some(target)) => format!("≥ {goal}% within {}", human_target(target)),
        _ => "no goal".to_string(),
    };
    headline_row(
        out,
        &format!("{name} within target"),
        &pct(i.within_target_pct),
        &goal,
        i.verdicts.within_target,
    );
    headline_row(
        out,
        &format!("{name} open past target at the end"),
        &i.open_breached.to_string(),
        "none",
        i.verdicts.breached,
    );
}

fn write_headline(out: &mut String, handover: &Handover) {
    let force = &handover.total.force;
    out.push_str(
        "<h2>The period against every target and goal</h2>\
         <table class=\"headline\"><thead><tr><th class=\"l\">measure</th><th>period</th>\
         <th>target or goal</th><th class=\"l\">verdict</th></tr></thead><tbody>",
    );
    call_rows(out, CallLine::Emergency999, &force.calls.line_999);
    call_rows(out, CallLine::NonEmergency101, &force.calls.line_101);
    incident_rows(out, "emergency", &force.incidents.emergency);
    incident_rows(out, "priority", &force.incidents.priority);
    out.push_str("</tbody></table>");
    let _ = write!(
        out,
        "<p class=\"note\">{} breached incidents in the period (listed at the end); \
         the feed had {} gaps longer than {} and {} rejected lines.</p>",
        handover.breaches.len(),
        handover.health.gaps.len(),
        human_target(handover.health.stale_after.as_secs_f64()),
        handover.health.counts.rejected,
    );
}

fn write_charts(out: &mut String, handover: &Handover, zone: Tz) {
    out.push_str("<section id=\"charts\"><h2>Charts</h2>");
    for chart in charts::all(handover, zone) {
        let _ = write!(
            out,
            "<figure><figcaption>{}</figcaption>{}</figure>",
            escape(&chart.title),
            chart.svg
        );
    }
    out.push_str("</section>\n");
}
