//! Whole-screen snapshots of the dashboard on `TestBackend`, from a real engine fed the
//! the worked example (docs/reference/figures.md) plus a few calls and incidents, at a fixed `now`
//! (2024-07-01T12:00:00Z, 13:00:00 BST) — never the live clock.

use forceboard::config::Config;
use forceboard::engine::Engine;
use forceboard::ingest::ingest_reader;
use forceboard::model::{EventKind, Reject, RejectedLine};
use forceboard::time::{Timestamp, parse_rfc3339};
use forceboard::ui::{
    Board, ColorDepth, FeedState, FeedStatus, LayoutChoice, Mode, Overlay, View, draw,
};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::{Color, Modifier};

use super::ui_robustness::ascii_case;

/// Besides the worked example (whose events carry no area but the first call's): calls
/// and incidents in several areas, some waiting or open, some near or past target, and
/// earlier calls so that the trends have a shape.
const EXTRA: &str = r#"
{"kind":"call_offered","at":"2024-07-01T10:10:00Z","id":"T1","line":"999","lpa":"BIR"}
{"kind":"call_answered","at":"2024-07-01T10:10:06Z","id":"T1"}
{"kind":"call_offered","at":"2024-07-01T10:40:00Z","id":"T2","line":"999","lpa":"WAL"}
{"kind":"call_answered","at":"2024-07-01T10:40:02Z","id":"T2"}
{"kind":"call_offered","at":"2024-07-01T11:45:00Z","id":"H1","line":"999","lpa":"COV"}
{"kind":"call_answered","at":"2024-07-01T11:45:03Z","id":"H1"}
{"kind":"call_offered","at":"2024-07-01T11:59:30Z","id":"H2","line":"999","lpa":"DUD"}
{"kind":"call_offered","at":"2024-07-01T11:40:00Z","id":"O1","line":"101","lpa":"BIR"}
{"kind":"call_answered","at":"2024-07-01T11:42:30Z","id":"O1"}
{"kind":"call_offered","at":"2024-07-01T11:50:00Z","id":"O2","line":"101","lpa":"COV"}
{"kind":"call_answered","at":"2024-07-01T11:55:00Z","id":"O2"}
{"kind":"call_offered","at":"2024-07-01T11:58:00Z","id":"O3","line":"101","lpa":"SAN"}
{"kind":"incident_created","at":"2024-07-01T11:20:00Z","id":"E1","grade":"emergency","lpa":"BIR"}
{"kind":"incident_arrived","at":"2024-07-01T11:31:00Z","id":"E1"}
{"kind":"incident_created","at":"2024-07-01T11:48:00Z","id":"E2","grade":"emergency","lpa":"COV"}
{"kind":"incident_created","at":"2024-07-01T11:40:00Z","id":"E3","grade":"emergency","lpa":"SAN"}
{"kind":"incident_created","at":"2024-07-01T10:30:00Z","id":"P1","grade":"priority","lpa":"WAL"}
{"kind":"incident_arrived","at":"2024-07-01T11:15:00Z","id":"P1"}
{"kind":"incident_created","at":"2024-07-01T11:10:00Z","id":"P2","grade":"priority","lpa":"DUD"}
{"kind":"incident_created","at":"2024-07-01T11:55:00Z","id":"P3","grade":"priority","lpa":"WOL"}
{"kind":"incident_created","at":"2024-07-01T11:00:00Z","id":"S1","grade":"scheduled","lpa":"SOL"}
"#;

pub(crate) fn now() -> Timestamp {
    parse_rfc3339("2024-07-01T12:00:00Z").unwrap()
}

fn engine(config: &Config) -> Engine {
    let example = include_str!("../../fixtures/spec-example.ndjson");
    let feed = format!("{example}{EXTRA}");
    let engine = Engine::new(config.engine_settings(None));
    let (engine, counts) = ingest_reader(
        feed.as_bytes(),
        engine,
        config.reorder_horizon,
        None,
        &mut |_, _| {},
    )
    .expect("in-memory feed");
    assert_eq!(counts.rejected, 1, "only ZZ is rejected");
    engine
}

