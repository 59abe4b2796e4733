//! The shells around an [`App`]: each moves messages in and frames out,
//! and does all the I/O a board needs. The terminal ([`terminal`], and [`plain`] lines on
//! `TERM=dumb`), the SSH server ([`ssh`], one app per session), where a board's events
//! come from ([`input`]) and `--record`'s writer ([`record`]).

mod alert_command;
mod alert_log;
pub(crate) mod capabilities;
pub mod console;
pub mod ending;
pub(crate) mod input;
mod plain;
mod pump;
pub mod record;
pub mod ssh;
pub mod terminal;

pub(crate) use capabilities::{Capabilities, TerminalEnv};
pub use input::{FeedInput, source_label};

use crate::app::{App, Timeline};
use crate::config::Config;
use crate::time::{Span, Timestamp};

/// The tick a shell sends its boards ([`Msg::Tick`](crate::app::Msg::Tick)): as often as
/// the timeline asks ([`App::tick_every`]); a tick missed while busy is sent late, not
/// twice.
pub(crate) fn ticks(timeline: &Timeline) -> tokio::time::Interval {
    let every = App::tick_every(timeline).max(Span::from_millis(1));
    let mut tick = tokio::time::interval(every.to_duration());
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick
}

/// Key `H`: writes the handover of the shift so far from the board's own engine, at the
/// board's time, and tells the app where (shown on its screen until the next key). Over
/// SSH this runs on the server, so the file is the server's.
pub fn write_handover(app: &mut App, feed: &Timeline, config: &Config, wall: Timestamp) {
    let rejected = feed.status(wall).rejected;
    let written = crate::report::handover::write_for_board(
        feed.engine(),
        config,
        feed.figures_at(wall),
        rejected,
    );
    app.handover_written(written);
}
