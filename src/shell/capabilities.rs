//! What a terminal can show — how many colours, and whether it is UTF-8 — detected once,
//! by the same rules for a local terminal (its environment) and an SSH session (what its
//! pty request says).

use crate::ui::ColorDepth;

/// What one terminal can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Capabilities {
    pub(crate) colors: ColorDepth,
    /// The terminal shows UTF-8; otherwise the board is drawn in plain ASCII.
    pub(crate) utf8: bool,
}

/// The environment variables that decide a terminal's capabilities, as a local terminal
/// has them or an SSH session's pty request gives them (`None` where unset).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct TerminalEnv<'a> {
    pub(crate) no_color: Option<&'a str>,
    pub(crate) colorterm: Option<&'a str>,
    pub(crate) term: Option<&'a str>,
    pub(crate) lc_all: Option<&'a str>,
    pub(crate) lc_ctype: Option<&'a str>,
    pub(crate) lang: Option<&'a str>,
}

impl Capabilities {
    /// The capabilities `env` describes.
    pub(crate) fn detect(env: TerminalEnv<'_>) -> Capabilities {
        Capabilities {
            colors: color_depth(env.no_color, env.colorterm, env.term),
            utf8: is_utf8(env.lc_all, env.lc_ctype, env.lang, env.term),
        }
    }

    /// This process's terminal, from its environment.
    pub(crate) fn of_this_terminal() -> Capabilities {
        let var = |name: &str| std::env::var(name).ok();
        let (no_color, colorterm, term) = (var("NO_COLOR"), var("COLORTERM"), var("TERM"));
        let (lc_all, lc_ctype, lang) = (var("LC_ALL"), var("LC_CTYPE"), var("LANG"));
        Capabilities::detect(TerminalEnv {
            no_color: no_color.as_deref(),
            colorterm: colorterm.as_deref(),
            term: term.as_deref(),
            lc_all: lc_all.as_deref(),
            lc_ctype: lc_ctype.as_deref(),
            lang: lang.as_deref(),
        })
    }
}

/// The depth from the usual environment variables, passed in so that this stays pure:
/// `NO_COLOR` set (to anything non-empty) → mono; `COLORTERM` `truecolor`/`24bit` →
/// true colour, as does a `TERM` ending in `-direct`; `TERM` containing `256color` → 256; `TERM=dumb` → mono; else 16.
fn color_depth(no_color: Option<&str>, colorterm: Option<&str>, term: Option<&str>) -> ColorDepth {
    if no_color.is_some_and(|v| !v.is_empty()) {
        return ColorDepth::Mono;
    }
    let colorterm = colorterm.unwrap_or("").to_ascii_lowercase();
    let term = term.unwrap_or("").to_ascii_lowercase();
    if colorterm.contains("truecolor") || colorterm.contains("24bit") || term.ends_with("-direct") {
        return ColorDepth::TrueColor;
    }
    if term == "dumb" {
        ColorDepth::Mono
    } else if term.contains("256color") {
        ColorDepth::Ansi256
    } else {
        ColorDepth::Ansi16
    }
}

/// Is the terminal's character set UTF-8? From the locale (`LC_ALL`, then `LC_CTYPE`,
/// then `LANG`: the first one set and not empty decides, as the C library does) and
/// `TERM`, passed in so that this stays pure.
///
/// With none of the three set, UTF-8 is assumed: that is a container or a bare SSH
/// session, nearly always shown by a modern UTF-8 terminal emulator. The Linux console
/// and the VT terminals get ASCII whatever the locale says: their fonts lack most of the
/// symbols. (`TERM=dumb` follows the locale: an editor's shell buffer shows UTF-8.)
fn is_utf8(
    lc_all: Option<&str>,
    lc_ctype: Option<&str>,
    lang: Option<&str>,
    term: Option<&str>,
) -> bool {
    let term = term.unwrap_or("").to_ascii_lowercase();
    if term == "linux" || term.starts_with("vt") {
        return false;
    }
    match [lc_all, lc_ctype, lang]
        .into_iter()
        .flatten()
        .find(|value| !value.is_empty())
    {
        Some(locale) => {
            let locale = locale.to_ascii_lowercase();
            locale.contains("utf-8") || locale.contains("utf8")
        }
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_depth_from_the_environment() {
        use ColorDepth::*;
        assert_eq!(color_depth(Some("1"), Some("truecolor"), None), Mono);
        assert_eq!(color_depth(Some(""), Some("truecolor"), None), TrueColor);
        assert_eq!(color_depth(None, Some("24bit"), Some("xterm")), TrueColor);
        assert_eq!(color_depth(None, None, Some("xterm-256color")), Ansi256);
        assert_eq!(color_depth(None, None, Some("screen")), Ansi16);
        assert_eq!(color_depth(None, None, Some("dumb")), Mono);
        assert_eq!(color_depth(None, None, None), Ansi16);
    }

    #[test]
    fn utf8_from_the_locale_and_the_terminal() {
        let xterm = Some("xterm-256color");
        // LC_ALL wins, then LC_CTYPE, then LANG; an empty one is passed over.
        assert!(!is_utf8(
            Some("C"),
            Some("en_GB.UTF-8"),
            Some("en_GB.UTF-8"),
            xterm
        ));
        assert!(is_utf8(Some(""), Some("en_GB.utf8"), Some("C"), xterm));
        assert!(!is_utf8(None, Some("POSIX"), Some("en_GB.UTF-8"), xterm));
        assert!(is_utf8(None, None, Some("de_DE.UTF-8"), xterm));
        assert!(!is_utf8(None, None, Some("en_GB.ISO-8859-1"), xterm));
        assert!(!is_utf8(None, None, Some("en_GB"), xterm));
        // Nothing set: UTF-8.
        assert!(is_utf8(None, None, None, xterm));
        assert!(is_utf8(Some(""), Some(""), Some(""), None));
        // Consoles that cannot show the symbols.
        for term in ["linux", "vt100", "VT220"] {
            assert!(
                !is_utf8(None, None, Some("en_GB.UTF-8"), Some(term)),
                "{term}"
            );
        }
        assert!(is_utf8(None, None, Some("en_GB.UTF-8"), Some("dumb")));
        assert!(!is_utf8(Some("C"), None, None, Some("dumb")));
    }
}
