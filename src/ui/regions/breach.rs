//! The breach watch (open emergency and priority incidents nearest to or past their
//! target, with a countdown) and the longest-waiting calls.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;

use crate::engine::OpenIncident;
use crate::format::{duration, human_target};
use crate::model::{CallLine, Grade};
use crate::ui::board::Board;

use crate::ui::widgets::glyphs::Glyphs;
use crate::ui::widgets::grid::{self, Grid};
use crate::ui::widgets::paint;
use crate::ui::widgets::text::{fit, put_line};
use crate::ui::widgets::theme::Theme;

/// `BREACHED +4m 10s`, `▲ 2m 30s left`, `12m 00s left`, `no target`: the same words and
/// colours on every layout.
pub(crate) fn countdown(
    incident: &OpenIncident,
    target: Option<f64>,
    warn_fraction: f64,
    theme: &Theme,
) -> Span<'static> {
    match incident.time_left_s {
        Some(left) if left < 0.0 => {
            Span::styled(format!("BREACHED +{}", duration(-left)), theme.alarm())
        }
        Some(left) => {
            // "Near" (amber) only in the last part of the target, past the warning
            // fraction (the last 20 % by default: 3 min of 15). The millisecond allows for
            // 1.0 − 0.8 ≠ 0.2 in floats.
            let near = target.is_some_and(|t| left <= t * (1.0 - warn_fraction) + 1e-3);
            if near {
                let near = theme.glyphs().near;
                Span::styled(format!("{near} {} left", duration(left)), theme.warning())
            } else {
                Span::raw(format!("{} left", duration(left)))
            }
        }
        None => Span::styled("no target", theme.dim()),
    }
}

/// `+17 more`: what a list or table cut short says about the rows it could not show.
pub(crate) fn more_line(hidden: usize, theme: &Theme) -> Line<'static> {
    Line::styled(format!("+{hidden} more"), theme.bold())
}

/// Says ` +17 more ` at the right of a bordered box's bottom border when `hidden` rows of
/// its table did not fit; nothing when all did.
pub(crate) fn more_on_border(buf: &mut Buffer, area: Rect, hidden: usize, theme: &Theme) {
    if hidden == 0 || area.height < 2 {
        return;
    }
    let line = Line::from(vec![
        Span::raw(" "),
        Span::styled(format!("+{hidden} more"), theme.bold()),
        Span::raw(" "),
    ]);
    let width = crate::ui::widgets::text::width(&format!(" +{hidden} more ")) as u16;
    let y = area.bottom() - 1;
    let x = area.right().saturating_sub(width + 1).max(area.x + 1);
    put_line(buf, area, x, y, &line);
}

/// The rows a bordered table of `area` shows under its header, of `rows`.
pub(crate) fn rows_shown(area: Rect, rows: usize) -> usize {
    rows.min(usize::from(area.height.saturating_sub(3)))
}

/// The rows an unbordered list of `room` rows shows, of the `rows` it holds and the
/// `total` there are, with the last row kept for `+N more` when they do not all fit:
/// `(rows shown, rows hidden)`.
pub(crate) fn cut(rows: usize, total: usize, room: usize) -> (usize, usize) {
    let shown = if total <= room {
        total
    } else {
        room.saturating_sub(1)
    };
    let shown = shown.min(rows);
    (shown, total.saturating_sub(shown))
}

/// What an empty breach watch says, widest first: the same words in every layout.
fn none_open(theme: &Theme) -> [Line<'static>; 2] {
    [
        Line::styled("No emergency or priority incidents open", theme.dim()),
        Line::styled("No incidents open", theme.dim()),
    ]
}

/// What an empty list of waiting calls says, in every layout.
fn none_waiting(theme: &Theme) -> [Line<'static>; 1] {
    [Line::styled("No calls waiting", theme.dim())]
}

fn grade_word(grade: Grade) -> &'static str {
    match grade {
        Grade::Emergency => "emergency",
        Grade::Priority => "priority",
        Grade::Scheduled => "scheduled",
    }
}

pub(crate) fn target_of(board: &Board, grade: Grade) -> Option<f64> {
    match grade {
        Grade::Emergency => board.figures.incidents.emergency.target_s,
        Grade::Priority => board.figures.incidents.priority.target_s,
        Grade::Scheduled => None,
    }
}

