//! A trend: the 24 points (a mean every 5 minutes, the last 2 hours) stretched across the
//! width.
//!
//! Two rows or more: a line chart scaled from the lowest to the highest of the points and
//! the target, with the target drawn as a dashed line and the scale's ends labelled at the
//! left, so that a figure crossing its target crosses the line; from three rows, a time
//! axis under it (`-2h … now`). One row: a sparkline scaled from zero to the largest of
//! the points and the target, labelled with the time it covers at the left and its top
//! at the right (`2h ▂▅█ 12s`) where there is room.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;

use crate::engine::Status;
use crate::format::dur;
use crate::ui::board::TREND_STEP;

use super::glyphs::Glyphs;
use super::paint;
use super::text;
use super::theme::Theme;

/// The chart's labels are left off when they would leave it fewer columns than this.
const MIN_CHART_WIDTH: u16 = 16;
/// The sparkline's labels are left off when they would leave it fewer columns than this.
const MIN_SPARK_WIDTH: u16 = 6;

/// The time `points` points cover: `2h`, `1h30`, `50m`.
fn span_label(points: usize) -> String {
    let minutes =
        (points as u64).saturating_mul(TREND_STEP.nanos().unsigned_abs() / 60_000_000_000);
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m}m"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h{m:02}"),
    }
}

/// Draws `points` (oldest first) in `area`, each point styled by its status against
/// `target`. Missing points are a dim `·` on the bottom row. When the area is narrower
/// than the points, the newest points are shown.
pub(crate) fn draw(
    buf: &mut Buffer,
    area: Rect,
    points: &[Option<f64>],
    target: Option<f64>,
    warn_fraction: f64,
    theme: &Theme,
) {
    let area = area.intersection(buf.area);
    if area.is_empty() || points.is_empty() {
        return;
    }
    match range(points, target) {
        Some(range) if area.height >= 2 => {
            chart(buf, area, points, (target, range), warn_fraction, theme);
        }
        _ => labelled_sparkline(buf, area, points, target, warn_fraction, theme),
    }
}

/// The sparkline with the time it covers at the left and its top at the right, where
/// that leaves it [`MIN_SPARK_WIDTH`] columns. Taller (a trend with no point and no
/// target), only the gaps, as before.
fn labelled_sparkline(
    buf: &mut Buffer,
    area: Rect,
    points: &[Option<f64>],
    target: Option<f64>,
    warn_fraction: f64,
    theme: &Theme,
) {
    let top = points
        .iter()
        .flatten()
        .copied()
        .chain(target)
        .fold(0.0_f64, f64::max);
    let top_label = dur(Some(top));
    // The newest points that fit are shown, so the time label follows the room left.
    let mut shown = points.len();
    let mut room = 0;
    for _ in 0..3 {
        let labels = text::width(&span_label(shown)) + text::width(&top_label) + 2;
        room = usize::from(area.width).saturating_sub(labels);
        shown = points.len().min(room);
    }
    let nothing = target.is_none() && points.iter().all(Option::is_none);
    if nothing || area.height != 1 || room < usize::from(MIN_SPARK_WIDTH) || shown == 0 {
        sparkline(buf, area, points, target, warn_fraction, theme);
        return;
    }
    let left = span_label(shown);
    let left_width = text::width(&left) as u16 + 1;
    text::put_line(buf, area, area.x, area.y, &Line::styled(left, theme.dim()));
    let right = Line::styled(top_label, theme.dim());
    let right_x = area.right() - paint::line_width(&right) as u16;
    text::put_line(buf, area, right_x, area.y, &right);
    let bars = Rect {
        x: area.x + left_width,
        width: room as u16,
        ..area
    };
    sparkline(
        buf,
        bars,
        &points[points.len() - shown..],
        target,
        warn_fraction,
        theme,
    );
}

/// The lowest and highest of the points and the target; `None` without any.
fn range(points: &[Option<f64>], target: Option<f64>) -> Option<(f64, f64)> {
    let values = points.iter().flatten().copied().chain(target);
    let (low, high) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(low, high), v| {
            (low.min(v), high.max(v))
        });
    (low <= high).then_some((low, high))
}

