//! `report`'s stacked layout, for screens narrower than the wide table: each figure group
//! as labelled lines (`mean 6.3s · p50 4.0s …`) that wrap at the screen's width, and the
//! areas as two narrow tables. Every figure of the wide table is here, written the same
//! way; only the arrangement differs.

use std::fmt::Write as _;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::config::{Config, Window};
use crate::engine::{CallFigures, Figures, IncidentFigures, Staffing};
use crate::format::{dur, dur_999, pct, printable};
use crate::model::CallLine;
use crate::time::{Timestamp, format_utc, to_utc};

use super::{Report, answer_text, area_label, goal_note, line_of, staffing, status_cell};

/// A figure group's lines start here.
const INDENT: &str = "  ";
/// Lines that a group's line wraps onto start here.
const CONTINUED: &str = "      ";
/// The narrowest name column of the area tables, however narrow the screen.
const MIN_NAME: usize = 12;
/// The widest: longer names are cut short with `…`.
const MAX_NAME: usize = 30;

/// The widest line of `text`, in display columns.
pub(super) fn widest(text: &str) -> usize {
    text.lines().map(UnicodeWidthStr::width).max().unwrap_or(0)
}

/// The whole report, stacked to fit `width` columns.
pub(super) fn to_text(config: &Config, report: &Report, window: &Window, width: usize) -> String {
    let (figures, counts) = (&report.figures, &report.counts);
    let mut out = String::new();
    title(&mut out, config, report.at, window, width);
    let force = &figures.force;
    calls(&mut out, "999", &force.calls.line_999, width);
    calls(&mut out, "101", &force.calls.line_101, width);
    if staffing::any(&report.staffing) {
        for line in CallLine::ALL {
            handlers(&mut out, line.label(), report.staffing.get(line), width);
        }
    }
    incidents(
        &mut out,
        "emergency",
        &force.incidents.emergency,
        true,
        width,
    );
    incidents(&mut out, "priority", &force.incidents.priority, true, width);
    incidents(
        &mut out,
        "scheduled",
        &force.incidents.scheduled,
        false,
        width,
    );
    areas(&mut out, config, &figures.areas, width);
    out.push('\n');
    flow(
        &mut out,
        &format!("FEED  {} lines: ", counts.lines),
        &[
            format!("{} accepted,", counts.accepted),
            format!("{} rejected,", counts.rejected),
            format!("{} duplicates,", counts.duplicates),
            format!("{} after the report time", counts.after_at),
        ],
        " ",
        width,
    );
    out
}

fn handlers(out: &mut String, label: &str, s: &Staffing, width: usize) {
    out.push('\n');
    let verdict = [staffing::verdict(s), "(Erlang C model)".to_string()];
    flow(out, &format!("STAFFING {label}  "), &verdict, " ", width);
    let cells = staffing::cells(s).map(|(name, cell)| format!("{name} {cell}"));
    flow(out, INDENT, &cells, " · ", width);
}

fn title(out: &mut String, config: &Config, at: Timestamp, window: &Window, width: usize) {
    let local = to_utc(at).with_timezone(&config.timezone);
    let _ = writeln!(out, "{}", clip(&printable(&config.force_name), width));
    flow(
        out,
        "figures at ",
        &[
            local.format("%Y-%m-%d %H:%M:%S %Z").to_string(),
            format!("({})", format_utc(at)),
        ],
        " ",
        width,
    );
    let from = to_utc(at - window.span).with_timezone(&config.timezone);
    flow(
        out,
        &format!("window {}: ", window.label),
        &[
            from.format("%d %b %H:%M:%S %Z").to_string(),
            format!("→ {}", local.format("%d %b %H:%M:%S %Z")),
        ],
        " ",
        width,
    );
}

fn calls(out: &mut String, label: &str, c: &CallFigures, width: usize) {
    let time = answer_text(label);
    let _ = writeln!(
        out,
        "\nCALLS {label}  {}",
        status_cell(c.status_words(line_of(label)), c.target_s)
    );
    let counts = [
        format!("offered {}", c.offered),
        format!("answered {}", c.answered),
        format!("abandoned {}", c.abandoned),
    ];
    flow(out, INDENT, &counts, " · ", width);
    let times = [
        format!("mean {}", time(c.mean_answer_s)),
        format!("p50 {}", time(c.p50_answer_s)),
        format!("p90 {}", time(c.p90_answer_s)),
        format!("max {}", time(c.max_answer_s)),
    ];
    flow(out, "  answer time  ", &times, " · ", width);
    let service = [
        format!(
            "service level {} {}",
            pct(c.service_level_pct),
            goal_note(c.sl_goal_pct, c.sl_threshold_s)
        )
        .trim_end()
        .to_string(),
        format!("abandon rate {}", pct(c.abandon_rate_pct)),
    ];
    flow(out, INDENT, &service, " · ", width);
    let live = [
        format!("waiting {}", c.waiting),
        format!("expired {}", c.expired),
        format!("longest wait {}", dur(c.longest_wait_s)),
    ];
    flow(out, INDENT, &live, " · ", width);
}

