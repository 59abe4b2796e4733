//! The four headline means (999 answer, 101 answer, emergency and priority attendance) at
//! many points at once, for the trend: one pass over the closes in order of close time
//! instead of a pass over every record per point.
//!
//! Running sums (count and exact i128 total per series) taken at each point `p` and at
//! `p − window` give each window's sums as a difference: the very durations the full
//! figures would average at `p`, whatever `p` and the window are.

use super::figures::{Figures, mean_seconds};
use crate::model::{CallLine, CallOutcome, Grade, IncidentOutcome};
use crate::time::{Span, Timestamp};

/// The four headline means over a window; `None` where there was nothing to average.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct HeadlineMeans {
    pub answer_999: Option<f64>,
    pub answer_101: Option<f64>,
    pub emergency: Option<f64>,
    pub(crate) priority: Option<f64>,
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

/// A close as a headline mean sees it: when, which series, how long it took.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct HeadlineClose {
    pub(crate) at: Timestamp,
    pub(crate) series: usize,
    pub(crate) duration: Span,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Sum {
    count: u64,
    total: i128,
}

/// Adds the closes so far to an instant's sums.
fn settle(sums: &mut [Sum; 4], running: &[Sum; 4]) {
    for (sum, add) in sums.iter_mut().zip(running) {
        sum.count += add.count;
        sum.total += add.total;
    }
}

/// The running sums of the four series at a set of instants.
pub(super) struct RunningSums {
    /// Ascending, without repeats.
    instants: Vec<Timestamp>,
    /// For each instant: the sums of the closes after the first instant, up to it.
    sums: Vec<[Sum; 4]>,
}

impl RunningSums {
    /// Sums to be taken at every point and a window before it.
    pub(crate) fn new(points: &[Timestamp], window: Span) -> RunningSums {
        let mut instants: Vec<Timestamp> =
            points.iter().flat_map(|&at| [at, at - window]).collect();
        instants.sort_unstable();
        instants.dedup();
        let sums = vec![[Sum::default(); 4]; instants.len()];
        RunningSums { instants, sums }
    }

    /// The first instant: closes at or before it play no part.
    pub(crate) fn first(&self) -> Option<Timestamp> {
        self.instants.first().copied()
    }

    /// Adds closes after the first instant, given in order of close time: each instant
    /// gets the closes up to it. One plain loop over the closes (not a peekable iterator
    /// per instant), which the compiler inlines the same way whatever else the build holds
    /// (performance §25).
    pub(crate) fn add(&mut self, closes: impl Iterator<Item = HeadlineClose>) {
        let mut running = [Sum::default(); 4];
        // The first instant not yet given its sums.
        let mut next = 0;
        for close in closes {
            while let Some(&instant) = self.instants.get(next)
                && instant < close.at
            {
                settle(&mut self.sums[next], &running);
                next += 1;
            }
            if next == self.instants.len() {
                break; // after the last instant: this close and the rest play no part
            }
            let sum = &mut running[close.series];
            sum.count += 1;
            // Exact integer sums, so that a window's is a difference.
            sum.total += i128::from(close.duration.nanos());
        }
        for sums in &mut self.sums[next..] {
            settle(sums, &running);
        }
    }

    fn at(&self, instant: Timestamp) -> [Sum; 4] {
        self.instants
            .binary_search(&instant)
            .map_or([Sum::default(); 4], |i| self.sums[i])
    }

    /// The means over `(at − window, at]`, for a point `at` given to [`RunningSums::new`].
    pub(crate) fn means(&self, at: Timestamp, window: Span) -> HeadlineMeans {
        let from = at - window;
        if from >= at {
            return HeadlineMeans::default(); // an empty (or backwards) window
        }
        let (upto, before) = (self.at(at), self.at(from));
        let mean = |series: usize| {
            let count = upto[series].count - before[series].count;
            let total = upto[series].total - before[series].total;
            (count > 0).then(|| mean_seconds(total, count))
        };
        HeadlineMeans {
            answer_999: mean(0),
            answer_101: mean(1),
            emergency: mean(2),
            priority: mean(3),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `s` seconds after the epoch.
    fn at(s: i64) -> Timestamp {
        Timestamp::UNIX_EPOCH + Span::from_secs(s)
    }

    fn secs(s: i64) -> Span {
        Span::from_secs(s)
    }

    fn close(at: Timestamp, series: usize, duration: Span) -> HeadlineClose {
        HeadlineClose {
            at,
            series,
            duration,
        }
    }

    #[test]
    fn window_means_from_running_sums() {
        let points = [at(100), at(110), at(130)];
        let window = secs(20);
        let mut sums = RunningSums::new(&points, window);
        // Instants 80, 90, 100, 110, 130 s: closes at or before 80 s play no part.
        assert_eq!(sums.first(), Some(at(80)));
        sums.add(
            [
                close(at(90), 0, secs(4)),   // 999: in (80, 100] only
                close(at(100), 0, secs(10)), // 999: in (80, 100] and (90, 110]
                close(at(105), 2, secs(600)),
                close(at(110), 0, secs(7)), // 999: in (90, 110], not (110, 130]
                close(at(125), 1, secs(30)),
                close(at(140), 1, secs(900)), // after the last instant: no part
            ]
            .into_iter(),
        );
        // (80, 100]: 4 and 10 s → 7 s.
        let at_100 = sums.means(at(100), window);
        assert_eq!((at_100.answer_999, at_100.emergency), (Some(7.0), None));
        // (90, 110]: 10 and 7 s → 8.5 s; the emergency's 600 s.
        let at_110 = sums.means(at(110), window);
        assert_eq!(
            (at_110.answer_999, at_110.emergency),
            (Some(8.5), Some(600.0))
        );
        // (110, 130]: no 999 (110 is out); the 101's 30 s.
        let at_130 = sums.means(at(130), window);
        assert_eq!((at_130.answer_999, at_130.answer_101), (None, Some(30.0)));
        assert_eq!(sums.means(at(130), Span::ZERO), HeadlineMeans::default());
        assert_eq!(sums.means(at(130), secs(-5)), HeadlineMeans::default());
    }
}