pub(crate) fn live_feed() -> FeedStatus {
    FeedStatus {
        state: FeedState::Live,
        events_per_min: 12.5,
        rejected: 3,
        recent_rejects: vec![
            RejectedLine {
                line: 14,
                reason: Reject::Unmatched(EventKind::CallAnswered),
            },
            RejectedLine {
                line: 31,
                reason: Reject::NotJson,
            },
            RejectedLine {
                line: 52,
                reason: Reject::NoOffset("at"),
            },
        ],
        last_event_age_s: Some(2),
        ..FeedStatus::default()
    }
}

pub(crate) struct Case {
    pub(crate) view: View,
    pub(crate) mode: Mode,
    pub(crate) feed: FeedStatus,
    /// The wall clock the board is seen at: `now` unless a case says otherwise.
    pub(crate) wall: Timestamp,
}

impl Case {
    pub(crate) fn new(layout: LayoutChoice) -> Case {
        let config = Config::default();
        let mut view = View::for_config(&config, ColorDepth::TrueColor);
        view.layout = layout;
        Case {
            view,
            mode: Mode::Live,
            feed: live_feed(),
            wall: now(),
        }
    }

    pub(crate) fn board(&self) -> Board {
        let config = Config::default();
        let engine = engine(&config);
        Board::build(
            &engine,
            &config,
            &self.view,
            now(),
            self.mode,
            self.feed.clone(),
        )
        .seen_at(self.wall)
    }

    pub(crate) fn render(&self, width: u16, height: u16) -> Terminal<TestBackend> {
        let board = self.board();
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|frame| draw(frame, &board, &self.view))
            .unwrap();
        terminal
    }
}

macro_rules! snap {
    ($name:expr, $case:expr, $w:expr, $h:expr) => {{
        let terminal = $case.render($w, $h);
        insta::assert_snapshot!($name, terminal.backend());
    }};
}

#[test]
fn every_layout_at_each_size() {
    for (layout, name) in [
        (LayoutChoice::Auto, "auto"),
        (LayoutChoice::Wall, "wall"),
        (LayoutChoice::Standard, "standard"),
        (LayoutChoice::Compact, "compact"),
    ] {
        for (w, h) in [(80, 24), (120, 40), (200, 60)] {
            snap!(format!("{name}_{w}x{h}"), Case::new(layout), w, h);
        }
    }
}

/// Under 80×24 (a tmux status line makes 80×23; a phone): the micro layout, whatever the
/// layout chosen; under 40×12, one line of the most important figures.
#[test]
fn micro_and_one_line() {
    snap!("micro_79x23", Case::new(LayoutChoice::Auto), 79, 23);
    snap!("micro_60x20", Case::new(LayoutChoice::Wall), 60, 20);
    snap!("micro_40x12", Case::new(LayoutChoice::Standard), 40, 12);
    snap!("one_line_39x11", Case::new(LayoutChoice::Auto), 39, 11);
    snap!("one_line_20x1", Case::new(LayoutChoice::Auto), 20, 1);
    snap!("one_line_1x1", Case::new(LayoutChoice::Auto), 1, 1);
}

#[test]
fn banners() {
    let mut stale = Case::new(LayoutChoice::Auto);
    stale.feed.state = FeedState::Stale { silent_s: 47 };
    stale.feed.last_event_age_s = Some(47);
    snap!("banner_stale_80x24", stale, 80, 24);

    let mut down = Case::new(LayoutChoice::Auto);
    down.feed.state = FeedState::Down { retry_in_s: 8 };
    snap!("banner_down_120x40", down, 120, 40);

    let mut demo = Case::new(LayoutChoice::Auto);
    demo.mode = Mode::Demo;
    snap!("banner_demo_120x40", demo, 120, 40);

    let mut replay = Case::new(LayoutChoice::Auto);
    replay.mode = Mode::Replay {
        speed: 60.0,
        paused: true,
    };
    snap!("banner_replay_paused_80x24", replay, 80, 24);

    // Two banners at the smallest size: demo and a feed that is down.
    let mut both = Case::new(LayoutChoice::Auto);
    both.mode = Mode::Demo;
    both.feed.state = FeedState::Down { retry_in_s: 8 };
    snap!("banner_demo_and_down_80x24", both, 80, 24);
}

