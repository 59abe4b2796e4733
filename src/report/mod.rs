//! Headless figures: `forceboard report`'s table and JSON, and the period's handover
//! (HTML and CSV, [`handover`]). The table is one wide row per
//! figure group where it fits (or where nothing says how wide the screen is), else the
//! stacked layout of [`stacked`].

pub mod handover;
mod stacked;
mod staffing;

use std::fmt::Write as _;
use std::io;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::config::{Config, Window};
use crate::engine::{
    CallFigures, Engine, Figures, IncidentFigures, IncidentsByGrade, ScopedFigures, Staffing,
    StaffingByLine,
};
use crate::format::{dur, dur_999, human_target, pct, printable};
use crate::ingest::{FeedCounts, FeedInput, ingest_reader};
use crate::model::CallLine;
use crate::time::{Span, Timestamp, format_utc, to_utc};

/// What `report` computes: the figures at T over one window, and the feed's line counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub at: Timestamp,
    pub figures: ScopedFigures,
    /// Each call line's staffing at T (schema v1.1; all `None` without such events).
    pub staffing: StaffingByLine,
    pub counts: FeedCounts,
}

/// Reads a whole feed in time order and computes the figures at `until` (or, without it,
/// at the latest accepted event's time). `Ok(None)` when there is no time to report at.
pub fn compute<'r>(
    input: impl Into<FeedInput<'r>>,
    config: &Config,
    until: Option<Timestamp>,
    window: &Window,
) -> io::Result<Option<Report>> {
    let engine = Engine::new(config.engine_settings(Some(window.span)));
    let (engine, counts) =
        ingest_reader(input, engine, config.reorder_horizon, until, &mut |_, _| {})?;
    Ok(until.or(counts.latest_accepted).map(|at| Report {
        at,
        figures: engine.scoped_figures(at, window.span),
        staffing: engine.staffing_by_line(at),
        counts,
    }))
}

/// How `report` prints: a table for people, or the feed contract's JSON object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
}

impl Report {
    /// The report as `report` prints it, ending in one newline. `width`: the screen's
    /// columns, when known; the table then fits them (the wide table if it can, else the
    /// stacked one). Without it, the wide table, as scripts have always read it.
    pub fn render(
        &self,
        config: &Config,
        window: &Window,
        format: Format,
        width: Option<usize>,
    ) -> String {
        let text = match format {
            Format::Table => {
                let wide = to_table(config, self, window);
                match width {
                    Some(width) if stacked::widest(&wide) > width => {
                        stacked::to_text(config, self, window, width)
                    }
                    _ => wide,
                }
            }
            Format::Json => to_json(self, window),
        };
        format!("{}\n", text.trim_end())
    }
}

/// What `forceboard` prints when standard output is not a terminal: the built-in demo
/// day's table over 24 h at its last event, under a heading that says it is not real.
/// `width` as for [`Report::render`].
pub fn demo_day(config: &Config, width: Option<usize>) -> io::Result<String> {
    let window = Window::new(Span::from_hours(24));
    let report = compute(crate::DEMO_DAY.as_bytes(), config, None, &window)?
        .ok_or_else(|| io::Error::other("the built-in demo day is empty"))?;
    Ok(format!(
        "DEMO DATA (synthetic)\n\n{}",
        report.render(config, &window, Format::Table, width)
    ))
}

/// The object `report --json` prints (the feed contract).
#[derive(Serialize)]
pub(crate) struct ReportJson<'a> {
    pub(crate) at: String,
    pub(crate) window: &'a str,
    pub(crate) calls: CallsJson<'a>,
    pub(crate) incidents: &'a IncidentsByGrade,
    pub(crate) lpas: AreaMap<'a>,
    pub(crate) feed: &'a FeedCounts,
}

/// The force's call lines: each line's figures over the window, and its staffing at T.
#[derive(Serialize)]
pub(crate) struct CallsJson<'a> {
    #[serde(rename = "999")]
    pub(crate) line_999: CallJson<'a>,
    #[serde(rename = "101")]
    pub(crate) line_101: CallJson<'a>,
}

