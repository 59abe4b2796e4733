//! The call handlers on the board (schema v1.1), on `TestBackend` from a real engine fed
//! fixtures/staffing.ndjson (figures worked in fixtures/README.md), at the times of its
//! states: 999 one short, covered, a growing queue, and handle time unknown (with 101's
//! staffing there, then stale) — at every layout. A feed with no staffing at all keeps
//! the tiles exactly as before: `tests/it/ui_snapshots.rs` is unchanged.

use forceboard::config::Config;
use forceboard::engine::Engine;
use forceboard::ingest::ingest_reader;
use forceboard::time::{Timestamp, parse_rfc3339};
use forceboard::ui::{Board, ColorDepth, FeedState, FeedStatus, LayoutChoice, Mode, View, draw};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const FIXTURE: &str = include_str!("../../fixtures/staffing.ndjson");

fn at(time: &str) -> Timestamp {
    parse_rfc3339(&format!("2024-07-01T{time}Z")).expect("test time")
}

fn board(now: Timestamp, view: &View) -> Board {
    board_of(FIXTURE, now, view)
}

fn board_of(feed_text: &str, now: Timestamp, view: &View) -> Board {
    let config = Config::default();
    let engine = Engine::new(config.engine_settings(None));
    let (engine, _) = ingest_reader(
        feed_text.as_bytes(),
        engine,
        config.reorder_horizon,
        Some(now),
        &mut |_, _| {},
    )
    .expect("in memory");
    let feed = FeedStatus {
        state: FeedState::Live,
        events_per_min: 4.0,
        last_event_age_s: Some(1),
        ..FeedStatus::default()
    };
    Board::build(&engine, &config, view, now, Mode::Live, feed)
}

fn render(time: &str, layout: LayoutChoice, ascii: bool, size: (u16, u16)) -> String {
    render_of(FIXTURE, at(time), layout, ascii, size)
}

fn render_of(
    feed_text: &str,
    now: Timestamp,
    layout: LayoutChoice,
    ascii: bool,
    (w, h): (u16, u16),
) -> String {
    let config = Config::default();
    let mut view = View::for_config(&config, ColorDepth::TrueColor);
    view.layout = layout;
    view.ascii = ascii;
    let board = board_of(feed_text, now, &view);
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal
        .draw(|frame| draw(frame, &board, &view))
        .expect("draws");
    terminal.backend().to_string()
}

/// The states, by the fixture's times.
const STATES: [(&str, &str); 4] = [
    ("short", "18:44:00"),
    ("covered", "18:44:30"),
    ("queue_grows", "18:45:00"),
    ("handle_unknown", "18:35:00"),
];

/// Each layout with the size it is drawn at (micro: under 80×24; one line: under 40×12).
const LAYOUTS: [(&str, LayoutChoice, (u16, u16)); 5] = [
    ("wall", LayoutChoice::Wall, (200, 60)),
    ("standard", LayoutChoice::Standard, (120, 40)),
    ("compact", LayoutChoice::Compact, (80, 24)),
    ("micro", LayoutChoice::Auto, (60, 20)),
    ("one_line", LayoutChoice::Auto, (60, 1)),
];

#[test]
fn every_state_at_every_layout() {
    for (state, time) in STATES {
        for (name, layout, size) in LAYOUTS {
            insta::assert_snapshot!(
                format!("staffing_{state}_{name}"),
                render(time, layout, false, size)
            );
        }
    }
}

#[test]
fn the_tiles_say_the_cover_in_words() {
    let standard = |time| render(time, LayoutChoice::Standard, false, (200, 60));
    let short = standard("18:44:00");
    assert!(short.contains("handlers 7 / need 8 ▲ SHORT 1"), "{short}");
    assert!(short.contains("model SL 85.9% · wait 10.6s"), "{short}");
    let narrower = render("18:44:00", LayoutChoice::Standard, false, (120, 40));
    assert!(narrower.contains("handlers 7/8 ▲ SHORT 1"), "{narrower}");
    let covered = standard("18:44:30");
    assert!(
        covered.contains("handlers 8 / need 8 ✔ COVERED"),
        "{covered}"
    );
    let grows = standard("18:45:00");
    assert!(grows.contains("▲ SHORT 4"), "{grows}");
    assert!(grows.contains("queue will grow"), "{grows}");
    let unknown = standard("18:35:00");
    assert!(unknown.contains("handle time unknown"), "{unknown}");
    // 101's snapshot is exactly an hour old at 18:44:00.
    assert!(short.contains("handlers: staffing stale"), "{short}");
}

