//! The alert strip: one line under the banners while any alert is raised — the newest
//! critical first, how many more, and who acknowledged it. An alert nobody has
//! acknowledged pulses steadily (solid one second, plain the next: half a flash a second,
//! well under the three a second that can harm); an acknowledged one stays, steady, in its
//! colour until it clears. In the micro layout, a marker in the header's corner.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;

use crate::ui::board::{AlertLine, Board};
use crate::ui::regions::header::shortened;
use crate::ui::widgets::bigtext;
use crate::ui::widgets::text::{fill_row, fit, put_centered, put_line};
use crate::ui::widgets::theme::{Banner, Theme};

/// The rows the strip takes: one while an alert is raised or the alert command fails;
/// on a wall `height` rows tall (50 or more), the level in block type above that line.
pub(crate) fn rows(board: &Board, wall: bool, height: u16) -> u16 {
    let any = !board.alerts.is_empty() || board.alert_problem.is_some();
    match (
        any,
        wall && height >= BIG_FROM && board.note_prompt.is_none(),
    ) {
        (false, _) => 0,
        (true, false) => 1,
        (true, true) if board.alerts.is_empty() => 1,
        (true, true) => bigtext::ROWS + 1,
    }
}

/// A wall at least this tall shows the alert's level in block type.
const BIG_FROM: u16 = 50;

/// Whether this second is a pulse's solid half (even seconds of the board's clock).
fn solid_now(board: &Board) -> bool {
    board.now.nanos().div_euclid(1_000_000_000) % 2 == 0
}

fn style(alert: &AlertLine, solid: bool, theme: &Theme) -> Style {
    match (alert.critical, alert.acknowledged_by.is_some() || !solid) {
        (true, false) => theme.alarm(),
        (true, true) => theme.bad(),
        (false, false) => theme.banner(Banner::Warning),
        (false, true) => theme.warning(),
    }
}

pub(crate) fn draw(area: Rect, buf: &mut Buffer, board: &Board, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    if let Some(note) = &board.note_prompt {
        let style = theme.selected();
        fill_row(buf, area, area.y, style);
        let glyphs = theme.glyphs();
        let line = fit(
            area.width,
            [
                Line::styled(
                    format!(
                        "Note for the acknowledgement: {note}_ {0} Enter: acknowledge {0} Esc: cancel",
                        glyphs.separator
                    ),
                    style,
                ),
                Line::styled(format!("Note: {note}_ {} Enter", glyphs.separator), style),
                Line::styled(format!("Note: {note}_"), style),
            ],
        );
        put_line(buf, area, area.x, area.y, &line);
        return;
    }
    let Some(first) = board.alerts.first() else {
        if let Some(problem) = &board.alert_problem {
            let style = theme.banner(Banner::Warning);
            fill_row(buf, area, area.y, style);
            let text = shortened(problem, usize::from(area.width), theme.glyphs().ellipsis);
            put_line(buf, area, area.x, area.y, &Line::styled(text, style));
        }
        return;
    };
    let glyphs = theme.glyphs();
    let style = style(first, solid_now(board), theme);
    fill_row(buf, area, area.y, style);
    let level = if first.critical {
        "CRITICAL"
    } else {
        "WARNING"
    };
    let mark = if first.critical {
        glyphs.over
    } else {
        glyphs.near
    };
    let more = board.alerts.len() - 1;
    let more = if more > 0 {
        format!(" {} +{more} more", glyphs.separator)
    } else {
        String::new()
    };
    let mut state = match &first.acknowledged_by {
        Some(by) => format!(" {} acknowledged by {by}", glyphs.separator),
        None => format!(" {} A: acknowledge", glyphs.separator),
    };
    if let Some(problem) = &board.alert_problem {
        state = format!("{state} {} {problem}", glyphs.separator);
    }
    let text = glyphs.words_in_set(&first.text);
    let width = usize::from(area.width);
    let line = fit(
        area.width,
        [
            Line::styled(format!("{mark} {level} {text}{more}{state}"), style),
            Line::styled(format!("{mark} {level} {text}{more}"), style),
            Line::styled(
                shortened(&format!("{mark} {level} {text}"), width, glyphs.ellipsis),
                style,
            ),
        ],
    );
    let text_row = area.bottom() - 1;
    if area.height > bigtext::ROWS {
        // The wall: the level in block type, the line under it.
        for y in area.top()..area.bottom() {
            fill_row(buf, area, y, style);
        }
        let words = if first.critical {
            "CRITICAL"
        } else {
            "WARNING"
        };
        if let Some(scale) = bigtext::best_scale(words, area.width.saturating_sub(2), bigtext::ROWS)
        {
            let letters = Rect::new(area.x, area.y, area.width, bigtext::ROWS);
            bigtext::draw(buf, letters, words, scale, (glyphs.big_solid, style));
        }
        put_centered(buf, area, text_row, &line);
        return;
    }
    put_line(buf, area, area.x, text_row, &line);
}

/// The micro layout's alert: the strip's line above the footer when that row is free,
/// else `ALERT 2` over the footer's right-hand end (its key hints), never over the clock.
pub(crate) fn draw_marker(area: Rect, buf: &mut Buffer, board: &Board, theme: &Theme) {
    if board.alerts.is_empty() || area.height < 3 {
        return;
    }
    let row = area.bottom() - 2;
    let free = (area.left()..area.right()).all(|x| buf[(x, row)].symbol() == " ");
    if free {
        draw(Rect::new(area.x, row, area.width, 1), buf, board, theme);
        return;
    }
    let Some(first) = board.alerts.first() else {
        return;
    };
    let marker = format!(" ALERT {} ", board.alerts.len());
    let Ok(width) = u16::try_from(marker.len()) else {
        return;
    };
    if area.width < width {
        return;
    }
    let style = style(first, solid_now(board), theme);
    let line = Line::styled(marker, style);
    put_line(buf, area, area.right() - width, area.bottom() - 1, &line);
}
