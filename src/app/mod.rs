//! One board on one screen: the state machine every way of showing the board shares
//! (`watch`, `replay`, the demo, and each session of a server).
//!
//! Messages go in ([`App::handle`]) and say what to do next ([`Effect`]); a frame's data
//! comes out ([`App::board`]). The app knows no terminal and reads no clock: the wall time
//! is passed in, so the whole board — keys, seeking, banners, rotation — is tested by
//! driving an `App` and drawing its board on ratatui's `TestBackend`.
//!
//! The figures come from a [`Timeline`] — the events behind a board and the clock they are
//! read at — which the app reads but does not own: several apps (each with its own window,
//! area, layout and size) can show one timeline.

pub mod alerts;
mod note;
pub(crate) mod timeline;
pub(crate) mod tracker;

use crossterm::event::KeyEvent;

use crate::config::Config;
use crate::feed::FeedItem;
use crate::format::printable;
use crate::time::{Span, Timestamp};
use crate::ui::keymap::{self, KeyAction};
use crate::ui::{Action, Board, ColorDepth, LayoutChoice, Palette, View};
use note::{NotePrompt, NoteStep};

pub use crate::ui::ReplayCommand;
pub use timeline::{PlaybackError, RecordHealth, Timeline};

/// Timeline-driven redraws are coalesced to at most this often; keys and resizes draw at once.
pub const MIN_FRAME_GAP: Span = Span::from_millis(100);
/// Redraw at least this often for the clock and the ageing waits.
pub(crate) const TICK: Span = Span::SECOND;
/// A replay, whose virtual clock may run thousands of times faster, moves on this often.
pub(crate) const REPLAY_TICK: Span = Span::from_millis(250);

/// What happened, for the board to take in.
#[derive(Debug, Clone)]
pub enum Msg {
    /// An item from the live source.
    Feed(FeedItem),
    Key(KeyEvent),
    /// Time passes (the shell sends one every [`App::tick_every`]).
    Tick,
    /// The screen is now this size.
    Resize {
        width: u16,
        height: u16,
    },
}

/// What the shell should do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Nothing changed on screen.
    None,
    /// Draw when the frame gap allows ([`App::draw_due`]).
    Redraw,
    /// Draw now: the user is waiting for it.
    RedrawNow,
    /// Close this board.
    Quit,
    /// Write the handover for the shift so far ([`App::handover_written`] says where).
    WriteHandover,
}

/// How one board starts.
#[derive(Debug, Clone, Copy, Default)]
pub struct AppOptions {
    pub layout: LayoutChoice,
    /// No colour, whatever the terminal can do.
    pub mono: bool,
    pub colors: ColorDepth,
    /// The colours for the room (`--theme`).
    pub palette: Palette,
    /// Plain ASCII only: the terminal is not UTF-8, or `--ascii`.
    pub ascii: bool,
    /// Move to the next area this often (wall screens).
    pub rotate_every: Option<Span>,
}

/// The state of one board on one screen.
pub struct App {
    view: View,
    /// How many windows are configured: what the digit keys choose between.
    windows: usize,
    rotate_every: Option<Span>,
    last_rotate: Timestamp,
    size: (u16, u16),
    /// Something changed since the last frame.
    dirty: bool,
    /// ... and the user is waiting for it.
    urgent: bool,
    last_draw: Option<Timestamp>,
    /// The last frame drawn, to write nothing when the next one would be the same.
    last_frame: Option<(Board, View, (u16, u16))>,
    /// The window the alerts read (the `1h` one if configured, else the first).
    alert_window: Span,
    /// Who acknowledges an alert from this board (`--operator`, an SSH key's comment).
    operator: String,
    /// The feed's alarms this board has rung for.
    alarms_heard: u64,
    /// New alarms since the shell last asked: ring the bell once for each.
    bells_due: u64,
    /// The note being typed for an acknowledgement (`A`), if one is.
    note: Option<NotePrompt>,
}

