//! The header line (force, scope, window, mode, clock) and the banners that cannot be
//! missed (training, demo, replay, feed stale / down).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::feed::DownCause;
use crate::ui::board::Board;
use crate::ui::status::{AsOf, FeedState, FeedStatus, Mode, RecordingStatus};

use crate::format::speed;
use crate::ui::widgets::glyphs::Glyphs;
use crate::ui::widgets::paint;
use crate::ui::widgets::text::{
    clock, clock_and_date, date, fill_row, fit, put_centered, put_line, time_of_day, width,
};
use crate::ui::widgets::theme::{Banner, Theme};

/// The banners for a board, most important first.
pub(crate) fn banners(board: &Board) -> Vec<(Banner, String)> {
    let mut banners = Vec::new();
    match board.mode {
        Mode::Live => {}
        Mode::Training { speed: s, paused } => {
            banners.push((Banner::Replay, training_words(board, s, paused)));
        }
        Mode::Demo => banners.push((Banner::Demo, "DEMO DATA — not a live feed".to_string())),
        Mode::Replay { speed: s, paused } => {
            let mut text = format!(
                "REPLAY {} — {}",
                speed(s),
                clock_and_date(board.now, board.tz, board.dates_with_year)
            );
            if paused {
                text.push_str(" — PAUSED");
            }
            banners.push((Banner::Replay, text));
        }
    }
    let source = board.feed.source.as_ref();
    match board.feed.state {
        FeedState::Live => {}
        FeedState::Connecting => banners.push((
            Banner::Warning,
            match source {
                Some(source) => format!("CONNECTING TO {} — no events yet", source.name),
                None => "CONNECTING TO FEED — no events yet".to_string(),
            },
        )),
        FeedState::Reconnecting => banners.push((
            Banner::Warning,
            match source {
                Some(source) => format!("RECONNECTING TO {}", source.name),
                None => "RECONNECTING TO FEED".to_string(),
            },
        )),
        FeedState::NoEvents => banners.push((
            Banner::Warning,
            match source {
                Some(source) => {
                    format!("NO EVENTS YET on {} — check {}", source.name, source.check)
                }
                None => "NO EVENTS YET".to_string(),
            },
        )),
        FeedState::Stale { silent_s } => banners.push((
            Banner::Warning,
            format!("FEED STALE — last event {silent_s} s ago"),
        )),
        FeedState::Down { retry_in_s } => {
            banners.push((Banner::Alarm, down_words(board.feed.down_cause, retry_in_s)));
        }
        FeedState::Ended => {
            banners.push((Banner::Warning, "FEED ENDED — no new events".to_string()));
        }
    }
    if let Some(words) = recording_failed(board.feed.recording.as_ref()) {
        banners.push((Banner::Alarm, words));
    }
    if let Some(words) = &board.notice {
        banners.push((Banner::Warning, words.clone()));
    }
    banners
}

/// `TRAINING ×20 — 21:45:00 Fri 5 Jul 2024 — a served recording, not the live feed`, or
/// `TRAINING — PAUSED at 21:45:00 — Fri 5 Jul 2024 — …` while the trainer has paused it.
fn training_words(board: &Board, s: f64, paused: bool) -> String {
    const NOT_LIVE: &str = "a served recording, not the live feed";
    if paused {
        format!(
            "{} — {} — {NOT_LIVE}",
            paused_at(board),
            date(board.now, board.tz, board.dates_with_year)
        )
    } else {
        format!(
            "TRAINING {} — {} — {NOT_LIVE}",
            speed(s),
            clock_and_date(board.now, board.tz, board.dates_with_year)
        )
    }
}

/// `TRAINING — PAUSED at 21:45:00`: the served clock the trainer stopped, and where.
pub(crate) fn paused_at(board: &Board) -> String {
    format!("TRAINING — PAUSED at {}", time_of_day(board.now, board.tz))
}

