//! The handover (`report --format html|csv`): every number in its interval tables is the
//! engine's, the same as `report --json --at END --window INTERVAL` at each interval's
//! end; one interval worked by the independent script (`scripts/scenario_figures.py`); the
//! headline, the breach list, the feed's health and the CSV's shape.

use std::fs;

use serde_json::Value;

use forceboard::config::{Config, Window};
use forceboard::report::handover::{self, Handover, PeriodAsked, csv, html};
use forceboard::report::{compute, to_json};
use forceboard::time::{Span, Timestamp, parse_rfc3339};

use super::docs::root;

fn at(text: &str) -> Timestamp {
    parse_rfc3339(text).unwrap()
}

fn feed(name: &str) -> Vec<u8> {
    fs::read(root().join(name)).unwrap()
}

/// The handover of `file` over `(from, to]` in 15-minute intervals, default config.
pub fn handover_of(bytes: &[u8], from: &str, to: &str) -> Handover {
    let asked = PeriodAsked {
        from: Some(at(from)),
        to: Some(at(to)),
        interval: Span::from_mins(15),
    };
    handover::compute(bytes, &Config::default(), asked, |end| end).unwrap()
}

/// A row of the page's interval tables.
pub struct Row {
    pub scope: String,
    pub part: String,
    pub end: String,
    pub cells: Vec<String>,
}

/// The rows of the page's interval tables.
pub fn interval_rows(page: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    for table in page.split("<table class=\"intervals\"").skip(1) {
        let table = &table[..table.find("</table>").unwrap()];
        let attr = |name: &str| {
            let start = table.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            table[start..start + table[start..].find('"').unwrap()].to_string()
        };
        let (scope, part) = (attr("data-scope"), attr("data-part"));
        for row in table.split("<tr data-end=\"").skip(1) {
            let end = row[..row.find('"').unwrap()].to_string();
            let cells = row
                .split("<td>")
                .skip(1)
                .map(|cell| cell[..cell.find("</td>").unwrap()].to_string())
                .collect();
            rows.push(Row {
                scope: scope.clone(),
                part: part.clone(),
                end,
                cells,
            });
        }
    }
    rows
}

/// What a cell must read for a JSON value: a whole number as it is, a measure to one
/// decimal, no data as a dash.
fn cell_of(value: &Value, scale: f64) -> String {
    match value {
        Value::Null => "–".to_string(),
        Value::Number(n) if n.is_u64() && scale == 1.0 => n.to_string(),
        Value::Number(n) => format!("{:.1}", n.as_f64().unwrap() / scale),
        other => panic!("not a figure: {other}"),
    }
}

/// The JSON paths each part's columns show, in order, with the scale (attendance in
/// minutes), written from docs/reference/handover.md's column list.
fn expected_cells(part: &str, scope: &Value) -> Vec<String> {
    let mut cells = Vec::new();
    match part {
        "calls" => {
            for line in ["999", "101"] {
                let c = &scope["calls"][line];
                for key in [
                    "offered",
                    "answered",
                    "abandoned",
                    "service_level_pct",
                    "mean_answer_s",
                    "p90_answer_s",
                    "longest_wait_s",
                ] {
                    cells.push(cell_of(&c[key], 1.0));
                }
            }
        }
        "incidents" => {
            for grade in ["emergency", "priority"] {
                let i = &scope["incidents"][grade];
                cells.push(cell_of(&i["created"], 1.0));
                cells.push(cell_of(&i["attended"], 1.0));
                cells.push(cell_of(&i["mean_attend_s"], 60.0));
                cells.push(cell_of(&i["within_target_pct"], 1.0));
            }
        }
        "staffing" => {
            for line in ["999", "101"] {
                let s = &scope["calls"][line]["staffing"];
                for key in ["on_duty", "needed", "forecast_sl_pct"] {
                    cells.push(cell_of(&s[key], 1.0));
                }
            }
        }
        other => panic!("unknown part {other}"),
    }
    cells
}

