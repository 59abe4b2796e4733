//! The feed's health over a handover's period: the silences longer than `stale_after`
//! (the board would have called the feed stale) and the lines refused, by reason, so a
//! reader knows whether the figures cover the whole shift.

use std::collections::BTreeMap;

use crate::ingest::{FeedCounts, OnLine};
use crate::model::Reject;
use crate::time::{Span, Timestamp};

/// No accepted event from `start` to `end` (each clipped to the period).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gap {
    pub start: Timestamp,
    pub end: Timestamp,
}

impl Gap {
    pub fn length(self) -> Span {
        self.end - self.start
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct FeedHealth {
    pub stale_after: Span,
    /// Silences longer than `stale_after` within the period, in time order.
    pub gaps: Vec<Gap>,
    /// Lines refused (read up to the period's end), by reason, most first.
    pub rejected: Vec<(String, u64)>,
    /// The feed's line counts, read up to the period's end.
    pub counts: FeedCounts,
    /// Written from a running board (key `H`), which keeps no times of past events: no
    /// gaps are known, and `counts.rejected` is the board's count since it started.
    pub from_board: bool,
}

/// Hears the ingest: every accepted event's time and every refused line's reason.
#[derive(Debug, Default)]
pub(super) struct Watch {
    /// Silences longer than any `stale_after` would be kept here, all of them: a few.
    silences: Vec<(Timestamp, Timestamp)>,
    first: Option<Timestamp>,
    latest: Option<Timestamp>,
    reasons: BTreeMap<String, u64>,
    /// The shortest silence worth keeping (set before the ingest).
    pub(super) stale_after: Span,
}

impl OnLine for Watch {
    fn rejected(&mut self, _line_number: u64, reason: Reject) {
        *self.reasons.entry(reason.to_string()).or_default() += 1;
    }

    fn accepted(&mut self, at: Timestamp) {
        match self.latest {
            None => self.first = Some(at),
            Some(latest) if at - latest > self.stale_after => self.silences.push((latest, at)),
            Some(_) => {}
        }
        self.latest = Some(self.latest.map_or(at, |latest| latest.max(at)));
    }
}

impl Watch {
    pub(super) fn new(stale_after: Span) -> Watch {
        Watch {
            stale_after,
            ..Watch::default()
        }
    }

    /// The health over `(from, to]`: the silences clipped to it (with the stretch before the
    /// first event and after the last), those still longer than `stale_after` kept.
    pub(super) fn finish(self, from: Timestamp, to: Timestamp, counts: FeedCounts) -> FeedHealth {
        let stale_after = self.stale_after;
        let mut silences = self.silences;
        match (self.first, self.latest) {
            (Some(first), Some(latest)) => {
                silences.insert(0, (from, first));
                silences.push((latest, to));
            }
            _ => silences.push((from, to)),
        }
        let gaps = silences
            .into_iter()
            .map(|(start, end)| Gap {
                start: start.max(from),
                end: end.min(to),
            })
            .filter(|gap| gap.length() > stale_after)
            .collect();
        let mut rejected: Vec<(String, u64)> = self.reasons.into_iter().collect();
        rejected.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        FeedHealth {
            stale_after,
            gaps,
            rejected,
            counts,
            from_board: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_nanos(1_720_000_000_000_000_000) + Span::from_secs(secs)
    }

    #[test]
    fn silences_longer_than_stale_after_are_gaps_clipped_to_the_period() {
        let mut watch = Watch::new(Span::from_secs(30));
        // Events at 100 s, 120 s (20 s: no gap), 200 s (80 s: a gap), 230 s (30 s: not
        // longer than stale_after, no gap).
        for secs in [100, 120, 200, 230] {
            watch.accepted(at(secs));
        }
        watch.rejected(3, Reject::NotJson);
        watch.rejected(4, Reject::NotJson);
        watch.rejected(9, Reject::UnknownKind);
        // Period (110, 300]: nothing from 110 to 100 (before the period), 120 → 200 a
        // gap, 230 → 300 a gap of 70 s.
        let health = watch.finish(at(110), at(300), FeedCounts::default());
        assert_eq!(
            health.gaps,
            vec![
                Gap {
                    start: at(120),
                    end: at(200)
                },
                Gap {
                    start: at(230),
                    end: at(300)
                },
            ]
        );
        assert_eq!(
            health.rejected,
            vec![
                ("not valid JSON".to_string(), 2),
                ("unknown \"kind\"".to_string(), 1)
            ]
        );
    }

    #[test]
    fn a_period_with_no_events_is_one_gap() {
        let health = Watch::new(Span::from_secs(30)).finish(at(0), at(60), FeedCounts::default());
        assert_eq!(
            health.gaps,
            vec![Gap {
                start: at(0),
                end: at(60)
            }]
        );
    }
}
