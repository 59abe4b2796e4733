//! What moves the feed into the app and the accepted lines into the recording, on the
//! board and on a dumb terminal alike.

use std::time::Duration;

use tokio::sync::mpsc;

use super::alert_command::AlertCommand;
use super::alert_log::AlertLog;
use super::record::Recorder;
use crate::app::{App, Effect, Msg, Timeline};
use crate::feed::source::FeedItem;
use crate::feed::wire::schema_line;
use crate::time::{WallClock, format_utc};

/// On the way out, how long the recording may take to write what is queued.
const RECORD_DRAIN: Duration = Duration::from_secs(2);

/// What moves the feed into the app and the accepted lines into the recording, on the
/// board and on a dumb terminal alike.
pub(super) struct Pump {
    pub(super) clock: WallClock,
    record: Option<Recorder>,
    alert_log: Option<AlertLog>,
    alert_command: Option<AlertCommand>,
}

impl Pump {
    pub(super) fn new(clock: WallClock, record: Option<Recorder>) -> Pump {
        Pump {
            clock,
            record,
            alert_log: None,
            alert_command: None,
        }
    }

    /// Runs `command` for each alert event (`--alert-command`).
    pub(super) fn with_alert_command(mut self, command: Option<AlertCommand>) -> Pump {
        self.alert_command = command;
        self
    }

    /// Writes what happens to the alerts to `log` (`--alert-log`).
    pub(super) fn with_alert_log(mut self, log: Option<AlertLog>) -> Pump {
        self.alert_log = log;
        self
    }

    /// Hands one message to the app (a feed item with whatever else is queued behind it,
    /// so a burst draws once) and records what the feed accepted.
    pub(super) fn take(
        &mut self,
        msg: Msg,
        app: &mut App,
        feed: &mut Timeline,
        rx: &mut mpsc::Receiver<FeedItem>,
    ) -> Effect {
        let batch = matches!(msg, Msg::Feed(_));
        let mut effect = app.handle(msg, feed, self.clock.now());
        let mut taken = 0;
        while batch && taken < 10_000 {
            let Ok(item) = rx.try_recv() else { break };
            effect = app.handle(Msg::Feed(item), feed, self.clock.now());
            taken += 1;
        }
        if let Some(recorder) = &mut self.record {
            for event in feed.take_accepted() {
                recorder.record(schema_line(&event, None, format_utc));
            }
        }
        let alert_events = feed.take_alert_events();
        if let Some(log) = &mut self.alert_log {
            log.write(&alert_events);
        }
        if let Some(command) = &mut self.alert_command {
            command.run(&alert_events);
            feed.set_alert_problem(command.problem());
        }
        effect
    }

    /// Tells the timeline how `--record` is doing, for its banner and footer.
    pub(super) fn report_record_health(&self, timeline: &mut Timeline) {
        if let Some(recorder) = &self.record {
            timeline.set_record_health(recorder.health());
        }
    }

    /// Lets the recording write what is queued.
    pub(super) fn finish(&mut self) {
        if let Some(recorder) = self.record.take() {
            recorder.finish(RECORD_DRAIN);
        }
    }
}
