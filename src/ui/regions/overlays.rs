//! Windows over the board: the keys (`?`) and the newest rejected lines (`e`).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Widget};

use crate::ui::board::Board;
use crate::ui::status::Mode;
use crate::ui::view::View;

use crate::ui::widgets::text::put_line;
use crate::ui::widgets::theme::Theme;

/// A box of `lines` centred in `area`, as large as fits.
fn popup(
    frame: &mut Frame,
    area: Rect,
    title: Line<'static>,
    lines: &[Line<'static>],
    theme: &Theme,
) {
    let widest = lines
        .iter()
        .map(Line::width)
        .max()
        .unwrap_or(0)
        .max(title.width());
    let width = (widest as u16).saturating_add(4).min(area.width);
    let height = (lines.len() as u16).saturating_add(2).min(area.height);
    let rect = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    let buf = frame.buffer_mut();
    Clear.render(rect, buf);
    let block = Block::bordered()
        .border_set(theme.glyphs().border)
        .title(title);
    let inner = block.inner(rect);
    block.render(rect, buf);
    for (i, line) in lines.iter().enumerate() {
        let y = inner.y + i as u16;
        if y >= inner.bottom() {
            break;
        }
        put_line(buf, inner, inner.x + 1, y, line);
    }
}

pub(crate) fn draw_help(
    frame: &mut Frame,
    area: Rect,
    board: &Board,
    view: &View,
    layout: &str,
    theme: &Theme,
) {
    let key = |k: &str| Span::styled(format!("{k:<8}"), theme.bold());
    let windows: Vec<String> = board
        .window_labels
        .iter()
        .enumerate()
        .map(|(i, l)| format!("{} {l}", i + 1))
        .collect();
    let scope = board.scope_code.as_deref().unwrap_or("force");
    let g = theme.glyphs();
    let to = g.right;
    let mut lines = vec![
        Line::from(vec![
            key("1 2 3"),
            Span::raw(format!("window: {}", windows.join(", "))),
        ]),
        Line::from(vec![
            key("a"),
            Span::raw(format!(
                "next area: force {to} each area {to} force (now {scope})"
            )),
        ]),
        Line::from(vec![
            key("v"),
            Span::raw(format!(
                "layout: auto {to} wall {to} standard {to} compact (now {}, {layout})",
                view.layout.label()
            )),
        ]),
        Line::from(vec![key("e"), Span::raw("rejected lines")]),
    ];
    if board.feed.recording.is_some() {
        lines.push(Line::from(vec![
            key("r"),
            Span::raw("dismiss a RECORDING FAILED banner (the footer keeps it)"),
        ]));
    }
    lines.extend([
        Line::from(vec![key("?"), Span::raw("this help")]),
        Line::from(vec![
            key("q Esc"),
            Span::raw("quit (Esc closes a window first)"),
        ]),
        Line::from(vec![key("Ctrl-C"), Span::raw("quit")]),
    ]);
    if matches!(board.mode, Mode::Replay { .. }) {
        lines.push(Line::from(vec![
            key("replay"),
            Span::raw(format!(
                "space pause {0} + - speed {0} {1} {2} [ ] move {0} Home start",
                g.separator, g.left, g.right
            )),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled("Status  ", theme.bold()),
        Span::raw(format!(
            "{} ON TARGET  {} NEAR  {} OVER  {} NO DATA",
            g.on_target, g.near, g.over, g.no_data
        )),
    ]));
    lines.push(Line::from(vec![
        Span::styled("        ", theme.bold()),
        Span::raw("a mean against its target (colour is never the only sign)"),
    ]));
    lines.push(Line::from(vec![
        Span::styled("Lists   ", theme.bold()),
        Span::raw(format!(
            "BREACHED +4m 10s past target {} {} near target or past the SL time",
            g.separator, g.near
        )),
    ]));
    popup(
        frame,
        area,
        Line::styled(format!(" Keys {} ? or Esc to close ", g.dash), theme.bold()),
        &lines,
        theme,
    );
}

pub(crate) fn draw_rejects(frame: &mut Frame, area: Rect, board: &Board, theme: &Theme) {
    let feed = &board.feed;
    // Room for the box's border and the title line.
    let room = usize::from(area.height.saturating_sub(2)).max(1);
    let mut lines: Vec<Line<'static>> = Vec::new();
    if feed.recent_rejects.is_empty() {
        lines.push(Line::styled("No rejected lines.", theme.dim()));
    } else {
        let shown = feed.recent_rejects.len().min(room.saturating_sub(1).max(1));
        lines.push(Line::styled(
            format!(
                "{} rejected in all; the newest {shown}, newest first:",
                feed.rejected
            ),
            theme.dim(),
        ));
        for (number, reason) in feed.recent_rejects.iter().rev().take(shown) {
            lines.push(Line::from(vec![
                Span::styled(format!("line {number:>6}  "), theme.bold()),
                Span::raw(reason.clone()),
            ]));
        }
    }
    popup(
        frame,
        area,
        Line::styled(
            format!(" Rejected lines {} e or Esc to close ", theme.glyphs().dash),
            theme.bold(),
        ),
        &lines,
        theme,
    );
}