/// One call line in `report --json`: the window's figures, then `staffing`.
#[derive(Serialize)]
pub(crate) struct CallJson<'a> {
    #[serde(flatten)]
    pub(crate) figures: &'a CallFigures,
    pub(crate) staffing: &'a Staffing,
}

/// Areas in display order, serialized as a JSON object keyed by code.
pub(crate) struct AreaMap<'a>(pub &'a [(String, Figures)]);

impl Serialize for AreaMap<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (code, figures) in self.0 {
            map.serialize_entry(code, figures)?;
        }
        map.end()
    }
}

/// `report --json`: one pretty-printed object.
pub fn to_json(report: &Report, window: &Window) -> String {
    let (calls, staffing) = (&report.figures.force.calls, &report.staffing);
    let report = ReportJson {
        at: format_utc(report.at),
        window: &window.label,
        calls: CallsJson {
            line_999: CallJson {
                figures: &calls.line_999,
                staffing: &staffing.line_999,
            },
            line_101: CallJson {
                figures: &calls.line_101,
                staffing: &staffing.line_101,
            },
        },
        incidents: &report.figures.force.incidents,
        lpas: AreaMap(&report.figures.areas),
        feed: &report.counts,
    };
    // Serializing plain data with string keys cannot fail; fall back to an empty object.
    serde_json::to_string_pretty(&report).unwrap_or_else(|_| "{}".to_string())
}

fn goal_note(goal: Option<f64>, threshold: Option<f64>) -> String {
    match (goal, threshold) {
        (Some(goal), Some(threshold)) => format!("(goal {goal}% ≤{})", human_target(threshold)),
        (None, Some(threshold)) => format!("(≤{})", human_target(threshold)),
        _ => String::new(),
    }
}

/// A figure's status in the board's words, naming what decided it, with its target:
/// `✖ 33.3% IN 10s (target 5s)`, `· NO TARGET`.
fn status_cell(words: String, target: Option<f64>) -> String {
    match target {
        Some(target) => format!("{words} (target {})", human_target(target)),
        None => words,
    }
}

/// The call line a table row's label names.
fn line_of(label: &str) -> CallLine {
    if label == "999" {
        CallLine::Emergency999
    } else {
        CallLine::NonEmergency101
    }
}

/// How a call line's answer times are written: tenths of a second for 999.
fn answer_text(label: &str) -> fn(Option<f64>) -> String {
    match line_of(label) {
        CallLine::Emergency999 => dur_999,
        CallLine::NonEmergency101 => dur,
    }
}

fn call_row(out: &mut String, label: &str, c: &CallFigures) {
    let time = answer_text(label);
    let _ = writeln!(
        out,
        "{label:<10}{:>8}{:>10}{:>11}{:>9}{:>9}{:>9}{:>9}  {:>6} {:<22}{:>8}{:>9}{:>9}{:>10}  {}",
        c.offered,
        c.answered,
        c.abandoned,
        time(c.mean_answer_s),
        time(c.p50_answer_s),
        time(c.p90_answer_s),
        time(c.max_answer_s),
        pct(c.service_level_pct),
        goal_note(c.sl_goal_pct, c.sl_threshold_s),
        pct(c.abandon_rate_pct),
        c.waiting,
        c.expired,
        dur(c.longest_wait_s),
        status_cell(c.status_words(line_of(label)), c.target_s),
    );
}

fn incident_row(out: &mut String, label: &str, i: &IncidentFigures, tracked: bool) {
    let _ = writeln!(
        out,
        "{label:<10}{:>8}{:>10}{:>9}{:>9}{:>9}{:>9}  {:>6} {:<22}{:>6}{:>10}{:>9}  {}",
        i.created,
        i.attended,
        dur(i.mean_attend_s),
        dur(i.p50_attend_s),
        dur(i.p90_attend_s),
        dur(i.max_attend_s),
        pct(i.within_target_pct),
        goal_note(i.goal_pct, i.target_s),
        i.open,
        i.open_breached,
        dur(i.oldest_open_s),
        if tracked {
            status_cell(i.status_words(), i.target_s)
        } else {
            "counted only".to_string()
        },
    );
}