/// A point's style: its status against the target, the trend colour without one.
fn point_style(
    point: Option<f64>,
    target: Option<f64>,
    warn_fraction: f64,
    theme: &Theme,
) -> Style {
    if point.is_none() {
        return theme.dim();
    }
    match Status::of_duration(point, target, warn_fraction) {
        Status::None => theme.trend(),
        status => theme.status(status),
    }
}

/// The line chart: `levels` eighths of a row from `low` (bottom) to `high` (top).
fn chart(
    buf: &mut Buffer,
    area: Rect,
    points: &[Option<f64>],
    (target, (low, high)): (Option<f64>, (f64, f64)),
    amber: f64,
    theme: &Theme,
) {
    // From three rows, the last is a time axis.
    let axis = area.height >= 3;
    let area = if axis {
        Rect {
            height: area.height - 1,
            ..area
        }
    } else {
        area
    };
    let (top_label, bottom_label) = (dur(Some(high)), dur(Some(low)));
    let label_width = text::width(&top_label).max(text::width(&bottom_label)) as u16;
    let margin = label_width + 1;
    let labelled = area.width >= margin.saturating_add(MIN_CHART_WIDTH);
    let plot = if labelled {
        Rect {
            x: area.x + margin,
            width: area.width - margin,
            ..area
        }
    } else {
        area
    };
    if labelled {
        let right = |label: &str| {
            let pad = usize::from(label_width).saturating_sub(text::width(label));
            Line::styled(format!("{}{label}", " ".repeat(pad)), theme.dim())
        };
        text::put_line(buf, area, area.x, area.y, &right(&top_label));
        text::put_line(buf, area, area.x, area.bottom() - 1, &right(&bottom_label));
    }
    if axis {
        time_axis(buf, plot, points.len(), theme);
    }
    let levels = u64::from(plot.height) * 8;
    let level_of = |value: f64| -> u64 {
        let span = high - low;
        let level = if span > 0.0 {
            ((value - low) / span * (levels - 1) as f64).round()
        } else {
            // One value only: mid-height.
            ((levels - 1) / 2) as f64
        };
        (level.max(0.0) as u64).min(levels - 1)
    };
    let bottom = plot.bottom() - 1;
    if let Some(target) = target {
        let y = bottom - (level_of(target) / 8) as u16;
        let line = theme.glyphs().trend_target;
        bar(buf, (plot.x, plot.width), y, line, theme.dim());
    }
    let n = points.len();
    let columns = usize::from(plot.width);
    for column in 0..columns {
        // Stretched across the width; narrower than the points, the newest one a column.
        let index = if columns >= n {
            column * n / columns
        } else {
            n - columns + column
        };
        let point = points[index];
        let style = point_style(point, target, amber, theme);
        let x = plot.x + column as u16;
        match point {
            None => bar(buf, (x, 1), bottom, theme.glyphs().trend_gap, style),
            Some(value) => {
                let level = level_of(value);
                let y = bottom - (level / 8) as u16;
                let block = eighths(level % 8 + 1, theme.glyphs());
                bar(buf, (x, 1), y, block, style);
            }
        }
    }
}

/// `-2h … now` on the row under `plot`: the time at its left end and now at its right.
fn time_axis(buf: &mut Buffer, plot: Rect, points: usize, theme: &Theme) {
    let columns = usize::from(plot.width);
    let shown = points.min(columns);
    let start = format!("-{}", span_label(shown));
    let now = "now";
    if columns < text::width(&start) + text::width(now) + 1 {
        return;
    }
    let row = Rect {
        y: plot.bottom(),
        height: 1,
        ..plot
    };
    let row = row.intersection(buf.area);
    if row.is_empty() {
        return;
    }
    text::put_line(buf, row, row.x, row.y, &Line::styled(start, theme.dim()));
    let x = row.right() - text::width(now) as u16;
    text::put_line(buf, row, x, row.y, &Line::styled(now, theme.dim()));
}

