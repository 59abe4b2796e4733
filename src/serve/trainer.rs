//! The trainer's controls of a served room: pause and resume, seek, change speed — for
//! every board at once — and the room's state as the console and the control socket
//! show it.

use chrono::{NaiveTime, TimeZone};
use chrono_tz::Tz;
use tokio::sync::{mpsc, oneshot, watch};

use crate::model::EventKind;
use crate::time::{
    MAX_SPEED, MIN_SPEED, SPEEDS, ServedClock, Span, Timestamp, parse_rfc3339, parse_span, to_utc,
};

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

impl TrainerCommand {
    /// A command as the control socket takes it, one per line: `pause`, `resume`,
    /// `toggle`, `faster`, `slower`, `speed 60`, `skip -15m` (or `+1m`, `90s`), `start`,
    /// `goto 21:45` (or `21:45:30`, in `zone`, the occurrence nearest `position`) or
    /// `goto 2024-07-05T21:45:00+01:00`. The error says what is accepted.
    pub fn parse(text: &str, zone: Tz, position: Timestamp) -> Result<TrainerCommand, String> {
        let mut words = text.split_whitespace();
        let verb = words.next().unwrap_or_default().to_ascii_lowercase();
        let argument = words.next();
        if words.next().is_some() {
            return Err(format!("one argument at most: {USAGE}"));
        }
        let command = match (verb.as_str(), argument) {
            ("pause", None) => TrainerCommand::Pause,
            ("resume" | "play", None) => TrainerCommand::Resume,
            ("toggle", None) => TrainerCommand::TogglePause,
            ("faster", None) => TrainerCommand::Faster,
            ("slower", None) => TrainerCommand::Slower,
            ("start", None) => TrainerCommand::ToStart,
            ("speed", Some(speed)) => match speed.trim_start_matches(['x', '×']).parse::<f64>() {
                Ok(speed) if SPEEDS.contains(&speed) => TrainerCommand::Speed(speed),
                _ => return Err("speed takes a number from 0.1 to 10000".to_string()),
            },
            ("skip", Some(by)) => {
                let (back, span) = match by.strip_prefix('-') {
                    Some(span) => (true, span),
                    None => (false, by.strip_prefix('+').unwrap_or(by)),
                };
                match parse_span(span) {
                    Some(span) if back => TrainerCommand::Skip(Span::ZERO - span),
                    Some(span) => TrainerCommand::Skip(span),
                    None => return Err("skip takes a span such as -15m, +1m or 90s".to_string()),
                }
            }
            ("goto", Some(time)) => TrainerCommand::GoTo(time_of_day(time, zone, position)?),
            _ => return Err(format!("unknown command {text:?}: {USAGE}")),
        };
        Ok(command)
    }
}

/// The commands the control socket takes, for its error messages.
pub(crate) const USAGE: &str = "pause, resume, toggle, faster, slower, speed X, skip ±SPAN, \
                                start, goto HH:MM[:SS] or goto RFC3339, status";

