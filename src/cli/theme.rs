//! `--theme`: the colours for the room, as the command line names them.

use forceboard::config::Theme;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ThemeArg {
    Dark,
    Light,
    HighContrast,
    Auto,
}

impl From<ThemeArg> for Theme {
    fn from(theme: ThemeArg) -> Theme {
        match theme {
            ThemeArg::Dark => Theme::Dark,
            ThemeArg::Light => Theme::Light,
            ThemeArg::HighContrast => Theme::HighContrast,
            ThemeArg::Auto => Theme::Auto,
        }
    }
}
