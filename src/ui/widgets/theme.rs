//! Colours and emphasis for each colour depth. Every colour is paired with a word or a
//! symbol elsewhere; in mono, emphasis is reverse video and bold only.

use ratatui::style::{Color, Modifier, Style};

use crate::engine::Status;
use crate::ui::view::{ColorDepth, Palette, View};

use super::glyphs::{self, Glyphs};

/// The kinds of banner, each with its own colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Banner {
    Demo,
    Replay,
    Warning,
    Alarm,
}

#[derive(Debug, Clone, Copy)]
enum Hue {
    Green,
    Amber,
    Red,
    Grey,
    Blue,
    Magenta,
}

/// The styles of one frame.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    depth: ColorDepth,
    palette: Palette,
    glyphs: &'static Glyphs,
}

impl Theme {
    pub fn new(view: &View) -> Theme {
        Theme {
            depth: if view.is_mono() {
                ColorDepth::Mono
            } else {
                view.colors
            },
            palette: view.palette,
            glyphs: if view.ascii {
                &glyphs::ASCII
            } else {
                &glyphs::UNICODE
            },
        }
    }

    /// The symbols to draw with.
    pub(crate) fn glyphs(&self) -> &'static Glyphs {
        self.glyphs
    }

    /// Only ASCII may be drawn.
    pub(crate) fn is_ascii(&self) -> bool {
        self.glyphs == &glyphs::ASCII
    }

    pub(crate) fn is_mono(&self) -> bool {
        self.depth == ColorDepth::Mono
    }

    fn color(&self, hue: Hue) -> Option<Color> {
        let (rgb, indexed, basic) = match self.palette {
            Palette::Dark => dark(hue),
            Palette::Light => light(hue),
            Palette::HighContrast => high_contrast(hue),
        };
        match self.depth {
            ColorDepth::TrueColor => Some(Color::Rgb(rgb.0, rgb.1, rgb.2)),
            ColorDepth::Ansi256 => Some(Color::Indexed(indexed)),
            ColorDepth::Ansi16 => Some(basic),
            ColorDepth::Mono => None,
        }
    }

    /// The text on a solid block of `hue`: black on the bright colours, white on the
    /// light palette's dark ones.
    fn on(&self, hue: Hue) -> Color {
        match (self.palette, hue) {
            (Palette::Light, Hue::Amber) | (Palette::Dark | Palette::HighContrast, _) => {
                Color::Black
            }
            (Palette::Light, _) => Color::White,
        }
    }

    fn fg(&self, hue: Hue) -> Style {
        match self.color(hue) {
            Some(color) => Style::new().fg(color),
            None => Style::new(),
        }
    }

    /// A solid block of colour with dark text; reverse video in mono.
    fn solid(&self, hue: Hue) -> Style {
        match self.color(hue) {
            Some(color) => Style::new()
                .bg(color)
                .fg(self.on(hue))
                .add_modifier(Modifier::BOLD),
            None => Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
        }
    }

    fn hue(status: Status) -> Hue {
        match status {
            Status::Green => Hue::Green,
            Status::Amber => Hue::Amber,
            Status::Red => Hue::Red,
            Status::None => Hue::Grey,
        }
    }

    /// A figure coloured by its status (bold when off target, so mono still shows it;
    /// always bold in high contrast, to be read from across the room).
    pub(crate) fn status(&self, status: Status) -> Style {
        let style = self.fg(Self::hue(status));
        match status {
            Status::Red | Status::Amber => style.add_modifier(Modifier::BOLD),
            _ if self.palette == Palette::HighContrast => style.add_modifier(Modifier::BOLD),
            _ => style,
        }
    }

    /// The status words as a badge: solid colour; in mono, reverse video for amber and
    /// red so that trouble stands out, plain bold for the rest.
    pub(crate) fn badge(&self, status: Status) -> Style {
        if self.is_mono() {
            return match status {
                Status::Red | Status::Amber => self.solid(Hue::Red),
                Status::Green => Style::new().add_modifier(Modifier::BOLD),
                Status::None => Style::new(),
            };
        }
        self.solid(Self::hue(status))
    }

    /// A tile's border, in its status colour.
    pub(crate) fn border(&self, status: Status) -> Style {
        self.fg(Self::hue(status))
    }

    pub(crate) fn banner(&self, banner: Banner) -> Style {
        self.solid(match banner {
            Banner::Demo => Hue::Magenta,
            Banner::Replay => Hue::Blue,
            Banner::Warning => Hue::Amber,
            Banner::Alarm => Hue::Red,
        })
    }

    /// Figures that are no longer live (feed stale or down): solid grey, reverse video in
    /// mono.
    pub(crate) fn not_live(&self) -> Style {
        self.solid(Hue::Grey)
    }

    /// Past a target: solid red, reverse video in mono.
    pub(crate) fn alarm(&self) -> Style {
        self.solid(Hue::Red)
    }

    /// Near a target.
    pub(crate) fn warning(&self) -> Style {
        self.fg(Hue::Amber).add_modifier(Modifier::BOLD)
    }

    pub(crate) fn good(&self) -> Style {
        self.fg(Hue::Green)
    }

    pub(crate) fn bad(&self) -> Style {
        self.fg(Hue::Red).add_modifier(Modifier::BOLD)
    }

    /// Labels and secondary text.
    pub(crate) fn dim(&self) -> Style {
        match self.color(Hue::Grey) {
            Some(color) => Style::new().fg(color),
            None => Style::new(),
        }
    }

    // Every style comes from the theme, even those that are the same in all of them.
    #[allow(clippy::unused_self)]
    pub(crate) fn bold(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// The selected row of a table.
    #[allow(clippy::unused_self)]
    pub(crate) fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }

    pub(crate) fn trend(&self) -> Style {
        self.fg(Hue::Blue)
    }
}