#[test]
fn overlays() {
    let mut help = Case::new(LayoutChoice::Auto);
    help.view.overlay = Overlay::Help;
    snap!("overlay_help_120x40", help, 120, 40);

    // A replay adds its keys: they fit the smallest board, under the replay's banner.
    let mut replay_help = Case::new(LayoutChoice::Auto);
    replay_help.view.overlay = Overlay::Help;
    replay_help.mode = Mode::Replay {
        speed: 60.0,
        paused: true,
    };
    snap!("overlay_help_replay_80x24", replay_help, 80, 24);

    let mut rejects = Case::new(LayoutChoice::Auto);
    rejects.view.overlay = Overlay::Rejects;
    snap!("overlay_rejects_80x24", rejects, 80, 24);
}

#[test]
fn an_area_selected() {
    let mut case = Case::new(LayoutChoice::Auto);
    case.view.area = Some("SAN".into());
    snap!("area_sandwell_120x40", case, 120, 40);
}

#[test]
fn mono_has_no_colour_and_still_marks_trouble() {
    let mut case = Case::new(LayoutChoice::Auto);
    case.view.mono = true;
    case.mode = Mode::Demo;
    case.feed.state = FeedState::Stale { silent_s: 47 };
    let terminal = case.render(120, 40);
    insta::assert_snapshot!("mono_120x40", terminal.backend());
    let buffer = terminal.backend().buffer();
    for cell in buffer.content() {
        assert_eq!(cell.fg, Color::Reset, "no colour in mono: {cell:?}");
        assert_eq!(cell.bg, Color::Reset, "no colour in mono: {cell:?}");
    }
    // The banners (rows 1 and 2) are reverse video across the whole width.
    for y in 1..=2 {
        for x in 0..120 {
            let cell = &buffer[(x, y)];
            assert!(cell.modifier.contains(Modifier::REVERSED), "({x}, {y})");
        }
    }
    // "✖ OVER" (999 is red) and "BREACHED" stand out in reverse video too.
    let text = |y: u16| -> String { (0..120).map(|x| buffer[(x, y)].symbol()).collect() };
    let reversed_word = |word: &str| {
        (0..40).any(|y| {
            let row = text(y);
            row.find(word).is_some_and(|byte| {
                let x = row[..byte].chars().count() as u16;
                buffer[(x, y)].modifier.contains(Modifier::REVERSED)
            })
        })
    };
    // The feed is stale: the tiles' status words give way to NOT LIVE, in reverse video.
    assert!(reversed_word("■ NOT LIVE"));
    assert!(reversed_word("BREACHED"));

    // On a live feed, 999's red status ("✖ 50.0% IN 10s": its service level is below the
    // goal) stands out in reverse video too.
    case.feed = live_feed();
    let terminal = case.render(120, 40);
    let buffer = terminal.backend().buffer();
    let over = (0..40).any(|y| {
        let row: String = (0..120).map(|x| buffer[(x, y)].symbol()).collect();
        row.find("✖ 50.0% IN 10s").is_some_and(|byte| {
            let x = row[..byte].chars().count() as u16;
            buffer[(x, y)].modifier.contains(Modifier::REVERSED)
        })
    });
    assert!(over);
}

