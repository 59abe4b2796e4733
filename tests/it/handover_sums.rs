//! A property of the handover: its intervals cut the period into pieces that do not
//! overlap and leave nothing out, so each interval's counts add up to the whole period's,
//! for the force and for every area, whatever the feed, the period and the interval.

use std::fmt::Write as _;

use proptest::prelude::*;

use forceboard::config::Config;
use forceboard::engine::Figures;
use forceboard::report::handover::{self, PeriodAsked};
use forceboard::time::{Span, Timestamp, format_utc};

/// 2024-07-01T10:00:00Z.
const BASE: Timestamp = Timestamp::from_nanos(1_719_828_000_000_000_000);

#[derive(Debug, Clone)]
struct Story {
    call: bool,
    /// Seconds after BASE, within three hours.
    opened: i64,
    /// Seconds to the close, if any; calls close answered or abandoned.
    close: Option<(i64, bool)>,
    area: Option<&'static str>,
    kind: u8,
}

fn story() -> impl Strategy<Value = Story> {
    (
        any::<bool>(),
        0..3 * 3600i64,
        prop::option::of((1..5400i64, any::<bool>())),
        prop::sample::select(vec![None, Some("BIR"), Some("COV"), Some("XYZ")]),
        0..3u8,
    )
        .prop_map(|(call, opened, close, area, kind)| Story {
            call,
            opened,
            close,
            area,
            kind,
        })
}

fn feed(stories: &[Story]) -> String {
    let at = |secs: i64| format_utc(BASE + Span::from_secs(secs));
    let mut lines: Vec<(i64, String)> = Vec::new();
    for (n, s) in stories.iter().enumerate() {
        let lpa = s
            .area
            .map_or(String::new(), |a| format!(",\"lpa\":\"{a}\""));
        if s.call {
            let line = if s.kind == 0 { "101" } else { "999" };
            lines.push((s.opened, format!("{{\"kind\":\"call_offered\",\"at\":\"{}\",\"id\":\"C{n}\",\"line\":\"{line}\"{lpa}}}", at(s.opened))));
            if let Some((after, answered)) = s.close {
                let kind = if answered {
                    "call_answered"
                } else {
                    "call_abandoned"
                };
                let closed = s.opened + after.min(3000);
                lines.push((
                    closed,
                    format!(
                        "{{\"kind\":\"{kind}\",\"at\":\"{}\",\"id\":\"C{n}\"}}",
                        at(closed)
                    ),
                ));
            }
        } else {
            let grade = ["emergency", "priority", "scheduled"][usize::from(s.kind)];
            lines.push((s.opened, format!("{{\"kind\":\"incident_created\",\"at\":\"{}\",\"id\":\"I{n}\",\"grade\":\"{grade}\"{lpa}}}", at(s.opened))));
            if let Some((after, arrived)) = s.close {
                let kind = if arrived {
                    "incident_arrived"
                } else {
                    "incident_cancelled"
                };
                lines.push((
                    s.opened + after,
                    format!(
                        "{{\"kind\":\"{kind}\",\"at\":\"{}\",\"id\":\"I{n}\"}}",
                        at(s.opened + after)
                    ),
                ));
            }
        }
    }
    lines.sort_by_key(|(at, _)| *at);
    let mut out = String::new();
    for (_, line) in lines {
        let _ = writeln!(out, "{line}");
    }
    out
}

/// The counts that add up over a partition of the period.
fn counts(f: &Figures) -> Vec<u64> {
    let (c, i) = (&f.calls, &f.incidents);
    vec![
        c.line_999.offered,
        c.line_999.answered,
        c.line_999.abandoned,
        c.line_101.offered,
        c.line_101.answered,
        c.line_101.abandoned,
        i.emergency.created,
        i.emergency.attended,
        i.priority.created,
        i.priority.attended,
        i.scheduled.created,
        i.scheduled.attended,
    ]
}

fn add(sum: &mut [u64], more: &[u64]) {
    for (s, m) in sum.iter_mut().zip(more) {
        *s += m;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn per_interval_counts_sum_to_the_periods_totals(
        stories in prop::collection::vec(story(), 1..120),
        from_s in 0..2 * 3600i64,
        length_s in 60..4 * 3600i64,
        interval_s in 60..2400i64,
    ) {
        let text = feed(&stories);
        let asked = PeriodAsked {
            from: Some(BASE + Span::from_secs(from_s)),
            to: Some(BASE + Span::from_secs(from_s + length_s)),
            interval: Span::from_secs(interval_s),
        };
        let handover = handover::compute(text.as_bytes(), &Config::default(), asked, |end| end).unwrap();
        let expected_intervals = usize::try_from((length_s + interval_s - 1) / interval_s).unwrap();
        prop_assert_eq!(handover.intervals.len(), expected_intervals);
        let mut force = vec![0; 12];
        for interval in &handover.intervals {
            add(&mut force, &counts(&interval.figures.force));
        }
        prop_assert_eq!(force, counts(&handover.total.force));
        for (code, total) in &handover.total.areas {
            let mut area = vec![0; 12];
            for interval in &handover.intervals {
                if let Some((_, figures)) = interval.figures.areas.iter().find(|(c, _)| c == code) {
                    add(&mut area, &counts(figures));
                }
            }
            prop_assert_eq!(area, counts(total), "area {}", code);
        }
    }
}
