//! What the trainer's console shows: the recording's time, playing or paused at what
//! speed, where in the recording, the boards connected, what comes next, and the keys —
//! the replay keys, from the one key table. Pure: drawn from the room's state and the
//! wall time.

use chrono::TimeZone;
use chrono_tz::Tz;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span as Text};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use crate::serve::RoomStatus;
use crate::time::{Span, Timestamp, to_utc};
use crate::ui::keymap::{Applies, KEYMAP};

/// What the console knows besides the room: the typed `goto` time, the last answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ConsoleState {
    /// While `g` is being answered: what has been typed so far.
    pub(crate) goto: Option<String>,
    /// The last command's outcome, or why it was refused.
    pub(crate) message: Option<String>,
}

fn local(at: Timestamp, zone: Tz) -> chrono::DateTime<Tz> {
    zone.from_utc_datetime(&to_utc(at).naive_utc())
}

/// `20`, `0.5`: a speed without trailing zeros.
fn speed(speed: f64) -> String {
    let text = format!("{speed:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// How far `position` is through `first`–`last`, as a bar `width` cells wide.
fn progress(position: Timestamp, first: Timestamp, last: Timestamp, width: usize) -> String {
    let whole = (last - first).nanos().max(1) as f64;
    let done = ((position - first).nanos() as f64 / whole).clamp(0.0, 1.0);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let filled = ((done * width as f64).round() as usize).min(width);
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

/// The keys of the console: the replay rows of the key table, then `g` and `q`.
fn keys_line() -> String {
    let mut keys: Vec<String> = KEYMAP
        .iter()
        .filter(|binding| binding.applies == Applies::Replay)
        .map(|binding| {
            let names: Vec<String> = binding.keys(0).map(crate::ui::keymap::Key::name).collect();
            format!("{} {}", names.join(" "), binding.help)
        })
        .collect();
    keys.push("g go to a time".to_string());
    keys.push("q quit (stops serving)".to_string());
    keys.join(" · ")
}

/// Draws the console for `status` at wall time `wall` (`None`: not serving yet).
pub(crate) fn draw_console(
    status: Option<&RoomStatus>,
    state: &ConsoleState,
    (zone, wall): (Tz, Timestamp),
    area: Rect,
    buf: &mut Buffer,
) {
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let mut lines = vec![Line::from(Text::styled(
        "forceboard serve — the training room",
        bold.add_modifier(Modifier::REVERSED),
    ))];
    match status {
        None => lines.push(Line::from("starting…")),
        Some(status) => {
            let position = status.position(wall);
            let at = local(position, zone);
            lines.push(Line::from(""));
            lines.push(Line::from(vec![
                Text::raw("RECORDING  "),
                Text::styled(at.format("%H:%M:%S").to_string(), bold),
                Text::raw(at.format("  %a %-d %b %Y  %Z").to_string()),
            ]));
            let state_words = if status.is_paused() {
                format!(
                    "PAUSED at {} (×{} when resumed)",
                    at.format("%H:%M:%S"),
                    speed(status.speed())
                )
            } else {
                format!("PLAYING ×{}", speed(status.speed()))
            };
            lines.push(Line::from(vec![
                Text::raw("CLOCK      "),
                Text::styled(state_words, bold),
            ]));
            let bar_width = usize::from(area.width.saturating_sub(28)).clamp(10, 60);
            lines.push(Line::from(format!(
                "POSITION   {} {} {}",
                local(status.first, zone).format("%H:%M"),
                progress(position, status.first, status.last, bar_width),
                local(status.last, zone).format("%H:%M"),
            )));
            lines.push(Line::from(format!(
                "START      {} (Home returns here)",
                local(status.start, zone).format("%H:%M:%S %a %-d %b")
            )));
            if status.offset() != Span::ZERO {
                lines.push(Line::from(format!(
                    "SERVED AS  {} (re-dated)",
                    local(status.clock.served(position), zone).format("%H:%M:%S %a %-d %b %Y")
                )));
            }
            let boards = match status.clients {
                1 => "1 board connected".to_string(),
                n => format!("{n} boards connected"),
            };
            lines.push(Line::from(format!("BOARDS     {boards}")));
            let next = match status.next {
                Some((at, kind)) => {
                    let wait = (at - position).max(Span::ZERO).whole_secs_unsigned();
                    let when = local(at, zone).format("%H:%M:%S");
                    match wait {
                        0 => format!("{when} {kind} (due now)"),
                        wait => format!("{when} {kind} (in {wait} s of recording)"),
                    }
                }
                None => "the end of the recording".to_string(),
            };
            lines.push(Line::from(format!("NEXT       {next}")));
        }
    }
    lines.push(Line::from(""));
    if let Some(typed) = &state.goto {
        lines.push(Line::from(vec![
            Text::styled("go to (HH:MM, HH:MM:SS or RFC 3339; Enter, Esc): ", bold),
            Text::raw(format!("{typed}_")),
        ]));
    }
    if let Some(message) = &state.message {
        lines.push(Line::from(message.clone()));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(keys_line()));
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .render(area, buf);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_fills_with_the_position() {
        let s = |secs| Timestamp::UNIX_EPOCH + Span::from_secs(secs);
        assert_eq!(progress(s(0), s(0), s(100), 10), "░░░░░░░░░░");
        assert_eq!(progress(s(50), s(0), s(100), 10), "█████░░░░░");
        assert_eq!(progress(s(200), s(0), s(100), 4), "████");
    }
}
