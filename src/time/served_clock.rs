//! The clock a served feed carries: the recording's own time as the trainer plays it —
//! paused, sped up, moved — optionally re-dated by a fixed shift.

use super::{Span, Timestamp, VirtualClock};

/// The time a served feed carries. Underneath is the *position*: recording time, played
/// at a speed from a wall moment, paused and moved by the trainer. The served time is the
/// position shifted by a fixed offset: zero (the recording's own clock, the default), or
/// for a re-dated feed the wall time when the server started (to the whole millisecond,
/// so that millisecond times stay exact) minus the recording time it started at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ServedClock {
    position: VirtualClock,
    /// Served time − recording time.
    offset: Span,
}

impl ServedClock {
    /// Plays recording time `start` from wall time `wall` at `speed` (clamped to the
    /// virtual clock's range). `redate`: served times read the wall time at `start`.
    pub(crate) fn new(start: Timestamp, wall: Timestamp, speed: f64, redate: bool) -> ServedClock {
        let offset = if redate {
            whole_millisecond(wall) - start
        } else {
            Span::ZERO
        };
        ServedClock {
            position: VirtualClock::new(start, wall, speed),
            offset,
        }
    }

    /// The speed it runs at when playing (kept while paused).
    pub(crate) fn speed(&self) -> f64 {
        self.position.speed()
    }

    pub(crate) fn is_paused(&self) -> bool {
        self.position.is_paused()
    }

    /// The speed a heartbeat announces: 0 while paused.
    pub(crate) fn announced_speed(&self) -> f64 {
        if self.is_paused() { 0.0 } else { self.speed() }
    }

    /// Served time − recording time: zero on the recording's own clock.
    pub(crate) fn offset(&self) -> Span {
        self.offset
    }

    /// The served time of recording time `recorded`.
    pub(crate) fn served(&self, recorded: Timestamp) -> Timestamp {
        recorded + self.offset
    }

    /// The recording time being played at wall time `wall`.
    pub(crate) fn position(&self, wall: Timestamp) -> Timestamp {
        self.position.now(wall)
    }

    /// The served time at wall time `wall`.
    pub(crate) fn at(&self, wall: Timestamp) -> Timestamp {
        self.served(self.position(wall))
    }

    /// The first wall time at which the clock reads `served` or later; `None` while
    /// paused.
    pub(crate) fn wall_at(&self, served: Timestamp) -> Option<Timestamp> {
        self.position.wall_at(served - self.offset)
    }

    pub(crate) fn set_speed(&mut self, speed: f64, wall: Timestamp) {
        self.position.set_speed(speed, wall);
    }

    /// Pauses at a whole millisecond (the heartbeats' precision, so that every board
    /// reads exactly the time the room stands at), or resumes.
    pub(crate) fn set_paused(&mut self, paused: bool, wall: Timestamp) {
        self.position.set_paused(paused, wall);
        if paused {
            let at = self.position.now(wall);
            self.position.seek(whole_millisecond(at), wall);
        }
    }

    /// Plays from recording time `to`, at its whole millisecond (paused or not, at the
    /// same speed).
    pub(crate) fn seek(&mut self, to: Timestamp, wall: Timestamp) {
        self.position.seek(whole_millisecond(to), wall);
    }
}

/// `at` without its part of a millisecond.
fn whole_millisecond(at: Timestamp) -> Timestamp {
    let past_millisecond = at.nanos().rem_euclid(Span::MILLISECOND.nanos());
    Timestamp::from_nanos(at.nanos() - past_millisecond)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(secs: i64) -> Timestamp {
        Timestamp::UNIX_EPOCH + Span::from_secs(secs)
    }

    #[test]
    fn the_recordings_own_clock_reads_the_recording_time_and_runs_at_its_speed() {
        let clock = ServedClock::new(s(5_000), s(1_000), 20.0, false);
        assert_eq!(clock.offset(), Span::ZERO);
        // 1.5 s of wall time later it reads 30 s later.
        let later = s(1_000) + Span::from_millis(1_500);
        assert_eq!(clock.at(later), s(5_030));
        assert_eq!(clock.wall_at(s(5_030)), Some(later));
    }

    #[test]
    fn a_redated_clock_starts_at_the_wall_time_to_the_millisecond() {
        let wall = s(1_000) + Span::from_nanos(2_345_678);
        let clock = ServedClock::new(s(5_000), wall, 20.0, true);
        let origin = s(1_000) + Span::from_millis(2);
        assert_eq!(clock.served(s(5_000)), origin);
        assert_eq!(clock.offset(), origin - s(5_000));
        // A 4 s answer is 4 s on the re-dated clock too.
        assert_eq!(
            clock.served(s(5_004)) - clock.served(s(5_000)),
            Span::from_secs(4)
        );
    }

    #[test]
    fn the_trainer_pauses_moves_and_speeds_it() {
        let mut clock = ServedClock::new(s(5_000), s(0), 20.0, false);
        clock.set_paused(true, s(3)); // at 5,060
        assert_eq!(clock.at(s(100)), s(5_060));
        assert_eq!(clock.announced_speed(), 0.0);
        assert_eq!(clock.wall_at(s(5_061)), None);
        clock.seek(s(4_100), s(100));
        assert_eq!(clock.at(s(200)), s(4_100));
        clock.set_speed(60.0, s(200));
        clock.set_paused(false, s(200));
        assert_eq!(clock.at(s(201)), s(4_160));
        assert_eq!(clock.announced_speed(), 60.0);
        // Paused 2.5 ms of recording into a millisecond: it stands at the millisecond.
        clock.set_paused(true, s(201) + Span::from_nanos(41_667));
        assert_eq!(clock.at(s(300)), s(4_160) + Span::from_millis(2));
    }

    #[test]
    fn the_wall_mapping_inverts_the_clock() {
        for speed in [0.1, 1.0, 20.0, 10_000.0] {
            let clock = ServedClock::new(s(7), s(7), speed, true);
            for served in [s(7), s(8), s(3_607)] {
                let wall = clock.wall_at(served).expect("playing");
                assert!(clock.at(wall) >= served, "{speed} {served:?}");
                assert!(
                    clock.at(wall) - served <= Span::from_nanos_f64(speed.ceil()),
                    "{speed} {served:?}"
                );
            }
        }
    }
}