/// `RECORDING FAILED — disk full — 12 lines lost (r to dismiss)`, until acknowledged.
fn recording_failed(recording: Option<&RecordingStatus>) -> Option<String> {
    let recording = recording.filter(|recording| !recording.acknowledged)?;
    let reason = recording.failed.as_ref()?;
    let lost = recording.lost;
    let lines = if lost == 1 { "line" } else { "lines" };
    Some(format!(
        "RECORDING FAILED — {reason} — {lost} {lines} lost (r to dismiss)"
    ))
}

/// `FEED DOWN — HTTP 401 Unauthorized (check FORCEBOARD_TOKEN) — retrying in 8 s`.
fn down_words(cause: Option<DownCause>, retry_in_s: u64) -> String {
    let why = match cause {
        Some(cause) => match cause.hint() {
            Some(hint) => format!(" — {cause} ({hint})"),
            None => format!(" — {cause}"),
        },
        None => String::new(),
    };
    format!("FEED DOWN{why} — retrying in {retry_in_s} s")
}

/// A banner's words within `max` columns: whole if they fit, else without their
/// parenthesised hints, else cut after the last whole word that fits, with `ellipsis`.
pub(crate) fn shortened(text: &str, max: usize, ellipsis: &str) -> String {
    if width(text) <= max {
        return text.to_string();
    }
    let mut bare = String::new();
    let mut depth = 0_usize;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => bare.push(c),
            _ => {}
        }
    }
    let bare = bare.split_whitespace().collect::<Vec<_>>().join(" ");
    if width(&bare) <= max {
        return bare;
    }
    let mut cut = String::new();
    for word in bare.split(' ') {
        let joined = if cut.is_empty() {
            word.to_string()
        } else {
            format!("{cut} {word}")
        };
        if width(&joined) + width(ellipsis) > max {
            break;
        }
        cut = joined;
    }
    if cut.is_empty() {
        // Not even one word fits: show what fits of it; a banner must not vanish.
        return bare;
    }
    cut.push_str(ellipsis);
    cut
}

/// Draws the banners, one full-width reversed row each, from the top of `area`.
pub(crate) fn draw_banners(
    area: Rect,
    buf: &mut Buffer,
    banners: &[(Banner, String)],
    theme: &Theme,
) {
    for (i, (kind, text)) in banners.iter().enumerate() {
        let y = area.y + i as u16;
        if y >= area.bottom() {
            break;
        }
        let style = theme.banner(*kind);
        let glyphs = theme.glyphs();
        let text = &glyphs.words_in_set(text);
        fill_row(buf, area, y, style);
        let line = fit(
            area.width,
            [
                Line::styled(
                    format!("{0}{0} {text} {1}{1}", glyphs.pointer, glyphs.pointer_back),
                    style,
                ),
                Line::styled(
                    shortened(text, usize::from(area.width), glyphs.ellipsis),
                    style,
                ),
            ],
        );
        let line = if paint::line_width(&line) == 0 {
            // Too narrow even for the words: show what fits; a banner must not vanish.
            Line::styled(text.clone(), style)
        } else {
            line
        };
        put_centered(buf, area, y, &line);
    }
}

/// `as of 11:20:34 (3 m ago)`: the time the figures stopped at, and how long ago.
pub(crate) fn as_of_words(as_of: AsOf, tz: chrono_tz::Tz) -> String {
    format!("as of {} ({} ago)", clock(as_of.at, tz), ago(as_of.ago_s))
}

/// `45 s`, `3 m`, `2 h 5 m`.
pub(crate) fn ago(seconds: u64) -> String {
    match seconds {
        0..60 => format!("{seconds} s"),
        60..3600 => format!("{} m", seconds / 60),
        _ => match (seconds / 3600, seconds % 3600 / 60) {
            (hours, 0) => format!("{hours} h"),
            (hours, minutes) => format!("{hours} h {minutes} m"),
        },
    }
}

