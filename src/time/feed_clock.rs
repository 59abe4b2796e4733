//! The clock a feed carries (a served recording announces it in its heartbeats): the
//! board computes at that clock's time rather than the wall clock's.

use super::{Span, Timestamp, VirtualClock};

/// The feed's clock as last announced: it read `at` when the heartbeat arrived and runs at
/// `speed` × the wall clock (or stands still: paused). Each heartbeat of the same served
/// timeline (`epoch`) re-anchors it, and within one timeline it never runs backwards; a
/// new timeline starts it again wherever its first heartbeat says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct FeedClock {
    clock: VirtualClock,
    /// Never read earlier than this: the time shown when the clock was last re-anchored.
    floor: Timestamp,
    /// The served timeline this clock belongs to.
    epoch: u64,
}

/// What a heartbeat did to the clock that follows a feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Followed {
    /// The same timeline: the clock was re-anchored.
    SameTimeline,
    /// Another timeline (the trainer moved the clock, a looping recording began again):
    /// the clock starts again at the heartbeat's reading, even backwards.
    NewTimeline,
    /// The same timeline, but dated more than the future skew ahead of the clock: the
    /// clock is left as it was.
    TooFarAhead,
}

impl FeedClock {
    /// A heartbeat of timeline `epoch` that arrived at `wall` said the clock reads `at`
    /// and runs at `speed` (0: it stands still, paused).
    pub(crate) fn new(at: Timestamp, speed: f64, epoch: u64, wall: Timestamp) -> FeedClock {
        FeedClock {
            clock: running_at(at, speed, wall),
            floor: at,
            epoch,
        }
    }

    /// Another heartbeat of the feed. Of the same timeline, it re-anchors the clock
    /// unless dated more than `future_skew` ahead of where the clock reads now (one wrong
    /// line must not move the board's time for good); of another, it starts the clock
    /// again there.
    pub(crate) fn follow(
        &mut self,
        at: Timestamp,
        (speed, epoch): (f64, u64),
        wall: Timestamp,
        future_skew: Span,
    ) -> Followed {
        if epoch != self.epoch {
            *self = FeedClock::new(at, speed, epoch, wall);
            return Followed::NewTimeline;
        }
        if at > self.now(wall) + future_skew {
            return Followed::TooFarAhead;
        }
        self.reanchor(at, speed, wall);
        Followed::SameTimeline
    }

    /// Another heartbeat of the same timeline: the clock follows it from now on. A
    /// reading behind the time already shown (the heartbeat was slow to arrive) holds the
    /// clock there until the announced time catches up, rather than stepping it back.
    ///
    /// A pause is the exception: the clock stands exactly where the server paused it,
    /// even if the board had run a moment past it meanwhile (nothing after the pause was
    /// sent, so those moments held no event), and every board of the room reads the
    /// same paused time.
    pub(crate) fn reanchor(&mut self, at: Timestamp, speed: f64, wall: Timestamp) {
        let shown = self.now(wall);
        self.clock = running_at(at, speed, wall);
        self.floor = if speed == 0.0 { at } else { shown };
    }

    /// The feed's time at wall time `wall`.
    pub(crate) fn now(&self, wall: Timestamp) -> Timestamp {
        self.clock.now(wall).max(self.floor)
    }

    /// The announced speed: 0 while paused.
    pub(crate) fn speed(&self) -> f64 {
        if self.is_paused() {
            0.0
        } else {
            self.clock.speed()
        }
    }

    /// The trainer has paused the served clock: it stands still.
    pub(crate) fn is_paused(&self) -> bool {
        self.clock.is_paused()
    }

    #[cfg(test)]
    pub(crate) fn epoch(&self) -> u64 {
        self.epoch
    }
}

