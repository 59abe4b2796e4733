//! Draws the frame of `benches/frame.rs`'s `draw` group N times, for instruction counts:
//! the demo day at 17:00, the starting view, on a `TestBackend` of the given size, the
//! boards for 17:00:00 and 17:00:01 taking turns (one full draw comes first).
//!
//! `cargo build --release --example draw_frames`, then under
//! `valgrind --tool=callgrind target/release/examples/draw_frames 200 60 N` for N = 0 and
//! N = 100: the difference over 100 is the instructions of one `Terminal::draw`. Adding
//! `--toggle-collect='forceboard::ui::draw::draw'` counts only the board's render
//! (all N + 1 draws).

// A bench or example stops at the first thing that goes wrong: unwrap and expect say where.
// Its data is small and made here, so its indices and counts are cast without checks. It
// exports nothing: `pub` says what its modules share.
#![allow(
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap
)]

use std::process::ExitCode;

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use forceboard::config::Config;
use forceboard::ingest::playback::Playback;
use forceboard::ingest::replay::{Replay, ReplayOptions};
use forceboard::time::{Span, Timestamp};
use forceboard::ui::{Board, ColorDepth, FeedState, FeedStatus, Mode, View, draw};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let parsed = match args.as_slice() {
        [w, h, n] => w
            .parse::<u16>()
            .ok()
            .zip(h.parse::<u16>().ok())
            .zip(n.parse::<u64>().ok()),
        _ => None,
    };
    let Some(((width, height), frames)) = parsed else {
        eprintln!("usage: draw_frames WIDTH HEIGHT FRAMES");
        return ExitCode::from(2);
    };
    let config = Config::default();
    let Ok(playback) = Playback::read(forceboard::DEMO_DAY.as_bytes()) else {
        eprintln!("draw_frames: the demo day does not load");
        return ExitCode::from(1);
    };
    let start = playback.first_at().unwrap_or_default() + Span::from_hours(17);
    let settings = config.engine_settings(None);
    let options = ReplayOptions {
        from: Some(start),
        looping: true,
        ..ReplayOptions::default()
    };
    let replay = Replay::new(playback, settings, options, Timestamp::UNIX_EPOCH);
    let view = View::for_config(&config, ColorDepth::TrueColor);
    // As the bench: live, with the age of the last event.
    let board = |now: Timestamp| {
        let status = FeedStatus {
            state: FeedState::Live,
            events_per_min: 6.0,
            last_event_age_s: replay
                .last_event_at()
                .map(|at| (now - at).max(Span::ZERO).whole_secs() as u64),
            ..FeedStatus::default()
        };
        Board::build(replay.engine(), &config, &view, now, Mode::Demo, status)
    };
    let boards = [board(start), board(start + Span::SECOND)];
    // A `TestBackend` cannot fail.
    let Ok(mut terminal) = Terminal::new(TestBackend::new(width, height));
    for frame in 0..=frames {
        let board = std::hint::black_box(&boards[(frame % 2) as usize]);
        let Ok(_) = terminal.draw(|f| draw(f, board, &view));
    }
    ExitCode::SUCCESS
}