/// Every interval row of the page equals `report --json --at END --window 15m` (the
/// library's JSON, which the binary prints) for its scope and part.
fn assert_page_equals_report_json(bytes: &[u8], from: &str, to: &str) -> usize {
    let handover = handover_of(bytes, from, to);
    let page = html::page(&handover, &Config::default(), "test");
    let rows = interval_rows(&page);
    let window = Window::new(Span::from_mins(15));
    let mut checked = 0;
    for (end, group) in group_by_end(&rows) {
        let report = compute(bytes, &Config::default(), Some(at(&end)), &window)
            .unwrap()
            .unwrap();
        let json: Value = serde_json::from_str(&to_json(&report, &window)).unwrap();
        for Row {
            scope, part, cells, ..
        } in group
        {
            let figures = if scope == "force" {
                &json
            } else {
                &json["lpas"][scope.as_str()]
            };
            // An area first seen after this interval is not in that report: it had nothing.
            if figures.is_null() {
                assert!(
                    cells.iter().all(|c| c == "0" || c == "–"),
                    "{scope} at {end}: {cells:?}"
                );
                continue;
            }
            assert_eq!(
                *cells,
                expected_cells(part, figures),
                "{scope} {part} at {end}"
            );
            checked += 1;
        }
    }
    checked
}

/// The rows by interval end, in order.
fn group_by_end(rows: &[Row]) -> Vec<(String, Vec<&Row>)> {
    let mut groups: Vec<(String, Vec<&Row>)> = Vec::new();
    for row in rows {
        match groups.iter_mut().find(|(end, _)| *end == row.end) {
            Some((_, group)) => group.push(row),
            None => groups.push((row.end.clone(), vec![row])),
        }
    }
    groups
}

#[test]
fn every_interval_of_the_friday_surge_page_equals_report_json_at_its_end() {
    let bytes = feed("fixtures/scenarios/friday-surge.ndjson");
    let checked = assert_page_equals_report_json(
        &bytes,
        "2024-07-05T18:00:00+01:00",
        "2024-07-06T00:00:00+01:00",
    );
    // 24 intervals × (the force + 7 areas) × (calls + incidents); no staffing events.
    assert_eq!(checked, 24 * 8 * 2);
}

#[test]
fn the_handlers_columns_equal_report_json_where_the_feed_reports_staffing() {
    let bytes = feed("fixtures/scenarios/handlers-off-sick.ndjson");
    let checked = assert_page_equals_report_json(
        &bytes,
        "2024-07-04T17:00:00+01:00",
        "2024-07-04T19:00:00+01:00",
    );
    // 8 intervals × ((the force + 7 areas) × 2 parts + the force's staffing).
    assert_eq!(checked, 8 * (8 * 2 + 1));
    // And the handlers are there to compare: the 999 line's on duty at 17:15 BST.
    let handover = handover_of(
        &bytes,
        "2024-07-04T17:00:00+01:00",
        "2024-07-04T19:00:00+01:00",
    );
    let page = html::page(&handover, &Config::default(), "test");
    let staffing: Vec<_> = interval_rows(&page)
        .into_iter()
        .filter(|row| row.part == "staffing")
        .collect();
    assert_eq!(staffing.len(), 8);
    assert!(staffing.iter().all(|row| row.cells[0] != "–"));
}