/// The block `filled` eighths of a cell tall.
fn eighths(filled: u64, glyphs: &Glyphs) -> &'static str {
    match filled.min(8) {
        0 => " ",
        // 1 ..= 8: in range.
        eighths => glyphs.trend_levels[(eighths - 1) as usize],
    }
}

/// The sparkline of one row: bars from zero to the largest of the points and the target.
fn sparkline(
    buf: &mut Buffer,
    area: Rect,
    points: &[Option<f64>],
    target: Option<f64>,
    warn_fraction: f64,
    theme: &Theme,
) {
    let n = points.len();
    let w = usize::from(area.width);
    let (shown, per_point) = if w >= n {
        (points, w / n)
    } else {
        (&points[n - w..], 1)
    };
    let used = shown.len() * per_point;
    let left = area.x + ((w - used) / 2) as u16;
    let top_value = shown
        .iter()
        .flatten()
        .copied()
        .chain(target)
        .fold(0.0_f64, f64::max);
    let levels = u64::from(area.height) * 8;
    for (i, point) in shown.iter().enumerate() {
        let style = point_style(*point, target, warn_fraction, theme);
        let x = left + (i * per_point) as u16;
        column(
            buf,
            area,
            (x, per_point as u16),
            *point,
            top_value,
            levels,
            (style, theme.glyphs()),
        );
    }
}

/// One point's bar, `per_point` columns wide from `x`.
fn column(
    buf: &mut Buffer,
    area: Rect,
    (x, per_point): (u16, u16),
    point: Option<f64>,
    top_value: f64,
    levels: u64,
    (style, glyphs): (Style, &Glyphs),
) {
    let bottom = area.bottom() - 1;
    let Some(value) = point else {
        bar(buf, (x, per_point), bottom, glyphs.trend_gap, style);
        return;
    };
    // At least one eighth for any data, so that a zero still shows as a bar.
    let mut height = if top_value > 0.0 {
        ((value / top_value) * levels as f64).round() as u64
    } else {
        0
    };
    height = height.clamp(1, levels);
    for row in 0..area.height {
        let y = bottom - row;
        let filled = height.saturating_sub(u64::from(row) * 8).min(8);
        if filled == 0 {
            break;
        }
        bar(buf, (x, per_point), y, eighths(filled, glyphs), style);
    }
}

