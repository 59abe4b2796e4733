//! The handover's interval table as CSV: one row per interval × scope (the force, then
//! each area), the header naming each column's unit. Handler columns are filled on the
//! force's rows only (staffing events name a line, not an area).

use std::fmt::Write as _;

use super::Handover;
use super::cells;
use crate::engine::StaffingByLine;
use crate::time::format_utc;

/// A CSV field: quoted when it holds a comma, a quote or a line break; text a spreadsheet
/// would run as a formula (an area code from the feed starting `=`, `+`, `-` or `@`) is
/// kept as text with a leading `'`.
fn field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The whole file.
pub fn table(handover: &Handover) -> String {
    let columns = cells::columns();
    let mut out = String::from("interval start (UTC),interval end (UTC),area");
    for column in &columns {
        let _ = write!(out, ",{}", field(&column.header()));
    }
    out.push('\n');
    let none = StaffingByLine::default();
    for interval in &handover.intervals {
        let scopes = std::iter::once(("force", &interval.figures.force, &interval.staffing)).chain(
            interval
                .figures
                .areas
                .iter()
                .map(|(code, figures)| (code.as_str(), figures, &none)),
        );
        for (scope, figures, staffing) in scopes {
            let _ = write!(
                out,
                "{},{},{}",
                format_utc(interval.start),
                format_utc(interval.end),
                field(&crate::format::printable(scope))
            );
            for column in &columns {
                let _ = write!(out, ",{}", (column.value)(figures, staffing).text(""));
            }
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn fields_are_quoted_and_never_run_as_formulas() {
        assert_eq!(field("BIR"), "BIR");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=1+2"), "'=1+2");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
    }
}
