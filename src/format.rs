//! Figures as people read them: durations, targets, percentages and speeds. One place,
//! so `report`, the dashboard and every other human-readable output say the same thing.
//! Also [`printable`]: text from a feed or a user's file made safe to show on a terminal.

use std::borrow::Cow;

/// Text from a feed, a file or the command line as it may be written for people: every
/// control character (C0 `\u{0}`–`\u{1f}`, DEL `\u{7f}`, C1 `\u{80}`–`\u{9f}`) and every
/// bidi override or isolate (U+202A–U+202E, U+2066–U+2069) is shown as Rust's escape
/// `\u{1b}` (lowercase hex, no leading zeros), so no value can move the cursor, retitle or
/// clear the terminal, or reorder what is read. All other text, letters of any script
/// included, comes back unchanged and borrowed. Backslashes are not escaped, so showing
/// already printable text again changes nothing.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if needs_escape(c) {
            shown.extend(c.escape_unicode());
        } else {
            shown.push(c);
        }
    }
    Cow::Owned(shown)
}

/// Control characters (Unicode's Cc: C0, DEL and C1) and the bidi embeddings, overrides
/// and isolates, which reorder the text around them.
fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A duration for people: `8.0s`, `12m 30s`, `2h 05m`.
pub fn human_duration(seconds: f64) -> String {
    if seconds < 100.0 {
        format!("{seconds:.1}s")
    } else if seconds < 3600.0 {
        let whole = seconds.round() as i64;
        format!("{}m {:02}s", whole / 60, whole % 60)
    } else {
        let minutes = (seconds / 60.0).round() as i64;
        format!("{}h {:02}m", minutes / 60, minutes % 60)
    }
}

/// A target or threshold for people: `5s`, `10s`, `3m`, `15m`, `1h`.
pub fn human_target(seconds: f64) -> String {
    let whole = seconds.round() as i64;
    if whole % 3600 == 0 && whole >= 3600 {
        format!("{}h", whole / 3600)
    } else if whole % 60 == 0 && whole >= 60 {
        format!("{}m", whole / 60)
    } else {
        format!("{seconds}s")
    }
}

/// A duration, or `-` without data.
pub fn dur(seconds: Option<f64>) -> String {
    seconds.map_or_else(|| "-".to_string(), human_duration)
}

/// A percentage with one decimal, or `-`.
pub fn pct(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_string(), |p| format!("{p:.1}%"))
}

/// A percentage rounded to a whole number, or `-`.
pub fn pct0(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_string(), |p| format!("{p:.0}%"))
}

/// A goal percentage as configured: `90%`, `92.5%`.
pub fn goal(value: f64) -> String {
    format!("{value}%")
}

/// A replay speed: `×60`, `×0.5`, `×1`.
pub fn speed(speed: f64) -> String {
    if speed.fract() == 0.0 && speed.abs() < 1e9 {
        format!("×{}", speed as i64)
    } else {
        format!("×{}", (speed * 100.0).round() / 100.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_for_people() {
        assert_eq!(human_duration(8.0), "8.0s");
        assert_eq!(human_duration(99.94), "99.9s");
        assert_eq!(human_duration(600.0), "10m 00s");
        assert_eq!(human_duration(1805.4), "30m 05s");
        assert_eq!(human_duration(7500.0), "2h 05m");
        assert_eq!(human_target(5.0), "5s");
        assert_eq!(human_target(180.0), "3m");
        assert_eq!(human_target(900.0), "15m");
        assert_eq!(human_target(3600.0), "1h");
        assert_eq!(human_target(2.5), "2.5s");
    }

    #[test]
    fn speeds_and_percentages() {
        assert_eq!(speed(60.0), "×60");
        assert_eq!(speed(0.5), "×0.5");
        assert_eq!(pct(Some(100.0 / 3.0)), "33.3%");
        assert_eq!(pct0(Some(100.0 / 3.0)), "33%");
        assert_eq!(goal(90.0), "90%");
    }

    #[test]
    fn ordinary_text_is_shown_as_it_is_and_borrowed() {
        for text in [
            "",
            "Birmingham (BIR)",
            "Łódź é ß 東京 ×60 ≤3m",
            r"C:\feeds\today",
        ] {
            assert!(matches!(printable(text), Cow::Borrowed(same) if same == text));
        }
        // Just outside the escaped ranges: no-break space, narrow no-break space, and the
        // neighbours of the isolates.
        for text in ["\u{a0}", "\u{202f}", "\u{2065}", "\u{206a}", " ~"] {
            assert!(matches!(printable(text), Cow::Borrowed(_)), "{text:?}");
        }
    }

    #[test]
    fn control_characters_are_escaped() {
        let cases = [
            (
                "\u{1b}]0;PWNED\u{7}\u{1b}[2J",
                r"\u{1b}]0;PWNED\u{7}\u{1b}[2J",
            ),
            ("\u{0}", r"\u{0}"),
            ("a\tb\r\nc", r"a\u{9}b\u{d}\u{a}c"),
            ("\u{1f}\u{7f}", r"\u{1f}\u{7f}"),
            ("A\u{80}\u{9b}\u{9f}", r"A\u{80}\u{9b}\u{9f}"),
            ("é\u{1b}[31mł", r"é\u{1b}[31mł"),
        ];
        for (text, shown) in cases {
            assert_eq!(printable(text), shown, "{text:?}");
        }
    }

    #[test]
    fn bidi_overrides_and_isolates_are_escaped() {
        let cases = [
            ("\u{202a}", r"\u{202a}"),
            ("abc\u{202e}fed", r"abc\u{202e}fed"),
            ("\u{2066}x\u{2069}", r"\u{2066}x\u{2069}"),
            ("\u{2067}\u{2068}", r"\u{2067}\u{2068}"),
        ];
        for (text, shown) in cases {
            assert_eq!(printable(text), shown, "{text:?}");
        }
    }

    #[test]
    fn shown_text_shown_again_is_unchanged() {
        let once = printable("\u{1b}[2J\u{202e}");
        assert!(matches!(printable(&once), Cow::Borrowed(again) if again == once));
    }
}
