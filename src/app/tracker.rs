//! What the board knows about its feed's health: the source's last state, when lines
//! last arrived, the event rate, and the newest rejected lines. Pure: every method is
//! given the wall clock (and the rate the board's own time).

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
    /// An event (or a heartbeat) has arrived at some time: a source that never delivered
    /// one says so rather than LIVE.
    had_event: bool,
    /// The feed's own times (`at`) of the events accepted lately: the rate counts those
    /// in the minute before the board's now, so every board on one feed counts the same,
    /// whether it was sent a backlog or the events one by one.
    recent_events: VecDeque<Timestamp>,
    /// The latest `at` accepted: events more than a minute before it are forgotten.
    newest_event: Option<Timestamp>,
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
            had_event: false,
            recent_events: VecDeque::new(),
            newest_event: None,
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

    /// An event line (or a heartbeat) arrived: the source delivers.
    pub(crate) fn event_arrived(&mut self, wall: Timestamp) {
        self.last_line = Some(wall);
        self.had_event = true;
    }

    /// The lines that just arrived were written at `written`, earlier (a stored feed's
    /// backlog): the link is as silent as the feed has been since then.
    pub(crate) fn written_at(&mut self, written: Timestamp) {
        let earlier = |t: Option<Timestamp>| t.map(|t| t.min(written));
        self.last_line = earlier(self.last_line);
        self.last_event = earlier(self.last_event);
    }

    /// An event dated `at` (the feed's time) was accepted at `wall`.
    pub(crate) fn accepted(&mut self, at: Timestamp, wall: Timestamp) {
        self.last_event = Some(wall);
        self.had_event = true;
        self.recent_events.push_back(at);
        let newest = self.newest_event.map_or(at, |newest| newest.max(at));
        self.newest_event = Some(newest);
        // Bounded whatever the rate: only a minute before the newest is ever counted.
        self.forget_old_events(newest);
    }

    /// The feed's timeline started again (a served recording moved): the events of the
    /// old one no longer count in the rate, and the newest of them no longer bounds it (a
    /// timeline moved back would forget every new event at once). The rejected lines, the
    /// link's and the lines' record, are kept.
    pub(crate) fn forget_events(&mut self) {
        self.recent_events.clear();
        self.newest_event = None;
    }

    pub(crate) fn reject(&mut self, line: u64, reason: Reject) {
        self.rejected = self.rejected.saturating_add(1);
        self.recent_rejects.push_back(RejectedLine { line, reason });
        while self.recent_rejects.len() > RECENT_REJECTS {
            self.recent_rejects.pop_front();
        }
    }

    fn forget_old_events(&mut self, newest: Timestamp) {
        while self
            .recent_events
            .front()
            .is_some_and(|t| newest - *t > Span::MINUTE)
        {
            self.recent_events.pop_front();
        }
    }

    /// The events accepted in the minute up to `now`, the board's time, counted by their
    /// own times: `now − 60 s < at ≤ now`.
    pub(crate) fn events_in_minute_to(&self, now: Timestamp) -> usize {
        self.recent_events
            .iter()
            .filter(|&&at| at <= now && now - at < Span::MINUTE)
            .count()
    }

    /// The status at `wall`, its rate counted up to the board's `now`. `check_stale`: a
    /// live link that has been silent for longer than `stale_after` shows STALE
    /// (recordings judge staleness on their own clock).
    pub(crate) fn status(
        &self,
        wall: Timestamp,
        now: Timestamp,
        stale_after: Span,
        check_stale: bool,
    ) -> FeedStatus {
        let in_last_minute = self.events_in_minute_to(now);
        let since = |t: Timestamp| (wall - t).max(Span::ZERO);
        let mut down_cause = None;
        let state = match &self.state {
            SourceState::Connecting if self.had_event => FeedState::Reconnecting,
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
            SourceState::Connected if !self.had_event => FeedState::NoEvents,
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
            source: None,
            as_of: None,
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
        for second in [38, 39, 40] {
            tracker.event_arrived(at(100));
            tracker.accepted(at(second), at(100));
        }
        tracker.written_at(at(40));
        let status = tracker.status(at(101), at(101), LIMIT, true);
        assert_eq!(status.state, FeedState::Stale { silent_s: 61 });
        assert_eq!(status.last_event_age_s, Some(61));
        // Counted by their own times: none in the minute before 101 s, all three in the
        // minute before 40 s.
        assert_eq!(status.events_per_min, 0.0);
        assert_eq!(tracker.events_in_minute_to(at(40)), 3);
        // A line arriving now is live again.
        tracker.line_arrived(at(102));
        assert_eq!(
            tracker.status(at(103), at(103), LIMIT, true).state,
            FeedState::Live
        );
    }

    #[test]
    fn a_source_that_never_delivered_an_event_says_so_and_reconnecting_is_not_connecting() {
        let mut tracker = FeedTracker::new(at(0));
        assert_eq!(
            tracker.status(at(1), at(1), LIMIT, true).state,
            FeedState::Connecting
        );
        tracker.set_state(SourceState::Connected, at(1));
        // Connected, no line: never LIVE, and never STALE "since the last event" either.
        assert_eq!(
            tracker.status(at(2), at(2), LIMIT, true).state,
            FeedState::NoEvents
        );
        assert_eq!(
            tracker.status(at(100), at(100), LIMIT, true).state,
            FeedState::NoEvents
        );
        // A rejected line is not an event.
        tracker.line_arrived(at(101));
        assert_eq!(
            tracker.status(at(102), at(102), LIMIT, true).state,
            FeedState::NoEvents
        );
        tracker.event_arrived(at(103));
        assert_eq!(
            tracker.status(at(104), at(104), LIMIT, true).state,
            FeedState::Live
        );
        tracker.set_state(SourceState::Connecting, at(105));
        assert_eq!(
            tracker.status(at(106), at(106), LIMIT, true).state,
            FeedState::Reconnecting
        );
    }

    #[test]
    fn a_connected_link_goes_stale_after_its_limit_of_silence() {
        let mut tracker = FeedTracker::new(at(0));
        tracker.set_state(SourceState::Connected, at(0));
        tracker.event_arrived(at(0));
        assert_eq!(
            tracker.status(at(30), at(30), LIMIT, true).state,
            FeedState::Live
        );
        assert_eq!(
            tracker.status(at(31), at(31), LIMIT, true).state,
            FeedState::Stale { silent_s: 31 }
        );
        tracker.line_arrived(at(40));
        assert_eq!(
            tracker.status(at(41), at(41), LIMIT, true).state,
            FeedState::Live
        );
        // A recording is never stale by the wall clock.
        assert_eq!(
            tracker.status(at(500), at(500), LIMIT, false).state,
            FeedState::Live
        );
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
            tracker.status(at(10), at(10), LIMIT, true).state,
            FeedState::Down { retry_in_s: 8 }
        );
        assert_eq!(
            tracker
                .status(at(15) + Span::from_millis(500), at(15), LIMIT, true)
                .state,
            FeedState::Down { retry_in_s: 3 }
        );
        assert_eq!(
            tracker.status(at(30), at(30), LIMIT, true).state,
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
            tracker.status(at(2), at(2), LIMIT, true).down_cause,
            Some(DownCause::Http { status: 401 })
        );
        tracker.set_state(SourceState::Connected, at(9));
        assert_eq!(tracker.status(at(10), at(10), LIMIT, true).down_cause, None);
    }

    #[test]
    fn the_rate_counts_the_last_minute_and_rejects_keep_the_newest() {
        let mut tracker = FeedTracker::new(at(0));
        // Events dated 0 s … 89 s, all arriving at 200 s (a backlog).
        for second in 0..90 {
            tracker.accepted(at(second), at(200));
        }
        // Events at 31 s … 89 s are within the minute before 90 s: 59 of them.
        assert_eq!(
            tracker.status(at(200), at(90), LIMIT, true).events_per_min,
            59.0
        );
        // Before 60 s, the events dated 1 s … 60 s would be; but 0 s … 28 s were
        // forgotten (more than a minute before the newest, 89 s): 29 … 60, 32 of them.
        assert_eq!(tracker.events_in_minute_to(at(60)), 32);
        assert_eq!(
            tracker
                .status(at(201), at(90), LIMIT, true)
                .last_event_age_s,
            Some(1)
        );
        for line in 1..=60 {
            tracker.reject(line, Reject::NotJson);
        }
        let status = tracker.status(at(90), at(90), LIMIT, true);
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
