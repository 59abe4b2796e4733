//! The header line (force, scope, window, mode, clock) and the banners that cannot be
//! missed (training, demo, replay, feed stale / down).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::ui::board::Board;
use crate::ui::status::{FeedState, Mode};

use super::paint;
use super::text::{clock, clock_and_date, date, fill_row, fit, put_centered, put_line};
use super::theme::{Banner, Theme};
use crate::format::speed;

/// The banners for a board, most important first.
pub fn banners(board: &Board) -> Vec<(Banner, String)> {
    let mut banners = Vec::new();
    match board.mode {
        Mode::Live => {}
        Mode::Training { speed: s } => banners.push((
            Banner::Replay,
            format!(
                "TRAINING {} — {} — a served recording, not the live feed",
                speed(s),
                clock_and_date(board.now, board.tz)
            ),
        )),
        Mode::Demo => banners.push((Banner::Demo, "DEMO DATA — not a live feed".to_string())),
        Mode::Replay { speed: s, paused } => {
            let mut text = format!(
                "REPLAY {} — {}",
                speed(s),
                clock_and_date(board.now, board.tz)
            );
            if paused {
                text.push_str(" — PAUSED");
            }
            banners.push((Banner::Replay, text));
        }
    }
    match board.feed.state {
        FeedState::Live => {}
        FeedState::Connecting => banners.push((
            Banner::Warning,
            "CONNECTING TO FEED — no events yet".to_string(),
        )),
        FeedState::Stale { silent_s } => banners.push((
            Banner::Warning,
            format!("FEED STALE — last event {silent_s} s ago"),
        )),
        FeedState::Down { retry_in_s } => banners.push((
            Banner::Alarm,
            format!("FEED DOWN — retrying in {retry_in_s} s"),
        )),
        FeedState::Ended => {
            banners.push((Banner::Warning, "FEED ENDED — no new events".to_string()))
        }
    }
    banners
}

/// Draws the banners, one full-width reversed row each, from the top of `area`.
pub fn draw_banners(frame: &mut Frame, area: Rect, banners: &[(Banner, String)], theme: &Theme) {
    let buf = frame.buffer_mut();
    for (i, (kind, text)) in banners.iter().enumerate() {
        let y = area.y + i as u16;
        if y >= area.bottom() {
            break;
        }
        let style = theme.banner(*kind);
        fill_row(buf, area, y, style);
        let line = fit(
            area.width,
            [
                Line::styled(format!("▶▶ {text} ◀◀"), style),
                Line::styled(text.clone(), style),
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

/// The mode as a word for the header.
fn mode_word(mode: Mode) -> String {
    match mode {
        Mode::Live => "LIVE".to_string(),
        Mode::Training { speed: s } => format!("TRAINING {}", speed(s)),
        Mode::Demo => "DEMO".to_string(),
        Mode::Replay { speed: s, paused } => {
            format!("REPLAY {}{}", speed(s), if paused { " PAUSED" } else { "" })
        }
    }
}

/// One line: force name and scope on the left; window, mode and clock on the right.
pub fn draw_header(frame: &mut Frame, area: Rect, board: &Board, theme: &Theme) {
    let buf = frame.buffer_mut();
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
    let mode = Span::styled(mode_word(board.mode), theme.bold());
    let time = Span::styled(clock(board.now, board.tz), theme.bold());
    let day = Span::styled(date(board.now, board.tz), theme.dim());
    let sep = || Span::styled(" · ", theme.dim());
    let window_one = Span::styled(format!("window {}", board.window.label), theme.bold());

    let mut right_full = vec![Span::raw("window")];
    right_full.extend(windows.iter().cloned());
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
    let reserve = (super::text::width(&scope_min) as u16 + 1).min(area.width / 3);
    let right = fit(
        area.width - reserve,
        [
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
            Line::from(vec![mode, Span::raw(" "), time.clone()]),
            Line::from(vec![time]),
        ],
    );
    let room = area
        .width
        .saturating_sub(paint::line_width(&right) as u16 + 1);
    let name = Span::styled(board.force_name.clone(), theme.bold());
    let scope_span = Span::styled(scope.clone(), theme.bold());
    let mut candidates = vec![Line::from(vec![
        name.clone(),
        sep(),
        Span::raw(scope.clone()),
    ])];
    if board.scope_code.is_some() {
        candidates.push(Line::from(vec![scope_span]));
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
