//! The real binary in a pseudo-terminal on terminals that are not UTF-8, and on one that
//! cannot place the cursor (`TERM=dumb`).

use crate::common::pty::Board;

/// `LC_ALL=C` wins over `LANG`: every byte written, escape sequences included, is
/// 7-bit, on every layout and with the help open.
#[test]
fn a_c_locale_gets_no_byte_above_0x7f() {
    let mut board = Board::start_with_env(&[], 120, 40, &[("LC_ALL", "C")]);
    board.wait_for("DEMO DATA - not a live feed");
    board.wait_for("ON TARGET");
    // Through the wall, standard and compact layouts, then the help.
    board.press("v");
    board.wait_for("999 ANSWER - mean");
    board.press("v");
    board.wait_for("Incident Area");
    board.press("v");
    board.wait_until("the compact layout", |screen| {
        !screen.contains("Incident Area") && screen.contains("Breach watch |")
    });
    board.press("?");
    board.wait_for("+ ON TARGET  every measure met  - NO DATA");
    board.press("?");
    let raw = board.raw();
    assert!(raw.len() > 1000, "the board drew: {} bytes", raw.len());
    if let Some(at) = raw.iter().position(|b| *b > 0x7f) {
        let from = at.saturating_sub(40);
        panic!(
            "byte {:#x} at {at}: {:?}",
            raw[at],
            String::from_utf8_lossy(&raw[from..(at + 40).min(raw.len())])
        );
    }
    board.quit();
}

#[test]
fn ascii_flag_and_the_vt100_console_draw_ascii_too() {
    for (args, env) in [
        (&["--ascii"][..], &[][..]),
        (&[][..], &[("TERM", "vt100")][..]),
    ] {
        let mut board = Board::start_with_env(args, 80, 24, env);
        board.wait_for("DEMO DATA - not a live feed");
        board.wait_for("q quit");
        assert!(board.raw().iter().all(|b| *b <= 0x7f), "{args:?} {env:?}");
        board.press("q");
        assert!(board.wait_exit().success());
    }
}

/// `TERM=dumb`: lines of text, no escape sequence at all (and ASCII, in the C locale),
/// and SIGTERM ends it with the status a shell reports for it (128 + 15).
#[test]
fn a_dumb_terminal_gets_plain_lines_and_ends_on_sigterm() {
    let env = [("TERM", "dumb"), ("LC_ALL", "C")];
    let mut board = Board::start_with_env(&[], 80, 24, &env);
    board.wait_for("West Midlands Police");
    board.wait_for("DEMO DATA");
    board.wait_for("Prio");
    board.signal(15);
    let status = board.wait_exit();
    assert_eq!(status.exit_code(), 143);
    let raw = board.raw();
    assert!(!raw.contains(&0x1b), "{:?}", String::from_utf8_lossy(&raw));
    assert!(raw.iter().all(|b| *b <= 0x7f));
    let text = String::from_utf8_lossy(&raw);
    for label in ["999", "101", "Emerg", "Prio"] {
        assert!(
            text.lines()
                .any(|line| line.trim_start().starts_with(label)),
            "{label}:\n{text}"
        );
    }
}

/// On a dumb terminal `q` and Enter end the board cleanly.
#[test]
fn a_dumb_terminal_quits_on_q() {
    let mut board = Board::start_with_env(&[], 80, 24, &[("TERM", "dumb")]);
    board.wait_for("Prio");
    board.press("q\r");
    assert!(board.wait_exit().success());
    assert!(!board.raw().contains(&0x1b));
}
