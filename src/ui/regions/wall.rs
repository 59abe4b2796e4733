//! The wall layout: the masthead (area, rotation, clock), the NOT LIVE block while the
//! feed is stale or down, and each headline figure in very large digits.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Widget};

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
    area: Rect,
    buf: &mut Buffer,
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
    masthead::draw(head, buf, board, rotating, theme);
    notlive::draw(not_live, buf, board, theme);
    draw_tiles(tiles, buf, board, theme);
}

/// The four tiles as a 2×2 grid of big figures.
fn draw_tiles(area: Rect, buf: &mut Buffer, board: &Board, theme: &Theme) {
    let [top, bottom] = Layout::vertical([Constraint::Ratio(1, 2); 2]).areas(area);
    let [a, b] = Layout::horizontal([Constraint::Ratio(1, 2); 2]).areas(top);
    let [c, d] = Layout::horizontal([Constraint::Ratio(1, 2); 2]).areas(bottom);
    let cells = [a, b, c, d];
    let headlines = headlines(board);
    // The status words in block type where the tiles are tall enough: the same rows in
    // all four, so that their digits can share a size too.
    let status_rows = status_rows(Block::bordered().inner(a));
    let status_scales: Vec<Option<(u16, u16)>> = headlines
        .iter()
        .zip(cells)
        .map(|(headline, cell)| {
            let inner = Block::bordered().inner(cell);
            let width = inner.width.saturating_sub(2);
            (status_rows > 0)
                .then(|| bigtext::best_scale(&headline.words(theme), width, status_rows))
                .flatten()
        })
        .collect();
    let status_common = bigtext::common_scale(status_scales.iter().flatten().copied());
    // One digit size for all four, so that no figure looks more important by accident.
    let scales: Vec<Option<(u16, u16)>> = headlines
        .iter()
        .zip(cells)
        .map(|(headline, cell)| {
            let inner = Block::bordered().inner(cell);
            let (big, _) = wall_rows(inner, headline, status_rows);
            bigtext::best_scale(&headline.mean_text(), big.width, big.height)
        })
        .collect();
    let common = bigtext::common_scale(scales.iter().flatten().copied());
    for (((headline, cell), own), status_own) in
        headlines.iter().zip(cells).zip(&scales).zip(&status_scales)
    {
        let tile = WallTile {
            headline,
            scale: own.and(common),
            status_rows,
            status_scale: status_own.and(status_common),
            warn_fraction: board.warn_fraction,
            theme,
        };
        tile.render(cell, buf);
    }
}

/// From this many rows inside a tile, its status words (`✖ 2 BREACHED`, `✔ ON TARGET`)
/// are in block type a digit's height, one row a pixel, rather than a line.
const BIG_STATUS_FROM: u16 = 20;

/// The rows a tile of this inside gives its status words in block type: none when short.
fn status_rows(inner: Rect) -> u16 {
    if inner.height >= BIG_STATUS_FROM {
        bigtext::ROWS
    } else {
        0
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
        Cover::ShortPastModel => Some("SHORT".to_string()),
        Cover::Covered => None,
    }
}

/// Inside a wall tile: the rows for the big digits (below the title line), and how many
/// rows the trend gets at the bottom: from two, a quarter of the rows, up to six; when
/// the handlers are short, at least a digit's height for the gap in large type.
fn wall_rows(inner: Rect, headline: &Headline<'_>, status_rows: u16) -> (Rect, u16) {
    // Title, then digits, then the status (a badge line, or `status_rows` in block type),
    // goal, live (and handler) lines, then the trend.
    let fixed = 3u16 + status_rows.max(1) + handler_rows(headline);
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

/// One wall tile: its headline's mean at the digit size the four share.
struct WallTile<'a> {
    headline: &'a Headline<'a>,
    scale: Option<(u16, u16)>,
    /// Rows for the status words in block type (0: a badge line), and their scale
    /// (`None`: the badge line in the middle of those rows).
    status_rows: u16,
    status_scale: Option<(u16, u16)>,
    warn_fraction: f64,
    theme: &'a Theme,
}

impl Widget for WallTile<'_> {
    /// The border, the title, the mean in big digits, the lines under them, and the
    /// trend (or the handler gap) at the bottom.
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (headline, theme) = (self.headline, self.theme);
        let inner = Block::bordered().inner(area);
        let (style, set) = (headline.border_style(theme), &theme.glyphs().border);
        paint::bordered_with(buf, area, style, None, set);
        if inner.is_empty() {
            return;
        }
        let (digits, trend_rows) = self.digits_and_trend_rows(inner);
        let big_status = self.status_rows > 0;
        let title = wall_title(headline, inner.width, big_status, theme);
        put_centered(buf, inner, inner.y, &title);
        self.draw_mean(digits, buf);
        let mut y = digits.bottom();
        if big_status {
            let rows = self.status_rows.min(inner.bottom().saturating_sub(y));
            self.draw_status(Rect::new(inner.x, y, inner.width, rows), buf);
            y = y.saturating_add(rows);
        }
        for line in lines_under_digits(headline, inner.width, big_status, theme) {
            put_centered(buf, inner, y, &line);
            y = y.saturating_add(1);
        }
        if let Some(area) = trend_area(inner, y, trend_rows) {
            self.draw_trend_or_gap(area, buf);
        }
    }
}

