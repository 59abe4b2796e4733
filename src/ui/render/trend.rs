//! A trend as a sparkline: the 24 points stretched across the width, scaled from zero to
//! the largest of the points and the target (so a line near the top means "near target").

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::symbols::bar;

use crate::engine::Status;

use super::paint;
use super::theme::Theme;

/// Draws `points` (oldest first) in `area`, each bar styled by its status against
/// `target`. Missing points are a dim `·` on the bottom row. When the area is narrower
/// than the points, the newest points are shown.
pub fn draw(
    buf: &mut Buffer,
    area: Rect,
    points: &[Option<f64>],
    target: Option<f64>,
    amber_factor: f64,
    theme: &Theme,
) {
    let area = area.intersection(buf.area);
    if area.is_empty() || points.is_empty() {
        return;
    }
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
        let style = match point {
            Some(_) => {
                let status = Status::of(*point, target, amber_factor);
                if status == Status::None {
                    theme.trend()
                } else {
                    theme.status(status)
                }
            }
            None => theme.dim(),
        };
        let x = left + (i * per_point) as u16;
        column(
            buf,
            area,
            (x, per_point as u16),
            *point,
            top_value,
            levels,
            style,
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
    style: Style,
) {
    let bottom = area.bottom() - 1;
    let Some(value) = point else {
        bar(buf, (x, per_point), bottom, "·", style);
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
        let symbol = match filled {
            0 => break,
            1 => bar::ONE_EIGHTH,
            2 => bar::ONE_QUARTER,
            3 => bar::THREE_EIGHTHS,
            4 => bar::HALF,
            5 => bar::FIVE_EIGHTHS,
            6 => bar::THREE_QUARTERS,
            7 => bar::SEVEN_EIGHTHS,
            _ => bar::FULL,
        };
        bar(buf, (x, per_point), y, symbol, style);
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
        draw(&mut buf, area, &points, Some(5.0), 1.2, &theme);
        assert_eq!(row(&buf, 0), "·▁▄█");
        // Narrower than the points: the newest are shown.
        let mut buf = Buffer::empty(Rect::new(0, 0, 2, 1));
        let area = buf.area;
        draw(&mut buf, area, &points, Some(20.0), 1.2, &theme);
        assert_eq!(row(&buf, 0), "▂▄");
        // Wider: each point repeated, centred.
        let mut buf = Buffer::empty(Rect::new(0, 0, 9, 2));
        let area = buf.area;
        draw(&mut buf, area, &points, None, 1.2, &theme);
        assert_eq!(row(&buf, 0), "      ██ ");
        assert_eq!(row(&buf, 1), "··▁▁████ ");
    }
}
