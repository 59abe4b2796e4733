//! What the board says about where its figures come from: the mode (live, training,
//! demo, replay) and the feed's state. Plain data: the app fills it in, the render functions show it.

use crate::feed::DownCause;
use crate::model::RejectedLine;

/// Where the figures come from; shown in the header and, for demo and replay, as a banner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mode {
    Live,
    /// A live feed that carries its own clock (a served recording), running at `speed` ×
    /// real time: a training session, never the live feed. `paused`: the trainer has
    /// stopped the clock (its speed is then 0); the feed is still live.
    Training {
        speed: f64,
        paused: bool,
    },
    /// The built-in demo feed: a DEMO DATA banner that never goes away.
    Demo,
    /// A recorded feed on a virtual clock.
    Replay {
        speed: f64,
        paused: bool,
    },
}

/// The feed connection as the source last reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FeedState {
    #[default]
    Connecting,
    Live,
    /// Connected, but no event (not even a heartbeat) for a while.
    Stale {
        silent_s: u64,
    },
    /// Disconnected; the source will retry.
    Down {
        retry_in_s: u64,
    },
    /// The feed has ended (end of file, end of a replay).
    Ended,
    /// Connected, but the source has never delivered a line: a wrong subject, port or
    /// file, or a feed that has not started.
    NoEvents,
    /// The source is connecting again after it had delivered lines: the figures on
    /// screen are from before the link went.
    Reconnecting,
}

impl FeedState {
    /// The one place that says the feed is live: LIVE is shown only when this holds.
    pub(crate) fn is_live(self) -> bool {
        self == FeedState::Live
    }

    /// Stale, down, reconnecting or never a line: the figures on screen are no longer
    /// (or were never) kept up to date, and the board says NOT LIVE instead of their
    /// status.
    pub(crate) fn is_not_live(self) -> bool {
        matches!(
            self,
            FeedState::Stale { .. }
                | FeedState::Down { .. }
                | FeedState::NoEvents
                | FeedState::Reconnecting
        )
    }
}

/// Where the feed comes from, as the board names it: `tcp 10.0.0.5:7000`, a file's path,
/// `nats://host:4222/events.wpm`. Never a credential or a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLabel {
    pub name: String,
    /// What to check when it never delivers an event: "the subject", "the address"…
    pub check: &'static str,
    /// A NATS feed's subject, which the header names beside the force: on a cluster of
    /// many forces it says whose feed this is.
    pub subject: Option<String>,
}

/// What the footer and the banners say about the feed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FeedStatus {
    pub state: FeedState,
    pub events_per_min: f64,
    /// Rejected lines so far.
    pub rejected: u64,
    /// The newest rejected lines, newest last: line number and reason (never the content).
    pub recent_rejects: Vec<RejectedLine>,
    /// Seconds since the last accepted event, if there was one.
    pub last_event_age_s: Option<u64>,
    /// Why the feed is down, while it is (the DOWN banner names it).
    pub down_cause: Option<DownCause>,
    /// `--record`'s health, when recording.
    pub recording: Option<RecordingStatus>,
    /// Where a live feed comes from (none for the demo and replays).
    pub source: Option<SourceLabel>,
    /// While the feed is not live: the board's time the figures are computed at (the
    /// last moment it knew), and how many seconds ago that was.
    pub as_of: Option<AsOf>,
}

/// The time the figures stopped at, while the feed is not live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AsOf {
    pub at: crate::time::Timestamp,
    pub ago_s: u64,
}

/// How `--record` is doing: the footer always says when it fails, a banner until the
/// failure is acknowledged (`r`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RecordingStatus {
    /// Why writes fail, while they do.
    pub failed: Option<String>,
    /// Lines that never reached the file, in all.
    pub lost: u64,
    /// This failure has been acknowledged: the banner goes, the footer keeps it.
    pub acknowledged: bool,
}
