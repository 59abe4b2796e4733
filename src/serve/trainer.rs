//! The trainer's controls of a served room: pause and resume, seek, change speed — for
//! every board at once — and the room's state as the console and the control socket
//! show it.

use tokio::sync::{mpsc, oneshot, watch};

use crate::model::EventKind;
use crate::time::{MAX_SPEED, MIN_SPEED, ServedClock, Span, Timestamp};
use crate::ui::ReplayCommand;

/// What the trainer asks of the room.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TrainerCommand {
    TogglePause,
    Pause,
    Resume,
    /// Double the speed (at most 10,000).
    Faster,
    /// Halve the speed (at least 0.1).
    Slower,
    /// Play at this speed (clamped to 0.1–10,000).
    Speed(f64),
    /// Move the recording's clock by this much (negative: back).
    Skip(Span),
    /// Back to where the serve started (`--from`, or the first event).
    ToStart,
    /// To this recording time.
    GoTo(Timestamp),
}

impl From<ReplayCommand> for TrainerCommand {
    /// The replay keys, which the console takes as they are.
    fn from(command: ReplayCommand) -> TrainerCommand {
        match command {
            ReplayCommand::TogglePause => TrainerCommand::TogglePause,
            ReplayCommand::Faster => TrainerCommand::Faster,
            ReplayCommand::Slower => TrainerCommand::Slower,
            ReplayCommand::Skip(by) => TrainerCommand::Skip(by),
            ReplayCommand::ToStart => TrainerCommand::ToStart,
        }
    }
}

/// Where a seek lands: `target` held within the recording, `first`–`last`.
pub(crate) fn clamp_seek(target: Timestamp, first: Timestamp, last: Timestamp) -> Timestamp {
    target.max(first).min(last)
}

/// The speed after `command` from `speed`; `None` for a command that does not set it.
pub(crate) fn new_speed(command: TrainerCommand, speed: f64) -> Option<f64> {
    match command {
        TrainerCommand::Faster => Some((speed * 2.0).min(MAX_SPEED)),
        TrainerCommand::Slower => Some((speed / 2.0).max(MIN_SPEED)),
        TrainerCommand::Speed(speed) => Some(speed.clamp(MIN_SPEED, MAX_SPEED)),
        _ => None,
    }
}

/// The room as the producer last told it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoomStatus {
    pub(crate) clock: ServedClock,
    /// The served timeline's number: it changes at every seek and every new pass.
    pub epoch: u64,
    /// Boards connected.
    pub clients: usize,
    /// The recording's first and last event, and where the serve started.
    pub first: Timestamp,
    pub last: Timestamp,
    pub start: Timestamp,
    /// The recording time and kind of the next event to send.
    pub next: Option<(Timestamp, EventKind)>,
    /// Passes over the recording started (more than one only with `--loop`).
    pub passes: u64,
}

impl RoomStatus {
    /// The recording time being played at wall time `wall`.
    pub fn position(&self, wall: Timestamp) -> Timestamp {
        self.clock.position(wall)
    }

    pub fn speed(&self) -> f64 {
        self.clock.speed()
    }

    pub fn is_paused(&self) -> bool {
        self.clock.is_paused()
    }

    /// Served time − recording time: zero on the recording's own clock.
    pub fn offset(&self) -> Span {
        self.clock.offset()
    }
}

/// One command, with where to say what the room looks like once it is done.
pub(crate) struct Request {
    pub(crate) command: TrainerCommand,
    pub(crate) done: Option<oneshot::Sender<RoomStatus>>,
}

/// The server's end of a [`Trainer`]: the commands to apply, and where to tell the
/// room's state.
pub struct TrainerDesk {
    pub(crate) requests: mpsc::UnboundedReceiver<Request>,
    pub(crate) status: watch::Sender<Option<RoomStatus>>,
}

/// The trainer's end, for the console and the control socket: cheap to clone.
#[derive(Clone)]
pub struct Trainer {
    requests: mpsc::UnboundedSender<Request>,
    status: watch::Receiver<Option<RoomStatus>>,
}

impl Trainer {
    /// A trainer and the desk the server takes its commands from
    /// ([`serve_with_trainer`](super::serve_with_trainer)).
    pub fn new() -> (Trainer, TrainerDesk) {
        let (requests_tx, requests) = mpsc::unbounded_channel();
        let (status, status_rx) = watch::channel(None);
        let trainer = Trainer {
            requests: requests_tx,
            status: status_rx,
        };
        (trainer, TrainerDesk { requests, status })
    }

    /// Asks for `command`; the room follows within moments.
    pub fn send(&self, command: TrainerCommand) {
        let request = Request {
            command,
            done: None,
        };
        // The server has stopped: there is no room to command.
        let _ = self.requests.send(request);
    }

    /// Asks for `command` and waits until it is done: the room's state then, or `None`
    /// when the server has stopped.
    pub async fn apply(&self, command: TrainerCommand) -> Option<RoomStatus> {
        let (done, answer) = oneshot::channel();
        let request = Request {
            command,
            done: Some(done),
        };
        self.requests.send(request).ok()?;
        answer.await.ok()
    }

    /// The room's state as last told (`None` before the server has started).
    pub fn status(&self) -> Option<RoomStatus> {
        *self.status.borrow()
    }

    /// Waits until the room's state changes; `false` once the server has stopped.
    pub async fn changed(&mut self) -> bool {
        self.status.changed().await.is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(secs: i64) -> Timestamp {
        Timestamp::UNIX_EPOCH + Span::from_secs(secs)
    }

    #[test]
    fn speeds_double_and_halve_within_the_range_and_seeks_stay_in_the_recording() {
        assert_eq!(new_speed(TrainerCommand::Faster, 20.0), Some(40.0));
        assert_eq!(new_speed(TrainerCommand::Faster, 8_000.0), Some(10_000.0));
        assert_eq!(new_speed(TrainerCommand::Slower, 0.15), Some(0.1));
        assert_eq!(new_speed(TrainerCommand::Speed(60.0), 1.0), Some(60.0));
        assert_eq!(new_speed(TrainerCommand::Speed(0.0), 1.0), Some(0.1));
        assert_eq!(new_speed(TrainerCommand::Pause, 1.0), None);
        assert_eq!(clamp_seek(s(5), s(10), s(20)), s(10));
        assert_eq!(clamp_seek(s(25), s(10), s(20)), s(20));
        assert_eq!(clamp_seek(s(15), s(10), s(20)), s(15));
    }
}
