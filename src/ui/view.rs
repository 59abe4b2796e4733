//! The dashboard's view state and what each key does to it (the keys themselves are in
//! [`keymap`](super::keymap)). Pure: no terminal, no clock.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use super::keymap::KeyAction;
use crate::config::Config;
use crate::time::Span;

/// Which screen layout to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LayoutChoice {
    /// Chosen by the terminal's size: standard from 120×40, compact from 80×24.
    #[default]
    Auto,
    /// The four headline figures in very large digits, for a screen across the room.
    Wall,
    /// Tiles, breach watch and area table.
    Standard,
    /// Everything essential in 80×24.
    Compact,
}

impl LayoutChoice {
    /// The next choice for the `v` key: Auto → Wall → Standard → Compact → Auto.
    #[must_use]
    pub(crate) fn next(self) -> LayoutChoice {
        match self {
            LayoutChoice::Auto => LayoutChoice::Wall,
            LayoutChoice::Wall => LayoutChoice::Standard,
            LayoutChoice::Standard => LayoutChoice::Compact,
            LayoutChoice::Compact => LayoutChoice::Auto,
        }
    }

    pub(crate) fn label(self) -> &'static str {
        match self {
            LayoutChoice::Auto => "auto",
            LayoutChoice::Wall => "wall",
            LayoutChoice::Standard => "standard",
            LayoutChoice::Compact => "compact",
        }
    }
}

/// A window drawn over the board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Overlay {
    #[default]
    None,
    Help,
    Rejects,
}

/// How far an overlay can scroll, and its page, as last drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct OverlayRoom {
    pub(crate) max_scroll: u16,
    pub(crate) page: u16,
}

/// An [`OverlayRoom`] that a view and its clones share, set by whichever is drawn. Not
/// part of what the user chose: two views are equal whatever their rooms.
#[derive(Debug, Clone, Default)]
pub(crate) struct SharedRoom(Arc<AtomicU32>);

impl SharedRoom {
    pub(crate) fn get(&self) -> OverlayRoom {
        let packed = self.0.load(Ordering::Relaxed);
        OverlayRoom {
            max_scroll: (packed >> 16) as u16,
            page: (packed & 0xffff) as u16,
        }
    }

    pub(crate) fn set(&self, room: OverlayRoom) {
        let packed = (u32::from(room.max_scroll) << 16) | u32::from(room.page);
        self.0.store(packed, Ordering::Relaxed);
    }
}

impl PartialEq for SharedRoom {
    fn eq(&self, _: &SharedRoom) -> bool {
        true
    }
}

impl Eq for SharedRoom {}

/// How many colours the terminal can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorDepth {
    #[default]
    TrueColor,
    Ansi256,
    Ansi16,
    /// No colour at all (`NO_COLOR`, `--mono`): reverse video, bold and words only.
    Mono,
}

/// The colours a board is drawn in, for the room it is in (`--theme`). Each keeps the
/// words and symbols: colour is never the only sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Palette {
    /// For a dark terminal: the default.
    #[default]
    Dark,
    /// For a light terminal: bright control rooms, projectors.
    Light,
    /// For a wall seen from across the room: pure colours, white text, bold figures.
    HighContrast,
}

/// What the caller should do after a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Redraw,
    Nothing,
}

/// Everything the user can change about what is shown.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct View {
    pub layout: LayoutChoice,
    /// Index into the configured windows (key `1` is index 0).
    pub(crate) window_index: usize,
    /// The area shown, by code; `None` = the whole force.
    pub area: Option<String>,
    pub overlay: Overlay,
    /// How many lines the open overlay is scrolled down; 0 when it opens.
    pub overlay_scroll: u16,
    /// What the last drawing found for the open overlay: how far it can scroll, and how
    /// many lines a page shows. Set while drawing, so that the keys stop at the end; the
    /// clones of a view share it (a terminal draws a copy of the app's view).
    pub(crate) overlay_room: SharedRoom,
    /// No colour at all, whatever `colors` says.
    pub mono: bool,
    pub colors: ColorDepth,
    pub palette: Palette,
    /// Plain ASCII only (`--ascii`, or a terminal that is not UTF-8).
    pub ascii: bool,
    /// The board moves through the force and the areas by itself (`--rotate`): the wall
    /// shows where in that round it is.
    pub rotating: bool,
    /// A word for this screen only, until the next key: where `H` wrote the handover.
    pub notice: Option<String>,
}

