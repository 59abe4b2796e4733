//! The board never breaks, whatever the terminal: every layout drawn at every size from
//! 1×1 up without a panic, and in ASCII mode nothing but printable ASCII on the screen.
//! The cases of [`ui_snapshots`](super::ui_snapshots).

use forceboard::ui::{FeedState, LayoutChoice, Mode, Overlay, draw};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::ui_snapshots::{Case, screen_text};

/// Draws `case` at every size from 1×1 to `max` and at a few big and odd ones.
fn never_panics(case: &Case, min: (u16, u16), max: (u16, u16)) {
    let board = case.board();
    let mut sizes: Vec<(u16, u16)> = Vec::new();
    for w in min.0..=max.0 {
        for h in min.1..=max.1 {
            sizes.push((w, h));
        }
    }
    sizes.extend([
        (300, 100),
        (1000, 24),
        (81, 200),
        (120, 39),
        (119, 40),
        (161, 47),
    ]);
    let mut terminal = Terminal::new(TestBackend::new(1, 1)).unwrap();
    for (w, h) in sizes {
        terminal.backend_mut().resize(w, h);
        terminal
            .resize(ratatui::layout::Rect::new(0, 0, w, h))
            .unwrap();
        terminal
            .draw(|frame| draw(frame, &board, &case.view))
            .unwrap_or_else(|e| panic!("{w}×{h}: {e}"));
    }
}

/// Every size from 1×1 to 90×30.
const ALL: ((u16, u16), (u16, u16)) = ((1, 1), (90, 30));
/// Around the smallest drawn size (everything below it is the same one line).
const NEAR_MIN: ((u16, u16), (u16, u16)) = ((70, 18), (90, 30));

#[test]
fn never_panics_auto() {
    never_panics(&Case::new(LayoutChoice::Auto), ALL.0, ALL.1);
}

#[test]
fn never_panics_wall_with_banners_and_help() {
    let mut case = Case::new(LayoutChoice::Wall);
    case.mode = Mode::Replay {
        speed: 0.5,
        paused: true,
    };
    case.feed.state = FeedState::Down { retry_in_s: 8 };
    case.view.overlay = Overlay::Help;
    never_panics(&case, ALL.0, ALL.1);
}

#[test]
fn never_panics_standard_with_an_area_and_rejects() {
    let mut case = Case::new(LayoutChoice::Standard);
    case.view.overlay = Overlay::Rejects;
    case.view.area = Some("BIR".into());
    never_panics(&case, NEAR_MIN.0, NEAR_MIN.1);
}

#[test]
fn never_panics_compact_mono_demo() {
    let mut case = Case::new(LayoutChoice::Compact);
    case.view.mono = true;
    case.mode = Mode::Demo;
    case.feed.state = FeedState::Stale { silent_s: 47 };
    never_panics(&case, NEAR_MIN.0, NEAR_MIN.1);
}

/// Every cell of the screen holds printable ASCII (a space at least).
fn assert_all_ascii(terminal: &Terminal<TestBackend>, what: &str) {
    for (i, cell) in terminal.backend().buffer().content().iter().enumerate() {
        let symbol = cell.symbol();
        assert!(
            symbol.bytes().all(|b| (b' '..=b'~').contains(&b)),
            "{what}: cell {i} holds {symbol:?}"
        );
    }
}

pub(crate) fn ascii_case(layout: LayoutChoice) -> Case {
    let mut case = Case::new(layout);
    case.view.ascii = true;
    case
}

#[test]
fn ascii_mode_draws_every_layout_in_plain_ascii() {
    let compact = ascii_case(LayoutChoice::Auto).render(80, 24);
    assert_all_ascii(&compact, "compact");
    insta::assert_snapshot!("ascii_compact_80x24", compact.backend());

    let mut standard = ascii_case(LayoutChoice::Auto);
    standard.mode = Mode::Demo;
    standard.feed.state = FeedState::Stale { silent_s: 47 };
    let standard = standard.render(120, 40);
    assert_all_ascii(&standard, "standard");
    insta::assert_snapshot!("ascii_standard_stale_120x40", standard.backend());

    let wall = ascii_case(LayoutChoice::Wall).render(200, 60);
    assert_all_ascii(&wall, "wall");
    insta::assert_snapshot!("ascii_wall_200x60", wall.backend());
}

/// The board's own symbols are ASCII in ASCII mode, not caught by the last guard: with
/// no overlay (whose help shows `?` as a key) no `?` but the footer's `? help` appears at
/// any size, layout, mode or feed state.
#[test]
fn ascii_mode_needs_no_question_marks_at_any_size() {
    let states = [
        FeedState::Live,
        FeedState::Stale { silent_s: 47 },
        FeedState::Down { retry_in_s: 8 },
    ];
    let modes = [
        Mode::Live,
        Mode::Demo,
        Mode::Replay {
            speed: 60.0,
            paused: true,
        },
        Mode::Training {
            speed: 0.5,
            paused: false,
        },
        Mode::Training {
            speed: 0.0,
            paused: true,
        },
    ];
    let layouts = [
        LayoutChoice::Auto,
        LayoutChoice::Wall,
        LayoutChoice::Standard,
    ];
    let sizes = [(30, 5), (50, 14), (80, 24), (120, 40), (200, 60)];
    for (i, (state, mode)) in states
        .iter()
        .flat_map(|s| modes.map(|m| (s, m)))
        .enumerate()
    {
        let mut case = ascii_case(layouts[i % layouts.len()]);
        case.feed.state = *state;
        case.mode = mode;
        for (w, h) in sizes {
            let terminal = case.render(w, h);
            let what = format!("{state:?} {mode:?} {w}x{h}");
            assert_all_ascii(&terminal, &what);
            let text = screen_text(&terminal).replace("? help", "");
            assert!(!text.contains('?'), "{what}:\n{text}");
        }
    }
}

#[test]
fn ascii_mode_overlays_are_ascii() {
    for overlay in [Overlay::Help, Overlay::Rejects] {
        let mut case = ascii_case(LayoutChoice::Standard);
        case.view.overlay = overlay;
        case.mode = Mode::Replay {
            speed: 60.0,
            paused: false,
        };
        assert_all_ascii(&case.render(120, 40), &format!("{overlay:?}"));
    }
}
