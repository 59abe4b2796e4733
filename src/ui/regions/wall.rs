//! The wall layout: the masthead (area, rotation, clock), the NOT LIVE block while the
//! feed is stale or down, and each headline figure in very large digits.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;

use crate::engine::Cover;
use crate::ui::board::Board;

use super::handlers;
use super::headline::{Headline, headlines};
use super::{masthead, notlive};
use crate::ui::widgets::bigtext;
use crate::ui::widgets::paint;
use crate::ui::widgets::text::{fit, put_centered};
use crate::ui::widgets::theme::Theme;
use crate::ui::widgets::trend;

/// The masthead, the NOT LIVE block when not live, then the four tiles as a 2×2 grid of
/// big figures.
pub(crate) fn draw_wall(
    frame: &mut Frame,
    area: Rect,
    board: &Board,
    rotating: bool,
    theme: &Theme,
) {
    let not_live_rows = if board.feed.state.is_not_live() {
        notlive::wall_height(area)
    } else {
        0
    };
    let [head, not_live, tiles] = Layout::vertical([
        Constraint::Length(masthead::height(area)),
        Constraint::Length(not_live_rows),
        Constraint::Min(0),
    ])
    .areas(area);
    masthead::draw(frame.buffer_mut(), head, board, rotating, theme);
    notlive::draw(frame.buffer_mut(), not_live, board, theme);
    draw_tiles(frame, tiles, board, theme);
}

/// The four tiles as a 2×2 grid of big figures.
fn draw_tiles(frame: &mut Frame, area: Rect, board: &Board, theme: &Theme) {
    let [top, bottom] = Layout::vertical([Constraint::Ratio(1, 2); 2]).areas(area);
    let [a, b] = Layout::horizontal([Constraint::Ratio(1, 2); 2]).areas(top);
    let [c, d] = Layout::horizontal([Constraint::Ratio(1, 2); 2]).areas(bottom);
    let cells = [a, b, c, d];
    let headlines = headlines(board);
    // One digit size for all four, so that no figure looks more important by accident.
    let scales: Vec<Option<(u16, u16)>> = headlines
        .iter()
        .zip(cells)
        .map(|(headline, cell)| {
            let (big, _) = wall_rows(Block::bordered().inner(cell), headline);
            bigtext::best_scale(&headline.mean_text(), big.width, big.height)
        })
        .collect();
    let common = bigtext::common_scale(scales.iter().flatten().copied());
    for ((headline, cell), own) in headlines.iter().zip(cells).zip(&scales) {
        let scale = own.and(common);
        draw_wall_tile(frame, cell, headline, scale, board.amber_factor, theme);
    }
}

/// The most rows a wall tile's trend takes from spare rows.
const MAX_TREND_ROWS: u16 = 8;

/// The lines a wall tile adds for the handlers (schema v1.1): none without staffing.
fn handler_rows(headline: &Headline<'_>) -> u16 {
    if headline.staffing.is_some() { 2 } else { 0 }
}

/// `SHORT 1`: a call line's handler gap, shown in large type where the trend goes.
fn gap_text(headline: &Headline<'_>) -> Option<String> {
    match headline.staffing.as_ref()?.cover()? {
        Cover::Short(short) => Some(format!("SHORT {short}")),
        Cover::Covered => None,
    }
}

/// Inside a wall tile: the rows for the big digits (below the title line), and how many
/// rows the trend gets at the bottom: from two, a quarter of the rows, up to six; when
/// the handlers are short, at least a digit's height for the gap in large type.
fn wall_rows(inner: Rect, headline: &Headline<'_>) -> (Rect, u16) {
    // Title, then digits, then badge, goal, live (and handler) lines, then the trend.
    let fixed = 4u16 + handler_rows(headline);
    let mut trend_rows = if inner.height >= fixed + bigtext::ROWS + 4 {
        ((inner.height - fixed) / 4).clamp(2, 6)
    } else {
        0
    };
    if gap_text(headline).is_some() && inner.height >= fixed + 2 * bigtext::ROWS {
        trend_rows = trend_rows.max(bigtext::ROWS);
    }
    let spare = inner.height.saturating_sub(fixed + trend_rows);
    let y = inner.y.saturating_add(1).min(inner.bottom());
    (
        Rect::new(inner.x, y, inner.width, spare.min(inner.bottom() - y)),
        trend_rows,
    )
}