fn incidents(out: &mut String, label: &str, i: &IncidentFigures, tracked: bool, width: usize) {
    let status = if tracked {
        status_cell(i.status_words(), i.target_s)
    } else {
        "counted only".to_string()
    };
    let _ = writeln!(out, "\nINCIDENTS {label}  {status}");
    let counts = [
        format!("created {}", i.created),
        format!("attended {}", i.attended),
    ];
    flow(out, INDENT, &counts, " · ", width);
    let times = [
        format!("mean {}", dur(i.mean_attend_s)),
        format!("p50 {}", dur(i.p50_attend_s)),
        format!("p90 {}", dur(i.p90_attend_s)),
        format!("max {}", dur(i.max_attend_s)),
    ];
    flow(out, "  attendance  ", &times, " · ", width);
    let within = format!(
        "within target {} {}",
        pct(i.within_target_pct),
        goal_note(i.goal_pct, i.target_s)
    );
    flow(out, INDENT, &[within.trim_end().to_string()], " · ", width);
    let live = [
        format!("open {}", i.open),
        format!("breached {}", i.open_breached),
        format!("oldest open {}", dur(i.oldest_open_s)),
    ];
    flow(out, INDENT, &live, " · ", width);
}

/// The areas as two tables, calls then incidents, each narrow enough for 80 columns.
fn areas(out: &mut String, config: &Config, areas: &[(String, Figures)], width: usize) {
    let labels: Vec<String> = areas
        .iter()
        .map(|(code, _)| area_label(config, code))
        .collect();
    let columns = 9 + 8 + 9 + 9 + 8;
    let name_width = labels
        .iter()
        .map(|l| l.width())
        .max()
        .unwrap_or(0)
        .max("AREA".len())
        .min(width.saturating_sub(columns + 1).clamp(MIN_NAME, MAX_NAME));
    let name = |label: &str| pad(&clip(label, name_width), name_width);
    let _ = writeln!(
        out,
        "\n{} {:>9}{:>8}{:>9}{:>9}{:>8}",
        name("AREA"),
        "999 mean",
        "999 SL",
        "waiting",
        "101 mean",
        "101 SL"
    );
    for (label, (_, area)) in labels.iter().zip(areas) {
        let (c999, c101) = (&area.calls.line_999, &area.calls.line_101);
        let _ = writeln!(
            out,
            "{} {:>9}{:>8}{:>9}{:>9}{:>8}",
            name(label),
            dur_999(c999.mean_answer_s),
            pct(c999.service_level_pct),
            c999.waiting.saturating_add(c101.waiting),
            dur(c101.mean_answer_s),
            pct(c101.service_level_pct),
        );
    }
    let _ = writeln!(
        out,
        "\n{} {:>11}{:>10}{:>11}{:>6}",
        name("AREA"),
        "emerg mean",
        "emerg in",
        "prio mean",
        "open"
    );
    for (label, (_, area)) in labels.iter().zip(areas) {
        let (e, p) = (&area.incidents.emergency, &area.incidents.priority);
        let _ = writeln!(
            out,
            "{} {:>11}{:>10}{:>11}{:>6}",
            name(label),
            dur(e.mean_attend_s),
            pct(e.within_target_pct),
            dur(p.mean_attend_s),
            e.open.saturating_add(p.open),
        );
    }
}

/// Writes `lead` and then `items` joined by `sep`, starting a new line (indented under
/// the first item's level) whenever the next item would pass `width`; ends with a newline.
fn flow(out: &mut String, lead: &str, items: &[String], sep: &str, width: usize) {
    let mut line = lead.to_string();
    for (i, item) in items.iter().enumerate() {
        let joiner = if i == 0 { "" } else { sep };
        if i > 0 && line.width() + joiner.width() + item.width() > width {
            let _ = writeln!(out, "{}", line.trim_end());
            line = format!("{CONTINUED}{item}");
        } else {
            line.push_str(joiner);
            line.push_str(item);
        }
    }
    let _ = writeln!(out, "{}", line.trim_end());
}

/// `text` cut to `width` display columns, ending in `…` when cut.
fn clip(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut clipped = String::new();
    let mut used = 0;
    for c in text.chars() {
        let next = c.width().unwrap_or(0);
        // Room for the ellipsis.
        if used + next + 1 > width {
            break;
        }
        used += next;
        clipped.push(c);
    }
    clipped.push('…');
    clipped
}

/// `text` padded with spaces to `width` display columns (format's `{:<w}` counts chars).
fn pad(text: &str, width: usize) -> String {
    let fill = width.saturating_sub(text.width());
    format!("{text}{}", " ".repeat(fill))
}