/// `goto`'s time: RFC 3339, or a time of day in `zone` taken on the day nearest `position`
/// (the day before, of, or after), so `goto 00:10` near midnight goes forward.
fn time_of_day(text: &str, zone: Tz, position: Timestamp) -> Result<Timestamp, String> {
    if let Ok(at) = parse_rfc3339(text) {
        return Ok(at);
    }
    let refused = || format!("goto takes HH:MM, HH:MM:SS or an RFC 3339 time, not {text:?}");
    let time = NaiveTime::parse_from_str(text, "%H:%M:%S")
        .or_else(|_| NaiveTime::parse_from_str(text, "%H:%M"))
        .map_err(|_| refused())?;
    let today = zone
        .from_utc_datetime(&to_utc(position).naive_utc())
        .date_naive();
    [today.pred_opt(), Some(today), today.succ_opt()]
        .into_iter()
        .flatten()
        .filter_map(|day| zone.from_local_datetime(&day.and_time(time)).earliest())
        .filter_map(|local| local.timestamp_nanos_opt().map(Timestamp::from_nanos))
        .min_by_key(|at| (*at - position).abs())
        .ok_or_else(refused)
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

impl RoomStatus {
    /// The mapping in words, as `serve` prints it and the control socket answers:
    /// `recording 21:30:00 Fri 5 Jul 2024 = now, ×20, playing; 3 boards`.
    pub fn describe(&self, zone: Tz, wall: Timestamp) -> String {
        let local = |at: Timestamp| {
            zone.from_utc_datetime(&to_utc(at).naive_utc())
                .format("%H:%M:%S %a %-d %b %Y")
                .to_string()
        };
        let position = self.position(wall);
        let speed = format_speed(self.speed());
        let state = if self.is_paused() {
            format!("paused (×{speed} when resumed)")
        } else {
            format!("×{speed}, playing")
        };
        let served = if self.offset() == Span::ZERO {
            String::new()
        } else {
            format!(" (served as {})", local(self.clock.served(position)))
        };
        let boards = match self.clients {
            1 => "1 board".to_string(),
            n => format!("{n} boards"),
        };
        format!(
            "recording {} = now{served}, {state}; {boards}",
            local(position)
        )
    }
}

/// `20`, `0.5`, `2.5`: a speed as the trainer typed it.
fn format_speed(speed: f64) -> String {
    let text = format!("{speed:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
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

    #[test]
    fn the_mapping_reads_in_the_forces_zone_with_the_speed_and_the_boards() {
        let zone: Tz = "Europe/London".parse().expect("zone");
        let start = parse_rfc3339("2024-07-05T20:30:00Z").expect("time");
        let wall = s(1_000);
        let mut status = RoomStatus {
            clock: ServedClock::new(start, wall, 20.0, false),
            epoch: 0,
            clients: 3,
            first: start,
            last: start,
            start,
            next: None,
            passes: 1,
        };
        assert_eq!(
            status.describe(zone, wall + Span::from_secs(3)),
            "recording 21:31:00 Fri 5 Jul 2024 = now, ×20, playing; 3 boards"
        );
        status.clock.set_paused(true, wall);
        status.clock.set_speed(0.5, wall);
        status.clients = 1;
        assert_eq!(
            status.describe(zone, wall + Span::from_secs(3)),
            "recording 21:30:00 Fri 5 Jul 2024 = now, paused (×0.5 when resumed); 1 board"
        );
    }

    #[test]
    fn the_control_sockets_commands_read_as_the_trainer_means_them() {
        let zone: Tz = "Europe/London".parse().expect("zone");
        // Fri 5 Jul 2024 21:40 BST (20:40Z).
        let position = parse_rfc3339("2024-07-05T20:40:00Z").expect("time");
        let parse = |text| TrainerCommand::parse(text, zone, position);
        assert_eq!(parse("pause"), Ok(TrainerCommand::Pause));
        assert_eq!(parse(" Resume "), Ok(TrainerCommand::Resume));
        assert_eq!(parse("speed 60"), Ok(TrainerCommand::Speed(60.0)));
        assert_eq!(parse("speed ×20"), Ok(TrainerCommand::Speed(20.0)));
        assert_eq!(
            parse("skip -15m"),
            Ok(TrainerCommand::Skip(Span::from_mins(-15)))
        );
        assert_eq!(parse("skip +1m"), Ok(TrainerCommand::Skip(Span::MINUTE)));
        assert_eq!(
            parse("skip 90s"),
            Ok(TrainerCommand::Skip(Span::from_secs(90)))
        );
        // 21:45 BST is 20:45Z, the same evening.
        let at = |text| parse_rfc3339(text).expect("time");
        assert_eq!(
            parse("goto 21:45"),
            Ok(TrainerCommand::GoTo(at("2024-07-05T20:45:00Z")))
        );
        // 00:10 is nearest the next morning; 21:00 of 4 Jul is further than of 5 Jul.
        assert_eq!(
            parse("goto 00:10"),
            Ok(TrainerCommand::GoTo(at("2024-07-05T23:10:00Z")))
        );
        assert_eq!(
            parse("goto 2024-07-05T21:45:30+01:00"),
            Ok(TrainerCommand::GoTo(at("2024-07-05T20:45:30Z")))
        );
        for bad in [
            "",
            "speed 0",
            "speed fast",
            "skip 15",
            "goto 25:00",
            "jump",
            "pause now",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
