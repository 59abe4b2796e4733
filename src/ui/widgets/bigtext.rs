//! A five-row block font for the wall layout, scaled to fill the space it is given.
//!
//! Each glyph is drawn on a grid of "pixels"; a pixel is `sx` cells wide and `sy` rows
//! tall. Terminal cells are about twice as tall as wide, so `sx = 2·sy` looks square.
//!
//! Why not the `tui-big-text` crate: it draws font8x8 glyphs with at most one cell per
//! pixel (`PixelSize::Full`), so its digits are never taller than 8 rows. A wall screen at
//! 200×60 needs them 15 rows tall and more on larger screens, which only a font that
//! scales by whole cells gives; that scaling is most of this file.

use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::paint;

/// Rows in every glyph.
pub(crate) const ROWS: u16 = 5;

/// A glyph's rows, `#` for a filled pixel.
fn glyph(c: char) -> Option<&'static [&'static str; 5]> {
    Some(match c {
        '0' => &["###", "#.#", "#.#", "#.#", "###"],
        '1' => &[".#.", "##.", ".#.", ".#.", "###"],
        '2' => &["###", "..#", "###", "#..", "###"],
        '3' => &["###", "..#", "###", "..#", "###"],
        '4' => &["#.#", "#.#", "###", "..#", "..#"],
        '5' => &["###", "#..", "###", "..#", "###"],
        '6' => &["###", "#..", "###", "#.#", "###"],
        '7' => &["###", "..#", "..#", "..#", "..#"],
        '8' => &["###", "#.#", "###", "#.#", "###"],
        '9' => &["###", "#.#", "###", "..#", "###"],
        '.' => &[".", ".", ".", ".", "#"],
        ':' => &[".", "#", ".", "#", "."],
        '-' => &["...", "...", "###", "...", "..."],
        '%' => &["#.#", "..#", ".#.", "#..", "#.#"],
        's' => &["...", "...", ".##", ".#.", "##."],
        'm' => &[".....", ".....", "####.", "#.#.#", "#.#.#"],
        'h' => &["#..", "#..", "###", "#.#", "#.#"],
        ' ' => &[".", ".", ".", ".", "."],
        '/' => &["..#", "..#", ".#.", "#..", "#.."],
        _ => return letter(c).or_else(|| symbol(c)),
    })
}

/// Capital letters, for the wall's area names: three pixels wide but for M, N and W.
fn letter(c: char) -> Option<&'static [&'static str; 5]> {
    Some(match c {
        'A' => &["###", "#.#", "###", "#.#", "#.#"],
        'B' => &["##.", "#.#", "##.", "#.#", "##."],
        'C' => &["###", "#..", "#..", "#..", "###"],
        'D' => &["##.", "#.#", "#.#", "#.#", "##."],
        'E' => &["###", "#..", "##.", "#..", "###"],
        'F' => &["###", "#..", "##.", "#..", "#.."],
        'G' => &["###", "#..", "#.#", "#.#", "###"],
        'H' => &["#.#", "#.#", "###", "#.#", "#.#"],
        'I' => &["###", ".#.", ".#.", ".#.", "###"],
        'J' => &["..#", "..#", "..#", "#.#", "###"],
        'K' => &["#.#", "#.#", "##.", "#.#", "#.#"],
        'L' => &["#..", "#..", "#..", "#..", "###"],
        'M' => &["#...#", "##.##", "#.#.#", "#...#", "#...#"],
        'N' => &["#..#", "##.#", "#.##", "#..#", "#..#"],
        'O' => &["###", "#.#", "#.#", "#.#", "###"],
        'P' => &["###", "#.#", "###", "#..", "#.."],
        'Q' => &["###", "#.#", "#.#", "###", "..#"],
        'R' => &["###", "#.#", "##.", "#.#", "#.#"],
        'S' => &["###", "#..", "###", "..#", "###"],
        'T' => &["###", ".#.", ".#.", ".#.", ".#."],
        'U' => &["#.#", "#.#", "#.#", "#.#", "###"],
        'V' => &["#.#", "#.#", "#.#", "#.#", ".#."],
        'W' => &["#...#", "#...#", "#.#.#", "##.##", "#...#"],
        'X' => &["#.#", "#.#", ".#.", "#.#", "#.#"],
        'Y' => &["#.#", "#.#", ".#.", ".#.", ".#."],
        'Z' => &["###", "..#", ".#.", "#..", "###"],
        _ => return None,
    })
}