impl View {
    /// The starting view for a configuration: the `1h` window if there is one, else the
    /// first; the whole force; automatic layout.
    pub fn for_config(config: &Config, colors: ColorDepth) -> View {
        let window_index = config
            .windows
            .iter()
            .position(|w| w.span == Span::HOUR)
            .unwrap_or(0);
        View {
            window_index,
            mono: colors == ColorDepth::Mono,
            colors,
            ..View::default()
        }
    }

    /// Is colour off (either `mono` or a mono colour depth)?
    pub(crate) fn is_mono(&self) -> bool {
        self.mono || self.colors == ColorDepth::Mono
    }

    /// Does what a key asks of the view. `windows` is how many windows are configured;
    /// `areas` the area codes that `a` cycles through, in display order. The replay clock
    /// and the recording are the caller's: their actions return [`Action::Nothing`] here.
    pub fn apply(&mut self, action: KeyAction, windows: usize, areas: &[String]) -> Action {
        match action {
            KeyAction::Quit | KeyAction::Interrupt => Action::Quit,
            KeyAction::CloseOrQuit if self.overlay != Overlay::None => {
                self.overlay = Overlay::None;
                self.overlay_scroll = 0;
                Action::Redraw
            }
            KeyAction::CloseOrQuit => Action::Quit,
            KeyAction::Window(index) => {
                if index < windows && index != self.window_index {
                    self.window_index = index;
                    Action::Redraw
                } else {
                    Action::Nothing
                }
            }
            KeyAction::NextArea => {
                let next = match &self.area {
                    None => areas.first(),
                    Some(current) => match areas.iter().position(|code| code == current) {
                        Some(i) => areas.get(i + 1),
                        None => None,
                    },
                };
                let next = next.cloned();
                if next == self.area {
                    return Action::Nothing;
                }
                self.area = next;
                Action::Redraw
            }
            KeyAction::NextLayout => {
                self.layout = self.layout.next();
                Action::Redraw
            }
            KeyAction::ToggleRejects => self.toggle(Overlay::Rejects),
            KeyAction::ToggleHelp => self.toggle(Overlay::Help),
            KeyAction::Scroll(lines) => self.scroll(i32::from(lines)),
            KeyAction::ScrollPage(pages) => {
                let page = i32::from(self.overlay_room.get().page.max(1));
                self.scroll(i32::from(pages) * page)
            }
            KeyAction::AcknowledgeRecording
            | KeyAction::AcknowledgeAlert
            | KeyAction::WriteHandover
            | KeyAction::Replay(_) => Action::Nothing,
        }
    }

    /// Scrolls the open overlay by `lines` (negative: up), within what it last drew.
    fn scroll(&mut self, lines: i32) -> Action {
        if self.overlay == Overlay::None {
            return Action::Nothing;
        }
        let max = i32::from(self.overlay_room.get().max_scroll);
        let to = (i32::from(self.overlay_scroll) + lines).clamp(0, max);
        let to = u16::try_from(to).unwrap_or(0);
        if to == self.overlay_scroll {
            return Action::Nothing;
        }
        self.overlay_scroll = to;
        Action::Redraw
    }

