//! The handover's charts: snapshots of every SVG for the spec's worked example, and the
//! number of bars and points each draws, counted by hand.

use std::fs;

use forceboard::config::Config;
use forceboard::report::handover::html;

use super::docs::root;
use super::handover::handover_of;

/// The worked example's hour (11:00–12:00Z) in quarter-hours: its page.
fn example_page() -> String {
    let bytes = fs::read(root().join("fixtures/spec-example.ndjson")).unwrap();
    let handover = handover_of(&bytes, "2024-07-01T11:00:00Z", "2024-07-01T12:00:00Z");
    html::page(
        &handover,
        &Config::default(),
        "fixtures/spec-example.ndjson",
    )
}

/// Every `<svg …>…</svg>` of the page, by its id.
pub fn charts(page: &str) -> Vec<(String, String)> {
    page.split("<svg ")
        .skip(1)
        .map(|rest| {
            let svg = format!(
                "<svg {}",
                &rest[..rest.find("</svg>").unwrap() + "</svg>".len()]
            );
            let id_at = svg.find("id=\"").unwrap() + 4;
            let id = svg[id_at..id_at + svg[id_at..].find('"').unwrap()].to_string();
            (id, svg)
        })
        .collect()
}

#[test]
fn the_worked_example_charts_match_their_snapshots() {
    let page = example_page();
    let charts = charts(&page);
    assert_eq!(charts.len(), 7);
    for (id, svg) in charts {
        // One element a line, so a change reads as a diff of the marks it moved.
        let readable = svg.replace("><", ">\n<");
        insta::assert_snapshot!(format!("handover_{id}"), readable);
    }
}

/// The bars and points of each chart: what the browser test counts too.
pub fn marks(svg: &str) -> (usize, usize) {
    (
        svg.matches("class=\"bar ").count(),
        svg.matches("class=\"point ").count(),
    )
}

#[test]
fn each_chart_draws_the_bars_and_points_worked_by_hand() {
    // The worked example in quarter-hours (11:00, 11:15], (11:15, 11:30], (11:30, 11:45],
    // (11:45, 12:00]:
    // - service level: 999 50 % in the first (A in 4 s, B in 12 s), none in the second
    //   (C abandoned within 10 s is left out), 0 % in the third (D abandoned after 20 s),
    //   none in the fourth: 2 points; 101 has no calls: none;
    // - 999 answers: a bar a quarter (4), a p90 where calls were answered (the first): 1;
    // - 101 answers: 4 bars, no point;
    // - attendance: 11 bins a grade, drawn even when empty;
    // - open incidents: 2 bars a quarter (open, past target);
    // - handlers: no staffing events, no marks.
    let expected = [
        ("chart-sl", (0, 2)),
        ("chart-answer-999", (4, 1)),
        ("chart-answer-101", (4, 0)),
        ("chart-attend-emergency", (11, 0)),
        ("chart-attend-priority", (11, 0)),
        ("chart-open", (8, 0)),
        ("chart-handlers", (0, 0)),
    ];
    let page = example_page();
    let found: Vec<(String, (usize, usize))> = charts(&page)
        .into_iter()
        .map(|(id, svg)| (id, marks(&svg)))
        .collect();
    let expected: Vec<(String, (usize, usize))> = expected
        .iter()
        .map(|(id, m)| ((*id).to_string(), *m))
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn the_open_chart_and_the_attendance_bins_hold_the_worked_figures() {
    let page = example_page();
    let charts = charts(&page);
    let svg = |id: &str| charts.iter().find(|(i, _)| i == id).unwrap().1.clone();
    // I1 attended in 600 s: the bin (9 min, 12 min], the 4th of the emergency grade.
    assert!(svg("chart-attend-emergency").contains("<title>≤12 min: 1</title>"));
    // I1 (11:00Z–11:10Z) is closed by the first quarter's end; I2, created 11:30Z, is open
    // from the second's and past its 15 min only at 12:00Z. Times are London's (BST).
    let open = svg("chart-open");
    for words in [
        "at 12:15: 0 open",
        "at 12:30: 1 open",
        "at 12:45: 1 open",
        "at 12:45: 0 past target",
        "at 13:00: 1 open",
        "at 13:00: 1 past target",
    ] {
        assert!(open.contains(&format!("<title>{words}</title>")), "{words}");
    }
}