/// The screen's text, row after row.
/// A live board at 12:00 on `feed` alone, drawn with `layout` in true colour.
pub(crate) fn live_board_of(feed: &str, layout: LayoutChoice) -> (Board, View) {
    let config = Config::default();
    let (engine, _) = ingest_reader(
        feed.as_bytes(),
        Engine::new(config.engine_settings(None)),
        config.reorder_horizon,
        None,
        &mut |_, _| {},
    )
    .expect("in-memory feed");
    let mut view = View::for_config(&config, ColorDepth::TrueColor);
    view.layout = layout;
    let board = Board::build(&engine, &config, &view, now(), Mode::Live, live_feed());
    (board, view)
}

pub(crate) fn screen_text(terminal: &Terminal<TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    let area = buffer.area;
    (0..area.height)
        .map(|y| {
            (0..area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
                + "\n"
        })
        .collect()
}

#[test]
fn the_wall_says_what_it_shows_where_in_the_rotation_and_when() {
    // Sandwell is the fourth of the seven areas: fifth in the round after the force.
    let mut case = Case::new(LayoutChoice::Wall);
    case.view.rotating = true;
    case.view.area = Some("SAN".into());
    for (w, h) in [(120, 40), (200, 60), (300, 80)] {
        snap!(format!("wall_rotating_{w}x{h}"), case, w, h);
    }
    // Under 30 rows of body there is no room for block type: one line under the header
    // (from 24 rows of body; none at 80×24, where the header names the scope).
    let terminal = case.render(100, 26);
    let text = screen_text(&terminal);
    assert_eq!(
        text.lines().nth(1).map(str::trim),
        Some("SANDWELL  ·  5 / 8  ·  [2:1h]  ·  13:00")
    );
    // Without rotation, no position; the force is WHOLE FORCE.
    let mut case = Case::new(LayoutChoice::Wall);
    case.view.area = None;
    let text = screen_text(&case.render(100, 26));
    assert_eq!(
        text.lines().nth(1).map(str::trim),
        Some("WHOLE FORCE  ·  [2:1h]  ·  13:00")
    );
}

#[test]
fn a_stale_or_dead_feed_is_not_live_on_every_layout() {
    let stale = FeedState::Stale { silent_s: 47 };
    let down = FeedState::Down { retry_in_s: 8 };
    let cases = [
        ("wall", LayoutChoice::Wall, down, (120, 40)),
        ("wall", LayoutChoice::Wall, stale, (200, 60)),
        ("standard", LayoutChoice::Standard, down, (200, 60)),
        ("standard", LayoutChoice::Standard, stale, (120, 40)),
        ("compact", LayoutChoice::Compact, down, (80, 24)),
        ("compact", LayoutChoice::Compact, stale, (120, 40)),
    ];
    for (name, layout, state, (w, h)) in cases {
        let mut case = Case::new(layout);
        case.view.mono = true;
        case.feed.state = state;
        let word = if state == down { "down" } else { "stale" };
        let terminal = case.render(w, h);
        insta::assert_snapshot!(
            format!("not_live_{name}_{word}_{w}x{h}"),
            terminal.backend()
        );
        // In the text, not only in colour: the words, and the four tiles' NOT LIVE.
        let text = screen_text(&terminal);
        assert!(text.contains("NOT LIVE — FEED"), "{name} {word}");
        if (name, w) == ("wall", 200) {
            // From 20 rows inside a tile the words are in block type, shaded: the top
            // pixel row of `NOT LIVE` (N "#..#", O T "###", L "#..", I "###", V "#.#", E
            // "###", a space and gaps of one) two cells a pixel, in each of the four.
            let top: String = "#..#.###.###...#...###.#.#.###"
                .chars()
                .map(|p| if p == '#' { "░░" } else { "  " })
                .collect();
            assert_eq!(text.matches(&top).count(), 4, "{name} {word}: {text}");
        } else {
            assert_eq!(text.matches("■ NOT LIVE").count(), 4, "{name} {word}");
        }
        assert!(!text.contains("ON TARGET"), "{name} {word}");
    }
    // The wall's digits are shaded, not solid, and NOT LIVE stands in block type.
    let mut case = Case::new(LayoutChoice::Wall);
    case.feed.state = down;
    let text = screen_text(&case.render(120, 40));
    assert!(text.contains('░'));
    let block_n = "█  █";
    assert!(text.lines().any(|line| line.contains(block_n)));
}

#[test]
fn colour_depths_use_their_palettes() {
    fn true_colour(c: Color) -> bool {
        matches!(c, Color::Rgb(..) | Color::Black | Color::Reset)
    }
    fn indexed(c: Color) -> bool {
        matches!(c, Color::Indexed(_) | Color::Black | Color::Reset)
    }
    fn basic(c: Color) -> bool {
        !matches!(c, Color::Rgb(..) | Color::Indexed(_))
    }
    type Check = fn(Color) -> bool;
    let depths: [(ColorDepth, Check); 3] = [
        (ColorDepth::TrueColor, true_colour),
        (ColorDepth::Ansi256, indexed),
        (ColorDepth::Ansi16, basic),
    ];
    for (depth, ok) in depths {
        let mut case = Case::new(LayoutChoice::Auto);
        case.view.colors = depth;
        case.mode = Mode::Demo;
        let terminal = case.render(120, 40);
        let cells = terminal.backend().buffer().content();
        assert!(cells.iter().all(|c| ok(c.fg) && ok(c.bg)), "{depth:?}");
        assert!(
            cells.iter().any(|c| c.fg != Color::Reset),
            "{depth:?} has colour"
        );
    }
}

/// 101 has answered calls here (O1 in 2m 30s, O2 in 5m 00s) and no mean target: the
/// board's tile and `report`'s row say the same words.
#[test]
fn the_101_status_reads_the_same_on_the_board_and_in_report() {
    use forceboard::config::Window;
    use forceboard::report::{Format, compute};
    use forceboard::time::Span;

    let config = Config::default();
    let feed = format!(
        "{}{EXTRA}",
        include_str!("../../fixtures/spec-example.ndjson")
    );
    let window = Window::new(Span::from_hours(1));
    let report = compute(feed.as_bytes(), &config, Some(now()), &window)
        .expect("in memory")
        .expect("a time to report at");
    // 101 has no mean target, but 50.0 % within 3 min is below its 80 % goal.
    let words = "✖ 50.0% IN 3m";
    for width in [None, Some(80)] {
        let table = report.render(&config, &window, Format::Table, width);
        let status = table
            .lines()
            .find_map(|line| {
                line.strip_prefix("CALLS 101  ")
                    .or_else(|| line.starts_with("101 ").then(|| line.rsplit("  ").next())?)
            })
            .expect("101's status");
        assert_eq!(status, words, "{table}");
    }
    for layout in [LayoutChoice::Standard, LayoutChoice::Compact] {
        let screen = Case::new(layout).render(120, 40).backend().to_string();
        assert!(screen.contains(&format!(" {words} ")), "{screen}");
        assert!(!screen.contains("NO DATA"), "{screen}");
    }
}

/// A breached emergency among breached priorities that are further over, at 80×24 (an
/// inspector over SSH): the emergency heads the breach watch, and the Priority tile keeps
/// its breach count.
#[test]
fn a_breached_emergency_comes_first_and_breach_counts_are_never_dropped() {
    // At 12:00: EM1 26 min open (11 min over its 15), four priorities 10–40 min over.
    let feed = r#"
{"kind":"incident_created","at":"2024-07-01T11:34:00Z","id":"EM1","grade":"emergency","lpa":"BIR"}
{"kind":"incident_created","at":"2024-07-01T10:20:00Z","id":"PA","grade":"priority","lpa":"COV"}
{"kind":"incident_created","at":"2024-07-01T10:40:00Z","id":"PB","grade":"priority","lpa":"DUD"}
{"kind":"incident_created","at":"2024-07-01T10:45:00Z","id":"PC","grade":"priority","lpa":"SAN"}
{"kind":"incident_created","at":"2024-07-01T10:50:00Z","id":"PD","grade":"priority","lpa":"WOL"}
{"kind":"heartbeat","at":"2024-07-01T12:00:00Z"}
"#;
    let (board, view) = live_board_of(feed, LayoutChoice::Compact);
    assert_eq!(board.breach_watch[0].id, "EM1");
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|frame| draw(frame, &board, &view)).unwrap();
    let screen = format!("{:?}", terminal.backend());
    assert!(screen.contains("4 BREACHED"), "{screen}");
    let first_row = screen.find("EM1").expect("EM1 shown");
    let first_priority = screen.find("PA").expect("PA shown");
    assert!(first_row < first_priority, "{screen}");
    insta::assert_snapshot!("compact_breached_emergency_first", terminal.backend());
}

