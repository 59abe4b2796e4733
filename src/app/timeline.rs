//! The events behind a board and the clock they are read at: a live engine fed by a
//! source, or a recording played on a virtual clock (replay and the demo). One
//! `Timeline` can serve several boards: they read it, and only the shell that owns it
//! feeds it.

use crate::config::{AlertSettings, Config};
use crate::engine::Engine;
use crate::feed::source::{Shared, SharedAck, SharedRaise};
use crate::feed::{FeedItem, SourceState};
use crate::format::printable;
use crate::ingest::playback::Playback;
use crate::ingest::replay::{Replay, ReplayOptions};
use crate::model::{AnnouncedClock, Event, EventBody, Reject};
use crate::time::{MAX_SPEED, MIN_SPEED};
use crate::time::{Span, Timestamp};
use crate::ui::status::{AsOf, SourceLabel};
use crate::ui::{FeedState, FeedStatus, Mode, RecordingStatus, ReplayCommand};
use tokio::sync::mpsc;

use super::alerts::{self, Acknowledgement, AlertEvent, Alerts};
use super::tracker::FeedTracker;
use crate::ingest::live::{LiveIngest, Outcome};
use crate::time::{FeedClock, Followed};

/// The demo starts this far into its day, when the board is busy.
const DEMO_START: Span = Span::from_hours(17);

/// How the recording is doing, for the board.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordHealth {
    /// Why writes fail, while they do.
    pub failed: Option<String>,
    /// Lines that never reached the file, in all: a failed write's, or the queue's when full.
    pub lost: u64,
    /// How many times writes have started failing (each can be acknowledged on its own).
    pub failures: u64,
}

/// Why a recording cannot be played.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlaybackError {
    #[error("the feed has no events to replay")]
    Empty,
    #[error("the built-in demo day cannot be read")]
    DemoUnreadable,
}

enum Driver {
    /// A live source: events are applied as they arrive, but for the waits of
    /// [`LiveIngest`] (events dated a little ahead; closes ahead of their openings).
    Live(LiveIngest),
    Recording {
        replay: Box<Replay>,
        looping: bool,
    },
}

pub struct Timeline {
    driver: Driver,
    tracker: FeedTracker,
    stale_after: Span,
    future_skew: Span,
    /// A live feed's own clock, once its heartbeats announce one (a served recording).
    clock: Option<FeedClock>,
    /// The next line is the first of a new connection: only it may start the board on a
    /// feed's own clock (a server says its clock before anything else).
    first_line_of_connection: bool,
    /// Accepted events, kept for `--record` until the shell takes them.
    recording: Option<Vec<Event>>,
    /// `--record`'s health as the shell last saw it.
    record_health: Option<RecordHealth>,
    /// How many recording failures have been acknowledged (`r`).
    acknowledged_failures: u64,
    /// Where a live feed comes from, as the board names it.
    source: Option<SourceLabel>,
    /// The board's now when the last line arrived: what a live feed's figures are
    /// computed at while it is not live.
    known_now: Option<Timestamp>,
    /// The alerts on this feed, shared by every board on it.
    alerts: Alerts,
    alert_settings: AlertSettings,
    /// When (and over which window) the alerts last read the figures.
    alerts_read: Option<(Timestamp, Span)>,
    /// Where this board's acknowledgements go to be shared (boards on one NATS subject).
    ack_relay: Option<mpsc::UnboundedSender<Shared>>,
    /// What went wrong with `--alert-command`, in words.
    alert_problem: Option<String>,
}

impl Timeline {
    /// A live feed whose source has not connected yet.
    pub fn live(config: &Config, wall: Timestamp) -> Timeline {
        let ingest = LiveIngest::new(
            Engine::new(config.engine_settings(None)),
            config.pairing_grace,
        );
        Timeline::driven(config, Driver::Live(ingest), FeedTracker::new(wall))
    }

