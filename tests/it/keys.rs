//! The keys are one table (`forceboard::ui::keymap`), and every place that names them is
//! drawn from it: the key list in docs/guide/dashboard.md (between `<!-- keys:begin -->`
//! and `<!-- keys:end -->`) must be the table's markdown, and the help and the footer list
//! the keys that do something on the board shown, and only those.
//!
//! After the table changes on purpose, refresh the docs' list with
//! `FORCEBOARD_UPDATE_KEYS=1 cargo test --test it keys`.

use std::fs;

use forceboard::config::Config;
use forceboard::engine::Engine;
use forceboard::time::{Timestamp, parse_rfc3339};
use forceboard::ui::keymap::markdown_table;
use forceboard::ui::{
    Board, ColorDepth, FeedState, FeedStatus, Mode, Overlay, RecordingStatus, View, draw,
};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::docs::{read, root};

const BEGIN: &str = "<!-- keys:begin -->\n";
const END: &str = "<!-- keys:end -->";
const PAGE: &str = "docs/guide/dashboard.md";

/// Where the key list sits in `page`: the byte range between the two markers.
fn key_list(page: &str) -> Result<std::ops::Range<usize>, String> {
    let count = |marker: &str| page.matches(marker.trim_end()).count();
    if count(BEGIN) != 1 || count(END) != 1 {
        return Err(format!("{PAGE} must hold {BEGIN:?} and {END:?} once each"));
    }
    let start = page.find(BEGIN).map(|at| at + BEGIN.len());
    let end = page.find(END);
    match (start, end) {
        (Some(start), Some(end)) if start <= end => Ok(start..end),
        _ => Err(format!(
            "{PAGE}: {BEGIN:?} must come first, on a line of its own"
        )),
    }
}

#[test]
fn the_docs_key_list_is_the_keymap() {
    let path = root().join(PAGE);
    let page = read(&path);
    let block = key_list(&page).unwrap_or_else(|problem| panic!("{problem}"));
    let table = markdown_table();
    if std::env::var_os("FORCEBOARD_UPDATE_KEYS").is_some() {
        let refreshed = format!("{}{table}{}", &page[..block.start], &page[block.end..]);
        fs::write(&path, refreshed).expect("the page written");
        return;
    }
    assert!(
        page[block] == table,
        "the key list in {PAGE} is not the keymap's; refresh it with \
         FORCEBOARD_UPDATE_KEYS=1 cargo test --test it keys\n\nthe keymap's:\n{table}"
    );
}

#[test]
fn the_key_list_is_found_only_between_its_markers() {
    let page = format!("intro\n{BEGIN}| a |\n{END}\nafter\n");
    assert_eq!(&page[key_list(&page).expect("found")], "| a |\n");
    assert!(key_list("no markers").is_err());
    assert!(key_list(&format!("{END}\n{BEGIN}")).is_err());
    assert!(key_list(&format!("{BEGIN}{END}\n{BEGIN}{END}")).is_err());
}

fn now() -> Timestamp {
    parse_rfc3339("2024-07-01T12:00:00Z").expect("a valid time")
}

/// A board with no events (the keys do not depend on the figures) on `config`, drawn at
/// `width`×`height` with `overlay` open; the screen's text.
fn screen(
    config: &Config,
    mode: Mode,
    feed: FeedStatus,
    overlay: Overlay,
    size: (u16, u16),
) -> String {
    let engine = Engine::new(config.engine_settings(None));
    let mut view = View::for_config(config, ColorDepth::TrueColor);
    view.overlay = overlay;
    let board = Board::build(&engine, config, &view, now(), mode, feed);
    let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).expect("a test terminal");
    terminal
        .draw(|frame| draw(frame, &board, &view))
        .expect("drawing on TestBackend");
    terminal.backend().to_string()
}

fn live() -> FeedStatus {
    FeedStatus {
        state: FeedState::Live,
        ..FeedStatus::default()
    }
}

fn recording() -> FeedStatus {
    FeedStatus {
        recording: Some(RecordingStatus {
            failed: Some("disk full".into()),
            lost: 3,
            acknowledged: false,
        }),
        ..live()
    }
}

const REPLAY: Mode = Mode::Replay {
    speed: 1.0,
    paused: false,
};

#[test]
fn the_help_lists_the_replay_keys_only_on_a_replay_and_r_only_while_recording() {
    let config = Config::default();
    let help = |mode, feed| screen(&config, mode, feed, Overlay::Help, (120, 40));
    let replay_lines = [
        "space   pause / resume",
        "+ -     double / halve the speed",
        "← →     seek 1 minute back / forward",
        "[ ]     seek 15 minutes back / forward",
        "Home    back to the start",
    ];
    let dismiss = "r       dismiss a RECORDING FAILED banner";
    let on_replay = help(REPLAY, live());
    let on_live = help(Mode::Live, live());
    let recorded = help(Mode::Live, recording());
    for line in replay_lines {
        assert!(on_replay.contains(line), "{line:?} in\n{on_replay}");
        assert!(!on_live.contains(line), "{line:?} in\n{on_live}");
        assert!(!recorded.contains(line), "{line:?} in\n{recorded}");
    }
    assert!(recorded.contains(dismiss), "{recorded}");
    assert!(!on_live.contains(dismiss), "{on_live}");
    assert!(!on_replay.contains(dismiss), "{on_replay}");
    for board in [&on_replay, &on_live, &recorded] {
        assert!(board.contains("q Esc   quit"), "{board}");
        assert!(board.contains("Keys — ? or Esc to close"), "{board}");
    }
}