/// The lines a dumb terminal prints: the same figures as the compact board above, in
/// ASCII; a banner for a demo.
#[test]
fn the_dumb_terminal_summary_says_the_headline_figures() {
    use forceboard::ui::regions::summary::summary;
    use forceboard::ui::widgets::theme::Theme;
    let mut case = ascii_case(LayoutChoice::Auto);
    case.mode = Mode::Demo;
    let summary = summary(&case.board(), &Theme::new(&case.view));
    assert_eq!(
        summary.heading,
        "13:00:00 BST | West Midlands Police | whole force | window 1h"
    );
    assert_eq!(
        summary.figures,
        [
            "  DEMO DATA - not a live feed",
            "  999       6.3s  X 50.0% IN 10s  SL 50.0% goal 90%         waiting 2",
            "  101     3m 45s  X 50.0% IN 3m   SL 50.0% goal 80%         waiting 1",
            "  Emerg  10m 30s  X 2 BREACHED    within 100.0% goal 90%    open 3, 2 BREACHED",
            "  Prio   45m 00s  + ON TARGET     within 100.0%             open 2",
        ]
    );
}

/// Marks and abbreviations these boards draw, each as the board draws it.
const DRAWN: &[&str] = &[
    "✔ ON TARGET",
    "✖ 2 BREACHED",
    "% IN ",
    "SL ",
    "goal 90%",
    "≥90%",
    "within ",
    "p50",
    "p90",
    "≤tgt",
    "2!",
    "Brch",
    "▶",
    "┄",
    "now",
    "-2h",
    "Emerg",
    "Prio",
    "wait 3 br 2",
    "rej",
    "[2:1h]",
    "layout",
];

