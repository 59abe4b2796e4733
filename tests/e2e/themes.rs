//! `--theme` in a real terminal: `auto` asks the terminal for its background colour
//! (OSC 11) before the board starts and draws the light theme on a white one, the dark
//! theme on a terminal that says nothing; `--theme high-contrast` draws pure colours.

use std::time::{Duration, Instant};

use crate::common::pty::Board;

/// The light theme's red (`#be0000`) as the board writes it in 24-bit colour.
const LIGHT_RED: &str = "38;2;190;0;0";
/// The dark theme's red (`#ff453a`).
const DARK_RED: &str = "38;2;255;69;58";

fn raw_text(board: &Board) -> String {
    String::from_utf8_lossy(&board.raw()).into_owned()
}

/// Waits until the program has written `what`; the bound is only a safety net.
fn until_written(board: &Board, what: &str) {
    let started = Instant::now();
    while !raw_text(board).contains(what) {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "never wrote {what:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn auto_draws_the_light_theme_on_a_terminal_that_says_its_background_is_white() {
    let mut board =
        Board::start_with_env(&["--theme", "auto"], 120, 40, &[("COLORTERM", "truecolor")]);
    // The queries for the text and background colours, then the terminal's answers:
    // black on white, and the device attributes that say the queries are over.
    until_written(&board, "\x1b]11;?");
    board.press("\x1b]10;rgb:0000/0000/0000\x1b\\\x1b]11;rgb:ffff/ffff/ffff\x1b\\\x1b[?62;22c");
    board.wait_for("West Midlands Police");
    until_written(&board, LIGHT_RED);
    assert!(!raw_text(&board).contains(DARK_RED));
    board.quit();
}

#[test]
fn auto_is_dark_on_a_terminal_that_does_not_answer() {
    let board = Board::start_with_env(&["--theme", "auto"], 120, 40, &[("COLORTERM", "truecolor")]);
    board.wait_for("West Midlands Police");
    until_written(&board, DARK_RED);
    assert!(!raw_text(&board).contains(LIGHT_RED));
    board.quit();
}

#[test]
fn high_contrast_draws_pure_colours() {
    let board = Board::start_with_env(
        &["--theme", "high-contrast"],
        120,
        40,
        &[("COLORTERM", "truecolor")],
    );
    board.wait_for("West Midlands Police");
    // Pure red; secondary text white, not grey.
    until_written(&board, "38;2;255;0;0");
    until_written(&board, "38;2;255;255;255");
    assert!(!raw_text(&board).contains("38;2;140;140;140"));
    board.quit();
}
