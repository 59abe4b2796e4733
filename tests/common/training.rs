//! What a board in a training room must show while the trainer has paused it, checked the
//! same way whether it reads `serve` directly or through NATS.

use std::io::Cursor;

use forceboard::config::{Config, Window};
use forceboard::engine::Figures;
use forceboard::report;
use forceboard::time::{Span, Timestamp, format_utc};
use forceboard::ui::{Board, Mode, View, draw};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The figures `report RECORDING --at at --window 1h` prints for the whole force.
pub fn report_at(recording: &str, config: &Config, at: Timestamp) -> Figures {
    let window = Window::new(Span::HOUR);
    report::compute(Cursor::new(recording.as_bytes()), config, Some(at), &window)
        .expect("reads")
        .expect("a time to report at")
        .figures
        .force
}

/// Board `name` stands paused at `paused_at`, the recording's own time: its mode says
/// so, it refused nothing, its figures are `expected`, and at 80×24 its screen says
/// TRAINING, PAUSED and the time of day in the force's zone (BST in July: UTC + 1 h).
pub fn shows_paused_recording(
    name: &str,
    (board, view): (&Board, &View),
    expected: &Figures,
    paused_at: Timestamp,
) {
    assert_eq!(board.now, paused_at, "{name}: the recording's own clock");
    assert!(
        matches!(board.mode, Mode::Training { paused: true, .. }),
        "{name}: {:?}",
        board.mode
    );
    assert_eq!(
        board.feed.rejected, 0,
        "{name}: nothing refused: {:?}",
        board.feed
    );
    assert_eq!(&board.figures, expected, "{name} at {paused_at:?}");
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("a test terminal");
    terminal
        .draw(|frame| draw(frame, board, view))
        .expect("drawing on TestBackend");
    let screen: String = terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .map(ratatui::buffer::Cell::symbol)
        .collect();
    assert!(screen.contains("TRAINING"), "{name}: {screen}");
    assert!(screen.contains("PAUSED"), "{name}: {screen}");
    let shown = format_utc(paused_at + Span::HOUR);
    let time_of_day = &shown[11..19];
    assert!(
        screen.contains(time_of_day),
        "{name}: {time_of_day} in {screen}"
    );
}
