//! The footer: feed state, events per minute, rejected lines, and the keys.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::format;
use crate::ui::board::Board;
use crate::ui::status::{FeedState, Mode, RecordingStatus};

use crate::ui::widgets::paint;
use crate::ui::widgets::text::{fit, put_line};
use crate::ui::widgets::theme::Theme;

pub(crate) fn draw(frame: &mut Frame, area: Rect, board: &Board, theme: &Theme) {
    if area.is_empty() {
        return;
    }
    let feed = &board.feed;
    let (state, style) = match feed.state {
        FeedState::Connecting => ("CONNECTING".to_string(), theme.warning()),
        // Flowing: say where from, so a demo or a replay is never taken for the live feed.
        FeedState::Live => match board.mode {
            Mode::Live => ("LIVE".to_string(), theme.good()),
            Mode::Training { speed } => (
                format!("TRAINING {}", theme.glyphs().speed(speed)),
                theme.warning(),
            ),
            Mode::Demo => ("DEMO".to_string(), theme.warning()),
            Mode::Replay { .. } => ("REPLAY".to_string(), theme.warning()),
        },
        FeedState::Stale { silent_s } => (format!("STALE {silent_s} s"), theme.warning()),
        FeedState::Down { retry_in_s } => (format!("DOWN retry {retry_in_s} s"), theme.bad()),
        FeedState::Ended => ("ENDED".to_string(), theme.warning()),
    };
    let rate = format::per_minute(feed.events_per_min);
    let rejected_style = if feed.rejected > 0 {
        theme.warning()
    } else {
        theme.dim()
    };
    let last = feed
        .last_event_age_s
        .map(|age| format!("last event {age} s ago"));
    let sep = || Span::styled(theme.glyphs().sep(), theme.dim());
    let feed_word = Span::styled("feed ", theme.dim());
    let state = Span::styled(state, style);
    let (record_long, record_short) = recording(feed.recording.as_ref(), theme);
    let mut long = vec![
        feed_word.clone(),
        state.clone(),
        sep(),
        Span::raw(format!("{rate} events/min")),
    ];
    if let Some(last) = &last {
        long.extend([sep(), Span::raw(last.clone())]);
    }
    long.extend([
        sep(),
        Span::styled(format!("{} rejected", feed.rejected), rejected_style),
    ]);
    long.extend(record_long);
    let mut short = vec![
        feed_word,
        state.clone(),
        sep(),
        Span::raw(format!("{rate}/min")),
        sep(),
        Span::styled(format!("{} rej", feed.rejected), rejected_style),
    ];
    short.extend(record_short.clone());
    let mut least = vec![state];
    least.extend(record_short);
    // Always leave room for "? help  q quit".
    let left_room = area.width.saturating_sub(16);
    let left = fit(
        left_room,
        [Line::from(long), Line::from(short), Line::from(least)],
    );

    let key = |k: &str| Span::styled(k.to_string(), theme.bold());
    let word = |w: &str| Span::styled(w.to_string(), theme.dim());
    let windows = match board.window_labels.len() {
        0 | 1 => "1".to_string(),
        n => format!("1-{}", n.min(9)),
    };
    let mut full = vec![
        key(&windows),
        word(" window  "),
        key("a"),
        word(" area  "),
        key("v"),
        word(" layout  "),
        key("e"),
        word(" rejects  "),
        key("?"),
        word(" help  "),
        key("q"),
        word(" quit"),
    ];
    if matches!(board.mode, Mode::Replay { .. }) {
        full.insert(0, word("  "));
        full.insert(0, word(" pause"));
        full.insert(0, key("space"));
    }
    let brief = vec![key("?"), word(" help  "), key("q"), word(" quit")];
    let room = area
        .width
        .saturating_sub(paint::line_width(&left) as u16 + 2);
    let right = fit(room, [Line::from(full), Line::from(brief)]);
    let buf = frame.buffer_mut();
    put_line(buf, area, area.x, area.y, &left);
    let x = area
        .right()
        .saturating_sub(paint::line_width(&right) as u16);
    put_line(buf, area, x, area.y, &right);
}

/// The footer's words on `--record` (long and short): RECORDING FAILED and why while
/// writes fail; the lines lost, once any were.
fn recording(
    recording: Option<&RecordingStatus>,
    theme: &Theme,
) -> (Vec<Span<'static>>, Vec<Span<'static>>) {
    let Some(recording) = recording else {
        return (Vec::new(), Vec::new());
    };
    let sep = || Span::styled(theme.glyphs().sep(), theme.dim());
    let lost = recording.lost;
    match &recording.failed {
        Some(reason) => {
            let failed = format!("RECORDING FAILED {} {reason}", theme.glyphs().dash);
            (
                vec![
                    sep(),
                    Span::styled(failed.clone(), theme.bad()),
                    Span::styled(format!(" ({lost} lost)"), theme.bad()),
                ],
                vec![sep(), Span::styled(failed, theme.bad())],
            )
        }
        None if lost > 0 => (
            vec![
                sep(),
                Span::styled(format!("recording: {lost} lines lost"), theme.warning()),
            ],
            vec![
                sep(),
                Span::styled(format!("rec {lost} lost"), theme.warning()),
            ],
        ),
        None => (Vec::new(), Vec::new()),
    }
}
