//! The figures of the feed contract as plain data: what `report --json` prints and what the
//! dashboard draws.

use serde::Serialize;

use super::verdict::{CallVerdicts, IncidentVerdicts, Status};
use crate::time::Span;

/// One call line's figures over a window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallFigures {
    pub offered: u64,
    pub answered: u64,
    pub abandoned: u64,
    pub mean_answer_s: Option<f64>,
    pub p50_answer_s: Option<f64>,
    pub p90_answer_s: Option<f64>,
    pub max_answer_s: Option<f64>,
    pub service_level_pct: Option<f64>,
    pub abandon_rate_pct: Option<f64>,
    pub waiting: u64,
    pub expired: u64,
    pub longest_wait_s: Option<f64>,
    pub target_s: Option<f64>,
    pub sl_threshold_s: Option<f64>,
    pub sl_goal_pct: Option<f64>,
    /// The worst of [`verdicts`](Self::verdicts).
    pub status: Status,
    pub verdicts: CallVerdicts,
}

/// One incident grade's figures over a window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IncidentFigures {
    pub created: u64,
    pub attended: u64,
    pub mean_attend_s: Option<f64>,
    pub p50_attend_s: Option<f64>,
    pub p90_attend_s: Option<f64>,
    pub max_attend_s: Option<f64>,
    pub within_target_pct: Option<f64>,
    pub open: u64,
    pub open_breached: u64,
    pub oldest_open_s: Option<f64>,
    pub target_s: Option<f64>,
    pub goal_pct: Option<f64>,
    /// The worst of [`verdicts`](Self::verdicts).
    pub status: Status,
    pub verdicts: IncidentVerdicts,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallsByLine {
    #[serde(rename = "999")]
    pub line_999: CallFigures,
    #[serde(rename = "101")]
    pub line_101: CallFigures,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IncidentsByGrade {
    pub emergency: IncidentFigures,
    pub priority: IncidentFigures,
    /// Scheduled incidents are counted only (no target); not part of `report --json`.
    #[serde(skip)]
    pub scheduled: IncidentFigures,
}

/// Every figure for one scope (the force, or one area) at one time over one window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    pub calls: CallsByLine,
    pub incidents: IncidentsByGrade,
}

/// Summary statistics of a set of durations, nearest-rank percentiles.
// Each name ends in its unit, seconds, as everywhere in the figures.
#[allow(clippy::struct_field_names)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DurationStats {
    pub(crate) mean_s: f64,
    pub(crate) p50_s: f64,
    pub(crate) p90_s: f64,
    pub(crate) max_s: f64,
}

/// The k-th smallest with k = ceil(p/100 · n) (at least 1), of a sorted, non-empty slice.
pub fn nearest_rank<T: Copy>(sorted: &[T], percent: u64) -> T {
    let n = sorted.len() as u64;
    let rank = percent.saturating_mul(n).div_ceil(100).clamp(1, n);
    // 1 ≤ rank ≤ n, the slice's length, so rank - 1 is an index into it.
    let index = usize::try_from(rank - 1).unwrap_or(sorted.len() - 1);
    sorted[index]
}

impl DurationStats {
    /// Sorts `durations` in place; `None` when it is empty.
    pub(crate) fn of(durations: &mut [Span]) -> Option<DurationStats> {
        if durations.is_empty() {
            return None;
        }
        durations.sort_unstable();
        // Summed as integers: exact, whatever the count.
        let total: i128 = durations.iter().map(|d| i128::from(d.nanos())).sum();
        Some(DurationStats {
            mean_s: mean_seconds(total, durations.len() as u64),
            p50_s: nearest_rank(durations, 50).as_secs_f64(),
            p90_s: nearest_rank(durations, 90).as_secs_f64(),
            max_s: durations[durations.len() - 1].as_secs_f64(),
        })
    }
}

/// The mean in seconds of `count` durations adding up to `total` nanoseconds: the one
/// formula for every mean, whether from the durations themselves or from running sums.
pub fn mean_seconds(total: i128, count: u64) -> f64 {
    let mean_nanos = total as f64 / count as f64;
    mean_nanos / 1e9
}

/// 100 · part / whole, `None` when whole is 0.
pub fn percent(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| 100.0 * part as f64 / whole as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_by_hand() {
        let sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        assert_eq!(nearest_rank(&sorted, 50), 5); // ceil(5) = 5th
        assert_eq!(nearest_rank(&sorted, 90), 9); // ceil(9) = 9th
        assert_eq!(nearest_rank(&sorted[..3], 50), 2); // ceil(1.5) = 2nd
        assert_eq!(nearest_rank(&sorted[..3], 90), 3); // ceil(2.7) = 3rd
        assert_eq!(nearest_rank(&sorted[..1], 50), 1);
        assert_eq!(nearest_rank(&sorted[..2], 50), 1); // ceil(1.0) = 1st
        assert_eq!(nearest_rank(&sorted[..2], 90), 2); // ceil(1.8) = 2nd
    }
}
