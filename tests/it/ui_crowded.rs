//! A crowded board on every screen: 29 incidents open, some breached, on layouts from the
//! wall down to a phone — what comes first, what is cut and how the board says so, and
//! that every key the footer offers still works on a small screen. The cases of
//! [`ui_snapshots`](super::ui_snapshots).

use std::fmt::Write as _;

use forceboard::ui::{Board, LayoutChoice, Overlay, View, draw};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;

use super::ui_snapshots::{Case, live_board_of, screen_text};

macro_rules! snap {
    ($name:expr, $case:expr, $w:expr, $h:expr) => {{
        let terminal = $case.render($w, $h);
        insta::assert_snapshot!($name, terminal.backend());
    }};
}

/// 29 open at 12:00: two breached priorities (PX 20 min over, PY 5 min over), three
/// emergencies with 5, 7 and 10 min left, and 24 priorities with 11 … 34 min left.
fn crowded_board(layout: LayoutChoice) -> (Board, View) {
    let mut feed = String::from(
        r#"
{"kind":"incident_created","at":"2024-07-01T10:40:00Z","id":"PX","grade":"priority","lpa":"COV"}
{"kind":"incident_created","at":"2024-07-01T10:55:00Z","id":"PY","grade":"priority","lpa":"DUD"}
{"kind":"incident_created","at":"2024-07-01T11:50:00Z","id":"EA","grade":"emergency","lpa":"BIR"}
{"kind":"incident_created","at":"2024-07-01T11:52:00Z","id":"EB","grade":"emergency","lpa":"BIR"}
{"kind":"incident_created","at":"2024-07-01T11:55:00Z","id":"EC","grade":"emergency","lpa":"BIR"}
"#,
    );
    for i in 0..24 {
        let minute = 11 + i;
        let _ = writeln!(
            feed,
            r#"{{"kind":"incident_created","at":"2024-07-01T11:{minute:02}:00Z","id":"Q{i:02}","grade":"priority","lpa":"WOL"}}"#
        );
    }
    feed.push_str(r#"{"kind":"heartbeat","at":"2024-07-01T12:00:00Z"}"#);
    live_board_of(&feed, layout)
}

fn drawn(board: &Board, view: &View, (w, h): (u16, u16)) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|frame| draw(frame, board, view)).unwrap();
    terminal
}

#[test]
fn the_breach_watch_shows_every_breach_first_and_says_what_it_cuts() {
    let (board, view) = crowded_board(LayoutChoice::Compact);
    let ids: Vec<&str> = board
        .breach_watch
        .iter()
        .take(6)
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(ids, ["PX", "PY", "EA", "EB", "EC", "Q00"]);
    assert_eq!(board.open_total, 29);

    // Compact at 80×24: a title and three rows; two incidents and `+27 more`.
    let text = screen_text(&drawn(&board, &view, (80, 24)));
    let rows: Vec<&str> = text.lines().skip(10).take(4).collect();
    assert!(rows[0].contains("29 open  2 BREACHED"), "{text}");
    assert!(
        rows[1].starts_with(" PX      COV P  1h 20m BREACHED +20m 00s"),
        "{text}"
    );
    assert!(
        rows[2].starts_with(" PY      DUD P  1h 05m BREACHED +5m 00s"),
        "{text}"
    );
    assert!(rows[3].starts_with(" +27 more"), "{text}");

    // Standard at 120×40: the table's border says how many rows it had no room for.
    let (board, view) = crowded_board(LayoutChoice::Standard);
    let text = screen_text(&drawn(&board, &view, (120, 40)));
    let watch: Vec<&str> = text
        .lines()
        .filter(|row| row.contains("BREACHED +"))
        .collect();
    assert_eq!(watch.len(), 2, "{text}");
    assert!(watch[0].contains("PX"), "{text}");
    let shown = text
        .lines()
        .filter(|row| row.contains(" priority ") || row.contains(" emergency "))
        .count();
    let more = format!("+{} more", 29 - shown);
    assert!(text.contains(&more), "{more}: {text}");
}

#[test]
fn the_area_table_says_when_areas_are_cut() {
    // Standard at 80×24 has room for the force and two of the seven areas: `+5 more`.
    let text = screen_text(&Case::new(LayoutChoice::Standard).render(80, 24));
    assert!(!text.contains("Wolverhampton"), "{text}");
    let bottom = text.lines().nth(22).unwrap_or("");
    assert!(
        bottom.starts_with('└') && bottom.contains(" +5 more "),
        "{text}"
    );
}