/// The keys of a replay's help fit an 80×24 terminal, banner and all; the legend below
/// them is reached by scrolling, to its last line.
#[test]
fn the_replay_help_fits_the_smallest_board() {
    let config = Config::default();
    let help = screen(&config, REPLAY, live(), Overlay::Help, (80, 24));
    for line in ["1 2 3   window", "Home    back to the start", "↑↓ 1-"] {
        assert!(help.contains(line), "{line:?} in\n{help}");
    }
    assert!(!help.contains("Layout  auto picks"), "{help}");
    let engine = Engine::new(config.engine_settings(None));
    let mut view = View::for_config(&config, ColorDepth::TrueColor);
    view.overlay = Overlay::Help;
    view.overlay_scroll = u16::MAX;
    let board = Board::build(&engine, &config, &view, now(), REPLAY, live());
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("a test terminal");
    terminal
        .draw(|frame| draw(frame, &board, &view))
        .expect("drawing on TestBackend");
    let end = terminal.backend().to_string();
    for line in ["Lists   BREACHED", "Layout  auto picks"] {
        assert!(end.contains(line), "{line:?} in\n{end}");
    }
}

/// The last row of a screen, trailing spaces trimmed.
fn footer(screen: &str) -> String {
    let last = screen.lines().last().unwrap_or_default();
    last.trim_matches('"').trim_end().to_string()
}

#[test]
fn the_footer_offers_a_replays_pause_first_and_the_essential_keys_when_narrow() {
    let config = Config::default();
    let wide = footer(&screen(&config, REPLAY, live(), Overlay::None, (200, 60)));
    assert!(
        wide.ends_with("space pause  1-3 window  a area  v layout  e rejects  ? help  q quit"),
        "{wide}"
    );
    let live_wide = footer(&screen(
        &config,
        Mode::Live,
        live(),
        Overlay::None,
        (200, 60),
    ));
    assert!(
        live_wide.ends_with("  1-3 window  a area  v layout  e rejects  ? help  q quit"),
        "{live_wide}"
    );
    assert!(!live_wide.contains("pause"), "{live_wide}");
    let narrow = footer(&screen(&config, REPLAY, live(), Overlay::None, (80, 24)));
    assert!(narrow.ends_with("   ? help  q quit"), "{narrow}");
}

#[test]
fn the_window_keys_follow_the_configured_windows() {
    let five = Config::parse(r#"windows = ["5m", "15m", "1h", "4h", "24h"]"#).expect("a config");
    let wide = footer(&screen(&five, Mode::Live, live(), Overlay::None, (200, 60)));
    assert!(wide.contains("  1-5 window  a area"), "{wide}");
    let help = screen(&five, Mode::Live, live(), Overlay::Help, (120, 40));
    assert!(
        help.contains("1 2 3 4 5 window: 1 5m, 2 15m, 3 1h, 4 4h, 5 24h"),
        "{help}"
    );

    let one = Config::parse(r#"windows = ["1h"]"#).expect("a config");
    let wide = footer(&screen(&one, Mode::Live, live(), Overlay::None, (200, 60)));
    assert!(wide.contains("  1 window  a area"), "{wide}");
    let help = screen(&one, Mode::Live, live(), Overlay::Help, (120, 40));
    assert!(help.contains("1       window: 1 1h"), "{help}");
}

/// Every key the footer offers does something visible at every size from 40×12, the
/// micro layout included: `?` and `e` open their overlays, `1` changes the window the
/// header names.
#[test]
fn every_key_the_footer_offers_works_at_every_size() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use forceboard::ui::keymap::action_for;
    let config = Config::default();
    let engine = Engine::new(config.engine_settings(None));
    let areas: Vec<String> = Vec::new();
    let render = |view: &View, size: (u16, u16)| {
        let board = Board::build(&engine, &config, view, now(), Mode::Live, live());
        let mut terminal =
            Terminal::new(TestBackend::new(size.0, size.1)).expect("a test terminal");
        terminal
            .draw(|frame| draw(frame, &board, view))
            .expect("drawing on TestBackend");
        terminal.backend().to_string()
    };
    for size in [(40, 12), (45, 20), (60, 20), (79, 23), (80, 24), (120, 40)] {
        let view = View::for_config(&config, ColorDepth::TrueColor);
        let before = render(&view, size);
        assert!(
            footer(&before).ends_with("? help  q quit"),
            "{size:?}\n{before}"
        );
        let header = |screen: &str| screen.lines().next().unwrap_or_default().to_string();
        assert!(header(&before).contains("1h"), "{size:?}\n{before}");
        for (key, shows) in [('?', "Keys — ? or Esc"), ('e', "Rejected lines — e")] {
            let mut view = view.clone();
            let event = KeyEvent::new(KeyCode::Char(key), KeyModifiers::NONE);
            let action = action_for(&event).expect("a key of the table");
            view.apply(action, config.windows.len(), &areas);
            let after = render(&view, size);
            assert!(after.contains(shows), "{key} at {size:?}\n{after}");
        }
        let mut view = view.clone();
        let one = KeyEvent::new(KeyCode::Char('1'), KeyModifiers::NONE);
        view.apply(action_for(&one).expect("a window key"), 3, &areas);
        let after = render(&view, size);
        assert!(header(&after).contains("15m"), "{size:?}\n{after}");
    }
}
