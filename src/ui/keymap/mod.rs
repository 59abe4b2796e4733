//! Every key the board answers, in one table ([`KEYMAP`]): what each does, where it
//! applies, and the words for it. Handling a key ([`action_for`]) and describing the keys
//! — the help (`?`), the footer's hints, the key list in docs/guide/dashboard.md
//! ([`markdown_table`]) — all read the same rows, so none of them can drift from what the
//! keys do.
//!
//! The table knows no state: it says what a key asks for, and whoever holds the state
//! decides whether that does anything (a window key past the configured windows, a replay
//! key on a live feed).

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::fmt::Write as _;

use crate::config::Config;
use crate::time::Span;

use super::board::Board;
use super::status::Mode;
use super::widgets::glyphs::Glyphs;

/// How far ← and → move a replay's clock.
pub const SMALL_SKIP: Span = Span::MINUTE;
/// How far `[` and `]` move it.
pub const LARGE_SKIP: Span = Span::from_mins(15);

/// What a replay key asks of the recording's clock.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ReplayCommand {
    TogglePause,
    Faster,
    Slower,
    /// Move the virtual clock by this much (negative: back).
    Skip(Span),
    ToStart,
}

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum KeyAction {
    /// Show the window at this index of the configured ones (key `1` is 0).
    Window(usize),
    NextArea,
    NextLayout,
    ToggleRejects,
    ToggleHelp,
    Quit,
    /// Close the overlay if one is open, else quit.
    CloseOrQuit,
    /// Quit as SIGINT would: with the terminal raw, Ctrl-C arrives as a key.
    Interrupt,
    /// Take down the RECORDING FAILED banner.
    AcknowledgeRecording,
    /// Acknowledge the newest unacknowledged alert, by this board's operator.
    AcknowledgeAlert,
    /// Write the handover for the shift so far to a file, and say where.
    WriteHandover,
    /// Scroll the open overlay by this many lines (negative: up); nothing without one.
    Scroll(i16),
    /// Scroll the open overlay by a page (negative: up).
    ScrollPage(i16),
    Replay(ReplayCommand),
}

/// A key as the table names it: a key code, with Ctrl held or not. Shift is never part of
/// it (`?` and `+` need Shift on many keyboards), and nothing is bound with Alt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

impl Key {
    const fn plain(code: KeyCode) -> Key {
        Key { code, ctrl: false }
    }

    const fn char(c: char) -> Key {
        Key::plain(KeyCode::Char(c))
    }

    const fn ctrl(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            ctrl: true,
        }
    }

    /// Is `event` this key? A key without Ctrl is not pressed by a chord with Ctrl or Alt
    /// (Ctrl-A is not `a`); a key with Ctrl is, whatever else is held.
    fn is_pressed_by(self, event: &KeyEvent) -> bool {
        let held = event.modifiers;
        let modifiers_match = if self.ctrl {
            held.contains(KeyModifiers::CONTROL)
        } else {
            !held.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        };
        self.code == event.code && modifiers_match
    }

    /// The key's name on the screen and in the docs: `q`, `space`, `Esc`, `←`, `Ctrl-C`.
    pub fn name(self) -> String {
        let name = match self.code {
            KeyCode::Char(' ') => "space".to_string(),
            KeyCode::Char(c) if self.ctrl => c.to_ascii_uppercase().to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Left => "←".to_string(),
            KeyCode::Right => "→".to_string(),
            KeyCode::Up => "↑".to_string(),
            KeyCode::Down => "↓".to_string(),
            other => other.to_string(),
        };
        if self.ctrl {
            format!("Ctrl-{name}")
        } else {
            name
        }
    }
}

/// One key of a row, and what it does.
#[derive(Debug, Clone, Copy)]
pub struct Press {
    pub key: Key,
    /// Keys that do the same, left out of the help: the other case of a letter, the
    /// unshifted twin of `+` and `-`.
    pub aliases: &'static [Key],
    pub action: KeyAction,
}

impl Press {
    const fn new(key: Key, action: KeyAction) -> Press {
        Press {
            key,
            aliases: &[],
            action,
        }
    }

    const fn or(self, aliases: &'static [Key]) -> Press {
        Press { aliases, ..self }
    }

    fn is_pressed_by(&self, event: &KeyEvent) -> bool {
        self.key.is_pressed_by(event) || self.aliases.iter().any(|k| k.is_pressed_by(event))
    }
}

/// Where a row's keys do something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applies {
    Everywhere,
    /// A board that records what it reads (`watch --record`).
    Recording,
    /// A replay of a recording (`replay`): a clock the viewer may move.
    Replay,
}

impl Applies {
    /// Do this row's keys do anything on `board`?
    pub fn to(self, board: &Board) -> bool {
        match self {
            Applies::Everywhere => true,
            Applies::Recording => board.feed.recording.is_some(),
            Applies::Replay => matches!(board.mode, Mode::Replay { .. }),
        }
    }

