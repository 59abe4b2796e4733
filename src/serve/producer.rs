//! The producer: plays the planned events on the served clock (each sent at the wall
//! moment the clock reaches its time) and sends the heartbeats that announce the clock.

use std::sync::{Arc, Mutex};

use tracing::{debug, info};

use super::ServeOptions;
use super::backlog::{Shared, lock};
use super::lines::render;
use super::pass::Pass;
use crate::model::Event;
use crate::time::ServedClock;
use crate::time::{Span, Timestamp, WallClock};

/// Events published in one go before the producer lets the clients' tasks run.
const PUBLISH_CHUNK: usize = 256;

/// Between passes at least this much wall time passes, whatever the speed.
const MIN_WALL_GAP_MS: f64 = 10.0;

/// Where the producer is in the planned events.
struct Player {
    events: Vec<Event>,
    pass: Pass,
    cursor: usize,
    /// Later passes start here: the first event at or after the start time.
    replay_from: usize,
    looping: bool,
    /// Served time between a pass's last event and the next pass's start.
    gap: Span,
}

impl Player {
    /// The served time of the next event to send; at the end of a pass with `--loop`,
    /// the next pass starts first.
    fn next_due(&mut self) -> Option<Timestamp> {
        if self.cursor >= self.events.len()
            && self.looping
            && let Some(last) = self.events.get(self.replay_from..).and_then(<[_]>::last)
        {
            self.pass = self.pass.next(self.pass.served(last.at), self.gap);
            self.cursor = self.replay_from;
            debug!(pass = self.pass.number, "starting again");
        }
        let event = self.events.get(self.cursor)?;
        Some(self.pass.served(event.at))
    }

    /// Publishes up to `limit` events due at wall time `now`; returns how many.
    fn publish_due(
        &mut self,
        state: &mut Shared,
        clock: &ServedClock,
        now: Timestamp,
        limit: usize,
    ) -> usize {
        let mut sent = 0;
        while sent < limit {
            let Some(served) = self.next_due().filter(|at| clock.wall_at(*at) <= now) else {
                break;
            };
            let pass = self.pass;
            if let Some(event) = self.events.get(self.cursor)
                && let Some((line, role)) = render(event, pass.number, |t| pass.served(t))
            {
                state.publish(served, line, role);
            }
            self.cursor += 1;
            sent += 1;
        }
        state.next_due = self.next_due();
        state.stats.passes = self.pass.number;
        sent
    }
}

/// The producer's task. Before it returns, everything already due is in the history (the
/// events before `--from`, which count as sent) and what it will send next is known: a
/// client that connects before the task runs gets them as its backlog, after a clock
/// that is neither ahead of the next event nor behind any line it is sent. (Published by
/// the task instead, the events before `--from` could reach a client that joined
/// meanwhile as live lines dated hours after its clock, which a board refuses as dated
/// in the future.)
pub(super) fn produce(
    shared: Arc<Mutex<Shared>>,
    events: Vec<Event>,
    options: ServeOptions,
    clock: ServedClock,
    wall: WallClock,
) -> impl Future<Output = ()> + Send + 'static {
    let start_recorded = options
        .from
        .or_else(|| events.first().map(|event| event.at))
        .unwrap_or(Timestamp::UNIX_EPOCH);
    // Later passes start at the start time; earlier events were sent once, on the first.
    let replay_from = events.partition_point(|event| event.at < start_recorded);
    let min_gap = Span::from_nanos_f64(MIN_WALL_GAP_MS * 1e6 * clock.speed());
    let mut player = Player {
        events,
        pass: Pass::new(1, start_recorded, clock.origin()),
        cursor: 0,
        replay_from,
        looping: options.looping,
        gap: Span::SECOND.max(min_gap),
    };
    {
        let mut state = lock(&shared);
        state.stats.passes = 1;
        player.publish_due(&mut state, &clock, wall.now(), usize::MAX);
    }
    play(shared, player, options, clock, wall)
}

async fn play(
    shared: Arc<Mutex<Shared>>,
    mut player: Player,
    options: ServeOptions,
    clock: ServedClock,
    wall: WallClock,
) {
    let mut ended = false;
    let mut heartbeat = tokio::time::interval_at(
        tokio::time::Instant::now() + options.heartbeat,
        options.heartbeat,
    );
    heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);

    loop {
        let next = player.next_due().map(|served| clock.wall_at(served));
        if next.is_none() && !ended {
            ended = true;
            info!("the feed has ended; sending heartbeats until stopped");
        }
        let now = wall.now();
        if next.is_some_and(|at| at <= now) {
            {
                let mut state = lock(&shared);
                player.publish_due(&mut state, &clock, now, PUBLISH_CHUNK);
                state.wake_clients();
            }
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
                let mut state = lock(&shared);
                player.publish_due(&mut state, &clock, now, usize::MAX);
                state.beat(now);
            }
        }
    }
}
