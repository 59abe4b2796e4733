//! Colours and emphasis for each colour depth. Every colour is paired with a word or a
//! symbol elsewhere; in mono, emphasis is reverse video and bold only.

use ratatui::style::{Color, Modifier, Style};

use crate::engine::Status;
use crate::ui::view::{ColorDepth, View};

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
        let (rgb, indexed, basic) = match hue {
            Hue::Green => ((46, 204, 113), 41, Color::Green),
            Hue::Amber => ((255, 176, 0), 214, Color::Yellow),
            Hue::Red => ((255, 69, 58), 196, Color::LightRed),
            Hue::Grey => ((140, 140, 140), 245, Color::Gray),
            Hue::Blue => ((58, 134, 255), 33, Color::LightBlue),
            Hue::Magenta => ((192, 76, 253), 135, Color::LightMagenta),
        };
        match self.depth {
            ColorDepth::TrueColor => Some(Color::Rgb(rgb.0, rgb.1, rgb.2)),
            ColorDepth::Ansi256 => Some(Color::Indexed(indexed)),
            ColorDepth::Ansi16 => Some(basic),
            ColorDepth::Mono => None,
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
                .fg(Color::Black)
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

    /// A figure coloured by its status (bold when off target, so mono still shows it).
    pub(crate) fn status(&self, status: Status) -> Style {
        let style = self.fg(Self::hue(status));
        match status {
            Status::Red | Status::Amber => style.add_modifier(Modifier::BOLD),
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
