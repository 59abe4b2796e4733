//! The area table: each area's headline figures side by side, the selected scope
//! highlighted. The first row is the whole force.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Row, StatefulWidget, Table, TableState};

use crate::engine::{Figures, Status};
use crate::ui::board::Board;

use super::text::symbol;
use super::theme::Theme;
use crate::format::{dur, pct, pct0};

fn mean_cell(mean: Option<f64>, status: Status, theme: &Theme) -> Cell<'static> {
    Cell::from(Line::from(vec![
        Span::styled(symbol(status).to_string(), theme.status(status)),
        Span::raw(" "),
        Span::styled(dur(mean), theme.status(status)),
    ]))
}

fn pct_cell(value: Option<f64>, goal: Option<f64>, wide: bool, theme: &Theme) -> Cell<'static> {
    let text = if wide { pct(value) } else { pct0(value) };
    match (value, goal) {
        (Some(v), Some(g)) if v < g => Cell::from(Span::styled(format!("✖ {text}"), theme.bad())),
        _ => Cell::from(format!("  {text}")),
    }
}

fn row(label: String, f: &Figures, wide: bool, theme: &Theme) -> Row<'static> {
    let c999 = &f.calls.line_999;
    let c101 = &f.calls.line_101;
    let e = &f.incidents.emergency;
    let p = &f.incidents.priority;
    let open = e.open + p.open;
    let breached = e.open_breached + p.open_breached;
    let breached_cell = if breached > 0 {
        Cell::from(Span::styled(format!("{breached}!"), theme.alarm()))
    } else {
        Cell::from("0")
    };
    Row::new(vec![
        Cell::from(label),
        mean_cell(c999.mean_answer_s, c999.status, theme),
        pct_cell(c999.service_level_pct, c999.sl_goal_pct, wide, theme),
        mean_cell(c101.mean_answer_s, c101.status, theme),
        mean_cell(e.mean_attend_s, e.status, theme),
        pct_cell(e.within_target_pct, e.goal_pct, wide, theme),
        mean_cell(p.mean_attend_s, p.status, theme),
        Cell::from(open.to_string()),
        breached_cell,
    ])
}

/// Rows needed for `areas` areas: header, force and one per area (+ 2 when bordered).
pub fn rows_needed(board: &Board, bordered: bool) -> u16 {
    let rows = 2 + board.areas.len() as u16;
    if bordered { rows + 2 } else { rows }
}

pub fn draw(frame: &mut Frame, area: Rect, board: &Board, theme: &Theme, bordered: bool) {
    if area.is_empty() {
        return;
    }
    let wide = area.width >= 110;
    let name_width: u16 = if wide { 22 } else { 13 };
    let mut rows = vec![row(
        "Whole force".to_string(),
        &board.force_figures,
        wide,
        theme,
    )];
    for a in &board.areas {
        let label = if wide && a.name != a.code {
            format!("{} ({})", a.name, a.code)
        } else {
            a.name.clone()
        };
        rows.push(row(label, &a.figures, wide, theme));
    }
    let selected = match &board.scope_code {
        None => 0,
        Some(code) => board
            .areas
            .iter()
            .position(|a| &a.code == code)
            .map_or(0, |i| i + 1),
    };
    let header: Vec<&str> = if wide {
        vec![
            "Area",
            "999 mean",
            "999 SL",
            "101 mean",
            "Emerg mean",
            "Emerg ≤tgt",
            "Prio mean",
            "Open",
            "Breached",
        ]
    } else {
        vec![
            "Area", "999", "SL", "101", "Emerg", "≤tgt", "Prio", "Open", "Brch",
        ]
    };
    let (mean_w, pct_w) = if wide { (11, 10) } else { (9, 6) };
    let widths = [
        Constraint::Length(name_width),
        Constraint::Length(mean_w),
        Constraint::Length(pct_w),
        Constraint::Length(mean_w),
        Constraint::Length(mean_w + u16::from(wide)),
        Constraint::Length(pct_w),
        Constraint::Length(mean_w),
        Constraint::Length(4),
        Constraint::Length(if wide { 8 } else { 4 }),
    ];
    let mut table = Table::new(rows, widths)
        .header(Row::new(header).style(theme.bold()))
        .row_highlight_style(theme.selected())
        .highlight_symbol("▶")
        .highlight_spacing(ratatui::widgets::HighlightSpacing::Always);
    if bordered {
        table = table.block(Block::bordered().title(Line::from(vec![
            Span::styled(" Areas ", theme.bold()),
            Span::styled(
                format!("· window {} · a: next area ", board.window.label),
                theme.dim(),
            ),
        ])));
    }
    let mut state = TableState::default().with_selected(Some(selected));
    table.render(area, frame.buffer_mut(), &mut state);
}