    /// A timeline driven by `driver`, its health in `tracker`, nothing else known yet.
    fn driven(config: &Config, driver: Driver, tracker: FeedTracker) -> Timeline {
        Timeline {
            driver,
            tracker,
            stale_after: config.stale_after,
            future_skew: config.future_skew,
            clock: None,
            first_line_of_connection: false,
            recording: None,
            record_health: None,
            acknowledged_failures: 0,
            source: None,
            known_now: None,
            alerts: Alerts::new(config.alerts.realert),
            alert_settings: config.alerts.clone(),
            alerts_read: None,
            ack_relay: None,
            alert_problem: None,
        }
    }

    /// The built-in demo day from 17:00, looping for ever.
    pub fn demo(config: &Config, wall: Timestamp) -> Result<Timeline, PlaybackError> {
        let playback = Playback::read(crate::DEMO_DAY.as_bytes())
            .map_err(|_| PlaybackError::DemoUnreadable)?;
        let first = playback.first_at().ok_or(PlaybackError::DemoUnreadable)?;
        let options = ReplayOptions {
            from: Some(first + DEMO_START),
            looping: true,
            ..ReplayOptions::default()
        };
        Timeline::recording(config, playback, options, wall)
    }

    /// A recording on a virtual clock; lines refused while reading it are counted.
    pub fn recording(
        config: &Config,
        playback: Playback,
        options: ReplayOptions,
        wall: Timestamp,
    ) -> Result<Timeline, PlaybackError> {
        if playback.is_empty() {
            return Err(PlaybackError::Empty);
        }
        let mut tracker = FeedTracker::new(wall);
        for (line, reason) in &playback.rejected {
            tracker.reject(*line, *reason);
        }
        tracker.set_state(SourceState::Connected, wall);
        let replay = Replay::new(playback, config.engine_settings(None), options, wall);
        let driver = Driver::Recording {
            replay: Box::new(replay),
            looping: options.looping,
        };
        Ok(Timeline::driven(config, driver, tracker))
    }

    /// Names the live feed's source on the board (`tcp 10.0.0.5:7000`, a file's path, a
    /// NATS subject).
    pub fn set_source(&mut self, source: SourceLabel) {
        self.source = Some(source);
    }

    /// Keeps accepted events for [`take_accepted`](Self::take_accepted) (`--record`).
    pub(crate) fn keep_accepted(&mut self) {
        self.recording = Some(Vec::new());
        if let Driver::Live(live) = &mut self.driver {
            live.keep_events();
        }
    }

