//! A served recording on the board (`TRAINING`): paused by the trainer, and dated years
//! before the wall clock. The cases of [`ui_snapshots`](super::ui_snapshots): the worked
//! example at 2024-07-01T12:00:00Z (13:00:00 BST).

use forceboard::time::parse_rfc3339;
use forceboard::ui::{LayoutChoice, Mode};

use super::ui_snapshots::{Case, screen_text};

/// A served recording the trainer has paused: the banner, the header and the footer say
/// `TRAINING — PAUSED at 13:00:00` at every layout, and the feed is still live.
#[test]
fn training_paused() {
    let mut paused = Case::new(LayoutChoice::Auto);
    paused.mode = Mode::Training {
        speed: 0.0,
        paused: true,
    };
    let terminal = paused.render(80, 24);
    let text = screen_text(&terminal);
    assert!(
        text.contains("TRAINING — PAUSED at 13:00:00 — Mon 1 Jul"),
        "{text}"
    );
    assert!(
        text.contains("feed TRAINING — PAUSED at 13:00:00"),
        "{text}"
    );
    insta::assert_snapshot!("training_paused_80x24", terminal.backend());

    paused.view.layout = LayoutChoice::Wall;
    insta::assert_snapshot!(
        "training_paused_wall_120x40",
        paused.render(120, 40).backend()
    );
    insta::assert_snapshot!(
        "training_paused_micro_60x20",
        paused.render(60, 20).backend()
    );
    let one_line = screen_text(&paused.render(39, 11));
    assert!(
        one_line.starts_with("TRAINING — PAUSED at 13:00:00 "),
        "{one_line}"
    );
}

/// A served recording of 1 July 2024 watched on 5 December 2026: every date says its year.
#[test]
fn training_dated_years_ago_says_the_year() {
    let mut served = Case::new(LayoutChoice::Auto);
    served.mode = Mode::Training {
        speed: 20.0,
        paused: false,
    };
    served.wall = parse_rfc3339("2026-12-05T15:00:00Z").unwrap();
    let terminal = served.render(120, 40);
    let text = screen_text(&terminal);
    assert!(
        text.contains("TRAINING ×20 — 13:00:00 Mon 1 Jul 2024 —"),
        "{text}"
    );
    assert!(text.contains("Mon 1 Jul 2024 13:00:00 BST"), "{text}");
    insta::assert_snapshot!("training_dated_years_ago_120x40", terminal.backend());
    // Paused, on the wall layout: the banner says the year too.
    served.mode = Mode::Training {
        speed: 0.0,
        paused: true,
    };
    served.view.layout = LayoutChoice::Wall;
    let terminal = served.render(200, 60);
    let text = screen_text(&terminal);
    assert!(
        text.contains("TRAINING — PAUSED at 13:00:00 — Mon 1 Jul 2024 —"),
        "{text}"
    );
    insta::assert_snapshot!("training_paused_years_ago_wall_200x60", terminal.backend());
    // A day away exactly is still this week's date: no year.
    served.wall = parse_rfc3339("2024-07-02T12:00:00Z").unwrap();
    let text = screen_text(&served.render(200, 60));
    assert!(text.contains("Mon 1 Jul —"), "{text}");
}
