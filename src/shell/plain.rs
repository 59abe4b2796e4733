//! The dashboard on a terminal that cannot place the cursor (`TERM=dumb`: an editor's
//! shell buffer, a serial line, a session being logged): no screen and no escape
//! sequences, only a few lines of text when the figures change, at most every
//! [`PRINT_GAP`]. It ends as the board does: `q` (then Enter: the terminal is left in
//! line mode), Ctrl-C and the signals.

use std::io::{self, Write};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::mpsc;

use crate::app::{App, Msg, Timeline};
use crate::config::Config;
use crate::feed::source::FeedItem;
use crate::ui::regions::summary::{Summary, summary};
use crate::ui::widgets::theme::Theme;

use super::ending::{Ending, Signals};
use super::pump::Pump;

/// At most one summary this often, however fast the feed moves.
pub(crate) const PRINT_GAP: Duration = Duration::from_secs(5);

/// Prints summaries until `q`, a signal, or standard output going away. `keys` is false
/// when standard input is the feed itself.
pub(super) async fn run(
    config: &Config,
    (app, feed): (&mut App, &mut Timeline),
    rx: &mut mpsc::Receiver<FeedItem>,
    mut signals: Signals,
    (pump, keys): (&mut Pump, bool),
) -> anyhow::Result<Ending> {
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    let mut keys_open = keys;
    let mut feed_open = true;
    let mut tick = super::ticks(feed);
    let mut printed: Option<(Summary, tokio::time::Instant)> = None;
    loop {
        let msg = tokio::select! {
            item = rx.recv(), if feed_open => match item {
                Some(item) => Msg::Feed(item),
                None => { feed_open = false; continue; }
            },
            line = lines.next_line(), if keys_open => match line {
                Ok(Some(line)) if is_quit(&line) => return Ok(Ending::Quit),
                Ok(Some(_)) => continue,
                // No more input (e.g. < /dev/null): the board runs on until a signal.
                Ok(None) | Err(_) => { keys_open = false; continue; }
            },
            _ = tick.tick() => Msg::Tick,
            signal = signals.any() => return Ok(Ending::Signal(signal)),
        };
        pump.take(msg, app, feed, rx);
        let due = printed
            .as_ref()
            .is_none_or(|(_, at)| at.elapsed() >= PRINT_GAP);
        if !due {
            continue;
        }
        let board = app.board(feed, config, pump.clock.now());
        let now = summary(&board, &Theme::new(app.view()));
        if printed
            .as_ref()
            .is_some_and(|(last, _)| last.figures == now.figures)
        {
            continue;
        }
        if print(&now).is_err() {
            // Whoever read the lines has gone.
            return Ok(Ending::Quit);
        }
        printed = Some((now, tokio::time::Instant::now()));
    }
}

/// `q` or `Q` on a line of its own ends the board.
fn is_quit(line: &str) -> bool {
    matches!(line.trim(), "q" | "Q")
}

fn print(summary: &Summary) -> io::Result<()> {
    let mut out = io::stdout().lock();
    writeln!(out, "{}", summary.heading)?;
    for line in &summary.figures {
        writeln!(out, "{line}")?;
    }
    writeln!(out)?;
    out.flush()
}
