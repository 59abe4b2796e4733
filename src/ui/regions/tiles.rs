//! The four headline tiles of the standard and compact layouts: 999 answer, 101 answer,
//! emergency and priority attendance, each as lines of text with its trend.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Block;

use crate::ui::board::Board;

use super::handlers;
use super::headline::{Headline, headlines};
use crate::ui::widgets::bigtext;
use crate::ui::widgets::paint;
use crate::ui::widgets::text::{fit, put_line};
use crate::ui::widgets::theme::Theme;
use crate::ui::widgets::trend;

/// The four tiles side by side (standard and compact).
pub(crate) fn draw_row(area: Rect, buf: &mut Buffer, board: &Board, theme: &Theme) {
    let cells = Layout::horizontal([Constraint::Ratio(1, 4); 4]).split(area);
    let headlines = headlines(board);
    // Big digits only when all four fit, all at the same size.
    let scales: Vec<Option<(u16, u16)>> = headlines
        .iter()
        .zip(cells.iter())
        .map(|(headline, cell)| {
            let big = tile_big_area(Block::bordered().inner(*cell), tile_lines(headline));
            bigtext::best_scale(&headline.mean_text(), big.width, big.height)
        })
        .collect();
    let common = if scales.iter().all(Option::is_some) {
        bigtext::common_scale(scales.iter().flatten().copied())
    } else {
        None
    };
    for (headline, cell) in headlines.iter().zip(cells.iter()) {
        draw_tile(*cell, buf, headline, common, board.warn_fraction, theme);
    }
}

/// Lines of text in a tile: two more on a call tile when the feed reports staffing.
fn tile_lines(headline: &Headline<'_>) -> u16 {
    if headline.staffing.is_some() { 8 } else { 6 }
}

/// The rows above a tile's `lines` where big digits may go: what is left beyond the
/// lines and a three-row trend, at most two digit heights; empty when that is under five
/// rows.
fn tile_big_area(inner: Rect, lines: u16) -> Rect {
    let spare = inner.height.saturating_sub(lines + 3);
    if spare <= bigtext::ROWS {
        return Rect::new(inner.x, inner.y, inner.width, 0);
    }
    Rect::new(inner.x, inner.y, inner.width, spare.min(2 * bigtext::ROWS))
}

fn tile_title(headline: &Headline<'_>, width: u16, theme: &Theme) -> Line<'static> {
    fit(
        width.saturating_sub(2),
        [
            Line::styled(format!(" {} ", headline.title), theme.bold()),
            Line::styled(headline.title.to_string(), theme.bold()),
            Line::styled(format!(" {} ", headline.short_title), theme.bold()),
            Line::styled(headline.short_title.to_string(), theme.bold()),
        ],
    )
}

/// A tile's lines in display order, each with the priority to keep it when rows are
/// short (0 first). With staffing, the handlers come right after the waiting calls.
fn tile_text(headline: &Headline<'_>, w: u16, theme: &Theme) -> Vec<(usize, Line<'static>)> {
    let (live_count, live_age) = headline.live_lines(theme);
    let Some(staffing) = &headline.staffing else {
        return vec![
            (0, fit(w, headline.mean_lines(theme))),
            (1, fit(w, headline.status_lines(theme))),
            (3, fit(w, headline.goal_lines(theme))),
            (5, fit(w, headline.percentile_lines(theme))),
            (2, fit(w, live_count)),
            (4, fit(w, live_age)),
        ];
    };
    vec![
        (0, fit(w, headline.mean_lines(theme))),
        (1, fit(w, headline.status_lines(theme))),
        (4, fit(w, headline.goal_lines(theme))),
        (7, fit(w, headline.percentile_lines(theme))),
        (2, fit(w, live_count)),
        (6, fit(w, live_age)),
        (3, fit(w, handlers::handler_lines(staffing, theme))),
        (5, fit(w, handlers::model_lines(staffing, theme))),
    ]
}

fn draw_tile(
    area: Rect,
    buf: &mut Buffer,
    headline: &Headline<'_>,
    scale: Option<(u16, u16)>,
    warn_fraction: f64,
    theme: &Theme,
) {
    let title = tile_title(headline, area.width, theme);
    let inner = Block::bordered().inner(area);
    let (style, set) = (headline.border_style(theme), &theme.glyphs().border);
    paint::bordered_with(buf, area, style, Some(&title), set);
    if inner.is_empty() {
        return;
    }
    let w = inner.width;
    let lines = tile_text(headline, w, theme);
    // With rows to spare (tall terminals), the mean also in big digits above the lines.
    let mut inner = inner;
    let big = tile_big_area(inner, tile_lines(headline));
    if let Some(scale) = scale.filter(|_| !big.is_empty()) {
        let used = (bigtext::ROWS * scale.1).min(big.height);
        let text = headline.mean_text();
        bigtext::draw(
            buf,
            Rect {
                height: used,
                ..big
            },
            &text,
            scale,
            (headline.digit_fill(theme), headline.mean_style(theme)),
        );
        let skip = (used + 1).min(inner.height);
        inner.y += skip;
        inner.height -= skip;
    }
    let rows = usize::from(inner.height);
    let keep: Vec<&Line> = lines
        .iter()
        .filter(|(priority, _)| *priority < rows)
        .map(|(_, line)| line)
        .collect();
    for (i, line) in keep.iter().enumerate() {
        put_line(buf, inner, inner.x, inner.y + i as u16, line);
    }
    let used = keep.len() as u16;
    if inner.height > used {
        let trend_area = Rect::new(inner.x, inner.y + used, inner.width, inner.height - used);
        let trend_area = Rect {
            height: trend_area.height.min(8),
            y: inner.bottom() - trend_area.height.min(8),
            ..trend_area
        };
        trend::draw(
            buf,
            trend_area,
            headline.trend,
            headline.target,
            warn_fraction,
            theme,
        );
    }
}