#[test]
fn one_interval_of_the_friday_surge_as_the_independent_script_works_it() {
    // scripts/scenario_figures.py fixtures/scenarios/friday-surge.ndjson \
    //   --at 2024-07-05T19:45:00Z --window 15m [--lpa BIR]: 20:30–20:45 BST.
    let handover = handover_of(
        &feed("fixtures/scenarios/friday-surge.ndjson"),
        "2024-07-05T18:00:00+01:00",
        "2024-07-06T00:00:00+01:00",
    );
    let table = csv::table(&handover);
    let row = |scope: &str| {
        table
            .lines()
            .find(|line| {
                line.starts_with(&format!(
                    "2024-07-05T19:30:00Z,2024-07-05T19:45:00Z,{scope},"
                ))
            })
            .unwrap()
            .split(',')
            .skip(3)
            .take(22)
            .collect::<Vec<_>>()
            .join(",")
    };
    // 999: 89 offered, 86 answered, 3 abandoned, SL 38.636 %, mean 12.229 s, p90 17.092 s,
    // none waiting; 101: 57, 58, 9, 72.581 %, 134.630 s, 309.204 s, longest 128.045 s;
    // emergency 13 created, 7 attended, mean 733.313 s = 12.2 min, 85.714 % within;
    // priority 19, 7, 2,608.423 s = 43.5 min, 71.429 %.
    assert_eq!(
        row("force"),
        "89,86,3,38.6,12.2,17.1,,57,58,9,72.6,134.6,309.2,128.0,13,7,12.2,85.7,19,7,43.5,71.4"
    );
    // BIR: 999 41, 39, 2, 32.5 %, 11.405 s, 17.246 s; 101 21, 21, 2, 78.261 %, 115.725 s,
    // 286.897 s, 105.737 s; emergency 4, 2, 797.7 s = 13.3 min, 100 %; priority 8, 4,
    // 2,588.03 s = 43.1 min, 75 %.
    assert_eq!(
        row("BIR"),
        "41,39,2,32.5,11.4,17.2,,21,21,2,78.3,115.7,286.9,105.7,4,2,13.3,100.0,8,4,43.1,75.0"
    );
}

#[test]
fn the_headline_is_report_json_over_the_whole_period() {
    let bytes = feed("fixtures/scenarios/friday-surge.ndjson");
    let handover = handover_of(
        &bytes,
        "2024-07-05T18:00:00+01:00",
        "2024-07-06T00:00:00+01:00",
    );
    let window = Window::new(Span::from_hours(6));
    let report = compute(
        &bytes[..],
        &Config::default(),
        Some(at("2024-07-05T23:00:00Z")),
        &window,
    )
    .unwrap()
    .unwrap();
    assert_eq!(handover.total, report.figures);
    // By the independent script (--window 6h): 999 1,032 offered, 1,010 answered.
    assert_eq!(handover.total.force.calls.line_999.offered, 1032);
    assert_eq!(handover.total.force.calls.line_999.answered, 1010);
}

#[test]
fn the_csv_has_one_row_per_interval_and_area_and_names_units() {
    let handover = handover_of(
        &feed("fixtures/scenarios/friday-surge.ndjson"),
        "2024-07-05T18:00:00+01:00",
        "2024-07-05T19:00:00+01:00",
    );
    let table = csv::table(&handover);
    let mut lines = table.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("interval start (UTC),interval end (UTC),area,999 offered (calls),")
    );
    assert!(header.contains("999 mean answer (s)"));
    assert!(header.contains("emergency mean attendance (min)"));
    assert!(header.contains("101 service level (%)"));
    assert!(header.ends_with("101 model service level (%)"));
    // 4 intervals × (the force + 7 areas).
    assert_eq!(lines.clone().count(), 4 * 8);
    assert!(lines.all(|line| line.split(',').count() == header.split(',').count()));
}

/// A small feed worked by hand: two emergencies and a priority incident past their
/// targets, one attended in time, around a silence of two minutes.
const BREACHES: &str = r#"{"kind":"incident_created","at":"2024-07-01T10:00:00Z","id":"P1","grade":"priority","lpa":"BIR"}
{"kind":"incident_created","at":"2024-07-01T10:50:00Z","id":"E1","grade":"emergency","lpa":"COV"}
{"kind":"incident_created","at":"2024-07-01T10:55:00Z","id":"E2","grade":"emergency"}
{"kind":"incident_created","at":"2024-07-01T11:00:00Z","id":"E3","grade":"emergency"}
{"kind":"incident_arrived","at":"2024-07-01T11:10:00Z","id":"E1"}
{"kind":"incident_arrived","at":"2024-07-01T11:15:00Z","id":"E3"}
{"kind":"heartbeat","at":"2024-07-01T11:20:00Z"}
{"kind":"heartbeat","at":"2024-07-01T11:22:00Z"}
not json
{"kind":"heartbeat","at":"2024-07-01T11:30:00Z"}
"#;