/// A real control room's counts have two digits: at 80×24 the tile keeps the numbers and
/// the words, dropping only the glyph. The demo day at 17:00 BST has 12 on 999 where the
/// model needs 13 (fixtures/README.md: the demo is a sick evening).
#[test]
fn an_80_by_24_tile_keeps_two_digit_counts_with_the_words() {
    let compact = render_of(
        forceboard::DEMO_DAY,
        at("16:00:00"),
        LayoutChoice::Compact,
        false,
        (80, 24),
    );
    assert!(compact.contains("hdl 12/13 SHORT 1"), "{compact}");
}

#[test]
fn the_wall_shows_the_gap_in_large_type_only_when_short() {
    let wall = |time| render(time, LayoutChoice::Wall, false, (200, 60));
    // "SHORT" in the five-row block font: the top row of S, H, O, R and T.
    let top_row = "██████  ██  ██  ██████  ██████  ██████";
    let block = |text: &str| text.lines().any(|line| line.contains(top_row));
    assert!(block(&wall("18:44:00")));
    assert!(block(&wall("18:45:00")), "short by 4");
    let covered = wall("18:44:30");
    assert!(!block(&covered) && !covered.contains("SHORT"));
}

#[test]
fn ascii_mode_keeps_the_words_in_plain_ascii() {
    for (_, time) in STATES {
        for (name, layout, size) in LAYOUTS {
            let screen = render(time, layout, true, size);
            assert!(screen.is_ascii(), "{name} at {time}:\n{screen}");
        }
    }
    let short = render("18:44:00", LayoutChoice::Standard, true, (120, 40));
    assert!(short.contains("! SHORT 1"), "{short}");
    let covered = render("18:44:30", LayoutChoice::Standard, true, (120, 40));
    assert!(covered.contains("+ COVERED"), "{covered}");
}

#[test]
fn the_one_line_layout_keeps_the_breach_counts_before_the_shortfall() {
    let line = render("18:44:00", LayoutChoice::Auto, false, (60, 1));
    let wide = render("18:44:00", LayoutChoice::Auto, false, (120, 1));
    assert!(wide.contains("999 ▲ SHORT 1"), "{wide}");
    assert!(line.contains("br 0"), "{line}");
}

/// The style of the first cell of `word` on the screen.
fn style_of(terminal: &Terminal<TestBackend>, word: &str) -> ratatui::style::Style {
    let buffer = terminal.backend().buffer();
    let width = usize::from(buffer.area.width);
    let cells = buffer.content();
    let letters: Vec<String> = word.chars().map(String::from).collect();
    let start = (0..cells.len())
        .find(|&i| {
            i % width + letters.len() <= width
                && letters
                    .iter()
                    .enumerate()
                    .all(|(k, letter)| cells[i + k].symbol() == letter)
        })
        .unwrap_or_else(|| panic!("{word} on the screen"));
    cells[start].style()
}

#[test]
fn short_is_red_and_bold_and_covered_green_besides_their_words() {
    use ratatui::style::{Color, Modifier};
    let terminal = |time: &str| {
        let config = Config::default();
        let mut view = View::for_config(&config, ColorDepth::TrueColor);
        view.layout = LayoutChoice::Standard;
        let board = board(at(time), &view);
        let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
        terminal
            .draw(|frame| draw(frame, &board, &view))
            .expect("draws");
        terminal
    };
    let short = style_of(&terminal("18:44:00"), "SHORT");
    let covered = style_of(&terminal("18:44:30"), "COVERED");
    let reddish = |color: Option<Color>| matches!(color, Some(Color::Rgb(r, g, _)) if r > g);
    let greenish = |color: Option<Color>| matches!(color, Some(Color::Rgb(r, g, _)) if g > r);
    assert!(reddish(short.fg), "{short:?}");
    assert!(short.add_modifier.contains(Modifier::BOLD), "{short:?}");
    assert!(greenish(covered.fg), "{covered:?}");
}