/// A clock reading `at` at `wall`, running at `speed`, or standing still at 0.
fn running_at(at: Timestamp, speed: f64, wall: Timestamp) -> VirtualClock {
    let mut clock = VirtualClock::new(at, wall, speed);
    if speed == 0.0 {
        clock.toggle_pause(wall);
    }
    clock
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(secs: i64) -> Timestamp {
        Timestamp::UNIX_EPOCH + Span::from_secs(secs)
    }

    fn ms(millis: i64) -> Span {
        Span::from_millis(millis)
    }

    #[test]
    fn it_runs_at_the_announced_speed_from_the_announced_time() {
        // Announced 10:00 (36,000 s) at ×20, arriving at wall 500 s.
        let clock = FeedClock::new(s(36_000), 20.0, 1, s(500));
        assert_eq!(clock.now(s(500)), s(36_000));
        assert_eq!(clock.now(s(500) + ms(250)), s(36_005));
        assert_eq!(clock.now(s(503)), s(36_060));
        assert_eq!(clock.speed(), 20.0);
    }

    #[test]
    fn each_heartbeat_re_anchors_it() {
        let mut clock = FeedClock::new(s(36_000), 20.0, 1, s(500));
        // One second later the feed says 36,030 (its clock is a little behind ours):
        // ours had reached 36,020, so it follows the feed forward.
        clock.reanchor(s(36_030), 20.0, s(501));
        assert_eq!(clock.now(s(501)), s(36_030));
        assert_eq!(clock.now(s(502)), s(36_050));
        // A new speed applies from the heartbeat on.
        clock.reanchor(s(36_050), 2.0, s(502));
        assert_eq!(clock.now(s(504)), s(36_054));
    }

    #[test]
    fn it_never_runs_backwards_and_catches_up_with_a_late_reading() {
        let mut clock = FeedClock::new(s(36_000), 20.0, 1, s(500));
        // At wall 501 we show 36,020; a heartbeat that was slow to arrive says 36,010.
        clock.reanchor(s(36_010), 20.0, s(501));
        // The clock holds at 36,020 for half a second (10 s of feed time) …
        assert_eq!(clock.now(s(501)), s(36_020));
        assert_eq!(clock.now(s(501) + ms(400)), s(36_020));
        // … then runs on from the feed's reading.
        assert_eq!(clock.now(s(501) + ms(500)), s(36_020));
        assert_eq!(clock.now(s(502)), s(36_030));
        let mut previous = Timestamp::MIN;
        for step in 0..40 {
            let now = clock.now(s(501) + ms(50 * step));
            assert!(now >= previous);
            previous = now;
        }
    }

    const SKEW: Span = Span::from_secs(60);

    #[test]
    fn a_pause_stands_the_clock_exactly_where_the_server_paused_it() {
        // Running at ×20 from 1,000 (wall 0); the pause heartbeat, sent when the server's
        // clock read 1,020, arrives 50 ms late, when the board reads 1,021.
        let mut clock = FeedClock::new(s(1_000), 20.0, 0, s(0));
        let late = s(1) + ms(50);
        assert_eq!(clock.now(late), s(1_021));
        clock.reanchor(s(1_020), 0.0, late);
        assert_eq!(clock.now(late), s(1_020));
        assert_eq!(clock.now(late + ms(5_000)), s(1_020));
    }

    #[test]
    fn a_paused_clock_stands_still_until_a_heartbeat_sets_it_running() {
        // Paused at 21:45:00 (78,300 s), announced at wall 500 s.
        let mut clock = FeedClock::new(s(78_300), 0.0, 1, s(500));
        assert!(clock.is_paused());
        assert_eq!(clock.speed(), 0.0);
        assert_eq!(clock.now(s(500)), s(78_300));
        assert_eq!(clock.now(s(5_000)), s(78_300));
        // Still paused a second later: the same reading.
        let followed = clock.follow(s(78_300), (0.0, 1), s(501), SKEW);
        assert_eq!(followed, Followed::SameTimeline);
        assert_eq!(clock.now(s(600)), s(78_300));
        // Resumed at ×20 at wall 601: 2 s later it reads 40 s on.
        clock.follow(s(78_300), (20.0, 1), s(601), SKEW);
        assert!(!clock.is_paused());
        assert_eq!(clock.speed(), 20.0);
        assert_eq!(clock.now(s(603)), s(78_340));
    }

    #[test]
    fn a_new_timeline_starts_the_clock_again_even_backwards() {
        let mut clock = FeedClock::new(s(36_000), 20.0, 1, s(500));
        // At wall 510 it reads 36,200; the trainer seeks back to 30,000 (epoch 2).
        assert_eq!(clock.now(s(510)), s(36_200));
        let followed = clock.follow(s(30_000), (20.0, 2), s(510), SKEW);
        assert_eq!(followed, Followed::NewTimeline);
        assert_eq!(clock.epoch(), 2);
        assert_eq!(clock.now(s(510)), s(30_000));
        assert_eq!(clock.now(s(511)), s(30_020));
        // And forwards by a year: a new timeline may go anywhere.
        let followed = clock.follow(s(31_536_000), (2.0, 3), s(512), SKEW);
        assert_eq!(followed, Followed::NewTimeline);
        assert_eq!(clock.now(s(513)), s(31_536_002));
    }

    #[test]
    fn a_heartbeat_of_the_same_timeline_too_far_ahead_leaves_the_clock_where_it_was() {
        let mut clock = FeedClock::new(s(36_000), 20.0, 1, s(500));
        // At wall 501 it reads 36,020. 36,080 is exactly the 60 s skew ahead: followed.
        assert_eq!(
            clock.follow(s(36_080), (20.0, 1), s(501), SKEW),
            Followed::SameTimeline
        );
        assert_eq!(clock.now(s(501)), s(36_080));
        // Ten years (315,360,000 s) ahead: refused, and the clock runs on as before.
        let ahead = s(36_080 + 315_360_000);
        assert_eq!(
            clock.follow(ahead, (20.0, 1), s(502), SKEW),
            Followed::TooFarAhead
        );
        assert_eq!(clock.now(s(502)), s(36_100));
        // 61 s ahead is refused too.
        assert_eq!(
            clock.follow(s(36_161), (20.0, 1), s(502), SKEW),
            Followed::TooFarAhead
        );
    }
}
