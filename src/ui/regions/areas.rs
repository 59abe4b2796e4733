//! The area table: each area's headline figures side by side, the selected scope
//! highlighted. The first row is the whole force.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};

use crate::engine::{Figures, Status};
use crate::ui::board::{AreaRow, Board};

use super::breach;
use crate::format::{dur, dur_999, pct};
use crate::ui::widgets::grid::{self, Content, Grid, Selection};
use crate::ui::widgets::text::put_line;
use crate::ui::widgets::theme::Theme;

/// `time_text` writes the mean: tenths of a second for 999, `m ss` otherwise.
fn mean_cell(
    mean: Option<f64>,
    status: Status,
    time_text: fn(Option<f64>) -> String,
    theme: &Theme,
) -> Line<'static> {
    Line::from(vec![
        Span::styled(theme.glyphs().mark(status), theme.status(status)),
        Span::raw(" "),
        Span::styled(time_text(mean), theme.status(status)),
    ])
}

/// A percentage right-aligned after the mark of its verdict against its goal (`✖ 79.2%`
/// below it, `▲ 92.0%` within 5 points of it, `  100.0%`): seven columns, the same
/// one-decimal figure at every width.
fn pct_cell(value: Option<f64>, verdict: Status, theme: &Theme) -> Content<'static> {
    let text = pct(value);
    match verdict {
        Status::Red => {
            let mark = theme.glyphs().mark(verdict);
            Span::styled(format!("{mark}{text:>6}"), theme.bad()).into()
        }
        Status::Amber => {
            let mark = theme.glyphs().mark(verdict);
            Span::styled(format!("{mark}{text:>6}"), theme.warning()).into()
        }
        Status::Green | Status::None => Span::raw(format!(" {text:>6}")).into(),
    }
}

/// The cells of one row; `label` is the area's name as a table cell shows it. Each cell
/// is marked with its own measure's verdict (a mean against its target, a share against
/// its goal); open breaches have their own column.
fn row<'a>(label: Content<'a>, f: &Figures, theme: &Theme) -> [Content<'a>; 9] {
    let c999 = &f.calls.line_999;
    let c101 = &f.calls.line_101;
    let e = &f.incidents.emergency;
    let p = &f.incidents.priority;
    let open = e.open + p.open;
    let breached = e.open_breached + p.open_breached;
    let breached_cell = if breached > 0 {
        Span::styled(format!("{breached}!"), theme.alarm())
    } else {
        Span::raw("0")
    };
    [
        label,
        mean_cell(c999.mean_answer_s, c999.verdicts.mean, dur_999, theme).into(),
        pct_cell(c999.service_level_pct, c999.verdicts.service_level, theme),
        mean_cell(c101.mean_answer_s, c101.verdicts.mean, dur, theme).into(),
        mean_cell(e.mean_attend_s, e.verdicts.mean, dur, theme).into(),
        pct_cell(e.within_target_pct, e.verdicts.within_target, theme),
        mean_cell(p.mean_attend_s, p.verdicts.mean, dur, theme).into(),
        Span::raw(open.to_string()).into(),
        breached_cell.into(),
    ]
}

/// Rows needed for `areas` areas: header, force and one per area (+ 2 when bordered).
pub(crate) fn rows_needed(board: &Board, bordered: bool) -> u16 {
    let rows = 2 + board.areas.len() as u16;
    if bordered { rows + 2 } else { rows }
}

/// An area's label: "Name (CODE)" when wide and the two differ, else the name.
fn label(area: &AreaRow, wide: bool) -> Content<'_> {
    if wide && area.name != area.code {
        let text = format!("{} ({})", area.name, area.code);
        Span::raw(match text.lines().next() {
            Some(first) if first.len() < text.len() => first.to_string(),
            _ => text,
        })
        .into()
    } else {
        grid::text(&area.name)
    }
}

/// The most columns a wide screen adds to each of the table's columns.
const MOST_SPREAD: u16 = 12;

