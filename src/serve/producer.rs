//! The producer: plays the planned events on the trainer's clock (each sent at the wall
//! moment the clock reaches its time), sends the heartbeats that announce the clock, and
//! carries out the trainer's commands for the whole room.
//!
//! Pausing, resuming and changing speed re-anchor the clock and announce it at once. A
//! seek — back or forward — starts the served timeline again: a new epoch, the history
//! rebuilt with every event up to the new time counted as sent, and every client sent
//! the new clock and the backlog, as if it had just connected. So after a seek every
//! board's figures are those of a board that joined at that moment, which are the
//! recording's own at that time. `--loop` is a seek to the start at the end.

use std::sync::{Arc, Mutex};

use tracing::{debug, info};

use super::ServeOptions;
use super::backlog::{Shared, lock};
use super::lines::render;
use super::trainer::{Request, RoomStatus, TrainerCommand, TrainerDesk, clamp_seek, new_speed};
use crate::model::Event;
use crate::time::{Span, Timestamp, WallClock};

/// Events published in one go before the producer lets the clients' tasks run.
const PUBLISH_CHUNK: usize = 256;

/// Between passes at least this much wall time passes, whatever the speed.
const MIN_WALL_GAP_MS: f64 = 10.0;

/// Where the producer is in the planned events.
struct Player {
    events: Vec<Event>,
    cursor: usize,
    /// Where the serve started (`--from`, or the first event): `--loop` and the start
    /// key come back here.
    start: Timestamp,
    /// The recording's first and last event: seeks stay between them.
    first: Timestamp,
    last: Timestamp,
    looping: bool,
    /// Recording time between the last event and the start of the next pass.
    gap: Span,
    passes: u64,
}

impl Player {
    /// The recording time of the next event to send.
    fn next_recorded(&self) -> Option<Timestamp> {
        self.events.get(self.cursor).map(|event| event.at)
    }

    /// With `--loop`, once every event is sent: the recording time at which the next pass
    /// starts.
    fn next_pass_at(&self) -> Option<Timestamp> {
        (self.looping && self.cursor >= self.events.len()).then(|| self.last + self.gap)
    }

    /// Publishes up to `limit` events due by `reading` (served time); returns how many.
    fn publish_due(&mut self, state: &mut Shared, reading: Timestamp, limit: usize) -> usize {
        let clock = state.clock;
        let mut sent = 0;
        while sent < limit {
            let Some(event) = self.events.get(self.cursor) else {
                break;
            };
            let served = clock.served(event.at);
            if served > reading {
                break;
            }
            if let Some((line, role)) = render(event, |t| clock.served(t)) {
                state.publish(served, line, role);
            }
            self.cursor += 1;
            sent += 1;
        }
        state.next_due = self.next_recorded().map(|at| clock.served(at));
        sent
    }

    /// Starts the served timeline again at recording time `to`: everything up to it
    /// counts as sent, and every client is sent the new clock and backlog.
    fn restart(&mut self, state: &mut Shared, to: Timestamp, wall: Timestamp) {
        state.restart();
        state.clock.seek(to, wall);
        self.cursor = 0;
        let reading = state.clock.served(to);
        self.publish_due(state, reading, usize::MAX);
        state.rejoin(wall);
        info!(
            epoch = state.epoch,
            to = %crate::time::format_utc(to),
            "the served timeline starts again"
        );
    }

    fn status(&self, state: &Shared) -> RoomStatus {
        RoomStatus {
            clock: state.clock,
            epoch: state.epoch,
            clients: state.connected(),
            first: self.first,
            last: self.last,
            start: self.start,
            next: self
                .events
                .get(self.cursor)
                .map(|event| (event.at, event.body.kind())),
            passes: self.passes,
        }
    }

    /// Carries out one of the trainer's commands at wall time `wall`.
    fn command(&mut self, state: &mut Shared, command: TrainerCommand, wall: Timestamp) {
        // Everything due by now is sent first: a pause then reads exactly where it
        // stopped, after every event up to it.
        let reading = state.clock.at(wall);
        self.publish_due(state, reading, usize::MAX);
        let position = state.clock.position(wall);
        let seek = |to: Timestamp| clamp_seek(to, self.first, self.last);
        let target = match command {
            TrainerCommand::Skip(by) => Some(seek(position + by)),
            TrainerCommand::ToStart => Some(self.start),
            TrainerCommand::GoTo(to) => Some(seek(to)),
            _ => None,
        };
        if let Some(to) = target {
            self.restart(state, to, wall);
            return;
        }
        let paused = state.clock.is_paused();
        match command {
            TrainerCommand::TogglePause => state.clock.set_paused(!paused, wall),
            TrainerCommand::Pause => state.clock.set_paused(true, wall),
            TrainerCommand::Resume => state.clock.set_paused(false, wall),
            other => {
                if let Some(speed) = new_speed(other, state.clock.speed()) {
                    state.clock.set_speed(speed, wall);
                }
            }
        }
        info!(
            paused = state.clock.is_paused(),
            speed = state.clock.speed(),
            "the trainer changed the clock"
        );
        // Every board follows at once, not at the next heartbeat.
        state.beat(wall);
    }
}