fn breached_count(board: &Board) -> u64 {
    board.figures.incidents.emergency.open_breached + board.figures.incidents.priority.open_breached
}

fn breach_title(board: &Board, theme: &Theme) -> Line<'static> {
    let breached = breached_count(board);
    let mut spans = vec![
        Span::styled(" Breach watch ", theme.bold()),
        Span::styled(
            format!("{} {} open ", theme.glyphs().separator, board.open_total),
            theme.dim(),
        ),
    ];
    if breached > 0 {
        spans.push(Span::styled(
            format!(" {breached} BREACHED "),
            theme.alarm(),
        ));
        spans.push(Span::raw(" "));
    }
    Line::from(spans)
}

fn waits_title(board: &Board, theme: &Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(" Longest waits ", theme.bold()),
        Span::styled(
            format!(
                "{} {} waiting ",
                theme.glyphs().separator,
                board.waiting_total
            ),
            theme.dim(),
        ),
    ])
}

fn threshold_of(board: &Board, line: CallLine) -> Option<f64> {
    match line {
        CallLine::Emergency999 => board.figures.calls.line_999.sl_threshold_s,
        CallLine::NonEmergency101 => board.figures.calls.line_101.sl_threshold_s,
    }
}

/// Bordered tables: breach watch on the left, longest waits on the right (standard).
pub(crate) fn draw_tables(area: Rect, buf: &mut Buffer, board: &Board, theme: &Theme) {
    let waits_width = (area.width * 2 / 5).clamp(0, 44);
    let [left, right] =
        ratatui::layout::Layout::horizontal([Constraint::Min(0), Constraint::Length(waits_width)])
            .areas(area);
    draw_breach_table(left, buf, board, theme);
    draw_waits_table(right, buf, board, theme);
}

fn draw_breach_table(area: Rect, buf: &mut Buffer, board: &Board, theme: &Theme) {
    let title = breach_title(board, theme);
    if board.breach_watch.is_empty() {
        let border = &theme.glyphs().border;
        paint::bordered_with(buf, area, Style::new(), Some(&title), border);
        let inner = Block::bordered().inner(area);
        let line = fit(inner.width, none_open(theme));
        put_line(buf, inner, inner.x + 1, inner.y, &line);
        return;
    }
    let narrow = area.width < 64;
    // Wide (a big desk screen): the target and the age against it as a bar as well.
    let wide = area.width >= WIDE_FROM;
    let id_width = board
        .breach_watch
        .iter()
        .map(|i| crate::ui::widgets::text::width(&i.id))
        .max()
        .unwrap_or(0)
        .clamp(if narrow { 4 } else { 8 }, 16) as u16;
    let (time_left, extra) = if wide {
        (
            Constraint::Length(20),
            [Constraint::Length(6), Constraint::Fill(1)],
        )
    } else {
        (Constraint::Fill(1), [Constraint::Length(0); 2])
    };
    let bar_header = format!("Age against target ({})", theme.glyphs().bar_target);
    let table = Grid {
        widths: [
            Constraint::Length(id_width),
            Constraint::Length(4),
            Constraint::Length(if narrow { 5 } else { 9 }),
            Constraint::Length(7),
            time_left,
            extra[0],
            extra[1],
        ],
        header: [
            if narrow { "Id" } else { "Incident" },
            "Area",
            "Grade",
            "Age",
            "Time left",
            if wide { "Target" } else { "" },
            if wide { &bar_header } else { "" },
        ],
        header_style: theme.bold(),
        title: Some(title),
        selection: None,
    };
    let incidents = &board.breach_watch;
    let border = &theme.glyphs().border;
    grid::draw_with(buf, area, &table, border, incidents.len(), |i| {
        let incident = &incidents[i];
        let target = target_of(board, incident.grade);
        let grade = grade_word(incident.grade);
        let countdown = countdown(incident, target, board.warn_fraction, theme);
        let target_text = match (wide, target) {
            (true, Some(target)) => human_target(target),
            (true, None) => "-".to_string(),
            (false, _) => String::new(),
        };
        [
            grid::text(&incident.id),
            grid::text(incident.area.as_deref().unwrap_or("-")),
            grid::text(if narrow { &grade[..5] } else { grade }),
            Span::raw(duration(incident.age_s)).into(),
            countdown.into(),
            Span::raw(target_text).into(),
            Span::raw("").into(),
        ]
    });
    more_on_border(
        buf,
        area,
        board
            .open_total
            .saturating_sub(rows_shown(area, incidents.len())),
        theme,
    );
    // The bars, cell by cell: as spans, their hundreds of block characters would each be
    // measured for width, a quarter of the frame at 200x60.
    if let Some(bars) = wide.then(|| grid::column_rows(area, &table, 6)).flatten() {
        for (incident, y) in incidents.iter().zip(bars.top()..bars.bottom()) {
            let target = target_of(board, incident.grade);
            let style = countdown(incident, target, board.warn_fraction, theme).style;
            let Some(filled) = filled_cells(incident.age_s, target, PROGRESS_HALF) else {
                continue;
            };
            let right = bars
                .right()
                .min(bars.x.saturating_add(2 * PROGRESS_HALF as u16 + 1));
            let cells = paint::run(buf, bars.x, y, right);
            for (i, cell) in cells.iter_mut().enumerate() {
                cell.set_symbol(progress_symbol(i, filled, PROGRESS_HALF, theme.glyphs()))
                    .set_style(style);
            }
        }
    }
}

