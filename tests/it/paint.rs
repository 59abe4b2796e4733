//! The render's cheap drawing primitives (`ui::widgets::paint`, `ui::widgets::grid`) put
//! exactly the cells ratatui's own widgets put: random text (plain ASCII, symbols, wide
//! and zero-width characters, combining marks, control characters), random styles
//! (the empty one included) and random areas, some reaching past the buffer, drawn both
//! ways on buffers that already hold something, must give equal buffers.

use proptest::prelude::*;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Cell, HighlightSpacing, Row, StatefulWidget, Table, TableState, Widget,
};

use forceboard::ui::widgets::grid::{self, Grid, Selection};
use forceboard::ui::widgets::paint;

/// Pieces of text that each exercise a different path of the widgets.
const PIECES: [&str; 24] = [
    "a", "Zq", "12m 30s", " ", "·", "✔ ON", "▲", "≤tgt", "—", "×", "←→", "≥", "▶", "◀", "✖", "日",
    "e\u{301}", "\u{301}", "\u{200B}", "\u{FE0F}", "\n", "x\r\ny", "\t", "🚓",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(&PIECES[..]), 0..4).prop_map(|p| p.concat())
}

fn style() -> impl Strategy<Value = Style> {
    prop::sample::select(vec![
        Style::new(),
        Style::new().fg(Color::Rgb(255, 69, 58)),
        Style::new().add_modifier(Modifier::BOLD),
        Style::new()
            .bg(Color::Indexed(33))
            .fg(Color::Black)
            .add_modifier(Modifier::BOLD),
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
        Style::new().remove_modifier(Modifier::BOLD),
    ])
}

fn span() -> impl Strategy<Value = Span<'static>> {
    (text(), style()).prop_map(|(t, s)| Span::styled(t, s))
}

fn line() -> impl Strategy<Value = Line<'static>> {
    (prop::collection::vec(span(), 0..4), style()).prop_map(|(spans, s)| Line::from(spans).style(s))
}

/// Areas near and past a 30×6 buffer at (2, 1).
fn area() -> impl Strategy<Value = Rect> {
    (0u16..36, 0u16..9, 0u16..34, 0u16..8).prop_map(|(x, y, w, h)| Rect::new(x, y, w, h))
}

/// A buffer with something on it already, so that what is left alone shows.
fn canvas() -> Buffer {
    let mut buf = Buffer::empty(Rect::new(2, 1, 30, 6));
    for (i, cell) in buf.content.iter_mut().enumerate() {
        if i % 3 == 0 {
            cell.set_symbol("#").set_fg(Color::Green);
        }
        if i % 5 == 0 {
            cell.set_style(Style::new().add_modifier(Modifier::BOLD));
        }
    }
    buf
}

fn both(draw_ours: impl FnOnce(&mut Buffer), draw_theirs: impl FnOnce(&mut Buffer)) {
    let mut ours = canvas();
    let mut theirs = canvas();
    draw_ours(&mut ours);
    draw_theirs(&mut theirs);
    assert_eq!(ours, theirs);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn span_as_the_widget(s in span(), a in area()) {
        both(|b| paint::span(b, a, &s), |b| (&s).render(a, b));
    }

    #[test]
    fn line_as_the_widget(l in line(), a in area()) {
        both(|b| paint::line(b, a, &l), |b| (&l).render(a, b));
    }

    #[test]
    fn widths_as_the_widgets(l in line()) {
        prop_assert_eq!(paint::line_width(&l), l.width());
        for s in &l.spans {
            prop_assert_eq!(paint::text_width(&s.content), s.width());
        }
    }

    #[test]
    fn style_area_as_set_style(s in style(), a in area()) {
        both(|b| paint::style_area(b, a, s), |b| b.set_style(a, s));
    }

    #[test]
    fn set_line_as_the_buffer(l in line(), x in 2u16..32, y in 1u16..7, max in 0u16..40) {
        both(|b| paint::set_line(b, x, y, &l, max), |b| { b.set_line(x, y, &l, max); });
    }

    #[test]
    fn bordered_as_a_block(title in prop::option::of(line()), s in style(), a in area()) {
        both(
            |b| paint::bordered(b, a, s, title.as_ref()),
            |b| {
                let mut block = Block::bordered().border_style(s);
                if let Some(title) = &title {
                    block = block.title(title.clone());
                }
                block.render(a, b);
            },
        );
    }

    #[test]
    fn grid_as_a_table(
        widths in prop::collection::vec(0u16..9, 3),
        fill in any::<bool>(),
        header in prop::collection::vec(text(), 3),
        header_style in style(),
        cells in prop::collection::vec(prop::collection::vec(text(), 3), 0..9),
        title in prop::option::of(line()),
        selection in prop::option::of((0usize..10, style())),
        a in area(),
    ) {
        let mut constraints = widths.iter().map(|w| Constraint::Length(*w)).collect::<Vec<_>>();
        if fill {
            constraints[2] = Constraint::Fill(1);
        }
        let grid = Grid {
            widths: [constraints[0], constraints[1], constraints[2]],
            header: [header[0].as_str(), header[1].as_str(), header[2].as_str()],
            header_style,
            title: title.clone(),
            selection: selection.map(|(row, style)| Selection { row, symbol: "▶", style }),
        };
        both(
            |b| grid::draw(b, a, &grid, cells.len(), |i| {
                [grid::text(&cells[i][0]), grid::text(&cells[i][1]), grid::text(&cells[i][2])]
            }),
            |b| {
                let rows = cells.iter().map(|r| Row::new(r.iter().map(|c| Cell::from(c.clone()))));
                let mut table = Table::new(rows, constraints.clone())
                    .header(Row::new(header.iter().map(|h| Cell::from(h.as_str()))).style(header_style));
                if let Some(title) = &title {
                    table = table.block(Block::bordered().title(title.clone()));
                }
                let mut state = TableState::default();
                if let Some((row, style)) = selection {
                    table = table
                        .row_highlight_style(style)
                        .highlight_symbol("▶")
                        .highlight_spacing(HighlightSpacing::Always);
                    state = state.with_selected(Some(row));
                }
                StatefulWidget::render(table, a, b, &mut state);
            },
        );
    }
}