/// Each colour as 24-bit, 256-colour index and 16-colour name.
type Shades = ((u8, u8, u8), u8, Color);

/// For a dark background.
fn dark(hue: Hue) -> Shades {
    match hue {
        Hue::Green => ((46, 204, 113), 41, Color::Green),
        Hue::Amber => ((255, 176, 0), 214, Color::Yellow),
        Hue::Red => ((255, 69, 58), 196, Color::LightRed),
        Hue::Grey => ((140, 140, 140), 245, Color::Gray),
        Hue::Blue => ((58, 134, 255), 33, Color::LightBlue),
        Hue::Magenta => ((192, 76, 253), 135, Color::LightMagenta),
    }
}

/// For a light background: darker shades, each at least 4.5:1 against white (WCAG AA's
/// ratio for text), and so with white text on a block of it; amber's block takes black
/// text (4.5:1 too).
fn light(hue: Hue) -> Shades {
    match hue {
        Hue::Green => ((0, 120, 50), 28, Color::Green),
        Hue::Amber => ((176, 96, 0), 130, Color::Yellow),
        Hue::Red => ((190, 0, 0), 124, Color::Red),
        Hue::Grey => ((90, 90, 90), 240, Color::DarkGray),
        Hue::Blue => ((0, 80, 190), 25, Color::Blue),
        Hue::Magenta => ((130, 0, 160), 91, Color::Magenta),
    }
}

/// For a wall seen from far: pure, saturated colours; secondary text white, not grey.
fn high_contrast(hue: Hue) -> Shades {
    match hue {
        Hue::Green => ((0, 255, 0), 46, Color::LightGreen),
        Hue::Amber => ((255, 255, 0), 226, Color::LightYellow),
        Hue::Red => ((255, 0, 0), 196, Color::LightRed),
        Hue::Grey => ((255, 255, 255), 231, Color::White),
        Hue::Blue => ((0, 200, 255), 45, Color::LightCyan),
        Hue::Magenta => ((255, 0, 255), 201, Color::LightMagenta),
    }
}