/// The trend's `rows` from row `y` of the tile's inside, as many as are left; `None`
/// when there are none.
fn trend_area(inner: Rect, y: u16, rows: u16) -> Option<Rect> {
    if rows == 0 || y >= inner.bottom() {
        return None;
    }
    // The tile's width but a column each side, so the scale's labels stand clear.
    Some(Rect::new(
        inner.x + 1,
        y,
        inner.width.saturating_sub(2),
        rows.min(inner.bottom() - y),
    ))
}

impl WallTile<'_> {
    /// As [`wall_rows`], with the rows the digits leave over at their scale given to the
    /// trend, up to its most.
    fn digits_and_trend_rows(&self, inner: Rect) -> (Rect, u16) {
        let (mut digits, mut trend_rows) = wall_rows(inner, self.headline, self.status_rows);
        if let (Some((_, sy)), true) = (self.scale, trend_rows > 0) {
            let spare = digits.height.saturating_sub(bigtext::ROWS * sy);
            let more = spare.min(MAX_TREND_ROWS.saturating_sub(trend_rows));
            digits.height -= more;
            trend_rows += more;
        }
        (digits, trend_rows)
    }

    /// The mean in big digits, or as a line in the middle of `area` when no scale fits.
    fn draw_mean(&self, area: Rect, buf: &mut Buffer) {
        let (headline, theme) = (self.headline, self.theme);
        let text = headline.mean_text();
        let style = headline.mean_style(theme);
        match self.scale {
            Some(scale) => {
                bigtext::draw(buf, area, &text, scale, (headline.digit_fill(theme), style));
            }
            None => {
                let line = Line::styled(text, style);
                put_centered(buf, area, area.y + area.height / 2, &line);
            }
        }
    }

    /// The status words in block type in `area`, in the mean's colour; the badge line in
    /// its middle when they do not fit.
    fn draw_status(&self, area: Rect, buf: &mut Buffer) {
        let (headline, theme) = (self.headline, self.theme);
        match self.status_scale {
            Some(scale) => {
                let fill = (headline.digit_fill(theme), headline.mean_style(theme));
                bigtext::draw(buf, area, &headline.words(theme), scale, fill);
            }
            None => {
                let line = Line::from(headline.badge(theme));
                put_centered(buf, area, area.y + area.height / 2, &line);
            }
        }
    }

    /// The handler gap in large type when the line is short of handlers, else the trend.
    fn draw_trend_or_gap(&self, area: Rect, buf: &mut Buffer) {
        let (headline, theme) = (self.headline, self.theme);
        if !draw_gap(area, buf, headline, theme) {
            let (trend, target) = (headline.trend, headline.target);
            trend::draw(buf, area, trend, target, self.warn_fraction, theme);
        }
    }
}

/// `999 ANSWER — mean`, or without `— mean` when narrow; with the target after it
/// (`· target 5s`) when the status words are in block type, the badge line's place.
fn wall_title(
    headline: &Headline<'_>,
    width: u16,
    with_target: bool,
    theme: &Theme,
) -> Line<'static> {
    let title = headline.title.to_uppercase();
    let dash = theme.glyphs().dash;
    let mut lines = Vec::with_capacity(3);
    if with_target && headline.target.is_some() {
        lines.push(Line::from(vec![
            Span::styled(format!("{title} {dash} mean"), theme.bold()),
            Span::styled(
                format!("{}{}", theme.glyphs().sep(), headline.target_text()),
                theme.dim(),
            ),
        ]));
    }
    lines.push(Line::styled(format!("{title} {dash} mean"), theme.bold()));
    lines.push(Line::styled(title, theme.bold()));
    fit(width, lines)
}

/// The lines under the digits, each fitted to `width`: the badge with the target (unless
/// the status is in block type), the goal, the live counts, and the handlers' two lines when the feed reports staffing.
fn lines_under_digits(
    headline: &Headline<'_>,
    width: u16,
    big_status: bool,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let mut lines = Vec::with_capacity(5);
    if !big_status {
        lines.push(badge_line(headline, width, theme));
    }
    lines.push(fit(width, headline.goal_lines(theme)));
    lines.push(live_line(headline, width, theme));
    if let Some(staffing) = &headline.staffing {
        lines.push(fit(width, handlers::handler_lines(staffing, theme)));
        lines.push(fit(width, handlers::model_lines(staffing, theme)));
    }
    lines
}

/// The status badge and the target after it, or the badge alone when narrow.
fn badge_line(headline: &Headline<'_>, width: u16, theme: &Theme) -> Line<'static> {
    let target = match headline.target {
        Some(_) => format!("  {}", headline.target_text()),
        None => String::new(),
    };
    fit(
        width,
        [
            Line::from(vec![
                headline.badge(theme),
                Span::styled(target, theme.dim()),
            ]),
            Line::from(vec![headline.badge(theme)]),
        ],
    )
}

/// The live count and age on one line, every width of each tried together before the
/// count alone.
fn live_line(headline: &Headline<'_>, width: u16, theme: &Theme) -> Line<'static> {
    let (live_count, live_age) = headline.live_lines(theme);
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
    fit(width, both)
}

/// The handler gap in large type in `area`, in the shortfall's colour; `false` when there
/// is none or it does not fit (the trend is drawn there instead).
fn draw_gap(area: Rect, buf: &mut Buffer, headline: &Headline<'_>, theme: &Theme) -> bool {
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
