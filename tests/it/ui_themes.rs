//! The themes (`--theme dark|light|high-contrast`) on every layout: the same words and
//! symbols in each (colour is never the only sign), and colours chosen for the room —
//! readable on white in `light` (WCAG AA's 4.5:1 for text, worked out from each colour's
//! relative luminance), pure colours, white secondary text and bold figures in
//! `high-contrast`. Each theme's screens are snapshots with their colours written out.

use std::fmt::Write as _;

use forceboard::ui::{LayoutChoice, Palette};
use ratatui::buffer::{Buffer, Cell};
use ratatui::style::{Color, Modifier};

use super::ui_snapshots::Case;

const LAYOUTS: [(LayoutChoice, &str, u16, u16); 4] = [
    (LayoutChoice::Wall, "wall", 120, 40),
    (LayoutChoice::Standard, "standard", 120, 40),
    (LayoutChoice::Compact, "compact", 80, 24),
    (LayoutChoice::Auto, "micro", 60, 20),
];

const PALETTES: [(Palette, &str); 3] = [
    (Palette::Dark, "dark"),
    (Palette::Light, "light"),
    (Palette::HighContrast, "high_contrast"),
];

fn render(palette: Palette, layout: LayoutChoice, width: u16, height: u16) -> Buffer {
    let mut case = Case::new(layout);
    case.view.palette = palette;
    case.render(width, height).backend().buffer().clone()
}

fn text(buffer: &Buffer) -> String {
    buffer.content().iter().map(Cell::symbol).collect()
}

fn colour(color: Color) -> String {
    match color {
        Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
        Color::Reset => "-".to_string(),
        other => format!("{other:?}"),
    }
}

/// Each row's text, then its runs of one style other than the default.
fn styled(buffer: &Buffer) -> String {
    let width = usize::from(buffer.area.width);
    let mut out = String::new();
    for (row, cells) in buffer.content().chunks(width).enumerate() {
        let line: String = cells.iter().map(Cell::symbol).collect();
        let _ = writeln!(out, "{row:>2} {line}");
        let mut runs = Vec::new();
        let mut start = 0;
        for column in 1..=cells.len() {
            let same = column < cells.len()
                && (cells[column].fg, cells[column].bg, cells[column].modifier)
                    == (cells[start].fg, cells[start].bg, cells[start].modifier);
            if same {
                continue;
            }
            let cell = &cells[start];
            if (cell.fg, cell.bg, cell.modifier) != (Color::Reset, Color::Reset, Modifier::empty())
            {
                runs.push(format!(
                    "{start}-{} {}/{}{}",
                    column - 1,
                    colour(cell.fg),
                    colour(cell.bg),
                    if cell.modifier.is_empty() {
                        String::new()
                    } else {
                        format!(" {:?}", cell.modifier)
                    }
                ));
            }
            start = column;
        }
        if !runs.is_empty() {
            let _ = writeln!(out, "   {}", runs.join("; "));
        }
    }
    out
}

#[test]
fn each_theme_on_each_layout() {
    for (palette, theme) in PALETTES {
        for (layout, name, width, height) in LAYOUTS {
            let buffer = render(palette, layout, width, height);
            insta::assert_snapshot!(format!("{theme}_{name}_{width}x{height}"), styled(&buffer));
        }
    }
}

#[test]
fn every_theme_says_the_same_words_and_symbols() {
    for (layout, name, width, height) in LAYOUTS {
        let dark = text(&render(Palette::Dark, layout, width, height));
        for palette in [Palette::Light, Palette::HighContrast] {
            let other = text(&render(palette, layout, width, height));
            assert_eq!(dark, other, "{name} in {palette:?}");
        }
    }
}

/// WCAG's relative luminance of a 24-bit colour.
fn luminance(color: Color) -> Option<f64> {
    let Color::Rgb(r, g, b) = color else {
        return match color {
            Color::Black => Some(0.0),
            Color::White => Some(1.0),
            _ => None,
        };
    };
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    Some(0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b))
}

fn contrast(a: f64, b: f64) -> f64 {
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

#[test]
fn the_light_theme_is_readable_on_white() {
    for (layout, name, width, height) in LAYOUTS {
        let buffer = render(Palette::Light, layout, width, height);
        let mut coloured = 0;
        for cell in buffer.content() {
            if cell.symbol().trim().is_empty() {
                continue;
            }
            // On a solid block: the text against the block; otherwise against white.
            let background = match cell.bg {
                Color::Reset => Some(1.0),
                other => luminance(other),
            };
            let (Some(fg), Some(bg)) = (luminance(cell.fg), background) else {
                continue;
            };
            coloured += 1;
            let ratio = contrast(fg, bg);
            assert!(
                ratio >= 4.5,
                "{name}: {:?} on {:?} is {ratio:.2}:1",
                cell.fg,
                cell.bg
            );
        }
        assert!(coloured > 20, "{name}: coloured text was checked");
    }
}

#[test]
fn high_contrast_uses_white_for_secondary_text_and_bold_figures() {
    let buffer = render(Palette::HighContrast, LayoutChoice::Standard, 120, 40);
    let cells = buffer.content();
    // No grey anywhere: secondary text is white.
    assert!(
        cells
            .iter()
            .all(|cell| cell.fg != Color::Rgb(140, 140, 140) && cell.fg != Color::Gray),
    );
    assert!(
        cells
            .iter()
            .any(|cell| cell.fg == Color::Rgb(255, 255, 255))
    );
    // Every figure in a status colour (green, amber, red) is bold.
    let status = [
        Color::Rgb(0, 255, 0),
        Color::Rgb(255, 255, 0),
        Color::Rgb(255, 0, 0),
    ];
    let figures: Vec<&Cell> = cells
        .iter()
        .filter(|cell| status.contains(&cell.fg) && cell.bg == Color::Reset)
        .filter(|cell| cell.symbol().chars().any(|c| c.is_ascii_digit()))
        .collect();
    assert!(!figures.is_empty());
    assert!(
        figures
            .iter()
            .all(|cell| cell.modifier.contains(Modifier::BOLD))
    );
}