    /// The column "Where" of the docs' key list.
    fn in_docs(self) -> &'static str {
        match self {
            Applies::Everywhere => "every board",
            Applies::Recording => "`watch --record`",
            Applies::Replay => "`replay`",
        }
    }
}

/// Whether a row is offered in the footer, and in how few words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// Only in the help.
    Never,
    /// Offered when the footer has room for every hint.
    IfRoom(&'static str),
    /// Offered even on the narrowest footer.
    Always(&'static str),
}

impl Hint {
    pub fn label(self) -> Option<&'static str> {
        match self {
            Hint::Never => None,
            Hint::IfRoom(label) | Hint::Always(label) => Some(label),
        }
    }
}

/// One row of the key table: keys that belong together (`+` and `-`), one line of help.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub presses: &'static [Press],
    /// What the keys do, in the help and the docs.
    pub help: &'static str,
    pub hint: Hint,
    pub applies: Applies,
}

impl Binding {
    /// Does one of this row's keys do `action`?
    pub fn does(&self, action: KeyAction) -> bool {
        self.presses.iter().any(|press| press.action == action)
    }

    fn is_window_row(&self) -> bool {
        self.presses
            .iter()
            .all(|press| matches!(press.action, KeyAction::Window(_)))
    }

    /// The keys to show, given how many windows are configured: a window key only for a
    /// window there is.
    pub fn keys(&self, windows: usize) -> impl Iterator<Item = Key> + '_ {
        self.presses
            .iter()
            .filter(move |press| match press.action {
                KeyAction::Window(index) => index < windows,
                _ => true,
            })
            .map(|press| press.key)
    }

    /// The keys in one word for the footer: the first key, or on the window row the range
    /// `1-3`. Empty when no key is shown.
    pub fn footer_keys(&self, windows: usize) -> String {
        let names: Vec<String> = self.keys(windows).map(Key::name).collect();
        match names.as_slice() {
            [first, .., last] if self.is_window_row() => format!("{first}-{last}"),
            [first, ..] => first.clone(),
            [] => String::new(),
        }
    }

    /// The help, with the windows named on the window row (`window: 1 15m, 2 1h, 3 24h`).
    pub fn describe(&self, window_labels: &[String]) -> String {
        if !self.is_window_row() {
            return self.help.to_string();
        }
        let windows: Vec<String> = self
            .keys(window_labels.len())
            .zip(window_labels)
            .map(|(key, label)| format!("{} {label}", key.name()))
            .collect();
        format!("{}: {}", self.help, windows.join(", "))
    }
}

const fn window(key: char, index: usize) -> Press {
    Press::new(Key::char(key), KeyAction::Window(index))
}

const fn replay(key: Key, command: ReplayCommand) -> Press {
    Press::new(key, KeyAction::Replay(command))
}

const fn back(by: Span) -> ReplayCommand {
    ReplayCommand::Skip(Span::from_nanos(-by.nanos()))
}

