//! The wall's masthead, read from across the room: what the figures below are of (the
//! area, or WHOLE FORCE), where that stands in the rotation (`3/8`), and the time (HH:MM
//! in the force's zone; on a replay or a served feed, the feed's own time), in the same
//! block type as the figures.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::ui::board::Board;

use crate::ui::widgets::bigtext;
use crate::ui::widgets::text::{fit, hours_minutes, put_centered};
use crate::ui::widgets::theme::Theme;

/// From this many rows of body, the masthead is in block type; from [`TEXT_FROM`] a line.
const BIG_FROM: u16 = 30;
const TEXT_FROM: u16 = 24;
/// Pixels between the masthead's pieces.
const GAP_PX: u16 = 3;

/// The masthead's rows in a wall body of `body` (a blank row under block type).
pub(crate) fn height(body: Rect) -> u16 {
    if body.height >= BIG_FROM {
        bigtext::ROWS * pixel_height(body) + 1
    } else {
        u16::from(body.height >= TEXT_FROM)
    }
}

/// How many rows one pixel of the block type is: 1, and 2 from a body of 70 rows.
fn pixel_height(body: Rect) -> u16 {
    (body.height / 35).max(1)
}

/// The masthead's pieces: the scope's name, the rotation's position when rotating, the
/// window (`[2:1h]`, its key and label as the header marks it), and the clock.
struct Pieces {
    name: String,
    position: Option<String>,
    window: String,
    clock: String,
}

fn pieces(board: &Board, rotating: bool) -> Pieces {
    let name = match board.scope_code {
        Some(_) => board.scope_label.to_uppercase(),
        None => "WHOLE FORCE".to_string(),
    };
    let position = rotating.then(|| {
        let (at, of) = board.scope_position();
        format!("{at}/{of}")
    });
    let label = &board.window.label;
    let window = match board.window_labels.iter().position(|known| known == label) {
        Some(i) => format!("[{}:{label}]", i + 1),
        None => format!("[{label}]"),
    };
    // While the feed is not live the figures stopped: the time is theirs, and says so.
    let clock = hours_minutes(board.now, board.tz);
    let clock = match board.feed.as_of {
        Some(_) => format!("AS OF {clock}"),
        None => clock,
    };
    Pieces {
        name,
        position,
        window,
        clock,
    }
}

/// Draws the masthead in `area` (as tall as [`height`] says).
pub(crate) fn draw(area: Rect, buf: &mut Buffer, board: &Board, rotating: bool, theme: &Theme) {
    if area.is_empty() {
        return;
    }
    let pieces = pieces(board, rotating);
    let rows = area.height.saturating_sub(1);
    if rows >= bigtext::ROWS && draw_big(area, buf, &pieces, theme) {
        return;
    }
    let bold = |text: &str| Span::styled(text.to_string(), theme.bold());
    let sep = || Span::styled(format!("  {}  ", theme.glyphs().separator), theme.dim());
    let mut spans = vec![bold(&pieces.name)];
    if let Some(position) = &pieces.position {
        spans.extend([sep(), bold(&position.replace('/', " / "))]);
    }
    spans.extend([sep(), bold(&pieces.window), sep(), bold(&pieces.clock)]);
    let line = fit(
        area.width,
        [Line::from(spans), Line::from(bold(&pieces.clock))],
    );
    put_centered(buf, area, area.y, &line);
}