#[test]
fn the_dumb_terminal_summary_says_the_handlers_under_each_call_line() {
    use forceboard::ui::regions::summary::summary;
    use forceboard::ui::widgets::theme::Theme;
    let config = Config::default();
    let mut view = View::for_config(&config, ColorDepth::TrueColor);
    view.ascii = true;
    let lines = summary(&board(at("18:44:00"), &view), &Theme::new(&view)).figures;
    assert_eq!(
        lines[1],
        "  999   handlers 7 / need 8 ! SHORT 1 | model SL 85.9% | wait 10.6s"
    );
    assert_eq!(lines[3], "  101   handlers: staffing stale | model -");
    assert_eq!(lines.len(), 6, "four figures and two handler lines");
}

/// Ten 999 calls answered at `answered` and ended at `ended`, 999's snapshot of
/// `on_duty` at `ended`, and `offered` more 999 calls at `offered_at`: one feed.
fn handled_feed(
    answered: &str,
    ended: &str,
    on_duty: u32,
    offered: u32,
    offered_at: &str,
) -> String {
    let mut lines = Vec::new();
    let event = |kind: &str, time: &str, rest: &str| {
        format!(r#"{{"kind":"{kind}","at":"2024-07-01T{time}Z"{rest}}}"#)
    };
    for k in 0..10 {
        let id = format!(r#","id":"H{k}""#);
        lines.push(event(
            "call_offered",
            answered,
            &format!(r#"{id},"line":"999""#),
        ));
        lines.push(event("call_answered", answered, &id));
    }
    for k in 0..10 {
        lines.push(event("call_ended", ended, &format!(r#","id":"H{k}""#)));
    }
    let snapshot = format!(r#","line":"999","on_duty":{on_duty}"#);
    lines.push(event("staffing", ended, &snapshot));
    for k in 0..offered {
        let call = format!(r#","id":"W{k}","line":"999""#);
        lines.push(event("call_offered", offered_at, &call));
    }
    lines.join("\n") + "\n"
}

/// Past the model's limit, at 11:10: ten calls handled in 3,600 s each (answered 10:00,
/// ended 11:00), 10,000 on duty, and 2,498 offered in the last 15 min, 9,992 an hour:
/// A = 9,992 / 3,600 × 3,600 = 9,992 erlangs. 10,000 handlers answer
/// 1 − C·e^(−8 × 10 / 3,600) with C(10,000, 9,992) = 0.90356: 11.6 % within 10 s, mean
/// wait C × 3,600 / 8 = 406.6 s (worked with Python's floats) — far from 90 %, and no
/// team within the model's 10,000 reaches it.
pub(crate) fn past_model_feed() -> String {
    handled_feed("10:00:00", "11:00:00", 10_000, 2_498, "11:05:00")
}

/// Handle time 0 s at 11:05: ten calls answered and ended at 11:00, 7 on duty.
pub(crate) fn handle_zero_feed() -> String {
    handled_feed("11:00:00", "11:00:00", 7, 0, "11:00:00")
}

#[test]
fn more_than_the_model_counts_to_is_said_in_words_and_short() {
    let past = past_model_feed();
    let standard = render_of(
        &past,
        at("11:10:00"),
        LayoutChoice::Standard,
        false,
        (200, 60),
    );
    assert!(
        standard.contains("handlers 10000 / more than 10,000 needed ▲ SHORT"),
        "{standard}"
    );
    assert!(standard.contains("model SL 11.6%"), "{standard}");
    assert!(!standard.contains("no model"), "{standard}");
    for (name, layout, size) in LAYOUTS {
        insta::assert_snapshot!(
            format!("staffing_past_model_{name}"),
            render_of(&past, at("11:10:00"), layout, false, size)
        );
    }
}

#[test]
fn a_handle_time_of_zero_says_why_there_is_no_model() {
    let zero = handle_zero_feed();
    let standard = render_of(
        &zero,
        at("11:05:00"),
        LayoutChoice::Standard,
        false,
        (200, 60),
    );
    assert!(
        standard.contains("handlers 7 / need - no model: handle time 0 s"),
        "{standard}"
    );
    for (name, layout, size) in LAYOUTS {
        insta::assert_snapshot!(
            format!("staffing_handle_zero_{name}"),
            render_of(&zero, at("11:05:00"), layout, false, size)
        );
    }
}
