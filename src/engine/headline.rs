//! The four headline means (999 answer, 101 answer, emergency and priority attendance)
//! from running sums per 5-minute step, so that a trend of many points costs a few bucket
//! additions per point rather than a pass over every record per point.
//!
//! A closed call or incident adds its duration to the step its close time falls in, the
//! step `(b · 5 min, (b + 1) · 5 min]`, for the force and for its area, and takes it out
//! again when it is forgotten. A window `(T − W, T]` with `T` and `W` on whole steps is
//! exactly a run of steps, so its mean from the sums is the mean of the very durations the
//! full figures would average: the same count and the same exact (i128) total.

use std::collections::VecDeque;

use super::figures::{Figures, mean_seconds};
use crate::model::{CallLine, CallOutcome, Grade, IncidentOutcome};
use crate::time::{NANOS_PER_MIN, Nanos};

/// The step of the running sums, and so the spacing of exact trend points.
pub const HEADLINE_STEP: Nanos = 5 * NANOS_PER_MIN;

/// The four headline means over a window; `None` where there was nothing to average.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct HeadlineMeans {
    pub answer_999: Option<f64>,
    pub answer_101: Option<f64>,
    pub emergency: Option<f64>,
    pub priority: Option<f64>,
}

impl HeadlineMeans {
    pub fn of(figures: &Figures) -> HeadlineMeans {
        HeadlineMeans {
            answer_999: figures.calls.line_999.mean_answer_s,
            answer_101: figures.calls.line_101.mean_answer_s,
            emergency: figures.incidents.emergency.mean_attend_s,
            priority: figures.incidents.priority.mean_attend_s,
        }
    }
}

/// Which headline mean a closed call averages into, if any.
pub(super) fn call_series(line: CallLine, outcome: CallOutcome) -> Option<usize> {
    (outcome == CallOutcome::Answered).then_some(line.index())
}

