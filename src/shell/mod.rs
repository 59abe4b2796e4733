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
use crate::time::Span;

/// The tick a shell sends its boards ([`Msg::Tick`](crate::app::Msg::Tick)): as often as
/// the timeline asks ([`App::tick_every`]); a tick missed while busy is sent late, not
/// twice.
pub(crate) fn ticks(timeline: &Timeline) -> tokio::time::Interval {
    let every = App::tick_every(timeline).max(Span::from_millis(1));
    let mut tick = tokio::time::interval(every.to_duration());
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick
}
