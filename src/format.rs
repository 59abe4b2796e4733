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

/// An error and its causes on one line, joined by `": "`, each said once: an error whose
/// message already ends with its cause's (async-nats's do) does not have it said twice.
pub fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        let said = inner.to_string();
        if !text.ends_with(&said) {
            text.push_str(": ");
            text.push_str(&said);
        }
        cause = inner.source();
    }
    text
}

/// Control characters (Unicode's Cc: C0, DEL and C1) and the bidi embeddings, overrides
/// and isolates, which reorder the text around them.
fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A duration for people (waits, ages, countdowns, 101 answer times, attendance times):
/// rounded to the whole second, `45s` under a minute, `2m 43s` under an hour, `1h 05m`
/// from an hour (rounded to the minute). The unit always changes where the clock's does,
/// so one column never mixes two ways of writing the same size. A negative span (time
/// past a target) keeps its sign: `-4m 10s`.
pub(crate) fn duration(seconds: f64) -> String {
    let sign = if seconds < 0.0 { "-" } else { "" };
    let seconds = seconds.abs();
    // `as` saturates, so no value from a feed can overflow the arithmetic below.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let whole = seconds.round() as u64;
    if whole < 60 {
        format!("{sign}{whole}s")
    } else if whole < 3600 {
        format!("{sign}{}m {:02}s", whole / 60, whole % 60)
    } else {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let minutes = (seconds / 60.0).round() as u64;
        format!("{sign}{}h {:02}m", minutes / 60, minutes % 60)
    }
}

/// A 999 answer time (mean, p50, p90, max): tenths of a second matter against a 5 s
/// target, so under a minute it is `4.2s`, `59.9s`; from a minute on, as [`duration`].
pub(crate) fn answer_999(seconds: f64) -> String {
    // Decided on the tenths as written, so 59.96 s is never shown as "60.0s".
    let tenths = format!("{seconds:.1}");
    match tenths.parse::<f64>() {
        Ok(shown) if shown.abs() < 60.0 => format!("{tenths}s"),
        _ => duration(seconds),
    }
}

/// A target or threshold for people: `5s`, `10s`, `3m`, `15m`, `1h`.
pub(crate) fn human_target(seconds: f64) -> String {
    // `as` saturates: a target past i64's range (none is) would still print.
    #[allow(clippy::cast_possible_truncation)]
    let whole = seconds.round() as i64;
    if whole % 3600 == 0 && whole >= 3600 {
        format!("{}h", whole / 3600)
    } else if whole % 60 == 0 && whole >= 60 {
        format!("{}m", whole / 60)
    } else {
        format!("{seconds}s")
    }
}

/// A duration ([`duration`]), or `-` without data.
pub(crate) fn dur(seconds: Option<f64>) -> String {
    seconds.map_or_else(|| "-".to_string(), duration)
}

/// A 999 answer time ([`answer_999`]), or `-` without data.
pub(crate) fn dur_999(seconds: Option<f64>) -> String {
    seconds.map_or_else(|| "-".to_string(), answer_999)
}

/// A measured percentage (service level, within target, abandon rate): always one
/// decimal, `79.2%`, `100.0%`, everywhere it is shown; or `-` without data.
pub(crate) fn pct(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_string(), |p| format!("{p:.1}%"))
}

/// A goal percentage as configured: `90%`, `92.5%`.
pub(crate) fn goal(value: f64) -> String {
    format!("{value}%")
}

/// Events a minute: a count, so a whole number (`0`, `42`, `2088`).
pub(crate) fn per_minute(rate: f64) -> String {
    format!("{:.0}", rate.max(0.0))
}

/// A replay speed: `×60`, `×0.5`, `×1`.
pub(crate) fn speed(speed: f64) -> String {
    if speed.fract() == 0.0 && speed.abs() < 1e9 {
        // Whole and well within i64: the conversion is exact.
        #[allow(clippy::cast_possible_truncation)]
        let whole = speed as i64;
        format!("×{whole}")
    } else {
        format!("×{}", (speed * 100.0).round() / 100.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    enum Outer {
        #[error("the stream")]
        Plain(#[source] Inner),
    }

    /// Says its cause in its own message, and gives it as its source too.
    #[derive(Debug, thiserror::Error)]
    #[error("timed out: {0}")]
    struct Inner(#[source] std::io::Error);

    #[test]
    fn an_error_chain_says_each_cause_once() {
        let error = Outer::Plain(Inner(std::io::Error::other("no answer")));
        assert_eq!(error_chain(&error), "the stream: timed out: no answer");
        let io = std::io::Error::other("broken pipe");
        assert_eq!(error_chain(&io), "broken pipe");
    }

    #[test]
    fn durations_change_unit_where_the_clock_does() {
        assert_eq!(duration(0.0), "0s");
        assert_eq!(duration(8.0), "8s");
        assert_eq!(duration(59.4), "59s");
        // 59.5 s rounds to the minute, and is written as one.
        assert_eq!(duration(59.5), "1m 00s");
        assert_eq!(duration(99.9), "1m 40s");
        assert_eq!(duration(100.0), "1m 40s");
        assert_eq!(duration(163.0), "2m 43s");
        assert_eq!(duration(600.0), "10m 00s");
        assert_eq!(duration(1805.4), "30m 05s");
        assert_eq!(duration(3599.0), "59m 59s");
        assert_eq!(duration(3599.5), "1h 00m");
        assert_eq!(duration(3600.0), "1h 00m");
        assert_eq!(duration(7500.0), "2h 05m");
        assert_eq!(duration(30.0 * 86_400.0), "720h 00m");
        assert_eq!(duration(-250.0), "-4m 10s");
        // Nothing from a feed can overflow: `as` saturates, NaN is 0.
        assert_eq!(duration(f64::NAN), "0s");
        assert!(duration(f64::MAX).ends_with('m'));
    }

    #[test]
    fn answer_999_times_keep_tenths_under_a_minute() {
        assert_eq!(answer_999(4.0), "4.0s");
        assert_eq!(answer_999(19.0 / 3.0), "6.3s");
        assert_eq!(answer_999(59.94), "59.9s");
        assert_eq!(answer_999(59.96), "1m 00s");
        assert_eq!(answer_999(81.3), "1m 21s");
        assert_eq!(answer_999(99.9), "1m 40s");
        assert_eq!(answer_999(100.0), "1m 40s");
        assert_eq!(answer_999(3600.0), "1h 00m");
        assert_eq!(dur_999(None), "-");
        assert_eq!(dur(None), "-");
    }

    #[test]
    fn targets_are_written_as_configured() {
        assert_eq!(human_target(5.0), "5s");
        assert_eq!(human_target(180.0), "3m");
        assert_eq!(human_target(900.0), "15m");
        assert_eq!(human_target(3600.0), "1h");
        assert_eq!(human_target(2.5), "2.5s");
    }

    #[test]
    fn speeds_rates_and_percentages() {
        assert_eq!(speed(60.0), "×60");
        assert_eq!(speed(0.5), "×0.5");
        assert_eq!(pct(Some(100.0 / 3.0)), "33.3%");
        assert_eq!(pct(Some(93.0)), "93.0%");
        assert_eq!(pct(Some(100.0)), "100.0%");
        assert_eq!(pct(Some(0.0)), "0.0%");
        assert_eq!(pct(Some(79.24)), "79.2%");
        assert_eq!(pct(None), "-");
        assert_eq!(goal(90.0), "90%");
        assert_eq!(goal(92.5), "92.5%");
        assert_eq!(per_minute(0.0), "0");
        assert_eq!(per_minute(2088.0), "2088");
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