impl App {
    pub fn new(config: &Config, options: AppOptions, wall: Timestamp) -> App {
        let mut view = View::for_config(config, options.colors);
        view.layout = options.layout;
        view.mono = view.mono || options.mono;
        view.palette = options.palette;
        view.ascii = options.ascii;
        view.rotating = options.rotate_every.is_some();
        App {
            view,
            windows: config.windows.len(),
            rotate_every: options.rotate_every,
            last_rotate: wall,
            size: (0, 0),
            dirty: true,
            urgent: true,
            last_draw: None,
            last_frame: None,
            alert_window: config
                .windows
                .iter()
                .find(|window| window.span == Span::HOUR)
                .or(config.windows.first())
                .map_or(Span::HOUR, |window| window.span),
            operator: "this board".to_string(),
            alarms_heard: 0,
            bells_due: 0,
            note: None,
        }
    }

    /// A key while the acknowledgement's note is open: typed, or Enter / Esc.
    fn type_note(&mut self, key: &KeyEvent, feed: &mut Timeline, wall: Timestamp) -> Effect {
        let Some(prompt) = self.note.as_mut() else {
            return Effect::None;
        };
        match prompt.key(key) {
            NoteStep::Typing => {}
            NoteStep::Done(note) => {
                self.note = None;
                feed.acknowledge_alert(&self.operator, note.as_deref(), wall);
            }
            NoteStep::Cancelled => self.note = None,
        }
        Effect::RedrawNow
    }

    /// Who acknowledges alerts from this board.
    pub fn set_operator(&mut self, name: &str) {
        self.operator = printable(name).into_owned();
    }

    /// How many alarms (raised, escalated, alarmed again) since the last call: the shell
    /// rings the terminal's bell once for each.
    pub fn take_bells(&mut self) -> u64 {
        std::mem::take(&mut self.bells_due)
    }

    fn hear_alarms(&mut self, feed: &Timeline) {
        let alarms = feed.alerts().alarms();
        self.bells_due = self
            .bells_due
            .saturating_add(alarms.saturating_sub(self.alarms_heard));
        self.alarms_heard = self.alarms_heard.max(alarms);
    }

    pub fn view(&self) -> &View {
        &self.view
    }

    /// How often the shell should send [`Msg::Tick`].
    pub(crate) fn tick_every(feed: &Timeline) -> Span {
        if feed.is_replay() { REPLAY_TICK } else { TICK }
    }

    /// Takes one message. `feed` is the board's source of figures: a feed item is applied
    /// to it, a replay key moves its clock, a tick moves it on.
    pub fn handle(&mut self, msg: Msg, feed: &mut Timeline, wall: Timestamp) -> Effect {
        let effect = match msg {
            Msg::Feed(item) => {
                feed.apply(item, wall);
                Effect::Redraw
            }
            Msg::Tick => {
                feed.advance(wall);
                feed.evaluate_alerts(self.alert_window, wall);
                self.hear_alarms(feed);
                self.rotate_if_due(feed, wall);
                Effect::Redraw
            }
            Msg::Resize { width, height } => {
                self.size = (width, height);
                self.last_frame = None;
                Effect::RedrawNow
            }
            Msg::Key(key) if self.note.is_some() => self.type_note(&key, feed, wall),
            Msg::Key(key) => self.handle_key(key, feed, wall),
        };
        match effect {
            Effect::Redraw => self.dirty = true,
            Effect::RedrawNow => {
                self.dirty = true;
                self.urgent = true;
            }
            Effect::None | Effect::Quit | Effect::WriteHandover => {}
        }
        effect
    }

    /// Where the handover was written (or why it was not): shown on this screen until
    /// the next key.
    pub fn handover_written(&mut self, written: Result<std::path::PathBuf, String>) {
        self.view.notice = Some(match written {
            Ok(path) => format!("HANDOVER WRITTEN — {}", path.display()),
            Err(why) => why,
        });
        self.dirty = true;
        self.urgent = true;
    }