/// The status marks and brackets, for the wall's status words (`✖ 2 BREACHED`, `✔ ON
/// TARGET`, in ASCII `X`, `+`, `!`) and its window (`[2:1h]`).
fn symbol(c: char) -> Option<&'static [&'static str; 5]> {
    Some(match c {
        '✖' => &["#...#", ".#.#.", "..#..", ".#.#.", "#...#"],
        '✔' => &["....#", "...#.", "#.#..", ".#...", "....."],
        '▲' => &["..#..", "..#..", ".###.", ".###.", "#####"],
        '·' => &[".", ".", "#", ".", "."],
        '■' => &["...", "###", "###", "###", "..."],
        '+' => &["...", ".#.", "###", ".#.", "..."],
        '!' => &["#", "#", "#", ".", "#"],
        '[' => &["##", "#.", "#.", "#.", "##"],
        ']' => &["##", ".#", ".#", ".#", "##"],
        _ => return None,
    })
}

/// Width of `text` in pixels, one blank pixel between glyphs; `None` when a character
/// has no glyph.
pub(crate) fn pixel_width(text: &str) -> Option<u16> {
    let mut total: u16 = 0;
    for (i, c) in text.chars().enumerate() {
        let w = glyph(c)?[0].len() as u16;
        total = total.saturating_add(w + u16::from(i > 0));
    }
    Some(total)
}

/// The largest pixel size `(sx, sy)` at which `text` fits in `width` × `height`, with
/// pixels between square (`sx = 2·sy`) and twice as tall as wide (`sx = sy`, condensed
/// digits when width is short); `None` when even `(1, 1)` does not fit.
pub(crate) fn best_scale(text: &str, width: u16, height: u16) -> Option<(u16, u16)> {
    let px = pixel_width(text)?;
    if px == 0 {
        return None;
    }
    let sx_max = width / px;
    let sy_max = height / ROWS;
    let sy = sy_max.min(sx_max);
    if sy == 0 {
        return None;
    }
    Some((sx_max.min(2 * sy), sy))
}

/// The largest scale at which every one of `scales` still fits: the smallest of each.
pub(crate) fn common_scale(scales: impl IntoIterator<Item = (u16, u16)>) -> Option<(u16, u16)> {
    scales
        .into_iter()
        .reduce(|(ax, ay), (bx, by)| (ax.min(bx), ay.min(by)))
}

/// The solid pixel the tests draw with (a board takes its pixels from its glyphs:
/// `big_solid`, and `big_shaded` for figures no longer live).
#[cfg(test)]
pub(crate) const SOLID: &str = "█";

/// Draws `text` centred in `area` at pixel size `(sx, sy)` in `fill` cells, clipped to
/// the area.
pub(crate) fn draw(
    buf: &mut Buffer,
    area: Rect,
    text: &str,
    (sx, sy): (u16, u16),
    (fill, style): (&str, Style),
) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let Some(px) = pixel_width(text) else { return };
    let w = px.saturating_mul(sx);
    let h = ROWS.saturating_mul(sy);
    let left = area.x + area.width.saturating_sub(w) / 2;
    let top = area.y + area.height.saturating_sub(h) / 2;
    let mut x0 = left;
    for c in text.chars() {
        let Some(rows) = glyph(c) else { return };
        let gw = rows[0].len() as u16;
        for (r, row) in rows.iter().enumerate() {
            let y = top.saturating_add(r as u16 * sy);
            for y in y.max(area.top())..y.saturating_add(sy).min(area.bottom()) {
                let cells = paint::run(buf, area.x, y, area.right());
                pixel_row(cells, area.x, row, x0, sx, (fill, style));
            }
        }
        x0 = x0.saturating_add((gw + 1) * sx);
    }
}