    /// Opens `overlay` (in place of any other), or closes it when it is the one open.
    fn toggle(&mut self, overlay: Overlay) -> Action {
        self.overlay_scroll = 0;
        self.overlay = if self.overlay == overlay {
            Overlay::None
        } else {
            overlay
        };
        Action::Redraw
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::keymap;
    use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

    impl View {
        /// A key as the app applies it: looked up in the keymap, then [`View::apply`].
        fn handle_key(&mut self, key: KeyEvent, windows: usize, areas: &[String]) -> Action {
            match keymap::action_for(&key) {
                Some(action) => self.apply(action, windows, areas),
                None => Action::Nothing,
            }
        }
    }

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ch(c: char) -> KeyEvent {
        press(KeyCode::Char(c))
    }

    fn areas() -> Vec<String> {
        ["BIR", "COV", "DUD"].map(String::from).to_vec()
    }

    #[test]
    fn digits_pick_a_configured_window() {
        let mut view = View::default();
        assert_eq!(view.handle_key(ch('2'), 3, &[]), Action::Redraw);
        assert_eq!(view.window_index, 1);
        assert_eq!(view.handle_key(ch('3'), 3, &[]), Action::Redraw);
        assert_eq!(view.window_index, 2);
        assert_eq!(view.handle_key(ch('1'), 3, &[]), Action::Redraw);
        assert_eq!(view.window_index, 0);
        // The same window again, or one not configured: nothing.
        assert_eq!(view.handle_key(ch('1'), 3, &[]), Action::Nothing);
        assert_eq!(view.handle_key(ch('4'), 3, &[]), Action::Nothing);
        assert_eq!(view.handle_key(ch('2'), 1, &[]), Action::Nothing);
        assert_eq!(view.window_index, 0);
    }

    #[test]
    fn a_cycles_force_then_each_area_then_force() {
        let mut view = View::default();
        let areas = areas();
        let mut seen = Vec::new();
        for _ in 0..5 {
            assert_eq!(view.handle_key(ch('a'), 3, &areas), Action::Redraw);
            seen.push(view.area.clone());
        }
        let code = |c: &str| Some(c.to_string());
        assert_eq!(
            seen,
            vec![code("BIR"), code("COV"), code("DUD"), None, code("BIR")]
        );
        // An area that has gone from the list goes back to the force.
        view.area = code("XYZ");
        assert_eq!(view.handle_key(ch('a'), 3, &areas), Action::Redraw);
        assert_eq!(view.area, None);
        // No areas at all: stays on the force.
        assert_eq!(view.handle_key(ch('a'), 3, &[]), Action::Nothing);
        assert_eq!(view.area, None);
    }

    #[test]
    fn v_cycles_the_layouts() {
        let mut view = View::default();
        let mut seen = Vec::new();
        for _ in 0..4 {
            assert_eq!(view.handle_key(ch('v'), 3, &[]), Action::Redraw);
            seen.push(view.layout);
        }
        assert_eq!(
            seen,
            [
                LayoutChoice::Wall,
                LayoutChoice::Standard,
                LayoutChoice::Compact,
                LayoutChoice::Auto
            ]
        );
    }

    #[test]
    fn e_and_question_mark_toggle_their_overlays() {
        let mut view = View::default();
        assert_eq!(view.handle_key(ch('e'), 3, &[]), Action::Redraw);
        assert_eq!(view.overlay, Overlay::Rejects);
        assert_eq!(view.handle_key(ch('e'), 3, &[]), Action::Redraw);
        assert_eq!(view.overlay, Overlay::None);
        assert_eq!(view.handle_key(ch('?'), 3, &[]), Action::Redraw);
        assert_eq!(view.overlay, Overlay::Help);
        // One overlay replaces the other.
        assert_eq!(view.handle_key(ch('e'), 3, &[]), Action::Redraw);
        assert_eq!(view.overlay, Overlay::Rejects);
        assert_eq!(view.handle_key(ch('?'), 3, &[]), Action::Redraw);
        assert_eq!(view.overlay, Overlay::Help);
        assert_eq!(view.handle_key(ch('?'), 3, &[]), Action::Redraw);
        assert_eq!(view.overlay, Overlay::None);
    }

    #[test]
    fn arrows_and_pages_scroll_an_open_overlay_within_its_room() {
        let mut view = View::default();
        // No overlay: nothing to scroll.
        assert_eq!(
            view.handle_key(press(KeyCode::Down), 3, &[]),
            Action::Nothing
        );
        view.handle_key(ch('?'), 3, &[]);
        view.overlay_room.set(OverlayRoom {
            max_scroll: 12,
            page: 5,
        });
        assert_eq!(
            view.handle_key(press(KeyCode::Down), 3, &[]),
            Action::Redraw
        );
        assert_eq!(view.overlay_scroll, 1);
        assert_eq!(
            view.handle_key(press(KeyCode::PageDown), 3, &[]),
            Action::Redraw
        );
        assert_eq!(view.overlay_scroll, 6);
        view.handle_key(press(KeyCode::PageDown), 3, &[]);
        assert_eq!(
            view.handle_key(press(KeyCode::PageDown), 3, &[]),
            Action::Redraw
        );
        assert_eq!(view.overlay_scroll, 12);
        // At the end, down does nothing; up comes back at once.
        assert_eq!(
            view.handle_key(press(KeyCode::Down), 3, &[]),
            Action::Nothing
        );
        assert_eq!(view.handle_key(press(KeyCode::Up), 3, &[]), Action::Redraw);
        assert_eq!(view.overlay_scroll, 11);
        assert_eq!(
            view.handle_key(press(KeyCode::PageUp), 3, &[]),
            Action::Redraw
        );
        assert_eq!(view.overlay_scroll, 6);
        // Another overlay, or the same again, starts at the top.
        view.handle_key(ch('e'), 3, &[]);
        assert_eq!(view.overlay_scroll, 0);
        assert_eq!(view.handle_key(press(KeyCode::Up), 3, &[]), Action::Nothing);
        // A copy drawn (as a terminal draws) tells the original how far it can go.
        let drawn = view.clone();
        drawn.overlay_room.set(OverlayRoom {
            max_scroll: 2,
            page: 1,
        });
        view.handle_key(press(KeyCode::PageDown), 3, &[]);
        view.handle_key(press(KeyCode::PageDown), 3, &[]);
        assert_eq!(
            view.handle_key(press(KeyCode::Down), 3, &[]),
            Action::Nothing
        );
        assert_eq!(view.overlay_scroll, 2);
    }

    #[test]
    fn esc_closes_an_overlay_first_then_quits() {
        let mut view = View {
            overlay: Overlay::Help,
            ..View::default()
        };
        assert_eq!(view.handle_key(press(KeyCode::Esc), 3, &[]), Action::Redraw);
        assert_eq!(view.overlay, Overlay::None);
        assert_eq!(view.handle_key(press(KeyCode::Esc), 3, &[]), Action::Quit);
    }

    #[test]
    fn q_and_ctrl_c_quit_even_with_an_overlay() {
        let mut view = View {
            overlay: Overlay::Rejects,
            ..View::default()
        };
        assert_eq!(view.handle_key(ch('q'), 3, &[]), Action::Quit);
        assert_eq!(view.handle_key(ch('Q'), 3, &[]), Action::Quit);
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(view.handle_key(ctrl_c, 3, &[]), Action::Quit);
        // Plain `c`, and other control chords, do nothing.
        assert_eq!(view.handle_key(ch('c'), 3, &[]), Action::Nothing);
        let ctrl_a = KeyEvent::new(KeyCode::Char('a'), KeyModifiers::CONTROL);
        assert_eq!(view.handle_key(ctrl_a, 3, &areas()), Action::Nothing);
        assert_eq!(view.area, None);
    }

    #[test]
    fn replay_keys_and_others_are_left_to_the_caller() {
        let mut view = View::default();
        let before = view.clone();
        for key in [
            ch(' '),
            ch('+'),
            ch('-'),
            ch('['),
            ch(']'),
            press(KeyCode::Left),
            press(KeyCode::Right),
            press(KeyCode::Home),
            ch('x'),
            press(KeyCode::Enter),
        ] {
            assert_eq!(
                view.handle_key(key, 3, &areas()),
                Action::Nothing,
                "{key:?}"
            );
        }
        assert_eq!(view, before);
    }

    #[test]
    fn key_releases_are_ignored() {
        let mut view = View::default();
        let mut release = ch('q');
        release.kind = KeyEventKind::Release;
        assert_eq!(view.handle_key(release, 3, &[]), Action::Nothing);
        let mut release = ch('v');
        release.kind = KeyEventKind::Release;
        assert_eq!(view.handle_key(release, 3, &[]), Action::Nothing);
        assert_eq!(view.layout, LayoutChoice::Auto);
    }

    #[test]
    fn for_config_starts_on_the_hour_window() {
        let view = View::for_config(&Config::default(), ColorDepth::Ansi256);
        assert_eq!(view.window_index, 1);
        assert!(!view.is_mono());
        assert!(View::for_config(&Config::default(), ColorDepth::Mono).is_mono());
    }
}
