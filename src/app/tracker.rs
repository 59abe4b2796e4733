//! What the board knows about its feed's health: the source's last state, when lines
//! last arrived, the event rate, and the newest rejected lines. Pure: every method is
//! given the wall clock.

use std::collections::VecDeque;

use crate::feed::SourceState;
use crate::model::{Reject, RejectedLine};
use crate::time::{Span, Timestamp};
use crate::ui::{FeedState, FeedStatus};

/// How many rejected lines the `e` overlay keeps.
pub(crate) const RECENT_REJECTS: usize = 50;

/// A live or played feed's health, as the footer and the banners show it.
#[derive(Debug, Clone)]
pub(crate) struct FeedTracker {
    state: SourceState,
    /// When the source last went down or (re)connected: the retry countdown and the
    /// "silent since connecting" stale check count from here.
    state_since: Timestamp,
    last_line: Option<Timestamp>,
    last_event: Option<Timestamp>,
    /// Wall times of the events accepted in the last minute.
    recent_events: VecDeque<Timestamp>,
    rejected: u64,
    recent_rejects: VecDeque<RejectedLine>,
}

impl FeedTracker {
    /// A tracker for a source that is still connecting, as of `wall`.
    pub(crate) fn new(wall: Timestamp) -> FeedTracker {
        FeedTracker {
            state: SourceState::Connecting,
            state_since: wall,
            last_line: None,
            last_event: None,
            recent_events: VecDeque::new(),
            rejected: 0,
            recent_rejects: VecDeque::new(),
        }
    }

    /// The source says it is connecting, connected, down or ended.
    pub(crate) fn set_state(&mut self, state: SourceState, wall: Timestamp) {
        if matches!(state, SourceState::Down { .. } | SourceState::Connected) {
            self.state_since = wall;
        }
        self.state = state;
    }

    /// A line arrived (accepted or not): the link is alive.
    pub(crate) fn line_arrived(&mut self, wall: Timestamp) {
        self.last_line = Some(wall);
    }

    /// The lines that just arrived were written at `written`, earlier (a stored feed's
    /// backlog): the link is as silent as the feed has been since then, and the lines
    /// counted in the last minute were the backlog, not a rate.
    pub(crate) fn written_at(&mut self, written: Timestamp) {
        let earlier = |t: Option<Timestamp>| t.map(|t| t.min(written));
        self.last_line = earlier(self.last_line);
        self.last_event = earlier(self.last_event);
        self.recent_events.retain(|&t| t <= written);
    }

    pub(crate) fn accepted(&mut self, wall: Timestamp) {
        self.last_event = Some(wall);
        self.recent_events.push_back(wall);
        // Bounded whatever the rate: only the last minute is ever counted.
        self.forget_old_events(wall);
    }

    pub(crate) fn reject(&mut self, line: u64, reason: Reject) {
        self.rejected = self.rejected.saturating_add(1);
        self.recent_rejects.push_back(RejectedLine { line, reason });
        while self.recent_rejects.len() > RECENT_REJECTS {
            self.recent_rejects.pop_front();
        }
    }

    fn forget_old_events(&mut self, wall: Timestamp) {
        while self
            .recent_events
            .front()
            .is_some_and(|t| wall - *t > Span::MINUTE)
        {
            self.recent_events.pop_front();
        }
    }

    /// The status at `wall`. `check_stale`: a live link that has been silent for longer
    /// than `stale_after` shows STALE (recordings judge staleness on their own clock).
    pub(crate) fn status(
        &self,
        wall: Timestamp,
        stale_after: Span,
        check_stale: bool,
    ) -> FeedStatus {
        let in_last_minute = self
            .recent_events
            .iter()
            .rev()
            .take_while(|t| wall - **t <= Span::MINUTE)
            .count();
        let since = |t: Timestamp| (wall - t).max(Span::ZERO);
        let mut down_cause = None;
        let state = match &self.state {
            SourceState::Connecting => FeedState::Connecting,
            SourceState::Ended => FeedState::Ended,
            SourceState::Down { retry_in, cause } => {
                down_cause = Some(*cause);
                let left =
                    (Span::from_duration(*retry_in) - since(self.state_since)).max(Span::ZERO);
                FeedState::Down {
                    retry_in_s: whole_seconds_up(left),
                }
            }
            SourceState::Connected => {
                let silent = since(self.last_line.unwrap_or(self.state_since));
                if check_stale && silent > stale_after {
                    FeedState::Stale {
                        silent_s: silent.whole_secs_unsigned(),
                    }
                } else {
                    FeedState::Live
                }
            }
        };
        FeedStatus {
            state,
            events_per_min: in_last_minute as f64,
            rejected: self.rejected,
            recent_rejects: self.recent_rejects.iter().copied().collect(),
            last_event_age_s: self.last_event.map(|t| since(t).whole_secs_unsigned()),
            down_cause,
            recording: None,
        }
    }
}

