//! Windows over the board: the keys (`?`) and the newest rejected lines (`e`).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Widget};
use std::fmt::Write as _;

use crate::ui::board::Board;
use crate::ui::keymap::{self, Binding, Key, KeyAction};
use crate::ui::view::{OverlayRoom, View};

use crate::ui::widgets::text::put_line;
use crate::ui::widgets::theme::Theme;

/// A box of `lines` centred in `area`, as large as fits. Lines wider than the box are
/// wrapped at spaces (carried on under the eight-column key column); lines taller than it
/// scroll: from the view's `overlay_scroll`, and the bottom border says which lines are
/// shown and the keys that scroll. What it found is kept in the view, for the keys.
fn popup(
    area: Rect,
    buf: &mut Buffer,
    title: Line<'static>,
    lines: &[Line<'static>],
    view: &View,
    theme: &Theme,
) {
    if area.width < 5 || area.height < 3 {
        return;
    }
    let widest = lines
        .iter()
        .map(Line::width)
        .max()
        .unwrap_or(0)
        .max(title.width());
    let width = (widest as u16).saturating_add(4).min(area.width);
    // One column of padding either side of the text, inside the border.
    let text_width = usize::from(width.saturating_sub(4)).max(1);
    let lines: Vec<Line<'static>> = lines
        .iter()
        .flat_map(|line| wrap(line, text_width))
        .collect();
    let height = (lines.len() as u16).saturating_add(2).min(area.height);
    let visible = height.saturating_sub(2);
    let max_scroll = (lines.len() as u16).saturating_sub(visible);
    view.overlay_room.set(OverlayRoom {
        max_scroll,
        page: visible.saturating_sub(1).max(1),
    });
    let scroll = view.overlay_scroll.min(max_scroll);
    let rect = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    Clear.render(rect, buf);
    let mut block = Block::bordered()
        .border_set(theme.glyphs().border)
        .title(title);
    if max_scroll > 0 {
        block = block.title_bottom(scroll_hint(scroll, visible, lines.len(), theme));
    }
    let inner = block.inner(rect);
    block.render(rect, buf);
    for (y, line) in (inner.top()..inner.bottom()).zip(lines.iter().skip(usize::from(scroll))) {
        put_line(buf, inner, inner.x + 1, y, line);
    }
}

/// ` ↑↓ 1-10 of 40 `: the lines shown and the keys that scroll, on the bottom border.
fn scroll_hint(scroll: u16, visible: u16, total: usize, theme: &Theme) -> Line<'static> {
    let key = |action| keymap::key_for(action).map(Key::name).unwrap_or_default();
    let keys = keymap::in_glyphs(
        &format!(
            "{}{}",
            key(KeyAction::Scroll(-1)),
            key(KeyAction::Scroll(1))
        ),
        theme.glyphs(),
    );
    let first = usize::from(scroll) + 1;
    let last = (usize::from(scroll) + usize::from(visible)).min(total);
    Line::styled(format!(" {keys} {first}-{last} of {total} "), theme.bold())
}