/// Which headline mean a closed incident averages into, if any.
pub(super) fn incident_series(grade: Grade, outcome: IncidentOutcome) -> Option<usize> {
    match (grade, outcome) {
        (Grade::Emergency, IncidentOutcome::Arrived) => Some(2),
        (Grade::Priority, IncidentOutcome::Arrived) => Some(3),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Sum {
    count: u64,
    total: i128,
}

impl Sum {
    fn mean(self) -> Option<f64> {
        (self.count > 0).then(|| mean_seconds(self.total, self.count))
    }
}

/// One scope's steps that hold anything, in order: a close usually lands in the last
/// step and is forgotten from the first, so both ends cost nothing to reach.
#[derive(Debug, Clone, Default)]
struct Steps(VecDeque<(i64, [Sum; 4])>);

impl Steps {
    /// The sums of `step`, made if need be.
    fn sums_mut(&mut self, step: i64) -> &mut [Sum; 4] {
        let at = match self.0.back() {
            Some((last, _)) if *last == step => self.0.len() - 1,
            Some((last, _)) if *last > step => self.0.partition_point(|(s, _)| *s < step),
            _ => self.0.len(),
        };
        if self.0.get(at).is_none_or(|(s, _)| *s != step) {
            self.0.insert(at, (step, [Sum::default(); 4]));
        }
        &mut self.0[at].1
    }

    fn remove_if_empty(&mut self, step: i64) {
        let at = self.0.partition_point(|(s, _)| *s < step);
        if self
            .0
            .get(at)
            .is_some_and(|(s, sums)| *s == step && sums.iter().all(|sum| sum.count == 0))
        {
            self.0.remove(at);
        }
    }

    /// The steps `first .. last` (`last` excluded).
    fn range(&self, first: i64, last: i64) -> impl Iterator<Item = &[Sum; 4]> {
        let start = self.0.partition_point(|(s, _)| *s < first);
        let end = self.0.partition_point(|(s, _)| *s < last).max(start);
        self.0.range(start..end).map(|(_, sums)| sums)
    }
}

/// Per scope (0: the force, 1 + area id: an area), per step: the four series' sums.
#[derive(Debug, Clone)]
pub(super) struct HeadlineSums {
    by_scope: Vec<Steps>,
}

/// The step a close time falls in: `(b · step, (b + 1) · step]` holds it.
fn step_of(closed: Nanos) -> i64 {
    let floor = closed.div_euclid(HEADLINE_STEP);
    if closed.rem_euclid(HEADLINE_STEP) == 0 {
        floor - 1
    } else {
        floor
    }
}

impl HeadlineSums {
    pub fn new() -> HeadlineSums {
        HeadlineSums {
            by_scope: vec![Steps::default()],
        }
    }

    /// Room for one more area.
    pub fn add_area(&mut self) {
        self.by_scope.push(Steps::default());
    }

    /// Adds a duration of `series`, closed at `closed`, for the force and for `scope`
    /// (1 + area id; 0 for none).
    pub fn add(&mut self, scope: usize, series: usize, closed: Nanos, duration: Nanos) {
        self.change(scope, series, closed, duration, true);
    }

    /// Takes out what [`HeadlineSums::add`] put in.
    pub fn remove(&mut self, scope: usize, series: usize, closed: Nanos, duration: Nanos) {
        self.change(scope, series, closed, duration, false);
    }

    fn change(&mut self, scope: usize, series: usize, closed: Nanos, duration: Nanos, add: bool) {
        let step = step_of(closed);
        let both = [0, scope];
        let scopes = if scope == 0 { &both[..1] } else { &both[..] };
        for &s in scopes {
            let Some(steps) = self.by_scope.get_mut(s) else {
                continue;
            };
            let sum = &mut steps.sums_mut(step)[series];
            if add {
                sum.count += 1;
                sum.total += i128::from(duration);
            } else {
                sum.count = sum.count.saturating_sub(1);
                sum.total -= i128::from(duration);
                steps.remove_if_empty(step);
            }
        }
    }

    /// The means over `(at − window, at]`, if `at` and `window` are on whole steps (else
    /// `None`: the sums cannot say), for `scope` (as for [`HeadlineSums::add`]).
    pub fn means(&self, scope: Option<usize>, at: Nanos, window: Nanos) -> Option<HeadlineMeans> {
        if at.rem_euclid(HEADLINE_STEP) != 0 || window.rem_euclid(HEADLINE_STEP) != 0 {
            return None;
        }
        let Some(steps) = scope.and_then(|s| self.by_scope.get(s)) else {
            return Some(HeadlineMeans::default()); // an area never seen has no data
        };
        let last = at.div_euclid(HEADLINE_STEP);
        let first = last.saturating_sub(window.div_euclid(HEADLINE_STEP));
        let mut sums = [Sum::default(); 4];
        for step in steps.range(first, last) {
            for (sum, add) in sums.iter_mut().zip(step) {
                sum.count += add.count;
                sum.total += add.total;
            }
        }
        Some(HeadlineMeans {
            answer_999: sums[0].mean(),
            answer_101: sums[1].mean(),
            emergency: sums[2].mean(),
            priority: sums[3].mean(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Nanos = NANOS_PER_MIN;
    const SEC: Nanos = 1_000_000_000;

    #[test]
    fn a_close_on_a_mark_belongs_to_the_step_before_it() {
        assert_eq!(step_of(0), -1);
        assert_eq!(step_of(1), 0);
        assert_eq!(step_of(5 * MIN), 0);
        assert_eq!(step_of(5 * MIN + 1), 1);
        assert_eq!(step_of(-1), -1);
    }

    #[test]
    fn means_over_whole_steps() {
        let mut sums = HeadlineSums::new();
        sums.add_area();
        // 999 answers: 4 s closed at 10:00 exactly (step before 10:00), 10 s at 10:00:01,
        // 7 s at 10:05 — the last in area 1.
        let ten = 600 * MIN;
        sums.add(0, 0, ten, 4 * SEC);
        sums.add(0, 0, ten + 1, 10 * SEC);
        sums.add(1, 0, ten + 5 * MIN, 7 * SEC);
        // (09:55, 10:05]: all three, (4 + 10 + 7) / 3 = 7 s.
        let all = sums.means(Some(0), ten + 5 * MIN, 10 * MIN).unwrap();
        assert_eq!(all.answer_999, Some(7.0));
        assert_eq!(all.emergency, None);
        // (10:00, 10:05]: 10 and 7 → 8.5 s; area 1 alone: 7 s.
        assert_eq!(
            sums.means(Some(0), ten + 5 * MIN, 5 * MIN)
                .unwrap()
                .answer_999,
            Some(8.5)
        );
        assert_eq!(
            sums.means(Some(1), ten + 5 * MIN, 5 * MIN)
                .unwrap()
                .answer_999,
            Some(7.0)
        );
        // Not on a mark, or a window of 7 minutes: the sums cannot say.
        assert_eq!(sums.means(Some(0), ten + 1, 5 * MIN), None);
        assert_eq!(sums.means(Some(0), ten, 7 * MIN), None);
        // An unknown area has no data.
        assert_eq!(
            sums.means(None, ten, 5 * MIN),
            Some(HeadlineMeans::default())
        );
        // Taking the 10 s answer out leaves 4 and 7.
        sums.remove(0, 0, ten + 1, 10 * SEC);
        let left = sums.means(Some(0), ten + 5 * MIN, 10 * MIN).unwrap();
        assert_eq!(left.answer_999, Some(5.5));
    }
}
