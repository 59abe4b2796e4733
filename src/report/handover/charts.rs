//! The handover's charts, each an inline SVG drawn from the engine's figures per
//! interval. Every chart counts its marks the same way, so a reader (or a test) can
//! count them: one bar per slot and part, drawn even at zero; one point per slot with a
//! value.

use chrono_tz::Tz;

use super::Handover;
use super::svg::{Svg, count_max, nice_max, short};
use crate::engine::CallFigures;
use crate::format::human_target;
use crate::model::CallLine;
use crate::time::{Timestamp, to_utc};

/// How many attendance bins lie within the target (each a fifth of it); as many again
/// up to twice the target, and one more for everything beyond.
const BINS_TO_TARGET: usize = 5;
const BINS: usize = 2 * BINS_TO_TARGET + 1;

/// A chart with the words that say what it shows.
pub(crate) struct Chart {
    pub(crate) title: String,
    pub(crate) svg: String,
}

/// Every chart of the handover, in the page's order.
pub(crate) fn all(handover: &Handover, zone: Tz) -> Vec<Chart> {
    let labels = slot_labels(handover, zone);
    let mut charts = vec![
        service_level(handover, &labels),
        answer_times(handover, &labels, CallLine::Emergency999),
        answer_times(handover, &labels, CallLine::NonEmergency101),
        attendance(handover, 0, "Emergency"),
        attendance(handover, 1, "Priority"),
        open_and_breached(handover, &labels, zone),
    ];
    charts.extend(handlers(handover, &labels));
    charts
}

/// Each interval's start, `HH:MM` in the force's zone.
fn slot_labels(handover: &Handover, zone: Tz) -> Vec<String> {
    handover
        .intervals
        .iter()
        .map(|interval| local_hm(interval.start, zone))
        .collect()
}

pub(crate) fn local_hm(at: Timestamp, zone: Tz) -> String {
    to_utc(at).with_timezone(&zone).format("%H:%M").to_string()
}

/// Label every n-th slot so that about a dozen labels fit.
fn label_every(slots: usize) -> usize {
    slots.div_ceil(12).max(1)
}

fn line_of(handover: &Handover, line: CallLine) -> Vec<&CallFigures> {
    handover
        .intervals
        .iter()
        .map(|interval| match line {
            CallLine::Emergency999 => &interval.figures.force.calls.line_999,
            CallLine::NonEmergency101 => &interval.figures.force.calls.line_101,
        })
        .collect()
}

fn service_level(handover: &Handover, labels: &[String]) -> Chart {
    let title = "Service level by interval (999 and 101) against each line's goal".to_string();
    let mut svg = Svg::new("chart-sl", &title, labels.len(), 100.0);
    svg.y_axis("%");
    svg.x_labels(labels, label_every(labels.len()));
    let mut keys = Vec::new();
    for (line, class, mark) in [
        (CallLine::Emergency999, "a", "circle"),
        (CallLine::NonEmergency101, "b", "square"),
    ] {
        let figures = line_of(handover, line);
        let values: Vec<Option<f64>> = figures.iter().map(|f| f.service_level_pct).collect();
        svg.series(&values, class, mark, labels);
        let threshold = figures.first().and_then(|f| f.sl_threshold_s);
        if let (Some(goal), Some(threshold)) =
            (figures.first().and_then(|f| f.sl_goal_pct), threshold)
        {
            svg.reference(
                goal,
                &format!(
                    "{} goal {}% in {}",
                    line.label(),
                    short(goal),
                    human_target(threshold)
                ),
            );
        }
        keys.push((mark, class, line.label()));
    }
    keys.push(("target", "", "goal"));
    svg.legend(&keys);
    Chart {
        title,
        svg: svg.finish(),
    }
}

