//! The producer: plays the planned events on the shared timeline, mapping virtual time to
//! wall time, and sends the heartbeats.

use std::sync::{Arc, Mutex};

use tracing::{debug, info};

use super::ServeOptions;
use super::backlog::{Shared, lock};
use super::lines::{heartbeat_line, render};
use crate::ingest::playback::{MAX_SPEED, MIN_SPEED, VirtualClock};
use crate::model::Event;
use crate::time::{Span, Timestamp, WallClock};

/// Events published in one go before the producer lets the clients' tasks run.
const PUBLISH_CHUNK: usize = 256;

/// One pass over the feed on the shared timeline.
pub(super) struct Pass {
    pub(super) number: u64,
    pub(super) clock: VirtualClock,
    start_virtual: Timestamp,
    start_wall: Timestamp,
}

impl Pass {
    pub(super) fn new(
        number: u64,
        start_virtual: Timestamp,
        start_wall: Timestamp,
        speed: f64,
    ) -> Pass {
        Pass {
            number,
            clock: VirtualClock::new(start_virtual, start_wall, speed),
            start_virtual,
            start_wall,
        }
    }

    /// The wall time the clock maps virtual time `v` to (the inverse of
    /// [`VirtualClock::now`]; monotonic in `v`).
    pub(super) fn wall_at(&self, v: Timestamp) -> Timestamp {
        let offset = (v - self.start_virtual).nanos() as f64 / self.clock.speed();
        // `as` from f64 saturates; so does the addition.
        self.start_wall + Span::from_nanos(offset.floor() as i64)
    }
}

pub(super) async fn produce(
    shared: Arc<Mutex<Shared>>,
    events: Vec<Event>,
    options: ServeOptions,
    wall: WallClock,
) {
    let speed = options.speed.clamp(MIN_SPEED, MAX_SPEED);
    let start_virtual = options
        .from
        .or_else(|| events.first().map(|event| event.at))
        .unwrap_or(Timestamp::UNIX_EPOCH);
    // Later passes start at the start time; earlier events were sent once, on the first.
    let replay_from = events.partition_point(|event| event.at < start_virtual);
    let gap =
        Span::from_nanos((Span::SECOND.nanos() as f64 / speed) as i64).max(Span::from_millis(10));
    let mut pass = Pass::new(1, start_virtual, wall.now(), speed);
    lock(&shared).stats.passes = 1;
    let mut cursor = 0;
    let mut playing = !events.is_empty();
    let mut heartbeat = tokio::time::interval_at(
        tokio::time::Instant::now() + options.heartbeat,
        options.heartbeat,
    );
    heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);

    // Publishes up to `limit` events due at wall time `now`; returns how many.
    let publish_due = |pass: &Pass, cursor: &mut usize, now: Timestamp, limit: usize| {
        let mut state = lock(&shared);
        let mut sent = 0;
        while sent < limit {
            let Some(event) = events.get(*cursor) else {
                break;
            };
            let at = pass.wall_at(event.at);
            if at > now {
                break;
            }
            if let Some((line, role)) = render(event, pass.number, |t| pass.wall_at(t)) {
                state.publish(at, line, role);
            }
            *cursor += 1;
            sent += 1;
        }
        sent
    };

    loop {
        if playing && cursor >= events.len() {
            if options.looping && replay_from < events.len() {
                let end = pass.wall_at(events[events.len() - 1].at);
                pass = Pass::new(pass.number + 1, start_virtual, end + gap, speed);
                cursor = replay_from;
                lock(&shared).stats.passes = pass.number;
                debug!(pass = pass.number, "starting again");
            } else {
                playing = false;
                info!("the feed has ended; sending heartbeats until stopped");
            }
        }
        let next = if playing {
            events.get(cursor).map(|event| pass.wall_at(event.at))
        } else {
            None
        };
        let now = wall.now();
        if next.is_some_and(|at| at <= now) {
            publish_due(&pass, &mut cursor, now, PUBLISH_CHUNK);
            tokio::task::yield_now().await;
            continue;
        }
        let until_next = async {
            match next {
                Some(at) => tokio::time::sleep_until(wall.instant_at(at).into()).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = until_next => {}
            _ = heartbeat.tick() => {
                // Everything due by the heartbeat's time goes first, so `at` never goes back.
                let now = wall.now();
                if playing {
                    publish_due(&pass, &mut cursor, now, usize::MAX);
                }
                let mut state = lock(&shared);
                state.broadcast(&heartbeat_line(now));
                state.stats.heartbeats += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wall_mapping_inverts_the_clock() {
        let s = |secs: i64| Timestamp::UNIX_EPOCH + Span::from_secs(secs);
        for speed in [0.1, 1.0, 60.0, 10_000.0] {
            let pass = Pass::new(1, s(5_000), s(7), speed);
            for v in [s(5_000), s(5_001), s(8_600), s(4_000)] {
                let wall = pass.wall_at(v);
                assert!(
                    (pass.clock.now(wall) - v).abs() <= Span::from_nanos(speed.ceil() as i64),
                    "{speed} {v:?}"
                );
            }
        }
    }
}
