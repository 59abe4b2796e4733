//! Drawing a [`Board`] on a frame: which layout fits the screen, and which regions it
//! is made of. Pure: nothing here reads the engine, the feed or the clock.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};

use super::board::Board;
use super::regions::{
    alerts, areas, breach, footer, header, micro, notlive, overlays, tiles, wall,
};
use super::view::{LayoutChoice, Overlay, View};
use super::widgets::theme::Theme;

/// The smallest terminal the board is drawn in.
pub(crate) const MIN_WIDTH: u16 = 80;
pub(crate) const MIN_HEIGHT: u16 = 24;
/// From this size, `Auto` picks the standard layout.
pub(crate) const STANDARD_WIDTH: u16 = 120;
pub(crate) const STANDARD_HEIGHT: u16 = 40;

/// The layout actually drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Resolved {
    Wall,
    Standard,
    Compact,
}

impl Resolved {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Resolved::Wall => "wall",
            Resolved::Standard => "standard",
            Resolved::Compact => "compact",
        }
    }
}

/// The layout for a choice at a size; `None` below 80×24, where the micro layout (or,
/// under 40×12, one line) is drawn whatever the choice.
///
/// `Auto` never picks the wall: a big terminal is as likely a supervisor's desk monitor
/// (wanting every detail) as a screen across the room, and a room screen with a large
/// font has few cells. The wall is chosen with `v` (or by the caller's option).
pub(crate) fn resolve(choice: LayoutChoice, width: u16, height: u16) -> Option<Resolved> {
    if width < MIN_WIDTH || height < MIN_HEIGHT {
        return None;
    }
    Some(match choice {
        LayoutChoice::Wall => Resolved::Wall,
        LayoutChoice::Standard => Resolved::Standard,
        LayoutChoice::Compact => Resolved::Compact,
        LayoutChoice::Auto if width >= STANDARD_WIDTH && height >= STANDARD_HEIGHT => {
            Resolved::Standard
        }
        LayoutChoice::Auto => Resolved::Compact,
    })
}

/// Draws the whole board. Never panics, at any size.
pub fn draw(frame: &mut Frame, board: &Board, view: &View) {
    let theme = Theme::new(view);
    let area = frame.area();
    draw_layout(area, frame.buffer_mut(), board, view, &theme);
    if theme.is_ascii() {
        ascii_only(frame.buffer_mut());
    }
}

/// The last guard of ASCII mode: the symbols are already ASCII, so what is left is text
/// from the feed or the configuration (an area's name), shown as `?`.
pub(crate) fn ascii_only(buf: &mut Buffer) {
    for cell in &mut buf.content {
        if !cell.symbol().is_ascii() {
            cell.set_symbol("?");
        }
    }
}

