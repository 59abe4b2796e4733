//! A table drawn cell for cell as ratatui's `Table` draws it (a header row, rows one line
//! tall, an optional bordered block with a title, an optional selection column shown
//! always), through the primitives of [`super::paint`]. Only the rows that show are built.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols::border;
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;

use super::paint;

/// The selected row: marked with `symbol` in a column of its own, and `style` over it.
pub struct Selection<'a> {
    pub row: usize,
    pub symbol: &'a str,
    pub style: Style,
}

/// Everything about a table but its rows.
pub struct Grid<'a, const N: usize> {
    pub widths: [Constraint; N],
    pub header: [&'a str; N],
    pub header_style: Style,
    /// A bordered block with this title around the table; no block when `None`.
    pub title: Option<Line<'a>>,
    /// As `HighlightSpacing::Always`: the selection column is there even with no row.
    pub selection: Option<Selection<'a>>,
}

/// What a cell shows: one span, or a line of several (a lone span needs no list).
pub enum Content<'a> {
    Span(Span<'a>),
    Line(Line<'a>),
}

impl<'a> From<Span<'a>> for Content<'a> {
    fn from(span: Span<'a>) -> Self {
        Content::Span(span)
    }
}

impl<'a> From<Line<'a>> for Content<'a> {
    fn from(line: Line<'a>) -> Self {
        Content::Line(line)
    }
}

/// What a table cell made from a string shows: its first line.
pub fn text(content: &str) -> Content<'_> {
    Content::Span(Span::raw(content.lines().next().unwrap_or("")))
}

/// Draws `grid` with `rows` rows in `area`; `row(i)` gives the cells of row `i`, and is
/// called only for the rows that show.
pub fn draw<'a, const N: usize>(
    buf: &mut Buffer,
    area: Rect,
    grid: &Grid<'a, N>,
    rows: usize,
    row: impl FnMut(usize) -> [Content<'a>; N],
) {
    draw_with(buf, area, grid, &border::PLAIN, rows, row);
}

/// As [`draw`], with the border lines of `set`.
pub(crate) fn draw_with<'a, const N: usize>(
    buf: &mut Buffer,
    area: Rect,
    grid: &Grid<'a, N>,
    set: &border::Set,
    rows: usize,
    mut row: impl FnMut(usize) -> [Content<'a>; N],
) {
    let table_area = match &grid.title {
        Some(title) => {
            paint::bordered_with(buf, area, Style::new(), Some(title), set);
            Block::bordered().inner(area)
        }
        None => area,
    };
    if table_area.is_empty() {
        return;
    }
    let selected = grid
        .selection
        .as_ref()
        .and_then(|s| (rows > 0).then(|| s.row.min(rows - 1)));
    let selection_width = grid
        .selection
        .as_ref()
        .map_or(0, |s| super::text::width(s.symbol) as u16);
    let columns = column_areas(&grid.widths, table_area.width, selection_width);
    let [header_area, rows_area] = split_header(table_area);

    paint::style_area(buf, header_area, grid.header_style);
    for (column, content) in columns.iter().zip(grid.header) {
        cell(buf, header_area, *column, &text(content));
    }

    if rows == 0 {
        return;
    }
    let (start, end) = visible_rows(rows, selected, rows_area.height);
    let mut selected_area = None;
    for (offset, i) in (start..end).enumerate() {
        let y = rows_area.y.saturating_add(offset as u16);
        let height = y
            .saturating_add(1)
            .min(rows_area.bottom())
            .saturating_sub(y);
        let row_area = Rect {
            y,
            height,
            ..rows_area
        };
        let is_selected = selected == Some(i);
        if let (Some(selection), true) = (&grid.selection, is_selected) {
            let mark = Rect {
                width: selection_width,
                ..row_area
            };
            if selection_width > 0 {
                cell(
                    buf,
                    mark,
                    Rect::new(0, 0, selection_width, 1),
                    &text(selection.symbol),
                );
            }
            selected_area = Some((row_area, selection.style));
        }
        for (column, content) in columns.iter().zip(row(i)) {
            cell(buf, row_area, *column, &content);
        }
    }
    if let Some((row_area, style)) = selected_area {
        paint::style_area(buf, row_area, style);
    }
}

/// Where column `index`'s cells are, below the header: its columns over the rows'
/// height. For painting a column's cells directly, in a table with no selection (whose
/// rows never scroll).
pub(crate) fn column_rows<const N: usize>(
    area: Rect,
    grid: &Grid<'_, N>,
    index: usize,
) -> Option<Rect> {
    let table_area = match grid.title {
        Some(_) => Block::bordered().inner(area),
        None => area,
    };
    let column = *column_areas(&grid.widths, table_area.width, 0).get(index)?;
    let [_, rows] = split_header(table_area);
    let cells = Rect::new(
        rows.x.saturating_add(column.x),
        rows.y,
        column.width,
        rows.height,
    );
    Some(cells.intersection(rows))
}

/// One cell of a row: `column` is its offset and width within the row.
fn cell(buf: &mut Buffer, row: Rect, column: Rect, content: &Content<'_>) {
    let area = Rect::new(
        row.x.saturating_add(column.x),
        row.y,
        column.width,
        row.height,
    );
    let area = Rect { height: 1, ..area }.intersection(area);
    match content {
        Content::Span(span) => paint::spans(buf, area, std::slice::from_ref(span), Style::new()),
        Content::Line(line) => paint::line(buf, area, line),
    }
}

/// The columns' offsets and widths, as the table lays them out.
fn column_areas<const N: usize>(
    widths: &[Constraint; N],
    max_width: u16,
    selection_width: u16,
) -> Vec<Rect> {
    let [_selection, columns] =
        Layout::horizontal([Constraint::Length(selection_width), Constraint::Fill(0)])
            .areas(Rect::new(0, 0, max_width, 1));
    Layout::horizontal(*widths)
        .flex(Flex::Start)
        .spacing(1)
        .split(columns)
        .iter()
        .map(|c| Rect::new(c.x, 0, c.width, 1))
        .collect()
}

/// The header row and the rows below it, as the table splits its area.
fn split_header(area: Rect) -> [Rect; 2] {
    let parts = Layout::vertical([
        Constraint::Length(0),
        Constraint::Length(1),
        Constraint::Length(0),
        Constraint::Min(0),
        Constraint::Length(0),
        Constraint::Length(0),
        Constraint::Length(0),
    ])
    .split(area);
    [parts[1], parts[3]]
}

/// The rows that show, `start..end`, scrolled so that the selected row does (the table's
/// own rule, for rows one line tall and no offset).
fn visible_rows(rows: usize, selected: Option<usize>, height_available: u16) -> (usize, usize) {
    let available = usize::from(height_available);
    let last_row = rows.saturating_sub(1);
    let mut start = 0;
    let mut end = 0;
    let mut height = 0usize;
    for _ in 0..rows {
        if height + 1 > available {
            break;
        }
        height += 1;
        end += 1;
    }
    if let Some(selected) = selected {
        let selected = selected.min(last_row);
        while selected >= end {
            height += 1;
            end += 1;
            while height > available {
                height -= 1;
                start += 1;
            }
        }
    }
    // The table then adds a partly shown row when rows are left and height is spare;
    // with rows one line tall, spare height means no rows are left.
    (start, end)
}