#[test]
fn micro_countdowns_are_graded_and_a_breach_reads_breached() {
    let terminal = Case::new(LayoutChoice::Auto).render(60, 20);
    let text = screen_text(&terminal);
    assert!(!text.contains("OVER"), "{text}");
    assert!(
        text.contains("Emerg I2            BREACHED +15m 00s"),
        "{text}"
    );
    let buffer = terminal.backend().buffer();
    let fg_of = |needle: &str| {
        let (y, row) = text
            .lines()
            .enumerate()
            .find(|(_, row)| row.contains(needle))
            .expect(needle);
        let x = row[..row.find(needle).unwrap()].chars().count();
        buffer[(x as u16, y as u16)].fg
    };
    // E2: 3 min of 15 left, the last 20 %: amber. P3: 55 min of 60 left: plain.
    assert_ne!(fg_of("▲ 3m 00s left"), Color::Reset);
    assert_eq!(fg_of("55m 00s left"), Color::Reset);
}

#[test]
fn the_wall_says_its_status_words_and_window_in_block_type() {
    // The top pixel row of `✖ 2 BREACHED` — ✖ "#...#", 2 "###", B "##.", R, E, A, C
    // "###", H "#.#", E "###", D "##." — one cell a pixel at 200×60 (the widest status,
    // `✖ 50.0% IN 10s`, is 50 pixels of the tile's 96 columns), two at 300×80.
    let top = |sx: usize| {
        let pixels = "#...#...###...##..###.###.###.###.#.#.###.##.";
        pixels
            .chars()
            .map(|p| {
                if p == '#' {
                    "█".repeat(sx)
                } else {
                    " ".repeat(sx)
                }
            })
            .collect::<String>()
    };
    let case = Case::new(LayoutChoice::Wall);
    for ((w, h), sx) in [((200, 60), 1), ((300, 80), 2)] {
        let text = screen_text(&case.render(w, h));
        assert!(text.contains(&top(sx)), "{w}x{h}: {text}");
        // The words are no longer a line of text in the tiles.
        assert!(!text.contains("✖ 2 BREACHED"), "{w}x{h}: {text}");
        // The window in the masthead: `[` is "##", `2` "###", `:` ".", `1` ".#.", `h`
        // "#..", `]` "##".
        let window = "##.###....#..#...##"
            .chars()
            .map(|p| if p == '#' { "██" } else { "  " })
            .collect::<String>();
        let masthead: String = text.lines().skip(1).take(3).collect();
        assert!(masthead.contains(&window), "{w}x{h}: {text}");
    }
}

/// A phone over SSH (45×20) and the smallest micro board (40×12): the help and the
/// rejected lines open over the micro layout, wrapped to its width, and scroll.
#[test]
fn overlays_on_small_screens() {
    for (w, h) in [(45, 20), (40, 12)] {
        let mut help = Case::new(LayoutChoice::Auto);
        help.view.overlay = Overlay::Help;
        snap!(format!("overlay_help_{w}x{h}"), help, w, h);
        let mut rejects = Case::new(LayoutChoice::Auto);
        rejects.view.overlay = Overlay::Rejects;
        snap!(format!("overlay_rejects_{w}x{h}"), rejects, w, h);
    }
    let mut scrolled = Case::new(LayoutChoice::Auto);
    scrolled.view.overlay = Overlay::Help;
    scrolled.view.overlay_scroll = 12;
    snap!("overlay_help_scrolled_45x20", scrolled, 45, 20);
    // Past the end, the last page.
    let mut past = Case::new(LayoutChoice::Auto);
    past.view.overlay = Overlay::Help;
    past.view.overlay_scroll = 999;
    let text = screen_text(&past.render(45, 20));
    assert!(text.contains("under 40×12 one line"), "{text}");
}

/// The header names the window at every size from 40 columns, and the layout drawn where
/// there is room.
#[test]
fn the_window_is_always_in_the_header() {
    for (w, h) in [(40, 12), (45, 20), (60, 20), (79, 23), (80, 24), (120, 40)] {
        let text = screen_text(&Case::new(LayoutChoice::Auto).render(w, h));
        let header = text.lines().next().unwrap_or_default();
        assert!(header.contains("1h"), "{w}×{h}: {header}");
    }
    let wide = screen_text(&Case::new(LayoutChoice::Auto).render(120, 40));
    assert!(
        wide.lines()
            .next()
            .unwrap_or_default()
            .contains("layout standard")
    );
    let compact = screen_text(&Case::new(LayoutChoice::Compact).render(200, 60));
    assert!(
        compact
            .lines()
            .next()
            .unwrap_or_default()
            .contains("layout compact")
    );
}