/// Seconds, rounded up: a retry 2.1 s away reads "3 s".
fn whole_seconds_up(span: Span) -> u64 {
    let nanos = u64::try_from(span.nanos()).unwrap_or(0);
    nanos.div_ceil(Span::SECOND.nanos().unsigned_abs())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::feed::DownCause;

    /// `secs` seconds after the epoch.
    fn at(secs: i64) -> Timestamp {
        Timestamp::UNIX_EPOCH + Span::from_secs(secs)
    }

    const LIMIT: Span = Span::from_secs(30);

    #[test]
    fn a_backlog_counts_its_silence_from_when_it_was_written() {
        let mut tracker = FeedTracker::new(at(100));
        tracker.set_state(SourceState::Connected, at(100));
        // A backlog arrives at 100 s, its newest line written at 40 s.
        for _ in 0..3 {
            tracker.line_arrived(at(100));
            tracker.accepted(at(100));
        }
        tracker.written_at(at(40));
        let status = tracker.status(at(101), LIMIT, true);
        assert_eq!(status.state, FeedState::Stale { silent_s: 61 });
        assert_eq!(status.last_event_age_s, Some(61));
        assert_eq!(status.events_per_min, 0.0);
        // A line arriving now is live again.
        tracker.line_arrived(at(102));
        assert_eq!(tracker.status(at(103), LIMIT, true).state, FeedState::Live);
    }

    #[test]
    fn a_connected_link_goes_stale_after_its_limit_of_silence() {
        let mut tracker = FeedTracker::new(at(0));
        tracker.set_state(SourceState::Connected, at(0));
        assert_eq!(tracker.status(at(30), LIMIT, true).state, FeedState::Live);
        assert_eq!(
            tracker.status(at(31), LIMIT, true).state,
            FeedState::Stale { silent_s: 31 }
        );
        tracker.line_arrived(at(40));
        assert_eq!(tracker.status(at(41), LIMIT, true).state, FeedState::Live);
        // A recording is never stale by the wall clock.
        assert_eq!(tracker.status(at(500), LIMIT, false).state, FeedState::Live);
    }

    #[test]
    fn down_counts_down_to_the_retry_in_whole_seconds_rounded_up() {
        let mut tracker = FeedTracker::new(at(0));
        let down = SourceState::Down {
            cause: DownCause::ConnectionRefused,
            retry_in: Duration::from_secs(8),
        };
        tracker.set_state(down, at(10));
        assert_eq!(
            tracker.status(at(10), LIMIT, true).state,
            FeedState::Down { retry_in_s: 8 }
        );
        assert_eq!(
            tracker
                .status(at(15) + Span::from_millis(500), LIMIT, true)
                .state,
            FeedState::Down { retry_in_s: 3 }
        );
        assert_eq!(
            tracker.status(at(30), LIMIT, true).state,
            FeedState::Down { retry_in_s: 0 }
        );
    }

    #[test]
    fn down_carries_its_cause_until_the_link_is_back() {
        let mut tracker = FeedTracker::new(at(0));
        let refused = SourceState::Down {
            cause: DownCause::Http { status: 401 },
            retry_in: Duration::from_secs(8),
        };
        tracker.set_state(refused, at(1));
        assert_eq!(
            tracker.status(at(2), LIMIT, true).down_cause,
            Some(DownCause::Http { status: 401 })
        );
        tracker.set_state(SourceState::Connected, at(9));
        assert_eq!(tracker.status(at(10), LIMIT, true).down_cause, None);
    }

    #[test]
    fn the_rate_counts_the_last_minute_and_rejects_keep_the_newest() {
        let mut tracker = FeedTracker::new(at(0));
        for second in 0..90 {
            tracker.accepted(at(second));
        }
        // Events at 30 s … 89 s are within a minute of 90 s.
        assert_eq!(tracker.status(at(90), LIMIT, true).events_per_min, 60.0);
        assert_eq!(
            tracker.status(at(90), LIMIT, true).last_event_age_s,
            Some(1)
        );
        for line in 1..=60 {
            tracker.reject(line, Reject::NotJson);
        }
        let status = tracker.status(at(90), LIMIT, true);
        assert_eq!(status.rejected, 60);
        assert_eq!(status.recent_rejects.len(), RECENT_REJECTS);
        assert_eq!(
            status.recent_rejects[0],
            RejectedLine {
                line: 11,
                reason: Reject::NotJson
            }
        );
    }
}