/// `report`'s readable table.
pub(crate) fn to_table(config: &Config, report: &Report, window: &Window) -> String {
    let (figures, counts) = (&report.figures, &report.counts);
    let mut out = String::new();
    write_title(&mut out, config, report.at, window);
    write_calls(&mut out, &figures.force);
    staffing::write_wide(&mut out, &report.staffing);
    write_incidents(&mut out, &figures.force);
    write_areas(&mut out, config, &figures.areas);
    let _ = writeln!(
        out,
        "\nFEED  {} lines: {} accepted, {} rejected, {} duplicates, {} after the report time",
        counts.lines, counts.accepted, counts.rejected, counts.duplicates, counts.after_at
    );
    out
}

fn write_title(out: &mut String, config: &Config, at: Timestamp, window: &Window) {
    let local = to_utc(at).with_timezone(&config.timezone);
    let _ = writeln!(
        out,
        "{} — figures at {} ({}), window {} ({} → {})\n",
        printable(&config.force_name),
        local.format("%Y-%m-%d %H:%M:%S %Z"),
        format_utc(at),
        window.label,
        to_utc(at - window.span)
            .with_timezone(&config.timezone)
            .format("%d %b %H:%M:%S %Z"),
        local.format("%d %b %H:%M:%S %Z"),
    );
}

fn write_calls(out: &mut String, force: &Figures) {
    let _ = writeln!(
        out,
        "{:<10}{:>8}{:>10}{:>11}{:>9}{:>9}{:>9}{:>9}  {:<29}{:>8}{:>9}{:>9}{:>10}  status",
        "CALLS",
        "offered",
        "answered",
        "abandoned",
        "mean",
        "p50",
        "p90",
        "max",
        "service level",
        "abandon",
        "waiting",
        "expired",
        "longest",
    );
    call_row(out, "999", &force.calls.line_999);
    call_row(out, "101", &force.calls.line_101);
}

fn write_incidents(out: &mut String, force: &Figures) {
    let _ = writeln!(
        out,
        "\n{:<10}{:>8}{:>10}{:>9}{:>9}{:>9}{:>9}  {:<29}{:>6}{:>10}{:>9}  status",
        "INCIDENTS",
        "created",
        "attended",
        "mean",
        "p50",
        "p90",
        "max",
        "within target",
        "open",
        "breached",
        "oldest",
    );
    incident_row(out, "emergency", &force.incidents.emergency, true);
    incident_row(out, "priority", &force.incidents.priority, true);
    incident_row(out, "scheduled", &force.incidents.scheduled, false);
}

fn write_areas(out: &mut String, config: &Config, areas: &[(String, Figures)]) {
    let _ = writeln!(
        out,
        "\n{:<24}{:>9}{:>8}{:>8}{:>9}{:>8}{:>11}{:>9}{:>11}{:>6}",
        "AREA",
        "999 mean",
        "999 SL",
        "waiting",
        "101 mean",
        "101 SL",
        "emerg mean",
        "emerg in",
        "prio mean",
        "open",
    );
    for (code, area) in areas {
        let label = area_label(config, code);
        let open = area.incidents.emergency.open + area.incidents.priority.open;
        let _ = writeln!(
            out,
            "{label:<24}{:>9}{:>8}{:>8}{:>9}{:>8}{:>11}{:>9}{:>11}{:>6}",
            dur_999(area.calls.line_999.mean_answer_s),
            pct(area.calls.line_999.service_level_pct),
            area.calls.line_999.waiting + area.calls.line_101.waiting,
            dur(area.calls.line_101.mean_answer_s),
            pct(area.calls.line_101.service_level_pct),
            dur(area.incidents.emergency.mean_attend_s),
            pct(area.incidents.emergency.within_target_pct),
            dur(area.incidents.priority.mean_attend_s),
            open,
        );
    }
}

/// `Name (CODE)`, or the code alone when it has no name. Codes come from the feed and
/// names from the config: neither may reach the terminal raw.
fn area_label(config: &Config, code: &str) -> String {
    let name = config.area_name(code);
    if name == code {
        printable(code).into_owned()
    } else {
        format!("{} ({})", printable(name), printable(code))
    }
}
