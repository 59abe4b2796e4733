//! Text on the screen: the clock, and fitting text into a width.

use chrono::TimeZone;
use chrono_tz::Tz;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;

use crate::time::{Span, Timestamp, to_utc};

use super::paint;

fn local(now: Timestamp, tz: Tz) -> chrono::DateTime<Tz> {
    tz.from_utc_datetime(&to_utc(now).naive_utc())
}

/// `14:32:05 BST`.
pub(crate) fn clock(now: Timestamp, tz: Tz) -> String {
    local(now, tz).format("%H:%M:%S %Z").to_string()
}

/// `14:32`: the wall's clock, read from across the room.
pub(crate) fn hours_minutes(now: Timestamp, tz: Tz) -> String {
    local(now, tz).format("%H:%M").to_string()
}

/// `21:45:00`: the time of day alone, where the date or the zone is said beside it.
pub(crate) fn time_of_day(now: Timestamp, tz: Tz) -> String {
    local(now, tz).format("%H:%M:%S").to_string()
}

/// A date further than this from the wall clock says its year: a served recording's or a
/// replay's day may be years ago, and `Fri 5 Jul` alone would pass for this year's.
pub(crate) const YEAR_SHOWN_BEYOND: Span = Span::DAY;

/// Whether a date shown at `now` says its year, the wall clock reading `wall`.
pub(crate) fn needs_year(now: Timestamp, wall: Timestamp) -> bool {
    (now - wall).abs() > YEAR_SHOWN_BEYOND
}

/// `14:32:05 Sat 26 Oct`; `14:32:05 Fri 5 Jul 2024` with its year.
pub(crate) fn clock_and_date(now: Timestamp, tz: Tz, with_year: bool) -> String {
    format!("{} {}", time_of_day(now, tz), date(now, tz, with_year))
}

/// `Sat 26 Oct`; `Fri 5 Jul 2024` with its year.
pub(crate) fn date(now: Timestamp, tz: Tz, with_year: bool) -> String {
    let format = if with_year {
        "%a %-d %b %Y"
    } else {
        "%a %-d %b"
    };
    local(now, tz).format(format).to_string()
}

/// Display width of a string.
pub(crate) fn width(text: &str) -> usize {
    // As `Line::raw(text).width()`: the line breaks are left out.
    text.lines().map(paint::text_width).sum()
}

/// The first candidate that fits in `width` cells; an empty line when none does (a
/// number cut short would mislead, so nothing is better than part of one).
pub(crate) fn fit<'a>(max: u16, candidates: impl IntoIterator<Item = Line<'a>>) -> Line<'a> {
    candidates
        .into_iter()
        .find(|line| paint::line_width(line) <= usize::from(max))
        .unwrap_or_default()
}

/// Writes a line at row `y` of `area` (left-aligned at `x`), clipped to the area; does
/// nothing outside it.
pub(crate) fn put_line(buf: &mut Buffer, area: Rect, x: u16, y: u16, line: &Line<'_>) {
    let area = area.intersection(buf.area);
    if y < area.top() || y >= area.bottom() || x >= area.right() || x < area.left() {
        return;
    }
    paint::set_line(buf, x, y, line, area.right() - x);
}

/// Writes a line centred in row `y` of `area`.
pub(crate) fn put_centered(buf: &mut Buffer, area: Rect, y: u16, line: &Line<'_>) {
    let w = u16::try_from(paint::line_width(line)).unwrap_or(u16::MAX);
    let x = area.x + area.width.saturating_sub(w) / 2;
    put_line(buf, area, x, y, line);
}

/// Fills a row of `area` with a style (a full-width bar).
pub(crate) fn fill_row(buf: &mut Buffer, area: Rect, y: u16, style: Style) {
    let row = Rect::new(area.x, y, area.width, 1).intersection(area.intersection(buf.area));
    paint::style_area(buf, row, style);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_rfc3339;

    #[test]
    fn clock_names_the_zone() {
        let summer = parse_rfc3339("2024-07-01T11:00:00Z").unwrap();
        let winter = parse_rfc3339("2024-12-01T11:00:00Z").unwrap();
        let london = chrono_tz::Europe::London;
        assert_eq!(clock(summer, london), "12:00:00 BST");
        assert_eq!(clock(winter, london), "11:00:00 GMT");
        assert_eq!(clock(summer, chrono_tz::UTC), "11:00:00 UTC");
        assert_eq!(clock_and_date(summer, london, false), "12:00:00 Mon 1 Jul");
        assert_eq!(
            clock_and_date(summer, london, true),
            "12:00:00 Mon 1 Jul 2024"
        );
        assert_eq!(date(winter, london, true), "Sun 1 Dec 2024");
        assert_eq!(time_of_day(summer, london), "12:00:00");
        assert_eq!(hours_minutes(summer, london), "12:00");
        assert_eq!(hours_minutes(winter, london), "11:00");
    }

    #[test]
    fn a_date_more_than_a_day_from_the_wall_clock_says_its_year() {
        let wall = parse_rfc3339("2026-12-05T15:00:00Z").unwrap();
        let day = Span::from_hours(24);
        assert!(!needs_year(wall, wall));
        assert!(!needs_year(wall - day, wall));
        assert!(!needs_year(wall + day, wall));
        assert!(needs_year(wall - day - Span::SECOND, wall));
        assert!(needs_year(wall + day + Span::SECOND, wall));
        let served = parse_rfc3339("2024-07-05T20:40:00Z").unwrap();
        assert!(needs_year(served, wall));
    }

    #[test]
    fn fit_takes_the_first_that_fits_or_nothing() {
        let lines = || [Line::raw("long text"), Line::raw("short")];
        assert_eq!(fit(20, lines()), Line::raw("long text"));
        assert_eq!(fit(5, lines()), Line::raw("short"));
        assert_eq!(fit(4, lines()).width(), 0);
    }
}
