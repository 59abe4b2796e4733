//! The footer: feed state, events per minute, rejected lines, and the keys.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::format;
use crate::ui::board::Board;
use crate::ui::keymap::{self, Applies, Binding, Hint};
use crate::ui::status::{FeedState, Mode, RecordingStatus};

use crate::ui::widgets::paint;
use crate::ui::widgets::text::{fit, put_line};
use crate::ui::widgets::theme::Theme;

/// The feed's words at the left, as many as fit beside the keys' hints at the right.
pub(crate) fn draw(area: Rect, buf: &mut Buffer, board: &Board, theme: &Theme) {
    if area.is_empty() {
        return;
    }
    let [every_hint, essential_hints] = key_hints(board, theme);
    // Always leave room for the essential hints ("? help  q quit").
    let hints_room = paint::line_width(&essential_hints) as u16 + 2;
    let left = fit(
        area.width.saturating_sub(hints_room),
        feed_lines(board, theme),
    );
    let room = area
        .width
        .saturating_sub(paint::line_width(&left) as u16 + 2);
    let right = fit(room, [every_hint, essential_hints]);
    put_line(buf, area, area.x, area.y, &left);
    let x = area
        .right()
        .saturating_sub(paint::line_width(&right) as u16);
    put_line(buf, area, x, area.y, &right);
}

/// The feed's state: the word, and its style.
fn feed_state(board: &Board, theme: &Theme) -> Span<'static> {
    let (state, style) = match board.feed.state {
        FeedState::Connecting => ("CONNECTING".to_string(), theme.warning()),
        // Flowing: say where from, so a demo or a replay is never taken for the live feed.
        FeedState::Live => match board.mode {
            Mode::Live => ("LIVE".to_string(), theme.good()),
            Mode::Training { paused: true, .. } => (
                theme
                    .glyphs()
                    .words_in_set(&super::header::paused_at(board)),
                theme.warning(),
            ),
            Mode::Training { speed, .. } => (
                format!("TRAINING {}", theme.glyphs().speed(speed)),
                theme.warning(),
            ),
            Mode::Demo => ("DEMO".to_string(), theme.warning()),
            Mode::Replay { .. } => ("REPLAY".to_string(), theme.warning()),
        },
        FeedState::Stale { silent_s } => (format!("STALE {silent_s} s"), theme.warning()),
        FeedState::Down { retry_in_s } => (format!("DOWN retry {retry_in_s} s"), theme.bad()),
        FeedState::Ended => ("ENDED".to_string(), theme.warning()),
        FeedState::NoEvents => ("NO EVENTS YET".to_string(), theme.warning()),
        FeedState::Reconnecting => ("RECONNECTING".to_string(), theme.warning()),
    };
    Span::styled(state, style)
}

/// The feed's words, longest first: state, rate, last event, rejected lines and the
/// recording; then without the last event's age; then shorter; then the state and the
/// source; then the state alone.
fn feed_lines(board: &Board, theme: &Theme) -> [Line<'static>; 5] {
    let feed = &board.feed;
    let rate = format::per_minute(feed.events_per_min);
    let rejected_style = if feed.rejected > 0 {
        theme.warning()
    } else {
        theme.dim()
    };
    let sep = || Span::styled(theme.glyphs().sep(), theme.dim());
    let feed_word = Span::styled("feed ", theme.dim());
    let state = feed_state(board, theme);
    let (record_long, record_short) = recording(feed.recording.as_ref(), theme);
    // Where the feed comes from, on every layout that has a footer.
    let source: Vec<Span<'static>> = feed
        .source
        .iter()
        .flat_map(|source| [sep(), Span::raw(source.name.clone())])
        .collect();
    let mut long = vec![feed_word.clone(), state.clone()];
    long.extend(source.iter().cloned());
    long.extend([sep(), Span::raw(format!("{rate} events/min"))]);
    // Without the last event's age, when the whole does not fit.
    let mut shorter = long.clone();
    if let Some(age) = feed.last_event_age_s {
        long.extend([sep(), Span::raw(format!("last event {age} s ago"))]);
    }
    let rejected = [
        sep(),
        Span::styled(format!("{} rejected", feed.rejected), rejected_style),
    ];
    long.extend(rejected.clone());
    long.extend(record_long.clone());
    shorter.extend(rejected);
    shorter.extend(record_long);
    let mut short = vec![feed_word, state.clone()];
    short.extend(source.iter().cloned());
    short.extend([
        sep(),
        Span::raw(format!("{rate}/min")),
        sep(),
        Span::styled(format!("{} rej", feed.rejected), rejected_style),
    ]);
    short.extend(record_short.clone());
    let mut named = vec![state.clone()];
    named.extend(source);
    named.extend(record_short.clone());
    let mut least = vec![state];
    least.extend(record_short);
    [
        Line::from(long),
        Line::from(shorter),
        Line::from(short),
        Line::from(named),
        Line::from(least),
    ]
}

/// The keys' hints from the keymap: every one that applies to this board (the keys
/// particular to it, such as a replay's, first), and the essential ones alone.
fn key_hints(board: &Board, theme: &Theme) -> [Line<'static>; 2] {
    let mut offered: Vec<&Binding> = keymap::KEYMAP
        .iter()
        .filter(|binding| binding.hint != Hint::Never && binding.applies.to(board))
        .collect();
    offered.sort_by_key(|binding| binding.applies == Applies::Everywhere);
    let essential = offered
        .iter()
        .copied()
        .filter(|binding| matches!(binding.hint, Hint::Always(_)));
    [
        hint_line(offered.iter().copied(), board, theme),
        hint_line(essential, board, theme),
    ]
}

/// `? help  q quit`: each row's keys in bold and its hint, two spaces apart.
fn hint_line<'a>(
    bindings: impl Iterator<Item = &'a Binding>,
    board: &Board,
    theme: &Theme,
) -> Line<'static> {
    let mut spans = Vec::new();
    for binding in bindings {
        let Some(label) = binding.hint.label() else {
            continue;
        };
        let keys = binding.footer_keys(board.window_labels.len());
        if keys.is_empty() {
            continue;
        }
        if !spans.is_empty() {
            spans.push(Span::styled("  ", theme.dim()));
        }
        spans.push(Span::styled(
            keymap::in_glyphs(&keys, theme.glyphs()),
            theme.bold(),
        ));
        spans.push(Span::styled(format!(" {label}"), theme.dim()));
    }
    Line::from(spans)
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
