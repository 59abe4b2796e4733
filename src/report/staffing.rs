//! `report`'s staffing section (schema v1.1): each call line's handlers against the
//! Erlang C model, printed only when the feed reports staffing at all, so a v1 feed's
//! report reads as it always has.

use std::fmt::Write as _;

use crate::engine::{Staffing, StaffingByLine};
use crate::format::{dur, dur_999, pct};
use crate::model::CallLine;

/// Whether either line has staffing to show at T.
pub(super) fn any(staffing: &StaffingByLine) -> bool {
    CallLine::ALL
        .iter()
        .any(|&line| staffing.get(line).reported)
}

/// The verdict column: the cover in words, the growing queue, or why there is none.
pub(super) fn verdict(s: &Staffing) -> String {
    let mut words: Vec<String> = Vec::new();
    if let Some(cover) = s.cover() {
        words.push(cover.words(false));
    }
    if let Some(past_model) = s.needed_past_model_words() {
        words.push(past_model);
    }
    if s.queue_grows() {
        words.push("queue will grow".to_string());
    }
    if let Some(missing) = s.missing_words() {
        words.push(missing.to_string());
    }
    if words.is_empty() {
        "-".to_string()
    } else {
        words.join(" · ")
    }
}

fn count(value: Option<impl ToString>) -> String {
    value.map_or_else(|| "-".to_string(), |v| v.to_string())
}

/// The figures as labelled cells, in the table's order.
pub(super) fn cells(s: &Staffing) -> [(&'static str, String); 7] {
    [
        ("arrivals/h", count(s.arrivals_per_h)),
        ("handle mean", dur(s.handle_s_mean)),
        ("on duty", count(s.on_duty)),
        ("available", count(s.available)),
        ("needed", s.needed_cell()),
        ("model SL", pct(s.forecast_sl_pct)),
        ("model wait", dur_999(s.forecast_wait_s)),
    ]
}

/// The wide table's section: a header and one row a line.
pub(super) fn write_wide(out: &mut String, staffing: &StaffingByLine) {
    if !any(staffing) {
        return;
    }
    let _ = write!(out, "\n{:<10}", "STAFFING");
    for (label, _) in cells(&staffing.line_999) {
        let _ = write!(out, "{label:>13}");
    }
    let _ = writeln!(out, "  cover (Erlang C model)");
    for line in CallLine::ALL {
        let s = staffing.get(line);
        let _ = write!(out, "{:<10}", line.label());
        for (_, cell) in cells(s) {
            let _ = write!(out, "{cell:>13}");
        }
        let _ = writeln!(out, "  {}", verdict(s));
    }
}