/// Fills the cells of one glyph row's `#` pixels, `sx` cells each from `x0`, within
/// `cells` (a screen row starting at `left`).
fn pixel_row(
    cells: &mut [Cell],
    left: u16,
    row: &str,
    x0: u16,
    sx: u16,
    (fill, style): (&str, Style),
) {
    let right = left + cells.len() as u16;
    for (col, pixel) in row.bytes().enumerate() {
        if pixel != b'#' {
            continue;
        }
        let x = x0.saturating_add(col as u16 * sx);
        let (from, to) = (x.max(left), x.saturating_add(sx).min(right));
        for cell in cells
            .iter_mut()
            .take(usize::from(to.saturating_sub(left)))
            .skip(usize::from(from - left))
        {
            cell.set_symbol(fill).set_style(style);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_glyph_is_five_even_rows() {
        for c in "0123456789.:-%smh /ABCDEFGHIJKLMNOPQRSTUVWXYZ✖✔▲·■+![]".chars() {
            let rows = glyph(c).unwrap();
            assert!(rows.iter().all(|r| r.len() == rows[0].len()), "{c}");
        }
    }

    #[test]
    fn widths_and_scales() {
        assert_eq!(pixel_width("8.0s"), Some(3 + 1 + 1 + 1 + 3 + 1 + 3));
        assert_eq!(pixel_width("12m 30s"), Some(27));
        assert_eq!(pixel_width("x"), None);
        // Letters: W is 5 wide, the space 1, the rest 3; 10 gaps.
        assert_eq!(pixel_width("WHOLE FORCE"), Some(5 + 4 * 3 + 1 + 5 * 3 + 10));
        assert_eq!(pixel_width("Ô"), None);
        // 13 pixels wide: (2,1) needs 26 × 5.
        assert_eq!(best_scale("8.0s", 26, 5), Some((2, 1)));
        assert_eq!(best_scale("8.0s", 25, 5), Some((1, 1)));
        assert_eq!(best_scale("8.0s", 12, 5), None);
        assert_eq!(best_scale("8.0s", 100, 20), Some((7, 4)));
        // Short of width for square pixels: condensed, taller than wide.
        assert_eq!(best_scale("10m 30s", 96, 21), Some((3, 3)));
        assert_eq!(common_scale([(7, 4), (3, 3), (4, 2)]), Some((3, 2)));
        assert_eq!(common_scale([]), None);
        assert_eq!(best_scale("8.0s", 100, 4), None);
    }

    #[test]
    fn status_words_and_the_window_in_blocks() {
        // ✖ 5, B R E A C H E D 3 each, the spaces 1, 2 is 3; 11 gaps between 12 glyphs.
        assert_eq!(
            pixel_width("✖ 2 BREACHED"),
            Some(5 + 1 + 3 + 1 + 8 * 3 + 11)
        );
        // [ and ] 2, : 1, 2 1 h 3 each; 5 gaps.
        assert_eq!(pixel_width("[2:1h]"), Some(2 + 3 + 1 + 3 + 3 + 2 + 5));
        assert_eq!(
            pixel_width("+ ON TARGET"),
            Some(3 + 1 + 3 + 4 + 1 + 5 * 3 + 3 + 10)
        );
        let mut buf = Buffer::empty(Rect::new(0, 0, 14, 5));
        let area = buf.area;
        draw(&mut buf, area, "✖[✔", (1, 1), (SOLID, Style::new()));
        let rows: Vec<String> = (0..5)
            .map(|y| (0..14).map(|x| buf[(x, y)].symbol().to_string()).collect())
            .collect();
        assert_eq!(
            rows,
            [
                "█   █ ██     █",
                " █ █  █     █ ",
                "  █   █  █ █  ",
                " █ █  █   █   ",
                "█   █ ██      ",
            ]
        );
    }

    #[test]
    fn draws_a_one_in_blocks() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 3, 5));
        let area = buf.area;
        draw(&mut buf, area, "1", (1, 1), (SOLID, Style::new()));
        let rows: Vec<String> = (0..5)
            .map(|y| (0..3).map(|x| buf[(x, y)].symbol().to_string()).collect())
            .collect();
        assert_eq!(rows, [" █ ", "██ ", " █ ", " █ ", "███"]);
    }

    #[test]
    fn clips_what_does_not_fit() {
        // "10" at (2, 1) is 14 cells wide: in 9 only the 0's left column shows.
        let mut buf = Buffer::empty(Rect::new(0, 0, 9, 5));
        let area = buf.area;
        draw(&mut buf, area, "10", (2, 1), (SOLID, Style::new()));
        let rows: Vec<String> = (0..5)
            .map(|y| (0..9).map(|x| buf[(x, y)].symbol().to_string()).collect())
            .collect();
        assert_eq!(
            rows,
            [
                "  ██    █",
                "████    █",
                "  ██    █",
                "  ██    █",
                "██████  █"
            ]
        );
    }
}