/// From this width the breach watch shows each incident's target and a bar.
const WIDE_FROM: u16 = 110;
/// The bar's cells each side of the target mark.
const PROGRESS_HALF: usize = 20;

/// How many of an incident's bar cells its age fills: `half` at the target, `2 · half`
/// (the whole bar) at twice the target or more. `None` without a target.
fn filled_cells(age_s: f64, target: Option<f64>, half: usize) -> Option<usize> {
    let target = target.filter(|t| *t > 0.0)?;
    // `as` takes NaN to 0; the clamp keeps it to the bar.
    Some(
        ((age_s / target) * half as f64)
            .round()
            .clamp(0.0, (2 * half) as f64) as usize,
    )
}

/// Cell `i` of a bar `2 · half + 1` cells wide with `filled` cells filled: the target's
/// `│` in the middle, `█` before it, `▓` past it (`|`, `#`, `=` in ASCII).
fn progress_symbol(i: usize, filled: usize, half: usize, glyphs: &Glyphs) -> &'static str {
    match i.cmp(&half) {
        std::cmp::Ordering::Equal => glyphs.bar_target,
        std::cmp::Ordering::Less if i < filled => glyphs.bar_full,
        std::cmp::Ordering::Greater if i <= filled => glyphs.bar_over,
        _ => " ",
    }
}

fn draw_waits_table(area: Rect, buf: &mut Buffer, board: &Board, theme: &Theme) {
    let title = waits_title(board, theme);
    if board.longest_waits.is_empty() {
        let border = &theme.glyphs().border;
        paint::bordered_with(buf, area, Style::new(), Some(&title), border);
        let inner = Block::bordered().inner(area);
        let line = fit(inner.width, none_waiting(theme));
        put_line(buf, inner, inner.x + 1, inner.y, &line);
        return;
    }
    let call_width = board
        .longest_waits
        .iter()
        .map(|c| crate::ui::widgets::text::width(&c.id))
        .max()
        .unwrap_or(0)
        .clamp(4, 12) as u16;
    let table = Grid {
        widths: [
            Constraint::Length(call_width),
            Constraint::Length(4),
            Constraint::Length(4),
            Constraint::Fill(1),
        ],
        header: ["Call", "Line", "Area", "Waiting"],
        header_style: theme.bold(),
        title: Some(title),
        selection: None,
    };
    let calls = &board.longest_waits;
    let glyphs = theme.glyphs();
    grid::draw_with(buf, area, &table, &glyphs.border, calls.len(), |i| {
        let call = &calls[i];
        let over = threshold_of(board, call.line).is_some_and(|t| call.wait_s > t);
        let wait = if over {
            Span::styled(
                format!("{} {}", glyphs.near, duration(call.wait_s)),
                theme.warning(),
            )
        } else {
            Span::raw(duration(call.wait_s))
        };
        [
            grid::text(&call.id),
            grid::text(call.line.label()),
            grid::text(call.area.as_deref().unwrap_or("-")),
            wait.into(),
        ]
    });
    let hidden = board
        .waiting_total
        .saturating_sub(rows_shown(area, calls.len()));
    more_on_border(buf, area, hidden, theme);
}