fn answer_times(handover: &Handover, labels: &[String], line: CallLine) -> Chart {
    let figures = line_of(handover, line);
    let first = figures.first();
    let (target, threshold) = (
        first.and_then(|f| f.target_s),
        first.and_then(|f| f.sl_threshold_s),
    );
    let title = format!(
        "{} answer time by interval: mean (bars) and p90 (points)",
        line.label()
    );
    let highest = figures
        .iter()
        .flat_map(|f| [f.mean_answer_s, f.p90_answer_s])
        .flatten()
        .chain(target.or(threshold))
        .fold(0.0, f64::max);
    let id = format!("chart-answer-{}", line.label());
    let mut svg = Svg::new(&id, &title, labels.len(), nice_max(highest * 1.1));
    svg.y_axis("seconds");
    svg.x_labels(labels, label_every(labels.len()));
    for (slot, f) in figures.iter().enumerate() {
        let label = format!(
            "{}: mean {}",
            labels.get(slot).map_or("", String::as_str),
            f.mean_answer_s.map_or("none".to_string(), short)
        );
        svg.bar(slot, 0, 1, f.mean_answer_s.unwrap_or(0.0), "light", &label);
    }
    let p90: Vec<Option<f64>> = figures.iter().map(|f| f.p90_answer_s).collect();
    svg.series(&p90, "a", "circle", labels);
    let reference = match (target, threshold) {
        (Some(target), _) => Some((target, format!("mean target {}", human_target(target)))),
        (None, Some(threshold)) => {
            Some((threshold, format!("SL within {}", human_target(threshold))))
        }
        (None, None) => None,
    };
    if let Some((value, words)) = reference {
        svg.reference(value, &words);
    }
    svg.legend(&[
        ("bar", "light", "mean"),
        ("circle", "a", "p90"),
        ("target", "", "target"),
    ]);
    Chart {
        title,
        svg: svg.finish(),
    }
}

/// Which bin an attendance time falls in: a fifth of the target each, a time exactly on
/// the target in the last bin within it, beyond twice the target the last bin.
pub(crate) fn bin_of(seconds: f64, target: f64) -> usize {
    let width = target / BINS_TO_TARGET as f64;
    // NaN is in no bin past the first either.
    if seconds.is_nan() || seconds <= 0.0 || width.is_nan() || width <= 0.0 {
        return 0;
    }
    let bin = (seconds / width).ceil() - 1.0;
    if bin >= (BINS - 1) as f64 {
        BINS - 1
    } else {
        // 0 ≤ bin < BINS − 1: a small whole number.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let bin = bin.max(0.0) as usize;
        bin
    }
}

fn attendance(handover: &Handover, grade: usize, name: &str) -> Chart {
    let title = format!("{name} attendance times in the period against the target");
    let id = format!("chart-attend-{}", name.to_lowercase());
    let times = handover
        .attendances
        .get(grade)
        .map_or(&[][..], Vec::as_slice);
    let incidents = &handover.total.force.incidents;
    let figures = if grade == 0 {
        &incidents.emergency
    } else {
        &incidents.priority
    };
    let target = figures.target_s;
    let Some(target) = target else {
        let mut svg = Svg::new(&id, &title, 1, 1.0);
        svg.note(&format!("{name} incidents have no attendance target"));
        return Chart {
            title,
            svg: svg.finish(),
        };
    };
    let mut counts = [0u64; BINS];
    for &time in times {
        counts[bin_of(time, target)] += 1;
    }
    let highest = counts.iter().copied().max().unwrap_or(0) as f64;
    let mut svg = Svg::new(&id, &title, BINS, count_max(highest));
    svg.y_axis("incidents");
    let width = target / BINS_TO_TARGET as f64;
    let labels: Vec<String> = (0..BINS)
        .map(|bin| {
            if bin == BINS - 1 {
                format!(">{}", short(2.0 * target / 60.0))
            } else {
                format!("≤{}", short(width * (bin + 1) as f64 / 60.0))
            }
        })
        .collect();
    svg.x_labels(&labels, 1);
    for (bin, &count) in counts.iter().enumerate() {
        let class = if bin < BINS_TO_TARGET {
            "light"
        } else {
            "hatched"
        };
        svg.bar(
            bin,
            0,
            1,
            count as f64,
            class,
            &format!("{} min: {count}", labels[bin]),
        );
    }
    svg.reference_at_slot(BINS_TO_TARGET, &format!("target {}", human_target(target)));
    svg.legend(&[
        ("bar", "light", "within target"),
        ("bar", "hatched", "over target"),
    ]);
    if times.is_empty() {
        svg.note(&format!(
            "No {} incident was attended in the period",
            name.to_lowercase()
        ));
    }
    Chart {
        title,
        svg: svg.finish(),
    }
}