fn draw_layout(area: Rect, buf: &mut Buffer, board: &Board, view: &View, theme: &Theme) {
    let Some(layout) = resolve(view.layout, area.width, area.height) else {
        if area.width >= micro::MICRO_WIDTH && area.height >= micro::MICRO_HEIGHT {
            micro::draw_micro(area, buf, board, theme);
            alerts::draw_marker(area, buf, board, theme);
            // Over everything but the header (the window, the clock) and the footer.
            let body = Rect {
                y: area.y + 1,
                height: area.height.saturating_sub(2),
                ..area
            };
            draw_overlay(body, buf, board, view, micro::LABEL, theme);
        } else {
            micro::draw_one_line(area, buf, board, theme);
        }
        return;
    };
    let banners = header::banners(board);
    let [head, banner_area, strip, body, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(banners.len() as u16),
        Constraint::Length(alerts::rows(board, layout == Resolved::Wall, area.height)),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    header::draw_header(head, buf, board, layout.label(), theme);
    header::draw_banners(banner_area, buf, &banners, theme);
    alerts::draw(strip, buf, board, theme);
    match layout {
        Resolved::Wall => wall::draw_wall(body, buf, board, view.rotating, theme),
        Resolved::Standard => draw_standard(body, buf, board, theme),
        Resolved::Compact => draw_compact(body, buf, board, theme),
    }
    footer::draw(foot, buf, board, theme);
    draw_overlay(body, buf, board, view, layout.label(), theme);
}

/// The overlay open, if any, over `body`; `layout` names the layout drawn.
fn draw_overlay(
    body: Rect,
    buf: &mut Buffer,
    board: &Board,
    view: &View,
    layout: &str,
    theme: &Theme,
) {
    match view.overlay {
        Overlay::None => {}
        Overlay::Help => overlays::draw_help(body, buf, board, view, layout, theme),
        Overlay::Rejects => overlays::draw_rejects(body, buf, board, view, theme),
    }
}

/// Splits `total` rows between regions: each gets its minimum, then what is left goes
/// to each in turn up to its wish. Returns the heights.
fn allot<const N: usize>(total: u16, wants: [(u16, u16); N]) -> [u16; N] {
    let mut heights = [0u16; N];
    let mut left = total;
    for (h, (min, _)) in heights.iter_mut().zip(wants) {
        *h = min.min(left);
        left -= *h;
    }
    for (h, (_, wish)) in heights.iter_mut().zip(wants) {
        let more = wish.saturating_sub(*h).min(left);
        *h += more;
        left -= more;
    }
    heights
}

fn stack<const N: usize>(area: Rect, heights: [u16; N]) -> [Rect; N] {
    let mut y = area.y;
    heights.map(|h| {
        let rect = Rect::new(
            area.x,
            y,
            area.width,
            h.min(area.bottom().saturating_sub(y)),
        );
        y = y.saturating_add(h);
        rect
    })
}

/// While the feed is stale or down, a NOT LIVE bar of `rows` rows across the top of
/// `area`; returns what is left below it.
fn not_live_bar(area: Rect, buf: &mut Buffer, board: &Board, rows: u16, theme: &Theme) -> Rect {
    if !board.feed.state.is_not_live() {
        return area;
    }
    let rows = rows.min(area.height);
    let [bar, rest] = Layout::vertical([Constraint::Length(rows), Constraint::Min(0)]).areas(area);
    notlive::draw(bar, buf, board, theme);
    rest
}

/// Tiles, then breach watch and longest waits, then the area table.
fn draw_standard(area: Rect, buf: &mut Buffer, board: &Board, theme: &Theme) {
    let area = not_live_bar(area, buf, board, 3, theme);
    let table_rows = areas::rows_needed(board, true);
    // Minimums first: tiles, then the breach watch, then the table; the breach watch
    // takes whatever is left at the end.
    let [tiles_h, table_h, _lists] = allot(
        area.height,
        [
            (8, if area.height >= 50 { 19 } else { 11 }),
            (5, table_rows.min(area.height / 3).max(5)),
            (5, 5),
        ],
    );
    let lists_h = area.height - tiles_h - table_h;
    let [tiles_area, lists_area, table_area] = stack(area, [tiles_h, lists_h, table_h]);
    tiles::draw_row(tiles_area, buf, board, theme);
    breach::draw_tables(lists_area, buf, board, theme);
    areas::draw(table_area, buf, board, theme, true);
}

/// Everything essential in 80×24: tiles, short lists, the area table without borders.
fn draw_compact(area: Rect, buf: &mut Buffer, board: &Board, theme: &Theme) {
    let area = not_live_bar(area, buf, board, 1, theme);
    let table_rows = areas::rows_needed(board, false);
    let [tiles_h, lists_h, table_h] = allot(area.height, [(8, 9), (3, 3), (4, table_rows)]);
    let extra = area.height - tiles_h - lists_h - table_h;
    let [tiles_area, lists_area, table_area] = stack(area, [tiles_h, lists_h + extra, table_h]);
    tiles::draw_row(tiles_area, buf, board, theme);
    breach::draw_lists(lists_area, buf, board, theme);
    areas::draw(table_area, buf, board, theme, false);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_by_size() {
        use LayoutChoice::*;
        assert_eq!(resolve(Auto, 79, 40), None);
        assert_eq!(resolve(Wall, 200, 23), None);
        assert_eq!(resolve(Auto, 80, 24), Some(Resolved::Compact));
        assert_eq!(resolve(Auto, 119, 60), Some(Resolved::Compact));
        assert_eq!(resolve(Auto, 120, 40), Some(Resolved::Standard));
        assert_eq!(resolve(Auto, 300, 100), Some(Resolved::Standard));
        assert_eq!(resolve(Wall, 80, 24), Some(Resolved::Wall));
        assert_eq!(resolve(Standard, 80, 24), Some(Resolved::Standard));
        assert_eq!(resolve(Compact, 200, 60), Some(Resolved::Compact));
    }

    #[test]
    fn the_last_guard_leaves_ascii_and_marks_the_rest() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 6, 1));
        buf.set_string(0, 0, "MÔN a", ratatui::style::Style::new());
        ascii_only(&mut buf);
        let row: String = buf
            .content
            .iter()
            .map(ratatui::buffer::Cell::symbol)
            .collect();
        assert_eq!(row, "M?N a ");
    }

    #[test]
    fn allot_gives_minimums_then_wishes_in_order() {
        assert_eq!(allot(30, [(8, 11), (5, 10), (5, 5)]), [11, 10, 5]);
        assert_eq!(allot(20, [(8, 11), (5, 10), (5, 5)]), [10, 5, 5]);
        assert_eq!(allot(10, [(8, 11), (5, 10), (5, 5)]), [8, 2, 0]);
    }
}