/// The name at the left, the position after it, the window and the clock at the right,
/// in block type at the largest scale at which all fit; `false` when they do not (or
/// the name has a character the type lacks).
fn draw_big(area: Rect, buf: &mut Buffer, pieces: &Pieces, theme: &Theme) -> bool {
    let sy = (area.height.saturating_sub(1) / bigtext::ROWS).max(1);
    let position = pieces.position.as_deref();
    let widths = (
        bigtext::pixel_width(&pieces.name),
        position.map(bigtext::pixel_width),
        bigtext::pixel_width(&pieces.window),
        bigtext::pixel_width(&pieces.clock),
    );
    let (Some(name_px), Some(position_px), Some(window_px), Some(clock_px)) =
        (widths.0, widths.1.unwrap_or(Some(0)), widths.2, widths.3)
    else {
        return false;
    };
    let gaps = if position.is_some() { 3 } else { 2 };
    let total_px = name_px
        .saturating_add(position_px)
        .saturating_add(window_px)
        .saturating_add(clock_px)
        .saturating_add(gaps * GAP_PX);
    let Some(sx) = [2 * sy, sy]
        .into_iter()
        .find(|&sx| u32::from(total_px) * u32::from(sx) <= u32::from(area.width))
    else {
        return false;
    };
    // A column's margin at each end when there is room for it.
    let margin = u16::from(u32::from(total_px) * u32::from(sx) + 2 <= u32::from(area.width));
    let y = area.y;
    let left = area.x + margin;
    let fill = theme.glyphs().big_solid;
    let name = &pieces.name;
    let mut x = put_big(buf, area, (left, y), name, (sx, sy), (fill, theme.bold()));
    if let (Some(position), true) = (position, position_px > 0) {
        x = x.saturating_add(GAP_PX * sx);
        put_big(buf, area, (x, y), position, (sx, sy), (fill, theme.dim()));
    }
    let clock_x = area.right().saturating_sub(margin + clock_px * sx);
    let window_x = clock_x.saturating_sub((window_px + GAP_PX) * sx);
    let window = &pieces.window;
    put_big(
        buf,
        area,
        (window_x, y),
        window,
        (sx, sy),
        (fill, theme.bold()),
    );
    put_big(
        buf,
        area,
        (clock_x, y),
        &pieces.clock,
        (sx, sy),
        (fill, theme.bold()),
    );
    true
}

/// Draws `text` in block type with its top left at `(x, y)`; returns the column after it.
fn put_big(
    buf: &mut Buffer,
    area: Rect,
    (x, y): (u16, u16),
    text: &str,
    (sx, sy): (u16, u16),
    (fill, style): (&str, Style),
) -> u16 {
    let width = bigtext::pixel_width(text).unwrap_or(0).saturating_mul(sx);
    let rect = Rect::new(x, y, width, bigtext::ROWS * sy).intersection(area);
    bigtext::draw(buf, rect, text, (sx, sy), (fill, style));
    x.saturating_add(width)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::view::View;

    fn drawn(width: u16, (name, position, clock): (&str, Option<&str>, &str)) -> bool {
        let mut buf = Buffer::empty(Rect::new(0, 0, width, 6));
        let area = buf.area;
        let pieces = Pieces {
            name: name.to_string(),
            position: position.map(str::to_string),
            window: "[2:1h]".to_string(),
            clock: clock.to_string(),
        };
        draw_big(area, &mut buf, &pieces, &Theme::new(&View::default()))
    }

    #[test]
    fn block_type_only_when_everything_fits() {
        // "WALSALL" is 7 letters of 3 and 5 pixels (W) with gaps: 5 + 6 × 3 + 6 = 29;
        // "6/8" 3 + 1 + 3 + 1 + 3 = 11; "[2:1h]" 2 + 3 + 1 + 3 + 3 + 2 and five gaps = 19;
        // "13:00" 3 + 3 + 1 + 3 + 3 and four gaps = 17; three gaps of 3 between them: 85
        // pixels, 85 columns at (1, 1).
        assert!(drawn(85, ("WALSALL", Some("6/8"), "13:00")));
        assert!(!drawn(84, ("WALSALL", Some("6/8"), "13:00")));
        // A character the type lacks: words instead.
        assert!(!drawn(300, ("YNYS MÔN", None, "13:00")));
    }

    #[test]
    fn the_window_is_in_block_type_before_the_clock() {
        // At 44 columns: "[2:1h]" (19 pixels) and "13:00" (17), a gap of 3 before each
        // (an empty name ahead): 42 at (1, 1) and a column's margin each end. The clock
        // from column 26 to 42, the window 3 before it: from 4 to 22.
        let mut buf = Buffer::empty(Rect::new(0, 0, 44, 6));
        let area = buf.area;
        let pieces = Pieces {
            name: String::new(),
            position: None,
            window: "[2:1h]".to_string(),
            clock: "13:00".to_string(),
        };
        assert!(draw_big(
            area,
            &mut buf,
            &pieces,
            &Theme::new(&View::default())
        ));
        let row: String = (0..44).map(|x| buf[(x, 0)].symbol().to_string()).collect();
        // Top rows: [ "##", 2 "###", : ".", 1 ".#.", h "#..", ] "##"; 1 ".#.", 3 "###",
        // : ".", 0 "###", 0 "###".
        assert_eq!(row, "    ██ ███    █  █   ██    █  ███   ███ ███ ");
    }
}