/// Marks the boards draw in other states (staffing, no target, a mean over): named in
/// the legend too.
const DRAWN_ELSEWHERE: &[&str] = &[
    "▲ NEAR",
    "· NO DATA",
    "· NO TARGET",
    "MEAN",
    "handlers 12/13 ▲ SHORT 1",
    "hdl",
    "COVERED",
    "model SL",
    "wait 8.6s",
    "×60",
    "E P S",
];

#[test]
fn the_legend_names_every_mark_and_abbreviation_the_board_draws() {
    let mut boards = String::new();
    for (layout, w, h) in [
        (LayoutChoice::Standard, 200, 60),
        (LayoutChoice::Standard, 120, 40),
        (LayoutChoice::Compact, 80, 24),
        (LayoutChoice::Wall, 120, 40),
        (LayoutChoice::Auto, 60, 20),
        (LayoutChoice::Auto, 39, 11),
    ] {
        boards.push_str(&screen_text(&Case::new(layout).render(w, h)));
    }
    let mut help = Case::new(LayoutChoice::Standard);
    help.view.overlay = Overlay::Help;
    let legend = screen_text(&help.render(200, 100));
    for term in DRAWN {
        assert!(boards.contains(term), "the boards no longer draw {term:?}");
        assert!(
            legend.contains(term),
            "the legend does not explain {term:?}\n{legend}"
        );
    }
    for term in DRAWN_ELSEWHERE {
        assert!(
            legend.contains(term),
            "the legend does not explain {term:?}\n{legend}"
        );
    }
    // The v1.2 status words, not the old ones.
    assert!(!legend.contains("✖ OVER"), "{legend}");
}