    fn handle_key(&mut self, key: KeyEvent, feed: &mut Timeline, wall: Timestamp) -> Effect {
        let Some(action) = keymap::action_for(&key) else {
            return Effect::None;
        };
        // The notice of the last handover stays until the next key.
        let had_notice = self.view.notice.take().is_some();
        let changed = match action {
            KeyAction::WriteHandover => return Effect::WriteHandover,
            // Each does nothing where it does not apply: on a feed that is not a replay,
            // with no RECORDING FAILED banner up.
            KeyAction::Replay(command) => feed.command(command, wall),
            KeyAction::AcknowledgeRecording => feed.acknowledge_record_failure(),
            KeyAction::AcknowledgeAlert => {
                // A note first (Enter with none acknowledges at once), if there is an
                // alert to acknowledge.
                let open = feed.alerts().any_unacknowledged();
                if open {
                    self.note = Some(NotePrompt::default());
                }
                open
            }
            _ => match self
                .view
                .apply(action, self.windows, feed.engine().area_codes())
            {
                Action::Quit => return Effect::Quit,
                Action::Redraw => true,
                Action::Nothing => false,
            },
        };
        if changed || had_notice {
            Effect::RedrawNow
        } else {
            Effect::None
        }
    }

    fn rotate_if_due(&mut self, feed: &Timeline, wall: Timestamp) {
        let Some(every) = self.rotate_every else {
            return;
        };
        if wall - self.last_rotate < every {
            return;
        }
        self.last_rotate = wall;
        let areas = feed.engine().area_codes();
        self.view.area = match &self.view.area {
            None => areas.first().cloned(),
            Some(current) => areas
                .iter()
                .position(|code| code == current)
                .and_then(|i| areas.get(i + 1))
                .cloned(),
        };
    }

    /// The feed changed under this board (a server's hub applied an item to the feed that
    /// several boards share): draw when the frame gap allows, as for [`Msg::Feed`].
    pub(crate) fn feed_changed(&mut self) {
        self.dirty = true;
    }

    /// When the next frame may be drawn, if one is wanted: at once for keys and resizes,
    /// at most every [`MIN_FRAME_GAP`] for feed changes.
    pub fn draw_due(&self) -> Option<Timestamp> {
        if !self.dirty {
            return None;
        }
        match self.last_draw {
            Some(last) if !self.urgent => Some(last + MIN_FRAME_GAP),
            _ => Some(Timestamp::MIN),
        }
    }

    /// The frame's data at `wall`: the figures at the feed's [`Timeline::figures_at`],
    /// which stops while a live feed is not live.
    pub fn board(&self, feed: &Timeline, config: &Config, wall: Timestamp) -> Board {
        let mut board = Board::build(
            feed.engine(),
            config,
            &self.view,
            feed.figures_at(wall),
            feed.mode(),
            feed.status(wall),
        )
        .seen_at(wall);
        board.alerts = alerts::lines(&feed.alerts().shown());
        board.alert_problem = feed.alert_problem().map(str::to_string);
        board.note_prompt = self.note.as_ref().map(|note| note.text().to_string());
        board
    }

    /// The frame to draw at `wall`, or `None` when it would show exactly what the screen
    /// shows already (then nothing at all is written). Marks the board drawn either way.
    pub fn next_frame(
        &mut self,
        feed: &Timeline,
        config: &Config,
        wall: Timestamp,
    ) -> Option<Board> {
        self.dirty = false;
        self.urgent = false;
        self.last_draw = Some(wall);
        let board = self.board(feed, config, wall);
        let unchanged = self
            .last_frame
            .as_ref()
            .is_some_and(|(b, v, s)| *b == board && *v == self.view && *s == self.size);
        if unchanged {
            return None;
        }
        self.last_frame = Some((board.clone(), self.view.clone(), self.size));
        Some(board)
    }
}