#[test]
fn breaches_are_listed_emergencies_first_with_how_far_over() {
    let handover = handover_of(
        BREACHES.as_bytes(),
        "2024-07-01T11:00:00Z",
        "2024-07-01T11:30:00Z",
    );
    let listed: Vec<(&str, i64)> = handover
        .breaches
        .iter()
        .map(|b| (b.life.id.as_str(), b.over.whole_secs()))
        .collect();
    // E1: attended after 20 min, 5 min over its 15 (past target from 11:05, in the period).
    // E2: open at 11:30 after 35 min, 20 min over. E3: attended after exactly 15 min: not
    // over. P1: open 90 min at 11:30, 30 min over its hour (past target from 11:00, so
    // in breach from the period's first moment).
    assert_eq!(listed, vec![("E1", 300), ("E2", 1200), ("P1", 1800)]);
    let page = html::page(&handover, &Config::default(), "test");
    assert!(page.contains("Breached incidents (3)"));
    assert!(page.contains("still open"));
}

#[test]
fn the_feed_health_names_silences_and_rejected_lines() {
    let handover = handover_of(
        BREACHES.as_bytes(),
        "2024-07-01T11:00:00Z",
        "2024-07-01T11:30:00Z",
    );
    let gaps: Vec<(String, i64)> = handover
        .health
        .gaps
        .iter()
        .map(|g| {
            (
                forceboard::time::format_utc(g.start),
                g.length().whole_secs(),
            )
        })
        .collect();
    // Silences over 30 s: 11:00 → 11:10, 11:10 → 11:15, 11:15 → 11:20, 11:20 → 11:22,
    // 11:22 → 11:30.
    assert_eq!(
        gaps,
        vec![
            ("2024-07-01T11:00:00Z".to_string(), 600),
            ("2024-07-01T11:10:00Z".to_string(), 300),
            ("2024-07-01T11:15:00Z".to_string(), 300),
            ("2024-07-01T11:20:00Z".to_string(), 120),
            ("2024-07-01T11:22:00Z".to_string(), 480),
        ]
    );
    assert_eq!(
        handover.health.rejected,
        vec![("not valid JSON".to_string(), 1)]
    );
}

#[test]
fn the_page_is_self_contained() {
    let handover = handover_of(
        BREACHES.as_bytes(),
        "2024-07-01T11:00:00Z",
        "2024-07-01T11:30:00Z",
    );
    let page = html::page(&handover, &Config::default(), "test");
    for forbidden in [
        "<script",
        "<link",
        "@import",
        "url(http",
        "src=\"http",
        "href=\"http",
    ] {
        assert!(!page.contains(forbidden), "the page holds {forbidden}");
    }
    assert!(page.contains("@page{size:A4"));
    assert!(page.contains("break-before:page"));
}

#[test]
fn the_feed_outage_scenario_shows_its_twenty_silent_minutes_as_the_one_gap() {
    // fixtures/scenarios/README.md: the last line before the outage is 10:19:54.376 BST and
    // nothing arrives until the catch-up burst, whose first line (881) is 10:40:00.006;
    // heartbeats keep every other stretch of the morning shorter than 30 s.
    let handover = handover_of(
        &feed("fixtures/scenarios/feed-outage.ndjson"),
        "2024-07-04T09:00:00+01:00",
        "2024-07-04T12:00:00+01:00",
    );
    let gaps: Vec<(Timestamp, Timestamp)> = handover
        .health
        .gaps
        .iter()
        .map(|g| (g.start, g.end))
        .collect();
    assert_eq!(
        gaps,
        vec![(
            at("2024-07-04T10:19:54.376+01:00"),
            at("2024-07-04T10:40:00.006+01:00")
        )]
    );
}