/// Unbordered lists under a title line each (compact).
pub(crate) fn draw_lists(area: Rect, buf: &mut Buffer, board: &Board, theme: &Theme) {
    if area.is_empty() {
        return;
    }
    let waits_width = (area.width * 2 / 5).min(32);
    let [left, right] =
        ratatui::layout::Layout::horizontal([Constraint::Min(0), Constraint::Length(waits_width)])
            .spacing(1)
            .areas(area);

    put_line(buf, left, left.x, left.y, &breach_title(board, theme));
    if board.breach_watch.is_empty() {
        let line = fit(left.width.saturating_sub(1), none_open(theme));
        put_line(buf, left, left.x + 1, left.y + 1, &line);
    }
    let room = usize::from(left.height.saturating_sub(1));
    let (shown, hidden) = cut(board.breach_watch.len(), board.open_total, room);
    for (i, incident) in board.breach_watch.iter().take(shown).enumerate() {
        let y = left.y + 1 + i as u16;
        let target = target_of(board, incident.grade);
        let grade = match incident.grade {
            Grade::Emergency => "E",
            Grade::Priority => "P",
            Grade::Scheduled => "S",
        };
        let line = Line::from(vec![
            Span::raw(format!(
                " {:<7.7} {:<3.3} {grade} {:>7} ",
                incident.id,
                incident.area.as_deref().unwrap_or("-"),
                duration(incident.age_s)
            )),
            countdown(incident, target, board.warn_fraction, theme),
        ]);
        put_line(buf, left, left.x, y, &line);
    }
    if hidden > 0 {
        let y = left.y + 1 + shown as u16;
        put_line(buf, left, left.x + 1, y, &more_line(hidden, theme));
    }

    put_line(buf, right, right.x, right.y, &waits_title(board, theme));
    if board.longest_waits.is_empty() {
        let line = fit(right.width.saturating_sub(1), none_waiting(theme));
        put_line(buf, right, right.x + 1, right.y + 1, &line);
    }
    let room = usize::from(right.height.saturating_sub(1));
    let (shown, hidden) = cut(board.longest_waits.len(), board.waiting_total, room);
    for (i, call) in board.longest_waits.iter().take(shown).enumerate() {
        let y = right.y + 1 + i as u16;
        let over = threshold_of(board, call.line).is_some_and(|t| call.wait_s > t);
        let style = if over { theme.warning() } else { Style::new() };
        let mark = if over { theme.glyphs().near } else { " " };
        let line = Line::from(vec![
            Span::raw(format!(
                " {:<7.7} {} {:<3.3} ",
                call.id,
                call.line.label(),
                call.area.as_deref().unwrap_or("-")
            )),
            Span::styled(format!("{mark}{}", duration(call.wait_s)), style),
        ]);
        put_line(buf, right, right.x, y, &line);
    }
    if hidden > 0 {
        let y = right.y + 1 + shown as u16;
        put_line(buf, right, right.x + 1, y, &more_line(hidden, theme));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_puts_the_target_in_the_middle() {
        let progress = |age_s: f64, target: Option<f64>, half: usize| -> String {
            match filled_cells(age_s, target, half) {
                Some(filled) => (0..=2 * half)
                    .map(|i| progress_symbol(i, filled, half, &crate::ui::widgets::glyphs::UNICODE))
                    .collect(),
                None => String::new(),
            }
        };
        // 12 min of a 15 min target: 0.8 × 10 = 8 cells.
        assert_eq!(progress(720.0, Some(900.0), 10), "████████  │          ");
        // 30 min: twice the target, the whole bar.
        assert_eq!(progress(1800.0, Some(900.0), 10), "██████████│▓▓▓▓▓▓▓▓▓▓");
        // 20 min: 13.3 → 13 cells, three past the mark; 2 h is capped at the bar's end.
        assert_eq!(progress(1200.0, Some(900.0), 10), "██████████│▓▓▓       ");
        assert_eq!(progress(7200.0, Some(900.0), 2), "██│▓▓");
        assert_eq!(progress(60.0, None, 10), "");
        assert_eq!(progress(60.0, Some(0.0), 10), "");
    }
}
