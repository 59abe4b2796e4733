//! The call handlers on a call tile (schema v1.1): handlers on duty against those the
//! Erlang C model needs, with the cover in colour *and* words, and the model's service
//! level and wait marked "model". Nothing at all for a feed that reports no staffing, so
//! the tiles of a v1 feed are exactly as they were.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::engine::{Cover, Staffing};
use crate::format::{dur_999, pct};

use crate::ui::widgets::theme::Theme;

/// The cover in this glyph set's words: `▲ SHORT 1`, `✔ COVERED` (`! SHORT 1`,
/// `+ COVERED` in ASCII).
pub(super) fn cover_words(cover: Cover, theme: &Theme) -> String {
    let glyphs = theme.glyphs();
    match cover {
        Cover::Short(short) => format!("{} SHORT {short}", glyphs.near),
        Cover::ShortPastModel => format!("{} SHORT", glyphs.near),
        Cover::Covered => format!("{} COVERED", glyphs.on_target),
    }
}

/// The cover in words alone, for the narrowest tiles: `SHORT 1`, `COVERED`.
fn cover_bare_words(cover: Cover) -> String {
    match cover {
        Cover::Short(short) => format!("SHORT {short}"),
        Cover::ShortPastModel => "SHORT".to_string(),
        Cover::Covered => "COVERED".to_string(),
    }
}

/// Short in the alarm's colour, covered in green: with the words, never colour alone.
pub(super) fn cover_style(cover: Cover, theme: &Theme) -> Style {
    match cover {
        Cover::Short(_) | Cover::ShortPastModel => theme.bad(),
        Cover::Covered => theme.good(),
    }
}

fn count(value: Option<u32>) -> String {
    value.map_or_else(|| "-".to_string(), |v| v.to_string())
}

/// `handlers 7 / need 8 ▲ SHORT 1`, widest first; or why the cover is unknown.
pub(super) fn handler_lines(s: &Staffing, theme: &Theme) -> Vec<Line<'static>> {
    let dim = |text: String| Span::styled(text, theme.dim());
    let bold = |text: String| Span::styled(text, theme.bold());
    let (on_duty, needed) = (count(s.on_duty), s.needed_cell());
    let Some(cover) = s.cover() else {
        let why = s.missing_words().unwrap_or("no model");
        let why = Span::styled(why.to_string(), theme.warning());
        return match s.on_duty {
            Some(_) => vec![
                Line::from(vec![
                    dim("handlers ".into()),
                    bold(on_duty.clone()),
                    dim(" / need - ".into()),
                    why.clone(),
                ]),
                Line::from(vec![
                    dim("hdl ".into()),
                    bold(on_duty),
                    dim(" ".into()),
                    why.clone(),
                ]),
                Line::from(vec![why]),
            ],
            None => vec![
                Line::from(vec![dim("handlers: ".into()), why.clone()]),
                Line::from(vec![why]),
            ],
        };
    };
    let words = Span::styled(cover_words(cover, theme), cover_style(cover, theme));
    // Past the model's limit the widest line says so in a sentence.
    let past_model = s.needed_past_model_words().map(|sentence| {
        Line::from(vec![
            dim("handlers ".into()),
            bold(on_duty.clone()),
            dim(" / ".into()),
            bold(sentence),
            Span::raw(" "),
            words.clone(),
        ])
    });
    past_model
        .into_iter()
        .chain([
            Line::from(vec![
                dim("handlers ".into()),
                bold(on_duty.clone()),
                dim(" / need ".into()),
                bold(needed.clone()),
                Span::raw(" "),
                words.clone(),
            ]),
            Line::from(vec![
                dim("handlers ".into()),
                bold(format!("{on_duty}/{needed}")),
                Span::raw(" "),
                words.clone(),
            ]),
            Line::from(vec![
                dim("hdl ".into()),
                bold(format!("{on_duty}/{needed}")),
                Span::raw(" "),
                words.clone(),
            ]),
            // An 80×24 tile: the numbers still, the words without their glyph.
            Line::from(vec![
                dim("hdl ".into()),
                bold(format!("{on_duty}/{needed}")),
                Span::raw(" "),
                Span::styled(cover_bare_words(cover), cover_style(cover, theme)),
            ]),
            Line::from(vec![words]),
        ])
        .collect()
}

/// `model SL 85.9% · wait 10.6s`, or `model: queue will grow`, widest first; nothing when
/// the model has no figures.
pub(super) fn model_lines(s: &Staffing, theme: &Theme) -> Vec<Line<'static>> {
    let dim = |text: &str| Span::styled(text.to_string(), theme.dim());
    if s.queue_grows() {
        let grows = Span::styled("queue will grow", theme.alarm());
        return vec![
            Line::from(vec![dim("model: "), grows.clone()]),
            Line::from(vec![grows]),
        ];
    }
    let Some(sl) = s.forecast_sl_pct else {
        return match s.forecast_wait_s {
            Some(wait) => vec![Line::from(vec![
                dim("model wait "),
                Span::raw(dur_999(Some(wait))),
            ])],
            None => vec![Line::from(vec![dim("model -")])],
        };
    };
    let sl = Span::styled(pct(Some(sl)), theme.bold());
    let wait = Span::raw(dur_999(s.forecast_wait_s));
    let sep = format!(" {} wait ", theme.glyphs().separator);
    vec![
        Line::from(vec![dim("model SL "), sl.clone(), dim(&sep), wait.clone()]),
        Line::from(vec![dim("model "), sl.clone(), dim(" wait "), wait]),
        Line::from(vec![dim("model SL "), sl.clone()]),
        Line::from(vec![dim("model "), sl]),
    ]
}

/// The one-line and micro layouts' compact shortfall: `▲ SHORT 1`, only when short.
pub(super) fn shortfall(s: &Staffing, theme: &Theme) -> Option<Span<'static>> {
    match s.cover()? {
        cover @ (Cover::Short(_) | Cover::ShortPastModel) => Some(Span::styled(
            cover_words(cover, theme),
            cover_style(cover, theme),
        )),
        Cover::Covered => None,
    }
}

/// The handlers as one line of plain text (the `TERM=dumb` summary): the widest forms of
/// the tile's two lines, `handlers 7 / need 8 ▲ SHORT 1 · model SL 85.9% · wait 10.6s`.
pub(super) fn plain_text(s: &Staffing, theme: &Theme) -> String {
    let text = |lines: Vec<Line<'static>>| -> String {
        lines
            .first()
            .map(|line| {
                line.spans
                    .iter()
                    .map(|span| span.content.as_ref())
                    .collect()
            })
            .unwrap_or_default()
    };
    format!(
        "{}{}{}",
        text(handler_lines(s, theme)),
        theme.glyphs().sep(),
        text(model_lines(s, theme))
    )
}