/// The mode as a word for the header: LIVE only when the feed is live.
fn mode_word(mode: Mode, feed: &FeedStatus, glyphs: &Glyphs) -> String {
    match mode {
        Mode::Live | Mode::Training { .. } if feed.state.is_not_live() => "NOT LIVE".to_string(),
        Mode::Live => match feed.state {
            FeedState::Live => "LIVE".to_string(),
            FeedState::Ended => "ENDED".to_string(),
            _ => "CONNECTING".to_string(),
        },
        Mode::Training { paused: true, .. } => "TRAINING PAUSED".to_string(),
        Mode::Training { speed: s, .. } => format!("TRAINING {}", glyphs.speed(s)),
        Mode::Demo => "DEMO".to_string(),
        Mode::Replay { speed: s, paused } => {
            let paused = if paused { " PAUSED" } else { "" };
            format!("REPLAY {}{paused}", glyphs.speed(s))
        }
    }
}

/// One line: force name and scope on the left; window, layout (where room), mode and
/// clock on the right. The window is never dropped before the mode.
pub(crate) fn draw_header(
    area: Rect,
    buf: &mut Buffer,
    board: &Board,
    layout: &str,
    theme: &Theme,
) {
    if area.is_empty() {
        return;
    }
    let scope = match &board.scope_code {
        Some(code) => format!("{} ({code})", board.scope_label),
        None => "whole force".to_string(),
    };
    let windows: Vec<Span> = board
        .window_labels
        .iter()
        .enumerate()
        .flat_map(|(i, label)| {
            let text = format!("{}:{label}", i + 1);
            let span = if *label == board.window.label {
                Span::styled(format!("[{text}]"), theme.selected())
            } else {
                Span::styled(text, theme.dim())
            };
            [Span::raw(" "), span]
        })
        .collect();
    let mode = Span::styled(
        mode_word(board.mode, &board.feed, theme.glyphs()),
        theme.bold(),
    );
    // While the feed is not live the figures stop: the time says when, and how long ago.
    let time = match board.feed.as_of {
        Some(as_of) => Span::styled(as_of_words(as_of, board.tz), theme.bold()),
        None => Span::styled(clock(board.now, board.tz), theme.bold()),
    };
    let day = Span::styled(
        date(board.now, board.tz, board.dates_with_year),
        theme.dim(),
    );
    let sep = || Span::styled(theme.glyphs().sep(), theme.dim());
    let window_one = Span::styled(format!("window {}", board.window.label), theme.bold());

    let mut right_full = vec![Span::raw("window")];
    right_full.extend(windows.iter().cloned());
    let mut right_layout = right_full.clone();
    right_layout.extend([sep(), Span::styled(format!("layout {layout}"), theme.dim())]);
    right_full.extend([
        sep(),
        mode.clone(),
        sep(),
        day.clone(),
        Span::raw(" "),
        time.clone(),
    ]);
    // Keep room on the left for at least the scope's own name.
    let scope_min = match &board.scope_code {
        Some(_) => scope.clone(),
        None => board.force_name.clone(),
    };
    let reserve = (crate::ui::widgets::text::width(&scope_min) as u16 + 1).min(area.width / 3);
    right_layout.extend(right_full[right_full.len() - 6..].iter().cloned());
    let window_short = Span::styled(board.window.label.clone(), theme.bold());
    let right = fit(
        area.width - reserve,
        [
            Line::from(right_layout),
            Line::from(right_full),
            Line::from(vec![
                window_one.clone(),
                sep(),
                mode.clone(),
                sep(),
                day,
                Span::raw(" "),
                time.clone(),
            ]),
            Line::from(vec![window_one, sep(), mode.clone(), sep(), time.clone()]),
            Line::from(vec![window_short.clone(), sep(), mode, sep(), time.clone()]),
            Line::from(vec![window_short, Span::raw(" "), time.clone()]),
            Line::from(vec![time]),
        ],
    );
    let room = area
        .width
        .saturating_sub(paint::line_width(&right) as u16 + 1);
    let name = Span::styled(board.force_name.clone(), theme.bold());
    let scope_span = Span::styled(scope.clone(), theme.bold());
    let name_and_scope = Line::from(vec![name.clone(), sep(), Span::raw(scope.clone())]);
    let mut candidates = Vec::new();
    // On a cluster of many forces, the subject says whose feed the figures are.
    let subject = board
        .feed
        .source
        .as_ref()
        .and_then(|source| source.subject.as_ref())
        .map(|subject| Span::raw(subject.clone()));
    if let Some(subject) = &subject {
        candidates.push(Line::from(vec![
            name.clone(),
            sep(),
            subject.clone(),
            sep(),
            Span::raw(scope.clone()),
        ]));
    }
    match (&subject, &board.scope_code) {
        // An area's board: its name before the subject.
        (_, Some(_)) => candidates.extend([name_and_scope, Line::from(vec![scope_span])]),
        // The whole force's: the subject before the words "whole force".
        (Some(subject), None) => candidates.extend([
            Line::from(vec![name.clone(), sep(), subject.clone()]),
            name_and_scope,
        ]),
        (None, None) => candidates.push(name_and_scope),
    }
    candidates.push(Line::from(vec![name]));
    candidates.push(Line::styled(
        board.scope_code.clone().unwrap_or_else(|| "force".into()),
        theme.bold(),
    ));
    let left = fit(room, candidates);
    put_line(buf, area, area.x, area.y, &left);
    let x = area
        .right()
        .saturating_sub(paint::line_width(&right) as u16);
    put_line(buf, area, x, area.y, &right);
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNAUTHORISED: &str =
        "FEED DOWN — HTTP 401 Unauthorized (check FORCEBOARD_TOKEN) — retrying in 8 s";

    #[test]
    fn the_down_banner_names_its_cause_and_what_to_check() {
        let cause = Some(DownCause::Http { status: 401 });
        assert_eq!(down_words(cause, 8), UNAUTHORISED);
        assert_eq!(
            down_words(Some(DownCause::ConnectionRefused), 3),
            "FEED DOWN — connection refused — retrying in 3 s"
        );
        assert_eq!(down_words(None, 3), "FEED DOWN — retrying in 3 s");
    }

    #[test]
    fn a_failing_recording_has_a_banner_until_acknowledged() {
        let mut failing = RecordingStatus {
            failed: Some("disk full".to_string()),
            lost: 12,
            acknowledged: false,
        };
        assert_eq!(
            recording_failed(Some(&failing)).as_deref(),
            Some("RECORDING FAILED — disk full — 12 lines lost (r to dismiss)")
        );
        failing.acknowledged = true;
        assert_eq!(recording_failed(Some(&failing)), None);
        let resumed = RecordingStatus {
            failed: None,
            lost: 12,
            acknowledged: false,
        };
        assert_eq!(recording_failed(Some(&resumed)), None);
        assert_eq!(recording_failed(None), None);
    }

    #[test]
    fn a_narrow_banner_drops_the_hint_then_whole_words() {
        // 76 columns in all; without " (check FORCEBOARD_TOKEN)" 51.
        assert_eq!(shortened(UNAUTHORISED, 76, "…"), UNAUTHORISED);
        assert_eq!(
            shortened(UNAUTHORISED, 75, "…"),
            "FEED DOWN — HTTP 401 Unauthorized — retrying in 8 s"
        );
        // 34 columns: "FEED DOWN — HTTP 401 Unauthorized" is 33, and "…" makes 34.
        assert_eq!(
            shortened(UNAUTHORISED, 34, "…"),
            "FEED DOWN — HTTP 401 Unauthorized…"
        );
        assert_eq!(shortened(UNAUTHORISED, 33, "…"), "FEED DOWN — HTTP 401…");
    }
}
