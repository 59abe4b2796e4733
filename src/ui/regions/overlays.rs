//! Windows over the board: the keys (`?`) and the newest rejected lines (`e`).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Widget};
use std::fmt::Write as _;

use crate::ui::board::Board;
use crate::ui::keymap::{self, Binding, Key, KeyAction};
use crate::ui::view::View;

use crate::ui::widgets::text::put_line;
use crate::ui::widgets::theme::Theme;

/// A box of `lines` centred in `area`, as large as fits.
fn popup(
    area: Rect,
    buf: &mut Buffer,
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

/// The title of an overlay: its name and the keys that close it (`Keys — ? or Esc to
/// close`).
fn title(name: &str, toggle: KeyAction, theme: &Theme) -> Line<'static> {
    let key = |action| keymap::key_for(action).map(Key::name).unwrap_or_default();
    Line::styled(
        format!(
            " {name} {} {} or {} to close ",
            theme.glyphs().dash,
            key(toggle),
            key(KeyAction::CloseOrQuit)
        ),
        theme.bold(),
    )
}

/// The keys that do something on this board, one row of the keymap a line, then what the
/// marks on the board mean. `layout` is the layout drawn (the view may say `auto`).
pub(crate) fn draw_help(
    area: Rect,
    buf: &mut Buffer,
    board: &Board,
    view: &View,
    layout: &str,
    theme: &Theme,
) {
    let mut lines: Vec<Line<'static>> = keymap::KEYMAP
        .iter()
        .filter(|binding| binding.applies.to(board))
        .map(|binding| key_line(binding, board, view, layout, theme))
        .collect();
    lines.push(Line::raw(""));
    lines.extend(legend(theme));
    popup(
        area,
        buf,
        title("Keys", KeyAction::ToggleHelp, theme),
        &lines,
        theme,
    );
}

/// `a       next area: force → each area → force (now BIR)`: the row's keys, its help,
/// and for the keys that cycle, where the board is in the cycle.
fn key_line(
    binding: &Binding,
    board: &Board,
    view: &View,
    layout: &str,
    theme: &Theme,
) -> Line<'static> {
    let g = theme.glyphs();
    let keys: Vec<String> = binding
        .keys(board.window_labels.len())
        .map(Key::name)
        .collect();
    let mut help = binding.describe(&board.window_labels);
    if binding.does(KeyAction::NextArea) {
        let scope = board.scope_code.as_deref().unwrap_or("force");
        let _ = write!(help, " (now {scope})");
    }
    if binding.does(KeyAction::NextLayout) {
        let _ = write!(help, " (now {}, {layout})", view.layout.label());
    }
    Line::from(vec![
        Span::styled(
            // A column of eight, and a space after keys that are wider.
            format!("{:<7} ", keymap::in_glyphs(&keys.join(" "), g)),
            theme.bold(),
        ),
        Span::raw(keymap::in_glyphs(&help, g)),
    ])
}

/// What the marks on the board mean.
fn legend(theme: &Theme) -> [Line<'static>; 3] {
    let g = theme.glyphs();
    [
        Line::from(vec![
            Span::styled("Status  ", theme.bold()),
            Span::raw(format!(
                "{} ON TARGET  {} NEAR  {} OVER  {} NO DATA",
                g.on_target, g.near, g.over, g.no_data
            )),
        ]),
        Line::from(vec![
            Span::styled("        ", theme.bold()),
            Span::raw("a mean against its target (colour is never the only sign)"),
        ]),
        Line::from(vec![
            Span::styled("Lists   ", theme.bold()),
            Span::raw(format!(
                "BREACHED +4m 10s past target {} {} near target or past the SL time",
                g.separator, g.near
            )),
        ]),
    ]
}

/// The newest rejected lines, newest first, as many as fit.
pub(crate) fn draw_rejects(area: Rect, buf: &mut Buffer, board: &Board, theme: &Theme) {
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
        for rejected in feed.recent_rejects.iter().rev().take(shown) {
            lines.push(Line::from(vec![
                Span::styled(format!("line {:>6}  ", rejected.line), theme.bold()),
                Span::raw(rejected.reason.to_string()),
            ]));
        }
    }
    popup(
        area,
        buf,
        title("Rejected lines", KeyAction::ToggleRejects, theme),
        &lines,
        theme,
    );
}
