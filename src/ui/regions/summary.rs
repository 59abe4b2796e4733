//! The board as a few lines of plain text, for a terminal that cannot place the cursor
//! (`TERM=dumb`): the scope, the four headline figures with their status words and
//! goals, the queues, the call handlers (when the feed reports them), and any banner — `report`'s table in miniature. No escape
//! sequences; ASCII when the theme is.

use crate::format::{goal, pct};
use crate::ui::board::Board;

use super::headline::{Headline, Live, headlines};
use super::{handlers, header};
use crate::ui::widgets::text::clock;
use crate::ui::widgets::theme::Theme;

/// What is printed: a heading with the clock, then the figures. The caller prints again
/// only when `figures` change, so the ticking clock alone never prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub heading: String,
    pub figures: Vec<String>,
}

pub fn summary(board: &Board, theme: &Theme) -> Summary {
    let glyphs = theme.glyphs();
    let scope = match &board.scope_code {
        Some(code) => format!("{} ({code})", board.scope_label),
        None => "whole force".to_string(),
    };
    let source = board
        .feed
        .source
        .as_ref()
        .map(|source| format!(" {} {}", glyphs.separator, source.name))
        .unwrap_or_default();
    let heading = format!(
        "{} {} {} {sep} {scope} {sep} window {}{source}",
        clock(board.now, board.tz),
        glyphs.separator,
        board.force_name,
        board.window.label,
        sep = glyphs.separator,
    );
    let mut figures: Vec<String> = header::banners(board)
        .iter()
        .map(|(_, words)| format!("  {}", glyphs.words_in_set(words)))
        .collect();
    // While the feed is not live the figures stopped: say when, with them (without the
    // ageing "ago", so that a stopped board does not print again every second).
    if let Some(as_of) = board.feed.as_of {
        let words = format!("NOT LIVE — figures as of {}", clock(as_of.at, board.tz));
        figures.push(format!("  {}", glyphs.words_in_set(&words)));
    }
    for headline in headlines(board) {
        figures.push(figure(&headline, theme));
        // A call line's handlers, when the feed reports staffing (schema v1.1).
        if let Some(staffing) = &headline.staffing {
            let label = &headline.title[..3];
            let handlers = handlers::plain_text(staffing, theme);
            figures.push(format!("  {label:<6}{handlers}"));
        }
    }
    Summary { heading, figures }
}

/// `  999       6.3s  X 50.0% IN 10s  SL 50.0% goal 90%  waiting 2`.
fn figure(headline: &Headline<'_>, theme: &Theme) -> String {
    let label = match headline.live {
        Live::Calls { .. } => &headline.title[..3],
        Live::Incidents { .. } => headline.short_title.split('.').next().unwrap_or(""),
    };
    let share = match (headline.actual_pct, headline.goal_pct) {
        (None, _) => String::new(),
        (actual, Some(g)) => format!("{} {} goal {}", headline.goal_label, pct(actual), goal(g)),
        (actual, None) => format!("{} {}", headline.goal_label, pct(actual)),
    };
    let queue = match headline.live {
        Live::Calls { waiting, .. } => format!("waiting {waiting}"),
        Live::Incidents { open, breached, .. } if breached > 0 => {
            format!("open {open}, {breached} BREACHED")
        }
        Live::Incidents { open, .. } => format!("open {open}"),
    };
    let line = format!(
        "  {label:<6}{:>8}  {:<14}  {share:<24}  {queue}",
        headline.mean_text(),
        headline.words(theme),
    );
    line.trim_end().to_string()
}
