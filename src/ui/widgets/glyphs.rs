//! The symbols the board draws besides plain text, chosen once per frame: Unicode for a
//! UTF-8 terminal, plain ASCII for any other (`--ascii`, a non-UTF-8 locale, a console
//! that cannot show them). Every render function takes its symbols from here.

use ratatui::symbols::border;

use crate::engine::Status;

/// One set of symbols.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Glyphs {
    /// Between items on a line.
    pub(crate) separator: &'static str,
    /// Between a headline and what it means (`FEED DOWN — retrying`).
    pub(crate) dash: &'static str,
    /// Where text was cut short.
    pub(crate) ellipsis: &'static str,
    /// Before a replay's speed (`×60`).
    pub(crate) times: &'static str,
    /// `≤` and `≥` before a target.
    pub(crate) at_most: &'static str,
    pub(crate) at_least: &'static str,
    /// Arrows in the help.
    pub(crate) left: &'static str,
    pub(crate) right: &'static str,
    /// The marks before the status words: on target, near, over, no data.
    pub(crate) on_target: &'static str,
    pub(crate) near: &'static str,
    pub(crate) over: &'static str,
    pub(crate) no_data: &'static str,
    /// The selected row's pointer, and the marks either side of an alarm.
    pub(crate) pointer: &'static str,
    pub(crate) pointer_back: &'static str,
    /// Before NOT LIVE on a tile.
    pub(crate) stopped: &'static str,
    /// Progress bars: up to the target, past it, and the target itself.
    pub(crate) bar_full: &'static str,
    pub(crate) bar_over: &'static str,
    pub(crate) bar_target: &'static str,
    /// Large digits: solid, and shaded (figures no longer live).
    pub(crate) big_solid: &'static str,
    pub(crate) big_shaded: &'static str,
    /// A trend's bars by eighths of a cell (index 0 = one eighth … 7 = full).
    pub(crate) trend_levels: [&'static str; 8],
    /// A trend's missing point and its target line.
    pub(crate) trend_gap: &'static str,
    pub(crate) trend_target: &'static str,
    pub(crate) border: border::Set<'static>,
}

pub(crate) const UNICODE: Glyphs = Glyphs {
    separator: "·",
    dash: "—",
    ellipsis: "…",
    times: "×",
    at_most: "≤",
    at_least: "≥",
    left: "←",
    right: "→",
    on_target: "✔",
    near: "▲",
    over: "✖",
    no_data: "·",
    pointer: "▶",
    pointer_back: "◀",
    stopped: "■",
    bar_full: "█",
    bar_over: "▓",
    bar_target: "│",
    big_solid: "█",
    big_shaded: "░",
    trend_levels: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
    trend_gap: "·",
    trend_target: "┄",
    border: border::PLAIN,
};

/// Every symbol one character wide like its Unicode twin where it can be, so that the
/// layouts stay the same.
pub(crate) const ASCII: Glyphs = Glyphs {
    separator: "|",
    dash: "-",
    ellipsis: "...",
    times: "x",
    at_most: "<=",
    at_least: ">=",
    left: "<-",
    right: "->",
    on_target: "+",
    near: "!",
    over: "X",
    no_data: "-",
    pointer: ">",
    pointer_back: "<",
    stopped: "#",
    bar_full: "#",
    bar_over: "=",
    bar_target: "|",
    big_solid: "#",
    big_shaded: ":",
    trend_levels: ["_", "_", "_", "=", "=", "=", "#", "#"],
    trend_gap: ".",
    trend_target: "-",
    border: border::Set {
        top_left: "+",
        top_right: "+",
        bottom_left: "+",
        bottom_right: "+",
        vertical_left: "|",
        vertical_right: "|",
        horizontal_top: "-",
        horizontal_bottom: "-",
    },
};

impl Glyphs {
    /// The mark at the start of a status's words.
    pub(crate) fn mark(&self, status: Status) -> &'static str {
        match status {
            Status::Green => self.on_target,
            Status::Amber => self.near,
            Status::Red => self.over,
            Status::None => self.no_data,
        }
    }

    /// A status's words with this set's mark: `✔ ON TARGET` or `+ ON TARGET`.
    pub(crate) fn words(&self, words: &str) -> String {
        match words.split_once(' ') {
            Some((_, rest)) if !words.starts_with(|c: char| c.is_ascii_alphanumeric()) => {
                let mark = match words.chars().next() {
                    Some('✔') => self.on_target,
                    Some('▲') => self.near,
                    Some('✖') => self.over,
                    _ => self.no_data,
                };
                format!("{mark} {rest}")
            }
            _ => words.to_string(),
        }
    }

    /// Words the board builds with its dash and speed sign (the banners), in this set.
    pub(crate) fn words_in_set(&self, text: &str) -> String {
        text.replace(" — ", &format!(" {} ", self.dash))
            .replace('×', self.times)
    }

    /// A replay's speed: `×60`, `×0.5`.
    pub(crate) fn speed(&self, speed: f64) -> String {
        let text = crate::format::speed(speed);
        match text.strip_prefix('×') {
            Some(number) => format!("{}{number}", self.times),
            None => text,
        }
    }

    /// `" · "`: a separator with a space either side.
    pub(crate) fn sep(&self) -> String {
        format!(" {} ", self.separator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ascii_set_is_ascii() {
        let g = ASCII;
        let b = g.border;
        let all = [
            g.separator,
            g.dash,
            g.ellipsis,
            g.times,
            g.at_most,
            g.at_least,
            g.left,
            g.right,
            g.on_target,
            g.near,
            g.over,
            g.no_data,
            g.pointer,
            g.pointer_back,
            g.stopped,
            g.bar_full,
            g.bar_over,
            g.bar_target,
            g.big_solid,
            g.big_shaded,
            g.trend_gap,
            g.trend_target,
            b.top_left,
            b.top_right,
            b.bottom_left,
            b.bottom_right,
            b.vertical_left,
            b.vertical_right,
            b.horizontal_top,
            b.horizontal_bottom,
        ];
        for symbol in all.into_iter().chain(g.trend_levels) {
            assert!(!symbol.is_empty() && symbol.is_ascii(), "{symbol:?}");
        }
    }

    #[test]
    fn banner_words_take_the_sets_dash_and_speed_sign() {
        let banner = "REPLAY ×60 — 12:00:00 Mon 1 Jul — PAUSED";
        assert_eq!(
            ASCII.words_in_set(banner),
            "REPLAY x60 - 12:00:00 Mon 1 Jul - PAUSED"
        );
        assert_eq!(UNICODE.words_in_set(banner), banner);
        assert_eq!(ASCII.speed(60.0), "x60");
        assert_eq!(ASCII.speed(0.5), "x0.5");
    }

    #[test]
    fn status_words_take_the_sets_mark() {
        assert_eq!(ASCII.words("✔ ON TARGET"), "+ ON TARGET");
        assert_eq!(ASCII.words("▲ NEAR"), "! NEAR");
        assert_eq!(ASCII.words("✖ OVER"), "X OVER");
        assert_eq!(ASCII.words("· NO DATA"), "- NO DATA");
        assert_eq!(UNICODE.words("✖ OVER"), "✖ OVER");
        assert_eq!(ASCII.words("NOT LIVE"), "NOT LIVE");
        assert_eq!(ASCII.mark(Status::Amber), "!");
    }
}
