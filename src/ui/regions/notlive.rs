//! The NOT LIVE block: while the feed is stale or down the figures stop being kept up to
//! date, and the board must not go on looking healthy. A bar across the body (several
//! rows, with NOT LIVE in block type, on the wall), in the banner's colour and in words,
//! so that it shows in `--mono` too.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;

use crate::ui::board::Board;
use crate::ui::status::FeedState;

use crate::ui::widgets::bigtext;
use crate::ui::widgets::text::{fill_row, fit, put_centered};
use crate::ui::widgets::theme::{Banner, Theme};

const BIG_WORDS: &str = "NOT LIVE";

/// The block's rows on the wall: NOT LIVE in block type with a line of words under it
/// when the body has room, else three rows of words.
pub(crate) fn wall_height(body: Rect) -> u16 {
    if body.height >= 34 {
        bigtext::ROWS + 2
    } else {
        3
    }
}

/// The words, longest first: what is wrong and what it means for the figures (`as_of`:
/// `as of 11:20:34 (3 m ago)`, when the figures stopped).
fn words(state: FeedState, as_of: Option<&str>) -> [String; 3] {
    let what = match state {
        FeedState::Stale { silent_s } => format!("FEED STALE — no event for {silent_s} s"),
        FeedState::NoEvents => "NO EVENTS YET".to_string(),
        FeedState::Reconnecting => "FEED RECONNECTING".to_string(),
        _ => "FEED DOWN".to_string(),
    };
    match as_of {
        Some(as_of) => [
            format!("NOT LIVE — {what} — figures {as_of}"),
            format!("NOT LIVE — figures {as_of}"),
            BIG_WORDS.to_string(),
        ],
        None => {
            let meaning = match state {
                FeedState::NoEvents => "no figures yet",
                _ => "these figures stopped at the feed's last event",
            };
            [
                format!("NOT LIVE — {what} — {meaning}"),
                format!("NOT LIVE — {what}"),
                BIG_WORDS.to_string(),
            ]
        }
    }
}

fn style(state: FeedState, theme: &Theme) -> Style {
    match state {
        FeedState::Down { .. } => theme.banner(Banner::Alarm),
        _ => theme.banner(Banner::Warning),
    }
}

/// Draws the block over all of `area`: a bar of the banner's colour, the words on its
/// middle row (or, with room for it, NOT LIVE in block type and the words under it).
pub(crate) fn draw(area: Rect, buf: &mut Buffer, board: &Board, theme: &Theme) {
    let state = board.feed.state;
    if area.is_empty() || !state.is_not_live() {
        return;
    }
    let style = style(state, theme);
    for y in area.top()..area.bottom() {
        fill_row(buf, area, y, style);
    }
    let glyphs = theme.glyphs();
    let as_of = board
        .feed
        .as_of
        .map(|as_of| super::header::as_of_words(as_of, board.tz));
    let [long, medium, short] =
        words(state, as_of.as_deref()).map(|words| glyphs.words_in_set(&words));
    let line = fit(
        area.width,
        [
            Line::styled(
                format!("{0}{0} {long} {1}{1}", glyphs.pointer, glyphs.pointer_back),
                style,
            ),
            Line::styled(long, style),
            Line::styled(medium, style),
            Line::styled(short, style),
        ],
    );
    let big = area.height >= bigtext::ROWS + 2;
    let scale =
        bigtext::best_scale(BIG_WORDS, area.width.saturating_sub(2), bigtext::ROWS).filter(|_| big);
    match scale {
        Some(scale) => {
            // A row of bar above the letters, the words under them.
            let letters = Rect::new(area.x, area.y + 1, area.width, bigtext::ROWS);
            bigtext::draw(buf, letters, BIG_WORDS, scale, (glyphs.big_solid, style));
            put_centered(buf, area, area.y + 1 + bigtext::ROWS, &line);
        }
        None => put_centered(buf, area, area.y + area.height / 2, &line),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_say_not_live_and_why() {
        let as_of = Some("as of 11:20:34 (47 s ago)");
        let [long, medium, short] = words(FeedState::Stale { silent_s: 47 }, as_of);
        assert_eq!(
            long,
            "NOT LIVE — FEED STALE — no event for 47 s — figures as of 11:20:34 (47 s ago)"
        );
        assert_eq!(medium, "NOT LIVE — figures as of 11:20:34 (47 s ago)");
        assert_eq!(short, "NOT LIVE");
        let [long, medium, _] = words(FeedState::Down { retry_in_s: 8 }, None);
        assert_eq!(
            long,
            "NOT LIVE — FEED DOWN — these figures stopped at the feed's last event"
        );
        assert_eq!(medium, "NOT LIVE — FEED DOWN");
        let [long, _, _] = words(FeedState::NoEvents, None);
        assert_eq!(long, "NOT LIVE — NO EVENTS YET — no figures yet");
    }
}