/// The producer's task. Before it returns, everything already due is in the history (the
/// events before the start, which count as sent) and what it will send next is known: a
/// client that connects before the task runs gets them as its backlog, after a clock
/// that is neither ahead of the next event nor behind any line it is sent.
pub(super) fn produce(
    shared: Arc<Mutex<Shared>>,
    events: Vec<Event>,
    options: ServeOptions,
    desk: TrainerDesk,
    wall: WallClock,
) -> impl Future<Output = ()> + Send + 'static {
    let first = events
        .first()
        .map_or(Timestamp::UNIX_EPOCH, |event| event.at);
    let last = events.last().map_or(first, |event| event.at);
    let start = options.from.unwrap_or(first);
    let speed = lock(&shared).clock.speed();
    let min_gap = Span::from_nanos_f64(MIN_WALL_GAP_MS * 1e6 * speed);
    let mut player = Player {
        events,
        cursor: 0,
        start,
        first,
        last,
        looping: options.looping,
        gap: Span::SECOND.max(min_gap),
        passes: 1,
    };
    {
        let mut state = lock(&shared);
        state.stats.passes = 1;
        let reading = state.clock.at(wall.now());
        player.publish_due(&mut state, reading, usize::MAX);
        desk.status.send_replace(Some(player.status(&state)));
    }
    play(shared, player, options, desk, wall)
}

async fn play(
    shared: Arc<Mutex<Shared>>,
    mut player: Player,
    options: ServeOptions,
    mut desk: TrainerDesk,
    wall: WallClock,
) {
    let mut ended = false;
    let mut heartbeat = tokio::time::interval_at(
        tokio::time::Instant::now() + options.heartbeat,
        options.heartbeat,
    );
    heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut commands_open = true;

    loop {
        let (next, clock) = {
            let state = lock(&shared);
            let next = player
                .next_recorded()
                .or_else(|| player.next_pass_at())
                .map(|at| state.clock.served(at));
            (next, state.clock)
        };
        if next.is_none() && !ended {
            ended = true;
            info!("the feed has ended; sending heartbeats until stopped");
        }
        let now = wall.now();
        let reading = clock.at(now);
        if next.is_some_and(|at| at <= reading) {
            {
                let mut state = lock(&shared);
                if player.cursor >= player.events.len() {
                    player.passes += 1;
                    state.stats.passes = player.passes;
                    debug!(pass = player.passes, "starting again");
                    player.restart(&mut state, player.start, now);
                } else {
                    player.publish_due(&mut state, reading, PUBLISH_CHUNK);
                    state.wake_clients();
                }
                // Cheap (a copy in a watch): the console reads it when it redraws.
                desk.status.send_replace(Some(player.status(&state)));
            }
            tokio::task::yield_now().await;
            continue;
        }
        ended = ended && next.is_none();
        let until_next = async {
            match next.and_then(|at| clock.wall_at(at)) {
                Some(at) => tokio::time::sleep_until(wall.instant_at(at).into()).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = until_next => {}
            request = desk.requests.recv(), if commands_open => match request {
                Some(Request { command, done }) => {
                    let mut state = lock(&shared);
                    player.command(&mut state, command, wall.now());
                    let status = player.status(&state);
                    drop(state);
                    desk.status.send_replace(Some(status));
                    if let Some(done) = done {
                        let _ = done.send(status);
                    }
                }
                None => commands_open = false,
            },
            _ = heartbeat.tick() => {
                // Everything due by the heartbeat's time goes first, so `at` never goes back.
                let now = wall.now();
                let mut state = lock(&shared);
                let reading = state.clock.at(now);
                player.publish_due(&mut state, reading, usize::MAX);
                state.beat(now);
                let status = player.status(&state);
                drop(state);
                desk.status.send_replace(Some(status));
            }
        }
    }
}