fn open_and_breached(handover: &Handover, labels: &[String], zone: Tz) -> Chart {
    let title =
        "Open emergency and priority incidents at each interval's end, and those past their target"
            .to_string();
    let counts: Vec<(u64, u64)> = handover
        .intervals
        .iter()
        .map(|interval| {
            let incidents = &interval.figures.force.incidents;
            (
                incidents.emergency.open + incidents.priority.open,
                incidents.emergency.open_breached + incidents.priority.open_breached,
            )
        })
        .collect();
    let highest = counts.iter().map(|&(open, _)| open).max().unwrap_or(0) as f64;
    let ends: Vec<String> = handover
        .intervals
        .iter()
        .map(|i| local_hm(i.end, zone))
        .collect();
    let mut svg = Svg::new("chart-open", &title, labels.len(), count_max(highest));
    svg.y_axis("incidents");
    svg.x_labels(labels, label_every(labels.len()));
    for (slot, &(open, breached)) in counts.iter().enumerate() {
        let at = ends.get(slot).map_or("", String::as_str);
        svg.bar(
            slot,
            0,
            2,
            open as f64,
            "light",
            &format!("at {at}: {open} open"),
        );
        svg.bar(
            slot,
            1,
            2,
            breached as f64,
            "hatched",
            &format!("at {at}: {breached} past target"),
        );
    }
    svg.legend(&[("bar", "light", "open"), ("bar", "hatched", "past target")]);
    Chart {
        title,
        svg: svg.finish(),
    }
}

/// One chart per call line with staffing events in the period; one saying there are none
/// otherwise.
fn handlers(handover: &Handover, labels: &[String]) -> Vec<Chart> {
    let mut charts = Vec::new();
    for line in CallLine::ALL {
        let staffing: Vec<_> = handover
            .intervals
            .iter()
            .map(|i| *i.staffing.get(line))
            .collect();
        if !staffing.iter().any(|s| s.reported) {
            continue;
        }
        let title = format!(
            "{} handlers on duty (bars) and needed by the Erlang C model (points)",
            line.label()
        );
        let on_duty: Vec<Option<f64>> = staffing.iter().map(|s| s.on_duty.map(f64::from)).collect();
        let needed: Vec<Option<f64>> = staffing.iter().map(|s| s.needed.map(f64::from)).collect();
        let highest = on_duty
            .iter()
            .chain(&needed)
            .flatten()
            .fold(0.0, |a: f64, b| a.max(*b));
        let id = format!("chart-handlers-{}", line.label());
        let mut svg = Svg::new(&id, &title, labels.len(), count_max(highest * 1.1));
        svg.y_axis("handlers");
        svg.x_labels(labels, label_every(labels.len()));
        for (slot, value) in on_duty.iter().enumerate() {
            let at = labels.get(slot).map_or("", String::as_str);
            let words = value.map_or("unknown".to_string(), short);
            svg.bar(
                slot,
                0,
                1,
                value.unwrap_or(0.0),
                "light",
                &format!("{at}: {words} on duty"),
            );
        }
        svg.series(&needed, "a", "circle", labels);
        svg.legend(&[
            ("bar", "light", "on duty"),
            ("circle", "a", "needed (model)"),
        ]);
        charts.push(Chart {
            title,
            svg: svg.finish(),
        });
    }
    if charts.is_empty() {
        let title = "Handlers on duty and needed".to_string();
        let mut svg = Svg::new("chart-handlers", &title, 1, 1.0);
        svg.note("No staffing events in this period: the feed does not report handlers");
        charts.push(Chart {
            title,
            svg: svg.finish(),
        });
    }
    charts
}