fn draw_wall_tile(
    frame: &mut Frame,
    area: Rect,
    headline: &Headline<'_>,
    scale: Option<(u16, u16)>,
    amber: f64,
    theme: &Theme,
) {
    let inner = Block::bordered().inner(area);
    let buf = frame.buffer_mut();
    let (style, set) = (headline.border_style(theme), &theme.glyphs().border);
    paint::bordered_with(buf, area, style, None, set);
    if inner.is_empty() {
        return;
    }
    let w = inner.width;
    let title = fit(
        w,
        [
            Line::styled(
                format!(
                    "{} {} mean",
                    headline.title.to_uppercase(),
                    theme.glyphs().dash
                ),
                theme.bold(),
            ),
            Line::styled(headline.title.to_uppercase(), theme.bold()),
        ],
    );
    let badge = fit(
        w,
        [
            Line::from(vec![
                headline.badge(theme),
                Span::styled(
                    match headline.target {
                        Some(_) => format!("  {}", headline.target_text()),
                        None => String::new(),
                    },
                    theme.dim(),
                ),
            ]),
            Line::from(vec![headline.badge(theme)]),
        ],
    );
    let (live_count, live_age) = headline.live_lines(theme);
    let goal = fit(w, headline.goal_lines(theme));
    let live = {
        let mut both = Vec::new();
        for count in &live_count {
            for age in &live_age {
                let mut spans = count.spans.clone();
                spans.push(Span::styled(theme.glyphs().sep(), theme.dim()));
                spans.extend(age.spans.iter().cloned());
                both.push(Line::from(spans));
            }
        }
        both.extend(live_count);
        fit(w, both)
    };
    let staffing_lines: Vec<Line<'static>> = headline
        .staffing
        .as_ref()
        .map(|s| {
            vec![
                fit(w, handlers::handler_lines(s, theme)),
                fit(w, handlers::model_lines(s, theme)),
            ]
        })
        .unwrap_or_default();
    let (mut big_area, mut trend_rows) = wall_rows(inner, headline);
    // Rows the digits leave over at their scale go to the trend, up to its most.
    if let (Some((_, sy)), true) = (scale, trend_rows > 0) {
        let spare = big_area.height.saturating_sub(bigtext::ROWS * sy);
        let more = spare.min(MAX_TREND_ROWS.saturating_sub(trend_rows));
        big_area.height -= more;
        trend_rows += more;
    }
    put_centered(buf, inner, inner.y, &title);
    let text = headline.mean_text();
    let style = headline.mean_style(theme);
    match scale {
        Some(scale) => bigtext::draw(
            buf,
            big_area,
            &text,
            scale,
            (headline.digit_fill(theme), style),
        ),
        None => {
            let line = Line::styled(text, style);
            put_centered(buf, big_area, big_area.y + big_area.height / 2, &line);
        }
    }
    let mut y = big_area.bottom();
    for line in [&badge, &goal, &live].into_iter().chain(&staffing_lines) {
        put_centered(buf, inner, y, line);
        y = y.saturating_add(1);
    }
    if trend_rows > 0 && y < inner.bottom() {
        // The tile's width but a column each side, so the scale's labels stand clear.
        let trend_area = Rect::new(
            inner.x + 1,
            y,
            inner.width.saturating_sub(2),
            trend_rows.min(inner.bottom() - y),
        );
        if !draw_gap(buf, trend_area, headline, theme) {
            trend::draw(
                buf,
                trend_area,
                headline.trend,
                headline.target,
                amber,
                theme,
            );
        }
    }
}

/// The handler gap in large type in `area`, in the shortfall's colour; `false` when there
/// is none or it does not fit (the trend is drawn there instead).
fn draw_gap(buf: &mut Buffer, area: Rect, headline: &Headline<'_>, theme: &Theme) -> bool {
    let Some(text) = gap_text(headline) else {
        return false;
    };
    let Some(scale) = bigtext::best_scale(&text, area.width, area.height) else {
        return false;
    };
    let style = handlers::cover_style(Cover::Short(0), theme);
    bigtext::draw(buf, area, &text, scale, (theme.glyphs().big_solid, style));
    true
}