/// The columns' widths with the room a wide screen leaves shared out between them (up to
/// [`MOST_SPREAD`] each), so that the table spans the screen rather than its left half.
/// `width` is the table's inside, with its selection column and one-column gaps.
fn spread<const N: usize>(widths: [u16; N], width: u16) -> [u16; N] {
    let needed = widths
        .iter()
        .fold(N as u16, |sum, w| sum.saturating_add(*w));
    let each = (width.saturating_sub(needed) / N as u16).min(MOST_SPREAD);
    widths.map(|w| w + each)
}

pub(crate) fn draw(area: Rect, buf: &mut Buffer, board: &Board, theme: &Theme, bordered: bool) {
    if area.is_empty() {
        return;
    }
    let wide = area.width >= 110;
    let name_width: u16 = if wide { 22 } else { 13 };
    let selected = match &board.scope_code {
        None => 0,
        Some(code) => board
            .areas
            .iter()
            .position(|a| &a.code == code)
            .map_or(0, |i| i + 1),
    };
    let glyphs = theme.glyphs();
    let within = format!("{}tgt", glyphs.at_most);
    let emergency_within = format!("Emerg {within}");
    let header = if wide {
        [
            "Area",
            "999 mean",
            "999 SL",
            "101 mean",
            "Emerg mean",
            &emergency_within,
            "Prio mean",
            "Open",
            "Breached",
        ]
    } else {
        [
            "Area", "999", "SL", "101", "Emerg", &within, "Prio", "Open", "Brch",
        ]
    };
    let (mean_w, pct_w) = if wide { (11, 10) } else { (9, 7) };
    let widths = [
        name_width,
        mean_w,
        pct_w,
        mean_w,
        mean_w + u16::from(wide),
        pct_w,
        mean_w,
        4,
        if wide { 8 } else { 4 },
    ];
    let inner_width = area.width.saturating_sub(if bordered { 2 } else { 0 });
    let table = Grid {
        widths: spread(widths, inner_width).map(Constraint::Length),
        header,
        header_style: theme.bold(),
        title: bordered.then(|| {
            Line::from(vec![
                Span::styled(" Areas ", theme.bold()),
                Span::styled(
                    format!(
                        "{sep} window {} {sep} a: next area ",
                        board.window.label,
                        sep = glyphs.separator
                    ),
                    theme.dim(),
                ),
            ])
        }),
        selection: Some(Selection {
            row: selected,
            symbol: glyphs.pointer,
            style: theme.selected(),
        }),
    };
    let rows = 1 + board.areas.len();
    // Cut short, the table says so: on its border, or unbordered on its last row.
    let room = usize::from(area.height.saturating_sub(if bordered { 3 } else { 1 }));
    let (shown, hidden) = breach::cut(rows, rows, room);
    let grid_area = if bordered || hidden == 0 {
        area
    } else {
        Rect {
            height: area.height - 1,
            ..area
        }
    };
    if !bordered && hidden > 0 {
        let y = area.y + 1 + shown as u16;
        put_line(buf, area, area.x + 1, y, &breach::more_line(hidden, theme));
    }
    grid::draw_with(buf, grid_area, &table, &glyphs.border, rows, |i| match i {
        0 => row(grid::text("Whole force"), &board.force_figures, theme),
        _ => {
            let a = &board.areas[i - 1];
            row(label(a, wide), &a.figures, theme)
        }
    });
    if bordered {
        let hidden = rows - breach::rows_shown(area, rows);
        breach::more_on_border(buf, area, hidden, theme);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spare_width_is_shared_out_up_to_a_limit() {
        // Needed: 10 + 20 and a column each for the selection and the gap: 32.
        assert_eq!(spread([10, 20], 32), [10, 20]);
        assert_eq!(spread([10, 20], 31), [10, 20]);
        // 9 spare: 4 each.
        assert_eq!(spread([10, 20], 41), [14, 24]);
        assert_eq!(spread([10, 20], 200), [22, 32]);
    }
}
