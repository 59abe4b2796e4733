//! The interval table's columns, one list for the HTML page and the CSV file: each
//! column names its figure and its unit and reads its value from the engine's figures.

use crate::engine::{Figures, StaffingByLine};
use crate::model::CallLine;

/// Which part of the table a column belongs to (the HTML page shows each part as its
/// own table, to fit A4; the CSV file puts them side by side).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    Calls,
    Incidents,
    /// The force's rows only: staffing events name a line, not an area.
    Staffing,
}

/// A cell's value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Value {
    Count(u64),
    /// A count that may be unknown (handlers with no staffing event).
    Whole(Option<u32>),
    /// A measure (seconds, minutes or percent) to one decimal; `None`: no data.
    Number(Option<f64>),
}

impl Value {
    /// The cell as the page and the file write it; `empty` for no data.
    pub(crate) fn text(self, empty: &str) -> String {
        match self {
            Value::Count(count) => count.to_string(),
            Value::Whole(Some(count)) => count.to_string(),
            Value::Whole(None) => empty.to_string(),
            Value::Number(Some(number)) => format!("{number:.1}"),
            Value::Number(None) => empty.to_string(),
        }
    }
}

/// One column: its part, its figure's name (with the line or grade), its unit and how to
/// read it.
pub(crate) struct Column {
    pub(crate) part: Part,
    /// What it counts, e.g. `999 offered`.
    pub(crate) name: &'static str,
    /// `calls`, `s`, `%`, `min`, `incidents`, `handlers`.
    pub(crate) unit: &'static str,
    pub(crate) value: fn(&Figures, &StaffingByLine) -> Value,
}

impl Column {
    /// `999 offered (calls)`: the CSV header, which names the unit.
    pub(crate) fn header(&self) -> String {
        format!("{} ({})", self.name, self.unit)
    }
}

fn count(n: u64) -> Value {
    Value::Count(n)
}

fn number(n: Option<f64>) -> Value {
    Value::Number(n)
}

fn minutes(seconds: Option<f64>) -> Value {
    Value::Number(seconds.map(|s| s / 60.0))
}

macro_rules! calls {
    ($line:ident, $label:literal) => {
        [
            Column {
                part: Part::Calls,
                name: concat!($label, " offered"),
                unit: "calls",
                value: |f, _| count(f.calls.$line.offered),
            },
            Column {
                part: Part::Calls,
                name: concat!($label, " answered"),
                unit: "calls",
                value: |f, _| count(f.calls.$line.answered),
            },
            Column {
                part: Part::Calls,
                name: concat!($label, " abandoned"),
                unit: "calls",
                value: |f, _| count(f.calls.$line.abandoned),
            },
            Column {
                part: Part::Calls,
                name: concat!($label, " service level"),
                unit: "%",
                value: |f, _| number(f.calls.$line.service_level_pct),
            },
            Column {
                part: Part::Calls,
                name: concat!($label, " mean answer"),
                unit: "s",
                value: |f, _| number(f.calls.$line.mean_answer_s),
            },
            Column {
                part: Part::Calls,
                name: concat!($label, " p90 answer"),
                unit: "s",
                value: |f, _| number(f.calls.$line.p90_answer_s),
            },
            Column {
                part: Part::Calls,
                name: concat!($label, " longest wait at end"),
                unit: "s",
                value: |f, _| number(f.calls.$line.longest_wait_s),
            },
        ]
    };
}

macro_rules! incidents {
    ($grade:ident, $label:literal) => {
        [
            Column {
                part: Part::Incidents,
                name: concat!($label, " created"),
                unit: "incidents",
                value: |f, _| count(f.incidents.$grade.created),
            },
            Column {
                part: Part::Incidents,
                name: concat!($label, " attended"),
                unit: "incidents",
                value: |f, _| count(f.incidents.$grade.attended),
            },
            Column {
                part: Part::Incidents,
                name: concat!($label, " mean attendance"),
                unit: "min",
                value: |f, _| minutes(f.incidents.$grade.mean_attend_s),
            },
            Column {
                part: Part::Incidents,
                name: concat!($label, " within target"),
                unit: "%",
                value: |f, _| number(f.incidents.$grade.within_target_pct),
            },
        ]
    };
}

macro_rules! staffing {
    ($line:expr, $label:literal) => {
        [
            Column {
                part: Part::Staffing,
                name: concat!($label, " handlers on duty"),
                unit: "handlers",
                value: |_, s| Value::Whole(s.get($line).on_duty),
            },
            Column {
                part: Part::Staffing,
                name: concat!($label, " handlers needed"),
                unit: "handlers",
                value: |_, s| Value::Whole(s.get($line).needed),
            },
            Column {
                part: Part::Staffing,
                name: concat!($label, " model service level"),
                unit: "%",
                value: |_, s| number(s.get($line).forecast_sl_pct),
            },
        ]
    };
}

/// Every column, in the table's order.
pub(crate) fn columns() -> Vec<Column> {
    let mut all = Vec::new();
    all.extend(calls!(line_999, "999"));
    all.extend(calls!(line_101, "101"));
    all.extend(incidents!(emergency, "emergency"));
    all.extend(incidents!(priority, "priority"));
    all.extend(staffing!(CallLine::Emergency999, "999"));
    all.extend(staffing!(CallLine::NonEmergency101, "101"));
    all
}
