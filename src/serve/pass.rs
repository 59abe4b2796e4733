//! Each pass's shift of the recording onto the served clock.

use crate::time::{Span, Timestamp};

/// One pass over the recording: its times shifted, never scaled, onto the served clock,
/// so every duration is the recording's own.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Pass {
    pub(super) number: u64,
    start_recorded: Timestamp,
    start_served: Timestamp,
}

impl Pass {
    /// Pass `number` plays recording time `start_recorded` at served time `start_served`.
    pub(super) fn new(number: u64, start_recorded: Timestamp, start_served: Timestamp) -> Pass {
        Pass {
            number,
            start_recorded,
            start_served,
        }
    }

    /// The served time of recording time `recorded`.
    pub(super) fn served(&self, recorded: Timestamp) -> Timestamp {
        self.start_served + (recorded - self.start_recorded)
    }

    /// The next pass, starting `gap` after `end` (this pass's last served time).
    pub(super) fn next(&self, end: Timestamp, gap: Span) -> Pass {
        Pass::new(self.number + 1, self.start_recorded, end + gap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::ServedClock;

    fn s(secs: i64) -> Timestamp {
        Timestamp::UNIX_EPOCH + Span::from_secs(secs)
    }

    #[test]
    fn a_four_second_answer_is_sent_four_seconds_apart_at_a_twentieth_of_the_wall_time() {
        // The recording: offered at 11:00:00, answered at 11:00:04; served from wall 1000 s.
        let offered = s(1_719_831_600);
        let answered = offered + Span::from_secs(4);
        let clock = ServedClock::new(s(1_000), 20.0);
        let pass = Pass::new(1, offered, clock.origin());
        assert_eq!(pass.served(offered), s(1_000));
        assert_eq!(pass.served(answered), s(1_004));
        // Sent at once, and 4 / 20 = 0.2 s of wall time later.
        assert_eq!(clock.wall_at(pass.served(offered)), s(1_000));
        assert_eq!(
            clock.wall_at(pass.served(answered)),
            s(1_000) + Span::from_millis(200)
        );
        // A second pass is a later shift, durations unchanged.
        let second = pass.next(pass.served(answered), Span::SECOND);
        assert_eq!(second.number, 2);
        assert_eq!(second.served(offered), s(1_005));
        assert_eq!(second.served(answered), s(1_009));
    }
}
