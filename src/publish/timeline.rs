//! A served training feed's clock across NATS: which clock heartbeat begins a served
//! timeline, and how the messages after it name it (see the board's side in
//! `feed::source::nats::training`).
//!
//! `serve` begins every connection with a clock heartbeat and then the backlog of its
//! timeline, and does the same on a seek (a new `epoch`). Each of those heartbeats begins
//! a timeline on the subject: it is published alone, once every publish before it is
//! acked, so its stream sequence is known before any line of the timeline goes out, and
//! every later message carries that sequence. A board joining late reads from there.

use crate::model::{Event, EventBody};

/// What a message says of the served timeline it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum TimelineMark {
    /// A feed on the wall clock: nothing.
    #[default]
    None,
    /// The clock heartbeat that begins a timeline.
    Start,
    /// A message of the timeline begun at this stream sequence.
    Of(u64),
}

/// The served timelines of a source, as its lines go by.
#[derive(Debug, Default)]
pub(crate) struct ServedTimelines {
    /// The next line is the first of a new connection to the source.
    fresh_connection: bool,
    /// The epoch of the timeline being published, once a clock heartbeat began one.
    epoch: Option<u64>,
    /// The stream sequence of that timeline's first message, once acked.
    start: Option<u64>,
}

impl ServedTimelines {
    /// The source (re)connected: its first line says whether it carries a clock.
    pub(crate) fn connected(&mut self) {
        self.fresh_connection = true;
    }

    /// Whether `event` begins a served timeline: a clock heartbeat first on a connection
    /// (a server sends its whole backlog again after it), or of another epoch than the
    /// timeline being published. A connection that begins without a clock is on the
    /// wall clock; a clock in the middle of one is passed on, and refused by boards.
    pub(crate) fn begins(&mut self, event: &Event) -> bool {
        let first_line = std::mem::take(&mut self.fresh_connection);
        let clock = match event.body {
            EventBody::Heartbeat { clock: Some(clock) } => Some(clock),
            _ => None,
        };
        match clock {
            Some(clock) if first_line || self.epoch.is_some_and(|epoch| epoch != clock.epoch) => {
                self.epoch = Some(clock.epoch);
                self.start = None;
                true
            }
            None if first_line => {
                self.epoch = None;
                self.start = None;
                false
            }
            _ => false,
        }
    }

    /// The timeline's first message was stored at `sequence`.
    pub(crate) fn started_at(&mut self, sequence: u64) {
        self.start = Some(sequence);
    }

    /// The mark of a message that does not begin a timeline.
    pub(crate) fn mark(&self) -> TimelineMark {
        self.start.map_or(TimelineMark::None, TimelineMark::Of)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::parse_line;

    fn event(text: &str) -> Event {
        parse_line(text.as_bytes()).expect("valid")
    }

    const CLOCK_0: &str =
        r#"{"kind":"heartbeat","at":"2024-07-05T20:40:00Z","speed":20,"epoch":0}"#;
    const PAUSED_0: &str =
        r#"{"kind":"heartbeat","at":"2024-07-05T20:41:00Z","speed":0,"epoch":0}"#;
    const CLOCK_1: &str =
        r#"{"kind":"heartbeat","at":"2024-07-05T20:00:00Z","speed":20,"epoch":1}"#;
    const BEAT: &str = r#"{"kind":"heartbeat","at":"2024-07-05T20:40:00Z"}"#;

    #[test]
    fn a_connection_s_first_clock_and_each_new_epoch_begin_a_timeline() {
        let mut timelines = ServedTimelines::default();
        timelines.connected();
        assert!(timelines.begins(&event(CLOCK_0)));
        assert_eq!(timelines.mark(), TimelineMark::None);
        timelines.started_at(7);
        assert!(!timelines.begins(&event(PAUSED_0)));
        assert_eq!(timelines.mark(), TimelineMark::Of(7));
        assert!(timelines.begins(&event(CLOCK_1)));
        timelines.started_at(40);
        assert_eq!(timelines.mark(), TimelineMark::Of(40));
        // The server again: the same epoch, but its whole backlog follows.
        timelines.connected();
        assert!(timelines.begins(&event(CLOCK_1)));
    }

    #[test]
    fn a_feed_on_the_wall_clock_is_marked_with_nothing() {
        let mut timelines = ServedTimelines::default();
        timelines.connected();
        assert!(!timelines.begins(&event(BEAT)));
        // A clock in the middle of a feed on the wall clock begins nothing.
        assert!(!timelines.begins(&event(CLOCK_0)));
        assert_eq!(timelines.mark(), TimelineMark::None);
    }
}