/// Every key of the board, in the order the help and the docs list them.
pub static KEYMAP: [Binding; 17] = [
    Binding {
        presses: &[
            window('1', 0),
            window('2', 1),
            window('3', 2),
            window('4', 3),
            window('5', 4),
            window('6', 5),
            window('7', 6),
            window('8', 7),
            window('9', 8),
        ],
        help: "window",
        hint: Hint::IfRoom("window"),
        applies: Applies::Everywhere,
    },
    Binding {
        presses: &[Press::new(Key::char('a'), KeyAction::NextArea)],
        help: "next area: force → each area → force",
        hint: Hint::IfRoom("area"),
        applies: Applies::Everywhere,
    },
    Binding {
        presses: &[Press::new(Key::char('v'), KeyAction::NextLayout)],
        help: "layout: auto → wall → standard → compact",
        hint: Hint::IfRoom("layout"),
        applies: Applies::Everywhere,
    },
    Binding {
        presses: &[Press::new(Key::char('H'), KeyAction::WriteHandover)],
        help: "write the handover for the shift so far to a file (its path is shown)",
        hint: Hint::Never,
        applies: Applies::Everywhere,
    },
    Binding {
        presses: &[Press::new(Key::char('e'), KeyAction::ToggleRejects)],
        help: "the newest rejected lines and why; again to close",
        hint: Hint::IfRoom("rejects"),
        applies: Applies::Everywhere,
    },
    Binding {
        presses: &[Press::new(Key::char('?'), KeyAction::ToggleHelp)],
        help: "help: the keys and the marks; again to close",
        hint: Hint::Always("help"),
        applies: Applies::Everywhere,
    },
    Binding {
        presses: &[
            Press::new(Key::char('q'), KeyAction::Quit).or(&[Key::char('Q')]),
            Press::new(Key::plain(KeyCode::Esc), KeyAction::CloseOrQuit),
        ],
        help: "quit (Esc closes help or rejected lines first)",
        hint: Hint::Always("quit"),
        applies: Applies::Everywhere,
    },
    Binding {
        presses: &[
            Press::new(Key::plain(KeyCode::Up), KeyAction::Scroll(-1)),
            Press::new(Key::plain(KeyCode::Down), KeyAction::Scroll(1)),
        ],
        help: "scroll help or rejected lines a line up / down",
        hint: Hint::Never,
        applies: Applies::Everywhere,
    },
    Binding {
        presses: &[
            Press::new(Key::plain(KeyCode::PageUp), KeyAction::ScrollPage(-1)),
            Press::new(Key::plain(KeyCode::PageDown), KeyAction::ScrollPage(1)),
        ],
        help: "scroll help or rejected lines a page up / down",
        hint: Hint::Never,
        applies: Applies::Everywhere,
    },
    Binding {
        presses: &[Press::new(Key::ctrl('c'), KeyAction::Interrupt).or(&[Key::ctrl('C')])],
        help: "quit (exit status 130, as for SIGINT)",
        hint: Hint::Never,
        applies: Applies::Everywhere,
    },
    Binding {
        presses: &[Press::new(Key::char('A'), KeyAction::AcknowledgeAlert)],
        help: "acknowledge the newest alert, by name (--operator, or the SSH key's comment)",
        hint: Hint::Never,
        applies: Applies::Everywhere,
    },
    Binding {
        presses: &[Press::new(Key::char('r'), KeyAction::AcknowledgeRecording)],
        help: "dismiss a RECORDING FAILED banner (the footer keeps it)",
        hint: Hint::Never,
        applies: Applies::Recording,
    },
    Binding {
        presses: &[replay(Key::char(' '), ReplayCommand::TogglePause)],
        help: "pause / resume",
        hint: Hint::IfRoom("pause"),
        applies: Applies::Replay,
    },
    Binding {
        presses: &[
            replay(Key::char('+'), ReplayCommand::Faster).or(&[Key::char('=')]),
            replay(Key::char('-'), ReplayCommand::Slower).or(&[Key::char('_')]),
        ],
        help: "double / halve the speed",
        hint: Hint::Never,
        applies: Applies::Replay,
    },
    Binding {
        presses: &[
            replay(Key::plain(KeyCode::Left), back(SMALL_SKIP)),
            replay(Key::plain(KeyCode::Right), ReplayCommand::Skip(SMALL_SKIP)),
        ],
        help: "seek 1 minute back / forward",
        hint: Hint::Never,
        applies: Applies::Replay,
    },
    Binding {
        presses: &[
            replay(Key::char('['), back(LARGE_SKIP)),
            replay(Key::char(']'), ReplayCommand::Skip(LARGE_SKIP)),
        ],
        help: "seek 15 minutes back / forward",
        hint: Hint::Never,
        applies: Applies::Replay,
    },
    Binding {
        presses: &[replay(Key::plain(KeyCode::Home), ReplayCommand::ToStart)],
        help: "back to the start",
        hint: Hint::Never,
        applies: Applies::Replay,
    },
];

/// What `event` asks for: `None` for a key release, a key the board does not use, or a
/// chord with Ctrl or Alt other than Ctrl-C.
pub fn action_for(event: &KeyEvent) -> Option<KeyAction> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    KEYMAP
        .iter()
        .flat_map(|binding| binding.presses)
        .find(|press| press.is_pressed_by(event))
        .map(|press| press.action)
}

/// The key that does `action`, to name it in a title (`? or Esc to close`).
pub fn key_for(action: KeyAction) -> Option<Key> {
    KEYMAP
        .iter()
        .flat_map(|binding| binding.presses)
        .find(|press| press.action == action)
        .map(|press| press.key)
}

/// `text` with the table's arrows drawn in `glyphs` (`->` on an ASCII terminal).
pub(crate) fn in_glyphs(text: &str, glyphs: &Glyphs) -> String {
    let text = text.replace('←', glyphs.left).replace('→', glyphs.right);
    if glyphs.left.is_ascii() {
        text.replace('↑', "Up").replace('↓', "Down")
    } else {
        text
    }
}

/// The key list of docs/guide/dashboard.md: a markdown table of every row, with the
/// default windows on the window row.
pub fn markdown_table() -> String {
    let labels: Vec<String> = Config::default()
        .windows
        .into_iter()
        .map(|window| window.label)
        .collect();
    let mut table = String::from("| Key | Does | Where |\n|---|---|---|\n");
    for binding in &KEYMAP {
        let keys: Vec<String> = binding.keys(labels.len()).map(markdown_key).collect();
        let _ = writeln!(
            table,
            "| {} | {} | {} |",
            keys.join(" / "),
            binding.describe(&labels),
            binding.applies.in_docs()
        );
    }
    table
}

/// A key in the docs: a one-character key in code (`` `q` ``), a named one as it is (Esc).
fn markdown_key(key: Key) -> String {
    let name = key.name();
    if name.chars().count() == 1 {
        format!("`{name}`")
    } else {
        name
    }
}

#[cfg(test)]
mod tests;