/// `line` cut at spaces into lines at most `width` wide; the lines after the first start
/// under the key column (eight columns in) when there is room for that.
fn wrap(line: &Line<'static>, width: usize) -> Vec<Line<'static>> {
    if line.width() <= width {
        return vec![line.clone()];
    }
    let indent = if width > 24 { 8 } else { 2 };
    let mut out: Vec<Line<'static>> = Vec::new();
    let mut current: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for span in &line.spans {
        for word in span.content.split_inclusive(' ') {
            let word_width = crate::ui::widgets::text::width(word);
            let bare_width = crate::ui::widgets::text::width(word.trim_end());
            if used > indent && used + bare_width > width {
                out.push(Line::from(std::mem::take(&mut current)));
                current.push(Span::raw(" ".repeat(indent)));
                used = indent;
                let word = word.trim_start();
                if word.is_empty() {
                    continue;
                }
                current.push(Span::styled(word.to_string(), span.style));
                used += crate::ui::widgets::text::width(word);
                continue;
            }
            current.push(Span::styled(word.to_string(), span.style));
            used += word_width;
        }
    }
    if !current.is_empty() {
        out.push(Line::from(current));
    }
    out
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
    lines.extend(legend(board, theme));
    popup(
        area,
        buf,
        title("Keys", KeyAction::ToggleHelp, theme),
        &lines,
        view,
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

/// One line of the legend: a bold heading in the key column, then the words.
fn entry(heading: &str, words: String, theme: &Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{heading:<7} "), theme.bold()),
        Span::raw(words),
    ])
}

/// What every mark, abbreviation and chart on the board means, on any layout.
fn legend(board: &Board, theme: &Theme) -> Vec<Line<'static>> {
    let g = theme.glyphs();
    let (ok, near, over, none) = (g.on_target, g.near, g.over, g.no_data);
    let (le, ge, dot) = (g.at_most, g.at_least, g.separator);
    let levels = g.trend_levels;
    let windows = board.window_labels.len().max(1);
    let window = board.window.label.clone();
    vec![
        entry(
            "Status",
            format!(
                "{ok} {near} {over} {none}  a tile's status: the worst verdict of its \
                 measures, in words that name what decided it (colour is never the only \
                 sign):"
            ),
            theme,
        ),
        entry(
            "",
            format!("{over} 2 BREACHED  incidents past their target"),
            theme,
        ),
        entry(
            "",
            format!("{over} 75.0% IN 15m  the share within 15m is under its goal"),
            theme,
        ),
        entry(
            "",
            format!("{over} MEAN 16m 47s  the mean is over its target"),
            theme,
        ),
        entry(
            "",
            format!(
                "{near} NEAR 5s  amber, approaching: past 0.8 {} the target, or within 5 \
                 points of a goal",
                g.times
            ),
            theme,
        ),
        entry(
            "",
            format!(
                "{ok} ON TARGET  every measure met  {none} NO DATA  nothing in the window \
                 yet  {none} NO TARGET  no target set"
            ),
            theme,
        ),
        entry(
            "Tiles",
            format!(
                "SL 90.0% goal 90% {le}10s  service level: the share answered within \
                 10s, against its goal ({ge}90% in short)"
            ),
            theme,
        ),
        entry(
            "",
            format!(
                "within 100.0% {le}1h  the share attended within the target  mean / \
                 target: 10m 30s / 15m"
            ),
            theme,
        ),
        entry(
            "",
            "p50 / p90  half / nine in ten of them took at most this long".to_string(),
            theme,
        ),
        entry(
            "",
            format!(
                "handlers 12/13 {near} SHORT 1  handlers on duty / needed to meet the \
                 goal, 1 short (hdl in short); {ok} COVERED: enough"
            ),
            theme,
        ),
        entry(
            "",
            format!(
                "model SL 87.5% {dot} wait 8.6s  the SL and mean wait the staffing model \
                 expects with the handlers on duty"
            ),
            theme,
        ),
        entry(
            "Trend",
            format!(
                "{}{}{} the mean every 5 min over the last 2h, oldest at the left \
                 (-2h ... now); the highest and lowest at the left, {} the target, {} no \
                 data; in one row (2h {}{} 12s), bars from 0 up to the figure at the right",
                levels[0], levels[3], levels[7], g.trend_target, g.trend_gap, levels[2], levels[7]
            ),
            theme,
        ),
        entry(
            "Lists",
            format!(
                "BREACHED +4m 10s past target {dot} {near} near target or past the SL \
                 time {dot} E P S emergency, priority, scheduled"
            ),
            theme,
        ),
        entry(
            "Areas",
            format!(
                "{} the area shown {dot} {le}tgt share within target {dot} Brch breached \
                 {dot} 2! breached incidents there {dot} - no figure",
                g.pointer
            ),
            theme,
        ),
        entry(
            "Header",
            format!(
                "[2:{window}] the window, keys 1-{windows} (in short: window {window}, or \
                 {window}) {dot} {}60 a replay's speed {dot} layout: the one drawn",
                g.times
            ),
            theme,
        ),
        entry(
            "Small",
            "Emerg / Prio: emergency / priority attendance; in one line E P the same, \
             wait 3 br 2 calls waiting and incidents breached; rej: rejected lines"
                .to_string(),
            theme,
        ),
        entry(
            "Layout",
            "auto picks standard from 120x40, compact from 80x24; under 80x24 micro, \
             under 40x12 one line"
                .replace('x', g.times),
            theme,
        ),
    ]
}

/// The newest rejected lines, newest first (the overlay scrolls).
pub(crate) fn draw_rejects(
    area: Rect,
    buf: &mut Buffer,
    board: &Board,
    view: &View,
    theme: &Theme,
) {
    let feed = &board.feed;
    let mut lines: Vec<Line<'static>> = Vec::new();
    if feed.recent_rejects.is_empty() {
        lines.push(Line::styled("No rejected lines.", theme.dim()));
    } else {
        lines.push(Line::styled(
            format!(
                "{} rejected in all; the newest {}, newest first:",
                feed.rejected,
                feed.recent_rejects.len()
            ),
            theme.dim(),
        ));
        for rejected in feed.recent_rejects.iter().rev() {
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
        view,
        theme,
    );
}