/// One row of a point's bar.
fn bar(buf: &mut Buffer, (x, per_point): (u16, u16), y: u16, symbol: &str, style: Style) {
    for cell in paint::run(buf, x, y, x + per_point) {
        cell.set_symbol(symbol).set_style(style);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::view::View;

    fn row(buf: &Buffer, y: u16) -> String {
        (0..buf.area.width)
            .map(|x| buf[(x, y)].symbol().to_string())
            .collect()
    }

    #[test]
    fn points_scale_to_the_target_or_the_largest() {
        let theme = Theme::new(&View::default());
        let mut buf = Buffer::empty(Rect::new(0, 0, 4, 1));
        let points = [None, Some(0.0), Some(5.0), Some(10.0)];
        let area = buf.area;
        draw(&mut buf, area, &points, Some(5.0), 0.8, &theme);
        assert_eq!(row(&buf, 0), "·▁▄█");
        // Narrower than the points: the newest are shown.
        let mut buf = Buffer::empty(Rect::new(0, 0, 2, 1));
        let area = buf.area;
        draw(&mut buf, area, &points, Some(20.0), 0.8, &theme);
        assert_eq!(row(&buf, 0), "▂▄");
    }

    #[test]
    fn a_row_wide_enough_says_the_time_it_covers_and_its_top() {
        let theme = Theme::new(&View::default());
        let points: Vec<Option<f64>> = (0..24).map(|i| Some(f64::from(i % 4))).collect();
        // 18 columns (a compact tile): "1h " and " 5s" leave twelve for the newest twelve
        // points, an hour of them; the target of 5 s is the top.
        let mut buf = Buffer::empty(Rect::new(0, 0, 18, 1));
        let area = buf.area;
        draw(&mut buf, area, &points, Some(5.0), 0.8, &theme);
        let line = row(&buf, 0);
        assert_eq!(line, "1h ▁▂▃▅▁▂▃▅▁▂▃▅ 5s");
        assert!(line.ends_with(" 5s"), "{line}");
        // Wide: all 24 points, two hours.
        let mut buf = Buffer::empty(Rect::new(0, 0, 40, 1));
        let area = buf.area;
        draw(&mut buf, area, &points, None, 0.8, &theme);
        let line = row(&buf, 0);
        assert!(line.starts_with("2h "), "{line}");
        assert!(line.ends_with(" 3s"), "{line}");
        assert_eq!(span_label(18), "1h30");
        // No point and no target: no scale to label.
        let mut buf = Buffer::empty(Rect::new(0, 0, 30, 1));
        let area = buf.area;
        draw(&mut buf, area, &[None; 24], None, 0.8, &theme);
        assert_eq!(row(&buf, 0).trim(), "·".repeat(24));
        // No point and no target, three rows: the gaps along the bottom, no labels.
        let mut buf = Buffer::empty(Rect::new(0, 0, 30, 3));
        let area = buf.area;
        draw(&mut buf, area, &[None; 24], None, 0.8, &theme);
        assert_eq!(row(&buf, 0).trim(), "");
        assert_eq!(row(&buf, 2).trim(), "·".repeat(24));
    }

    #[test]
    fn two_rows_are_a_line_from_the_lowest_to_the_highest() {
        let theme = Theme::new(&View::default());
        let points = [None, Some(0.0), Some(5.0), Some(10.0)];
        // 9 columns: too few for labels. 16 levels from 0 (bottom) to 10 (top): 5 s is
        // level 7.5 → 8, the top row's first eighth; the columns take points 0,0,0,1,1,2,
        // 2,3,3 (column × 4 / 9).
        let mut buf = Buffer::empty(Rect::new(0, 0, 9, 2));
        let area = buf.area;
        draw(&mut buf, area, &points, None, 0.8, &theme);
        assert_eq!(row(&buf, 0), "     ▁▁██");
        assert_eq!(row(&buf, 1), "···▁▁    ");
    }

    #[test]
    fn the_target_is_a_line_and_the_ends_are_labelled() {
        use ratatui::style::Color;
        let theme = Theme::new(&View::default());
        let points = [Some(40.0), Some(50.0), Some(60.0), Some(70.0)];
        // Labels "1m 10s" / "   40s" (right-aligned) and a space: 16 columns left, four per
        // point. 24 levels, 0 to 23, over 40 … 70 s: 50 → 7.7 → 8 (middle row, first
        // eighth), 60 → 15.3 → 15 (middle row, full), 70 → 23; the 55 s target → 11.5 →
        // 12, the middle row. The fourth row is the time axis: four points, 20 minutes.
        let mut buf = Buffer::empty(Rect::new(0, 0, 23, 4));
        let area = buf.area;
        draw(&mut buf, area, &points, Some(55.0), 0.8, &theme);
        assert_eq!(row(&buf, 0), "1m 10s             ████");
        assert_eq!(row(&buf, 1), "       ┄┄┄┄▁▁▁▁████┄┄┄┄");
        assert_eq!(row(&buf, 2), "   40s ▁▁▁▁            ");
        assert_eq!(row(&buf, 3), "       -20m         now");
        // Past the 55 s target, 60 s and 70 s are red; 50 s is past 0.8 × 55 = 44 s but
        // within the target: amber (approaching).
        assert_eq!(buf[(19, 0)].fg, Color::Rgb(255, 69, 58));
        assert_eq!(buf[(15, 1)].fg, Color::Rgb(255, 69, 58));
        assert_eq!(buf[(11, 1)].fg, Color::Rgb(255, 176, 0));
    }
}
