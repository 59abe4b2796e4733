//! Drawing primitives that put exactly the cells ratatui's `Span`, `Line` and bordered
//! `Block` widgets put, at a fraction of the cost.
//!
//! Those widgets first patch a style over their whole area, even when it is the empty style
//! (which changes nothing), going through a bounds-checked index for every cell; a bordered
//! table did that four or five times over each of its cells. Here an empty style is skipped,
//! a style is patched along rows of the buffer's cells, and plain text (printable ASCII and
//! the few symbols the board uses) is written a character a cell, without splitting it into
//! graphemes. `tests/it/paint.rs` checks every primitive against the widget it stands for.

use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::symbols::border;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

/// The cells of row `y` from `x` to `right` (exclusive), which the caller keeps inside
/// the buffer (as `buf[(x, y)]` would, it panics otherwise).
pub(crate) fn run(buf: &mut Buffer, x: u16, y: u16, right: u16) -> &mut [Cell] {
    let start = buf.index_of(x, y);
    let len = usize::from(right.saturating_sub(x));
    &mut buf.content[start..start + len]
}

/// As `buf.set_style(area, style)`.
pub fn style_area(buf: &mut Buffer, area: Rect, style: Style) {
    let area = area.intersection(buf.area);
    if style == Style::default() || area.is_empty() {
        return;
    }
    for y in area.top()..area.bottom() {
        for cell in run(buf, area.x, y, area.right()) {
            cell.set_style(style);
        }
    }
}

/// Characters the board writes besides printable ASCII that are one cell wide and never
/// join the character before or after them into one grapheme (`tests/it/paint.rs` draws each
/// both ways).
const SINGLE_CELL: [char; 12] = ['·', '×', '—', '←', '→', '≤', '≥', '▲', '▶', '◀', '✔', '✖'];

fn is_plain_char(c: char) -> bool {
    (' '..='~').contains(&c) || SINGLE_CELL.contains(&c)
}

/// Every character is printable ASCII or in [`SINGLE_CELL`]: each is a grapheme of its
/// own, one cell wide, so the text takes one cell per character.
fn is_plain(text: &str) -> bool {
    text.chars().all(is_plain_char)
}

/// As `Span::raw(text).width()`: for plain text, its number of characters.
pub fn text_width(text: &str) -> usize {
    let mut count = 0;
    for c in text.chars() {
        if !is_plain_char(c) {
            return Span::raw(text).width();
        }
        count += 1;
    }
    count
}

/// As `line.width()`.
pub fn line_width(line: &Line<'_>) -> usize {
    line.spans.iter().map(|s| text_width(&s.content)).sum()
}

/// Writes the characters of plain `text` into `cells`, one each, as far as both go.
fn put_chars(cells: &mut [Cell], text: &str, style: Style) {
    for (cell, (i, c)) in cells.iter_mut().zip(text.char_indices()) {
        cell.set_symbol(&text[i..i + c.len_utf8()]).set_style(style);
    }
}

/// As `span.render(area, buf)`.
pub fn span(buf: &mut Buffer, area: Rect, span: &Span<'_>) {
    let text: &str = &span.content;
    if !is_plain(text) {
        Widget::render(span, area, buf);
        return;
    }
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    put_chars(run(buf, area.x, area.y, area.right()), text, span.style);
}

/// As `line.render(area, buf)` for a line without an alignment of its own (drawn from
/// the left); other lines are handed to the widget.
pub fn line(buf: &mut Buffer, area: Rect, line: &Line<'_>) {
    if line.alignment.is_some() {
        Widget::render(line, area, buf);
        return;
    }
    spans(buf, area, &line.spans, line.style);
}

/// As `Line::from(spans).style(style).render(area, buf)`.
pub(crate) fn spans(buf: &mut Buffer, area: Rect, spans: &[Span<'_>], style: Style) {
    let area = area.intersection(buf.area);
    if area.is_empty() || spans.iter().all(|s| text_width(&s.content) == 0) {
        return;
    }
    let mut area = Rect { height: 1, ..area };
    style_area(buf, area, style);
    for s in spans {
        // The widget leaves out spans of no width (they would add to the cell before).
        let width = text_width(&s.content);
        if width == 0 {
            continue;
        }
        if area.is_empty() {
            break;
        }
        span(buf, area, s);
        let width = u16::try_from(width).unwrap_or(u16::MAX);
        area.x = area.x.saturating_add(width);
        area.width = area.width.saturating_sub(width);
    }
}

/// As `buf.set_line(x, y, line, max_width)` (which `put_line` uses).
pub fn set_line(buf: &mut Buffer, x: u16, y: u16, line: &Line<'_>, max_width: u16) {
    let mut remaining = max_width;
    let mut x = x;
    for s in &line.spans {
        if remaining == 0 {
            break;
        }
        let style = line.style.patch(s.style);
        let end = if is_plain(&s.content) {
            set_plain(buf, x, y, &s.content, remaining, style)
        } else {
            buf.set_stringn(x, y, &s.content, usize::from(remaining), style)
                .0
        };
        remaining = remaining.saturating_sub(end.saturating_sub(x));
        x = end;
    }
}

/// As `buf.set_stringn` for plain text: where the text ends.
fn set_plain(buf: &mut Buffer, x: u16, y: u16, text: &str, max_width: u16, style: Style) -> u16 {
    let room = buf.area.right().saturating_sub(x).min(max_width);
    let n = usize::from(room).min(text.chars().count());
    if n == 0 {
        return x;
    }
    let end = x + n as u16;
    put_chars(run(buf, x, y, end), text, style);
    end
}

/// As `Block::bordered().border_style(style).title(title).render(area, buf)`, with plain
/// borders and the title (if any) on the top border from the left.
pub fn bordered(buf: &mut Buffer, area: Rect, style: Style, title: Option<&Line<'_>>) {
    bordered_with(buf, area, style, title, &border::PLAIN);
}

/// As [`bordered`], with the lines of `set` (ASCII ones in ASCII mode).
pub(crate) fn bordered_with(
    buf: &mut Buffer,
    area: Rect,
    style: Style,
    title: Option<&Line<'_>>,
    set: &border::Set,
) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let (left, top) = (area.left(), area.top());
    let right = area.right() - 1;
    let bottom = area.bottom() - 1;
    // The sides in the widget's order, then the corners over them.
    for y in top..=bottom {
        buf[(left, y)]
            .set_symbol(set.vertical_left)
            .set_style(style);
    }
    for cell in run(buf, left, top, right + 1) {
        cell.set_symbol(set.horizontal_top).set_style(style);
    }
    for y in top..=bottom {
        buf[(right, y)]
            .set_symbol(set.vertical_right)
            .set_style(style);
    }
    for cell in run(buf, left, bottom, right + 1) {
        cell.set_symbol(set.horizontal_bottom).set_style(style);
    }
    for (x, y, symbol) in [
        (right, bottom, set.bottom_right),
        (right, top, set.top_right),
        (left, bottom, set.bottom_left),
        (left, top, set.top_left),
    ] {
        buf[(x, y)].set_symbol(symbol).set_style(style);
    }
    if let Some(title) = title {
        let room = Rect::new(left.saturating_add(1), top, area.width.saturating_sub(2), 1);
        if !room.is_empty() {
            let width = u16::try_from(line_width(title)).unwrap_or(u16::MAX);
            line(
                buf,
                Rect {
                    width: width.min(room.width),
                    ..room
                },
                title,
            );
        }
    }
}