    /// The accepted events since the last call (empty unless recording).
    pub(crate) fn take_accepted(&mut self) -> Vec<Event> {
        self.recording
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// How `--record` is doing now (the shell passes it on from its recorder).
    pub fn set_record_health(&mut self, health: RecordHealth) {
        self.record_health = Some(health);
    }

    /// Acknowledges a failing recording's banner; `false` if there is none to acknowledge.
    pub(crate) fn acknowledge_record_failure(&mut self) -> bool {
        match &self.record_health {
            Some(health)
                if health.failed.is_some() && health.failures > self.acknowledged_failures =>
            {
                self.acknowledged_failures = health.failures;
                true
            }
            _ => false,
        }
    }

    fn recording_status(&self) -> Option<RecordingStatus> {
        self.record_health.as_ref().map(|health| RecordingStatus {
            failed: health.failed.clone(),
            lost: health.lost,
            acknowledged: health.failures <= self.acknowledged_failures,
        })
    }

    pub(crate) fn engine(&self) -> &Engine {
        match &self.driver {
            Driver::Live(live) => live.engine(),
            Driver::Recording { replay, .. } => replay.engine(),
        }
    }

    /// The board's now: the wall clock live (the feed's own clock when it carries one),
    /// the virtual clock for a recording.
    pub fn now(&self, wall: Timestamp) -> Timestamp {
        match &self.driver {
            Driver::Live(_) => self.clock.map_or(wall, |clock| clock.now(wall)),
            Driver::Recording { replay, .. } => replay.now(wall),
        }
    }

    /// The time the figures are computed at: the board's now while the feed is live; while
    /// a live feed is not (stale, down, reconnecting, ended), the board's now when its
    /// last line arrived, so that nothing keeps moving on figures the board no longer
    /// knows. A recording always plays on its own clock.
    pub fn figures_at(&self, wall: Timestamp) -> Timestamp {
        let now = self.now(wall);
        match (&self.driver, self.known_now) {
            (Driver::Live(_), Some(known)) if !self.live_state(wall).is_live() => known.min(now),
            _ => now,
        }
    }

    /// Reads the figures over `window` for the alerts, at the board's now.
    pub(crate) fn evaluate_alerts(&mut self, window: Span, wall: Timestamp) {
        // The sessions of one `ssh` server share this feed and each ticks at the same
        // moment: the figures are read once for them all.
        if self.alerts_read == Some((wall, window)) {
            return;
        }
        self.alerts_read = Some((wall, window));
        let at = self.figures_at(wall);
        let live = self.live_state(wall).is_live() || self.is_replay();
        let settings = &self.alert_settings;
        let (readings, breaches) =
            alerts::readings::read(self.engine(), (at, window), live, settings);
        let area_readings = alerts::readings::read_areas(self.engine(), (at, window), settings);
        let now = self.now(wall);
        let before = self.alerts.events_len();
        self.alerts
            .evaluate_with_areas(now, &readings, &area_readings, &breaches);
        // What this board raised or cleared, for the others on a NATS subject.
        if let Some(relay) = &self.ack_relay {
            for event in self.alerts.events_from(before) {
                let (alert, raised, at) = match event {
                    AlertEvent::Raised(alert) | AlertEvent::Escalated(alert) => {
                        (alert.key.label(), true, alert.alarmed_at)
                    }
                    AlertEvent::Cleared { key, at, .. } => (key.label(), false, *at),
                    AlertEvent::Acknowledged(_) | AlertEvent::Realarmed(_) => continue,
                };
                let _ = relay.send(Shared::Raise(SharedRaise { alert, raised, at }));
            }
        }
    }

    pub fn alerts(&self) -> &Alerts {
        &self.alerts
    }

    /// Acknowledges the newest unacknowledged alert by `by`, with `note`: `false` when
    /// there is none.
    pub(crate) fn acknowledge_alert(
        &mut self,
        by: &str,
        note: Option<&str>,
        wall: Timestamp,
    ) -> bool {
        let now = self.now(wall);
        let Some(alert) = self.alerts.acknowledge_newest(by, note, now) else {
            return false;
        };
        if let Some(relay) = &self.ack_relay {
            let _ = relay.send(Shared::Ack(SharedAck {
                alert: alert.key.label(),
                by: by.to_string(),
                note: note.map(str::to_string),
                at: now,
            }));
        }
        true
    }

    /// Shares this board's acknowledgements through `relay` (a NATS feed's boards).
    pub fn set_ack_relay(&mut self, relay: mpsc::UnboundedSender<Shared>) {
        self.ack_relay = Some(relay);
    }

    /// What the shell says went wrong with `--alert-command`.
    pub fn set_alert_problem(&mut self, problem: Option<String>) {
        self.alert_problem = problem;
    }

    pub fn alert_problem(&self) -> Option<&str> {
        self.alert_problem.as_deref()
    }

    /// What happened to the alerts since the last call, for the audit log.
    pub fn take_alert_events(&mut self) -> Vec<AlertEvent> {
        self.alerts.take_events()
    }

    fn live_state(&self, wall: Timestamp) -> FeedState {
        self.tracker
            .status(wall, self.now(wall), self.stale_after, true)
            .state
    }

    pub fn mode(&self) -> Mode {
        match &self.driver {
            Driver::Live(_) => match self.clock {
                Some(clock) => Mode::Training {
                    speed: clock.speed(),
                    paused: clock.is_paused(),
                },
                None => Mode::Live,
            },
            Driver::Recording { looping: true, .. } => Mode::Demo,
            Driver::Recording { replay, .. } => Mode::Replay {
                speed: replay.speed(),
                paused: replay.is_paused(),
            },
        }
    }

    /// Is this a recording played at the user's pace (keys move its clock)?
    pub(crate) fn is_replay(&self) -> bool {
        matches!(self.driver, Driver::Recording { looping: false, .. })
    }

    /// One item from a live source. Items never reach a recording.
    pub fn apply(&mut self, item: FeedItem, wall: Timestamp) {
        match item {
            FeedItem::Event { line, event } => {
                self.tracker.event_arrived(wall);
                let first_line = std::mem::take(&mut self.first_line_of_connection);
                if let EventBody::Heartbeat {
                    clock: Some(announced),
                } = event.body
                    && let Err(reason) = self.follow_clock(event.at, announced, first_line, wall)
                {
                    self.known_now = Some(self.now(wall));
                    self.tracker.reject(line, reason);
                    return;
                }
                let now = self.now(wall);
                self.known_now = Some(now);
                if event.at > now + self.future_skew {
                    self.tracker.reject(line, Reject::FutureDated);
                } else if let Driver::Live(live) = &mut self.driver {
                    let mut outcomes = Vec::new();
                    live.push(line, event, (now, wall), &mut outcomes);
                    self.take_outcomes(outcomes, wall);
                }
            }
            FeedItem::Rejected { line, reason } => {
                self.first_line_of_connection = false;
                self.tracker.line_arrived(wall);
                self.known_now = Some(self.now(wall));
                self.tracker.reject(line, reason);
            }
            FeedItem::State(state) => {
                if state == SourceState::Connected {
                    self.first_line_of_connection = true;
                }
                self.tracker.set_state(state, wall);
            }
            FeedItem::SharedAck(ack) => {
                let alert = ack.alert.clone();
                let ack = Acknowledgement {
                    by: printable(&ack.by).into_owned(),
                    note: ack.note.map(|note| printable(&note).into_owned()),
                    at: ack.at,
                    shared: true,
                };
                self.alerts.apply_shared(&alert, ack);
            }
            FeedItem::SharedRaise(state) => {
                self.alerts
                    .apply_shared_state(&state.alert, state.raised, state.at);
            }
            FeedItem::WrittenAt(written) => {
                self.tracker.written_at(written);
                // The lines were written then: the board knew the feed as of then (on the
                // wall clock; a feed with its own clock says its time in heartbeats).
                if self.clock.is_none() {
                    self.known_now = self.known_now.map(|known| known.min(written));
                }
            }
        }
    }

    /// A live feed's heartbeat announced its clock: it reads `at` now. The board follows
    /// it when it is the first line of a connection, or the board already follows the
    /// feed's clock; a clock in the middle of a feed on the wall clock is refused, and so
    /// is a heartbeat of the followed timeline dated beyond the future skew.
    fn follow_clock(
        &mut self,
        at: Timestamp,
        announced: AnnouncedClock,
        first_line: bool,
        wall: Timestamp,
    ) -> Result<(), Reject> {
        if !matches!(self.driver, Driver::Live(_)) {
            return Ok(());
        }
        let reading = (announced.speed, announced.epoch);
        let followed = match &mut self.clock {
            // Every connection to a server begins with its clock and then the whole
            // backlog, so the board starts again from them wherever the clock reads (a
            // restarted server's epoch may begin at 0 again).
            _ if first_line => Followed::NewTimeline,
            None => return Err(Reject::UnexpectedClock),
            Some(clock) => clock.follow(at, reading, wall, self.future_skew),
        };
        match followed {
            Followed::SameTimeline => Ok(()),
            Followed::TooFarAhead => Err(Reject::FutureDated),
            Followed::NewTimeline => {
                self.clock = Some(FeedClock::new(at, announced.speed, announced.epoch, wall));
                self.start_timeline_afresh();
                Ok(())
            }
        }
    }

    /// The served timeline started again (a new connection, the trainer moved the clock,
    /// a looping recording began again): what the board knew of the old one is dropped,
    /// and its figures are rebuilt from the lines that follow (the new backlog, then live
    /// lines). The rejected lines stay counted: they were refused on this link.
    fn start_timeline_afresh(&mut self) {
        if let Driver::Live(live) = &mut self.driver {
            live.start_afresh();
        }
        self.tracker.forget_events();
        self.known_now = None;
    }

    /// Moves the feed on to `wall`: a live feed applies the events whose time has come, a
    /// recording plays up to its virtual now (the demo loops at its end).
    pub fn advance(&mut self, wall: Timestamp) {
        let now = self.now(wall);
        match &mut self.driver {
            Driver::Live(live) => {
                let mut outcomes = Vec::new();
                live.advance((now, wall), &mut outcomes);
                self.take_outcomes(outcomes, wall);
            }
            Driver::Recording { replay, .. } => {
                // The rate of a recording is counted in its own time (`status`).
                let step = replay.advance(wall);
                for (line, reason) in step.rejected {
                    self.tracker.reject(line, reason);
                }
            }
        }
    }

    fn take_outcomes(&mut self, outcomes: Vec<Outcome>, wall: Timestamp) {
        for outcome in outcomes {
            match outcome {
                Outcome::Accepted { at, event } => {
                    self.tracker.accepted(at, wall);
                    if let (Some(kept), Some(event)) = (self.recording.as_mut(), event) {
                        kept.push(event);
                    }
                }
                Outcome::Rejected { line, reason } => self.tracker.reject(line, reason),
            }
        }
    }

    /// Applies a replay key; `false` (and nothing changes) for the demo and live feeds.
    pub(crate) fn command(&mut self, command: ReplayCommand, wall: Timestamp) -> bool {
        let Driver::Recording {
            replay,
            looping: false,
        } = &mut self.driver
        else {
            return false;
        };
        let now = replay.now(wall);
        match command {
            ReplayCommand::TogglePause => replay.toggle_pause(wall),
            ReplayCommand::Faster => replay.set_speed((replay.speed() * 2.0).min(MAX_SPEED), wall),
            ReplayCommand::Slower => replay.set_speed((replay.speed() / 2.0).max(MIN_SPEED), wall),
            ReplayCommand::Skip(by) => replay.seek(now + by, wall),
            ReplayCommand::ToStart => replay.seek(replay.start(), wall),
        }
        true
    }

    /// What the footer and banners say about the feed at `wall`.
    pub fn status(&self, wall: Timestamp) -> FeedStatus {
        let mut status = match &self.driver {
            Driver::Live { .. } => {
                let now = self.now(wall);
                let at = self.figures_at(wall);
                let mut status = self.tracker.status(wall, at, self.stale_after, true);
                if !status.state.is_live() && self.known_now.is_some() {
                    status.as_of = Some(AsOf {
                        at,
                        ago_s: (now - at).max(Span::ZERO).whole_secs_unsigned(),
                    });
                }
                status.source.clone_from(&self.source);
                status
            }
            Driver::Recording { replay, looping } => {
                let now = replay.now(wall);
                let mut status = self.tracker.status(wall, now, self.stale_after, false);
                status.events_per_min = replay.events_in_last_minute(wall) as f64;
                recording_state(&mut status, replay, *looping, wall, self.stale_after);
                status
            }
        };
        status.recording = self.recording_status();
        status
    }
}

/// A recording's feed state: ended at its end; stale when the recording itself falls
/// silent for longer than `stale_after` of virtual time (a recorded outage shows as one).
fn recording_state(
    status: &mut FeedStatus,
    replay: &Replay,
    looping: bool,
    wall: Timestamp,
    stale_after: Span,
) {
    let now = replay.now(wall);
    let silent = replay.last_event_at().map(|at| (now - at).max(Span::ZERO));
    status.last_event_age_s = silent.map(Span::whole_secs_unsigned);
    status.state = if !looping && replay.at_end(wall) {
        FeedState::Ended
    } else {
        match silent {
            Some(silent) if silent > stale_after => FeedState::Stale {
                silent_s: silent.whole_secs_unsigned(),
            },
            _ => FeedState::Live,
        }
    };
}

#[cfg(test)]
mod tests;
