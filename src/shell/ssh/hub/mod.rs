//! The one task that owns the feed and every session's board: feed items, keys, resizes
//! and ticks come in; each session's frame goes out to its [`Mailbox`]. Nothing here
//! waits on a client, so a stalled one never slows the others or the feed.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use crossterm::event::KeyEvent;
use tokio::sync::mpsc;

use crate::app::{App, AppOptions, Effect, Msg, Timeline};
use crate::config::Config;
use crate::feed::FeedItem;
use crate::shell::{Capabilities, TerminalEnv};
use crate::time::{Span, Timestamp, WallClock};
use crate::ui::keymap::{self, KeyAction};
use crate::ui::{LayoutChoice, Palette};

use crate::shell::plain::PRINT_GAP;
use crate::ui::regions::summary::summary;
use crate::ui::widgets::theme::Theme;

use super::decode::Decoder;
use super::screen::{Mailbox, Screen, restore};

/// How long a lone ESC waits for the rest of a sequence before it counts as Esc.
const ESC_WAIT: Span = Span::from_millis(30);

/// What the server tells the hub.
#[derive(Debug)]
pub(crate) enum ToHub {
    Open {
        id: u64,
        pty: Pty,
        mailbox: Arc<Mailbox>,
        /// The fingerprint of the key it signed in with (`SHA256:…`).
        fingerprint: Option<String>,
        /// Who acknowledges alerts from this session: its key's comment (or fingerprint).
        operator: Option<String>,
    },
    Input {
        id: u64,
        bytes: Vec<u8>,
    },
    Resize {
        id: u64,
        width: u16,
        height: u16,
    },
    /// The session's key is no longer allowed: end it, its screen restored.
    Revoke {
        id: u64,
    },
    /// The session's key has reached its `expiry-time`: end it, its screen restored.
    Expire {
        id: u64,
    },
    /// The client has gone: forget the session (nothing more is sent).
    Gone {
        id: u64,
    },
}

/// What the client's pty request said about its terminal.
#[derive(Debug, Clone, Default)]
pub(crate) struct Pty {
    pub(crate) term: String,
    /// The client's `LANG`/`LC_*`, if it sent them.
    pub(crate) locale: Option<String>,
    pub(crate) width: u16,
    pub(crate) height: u16,
}

/// Why a session ended, for its writer and the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ending {
    Quit,
    Idle,
    Shutdown,
    DrawFailed,
    /// Its key was removed from the authorized keys (or no longer allows it).
    KeyRemoved,
    /// Its key reached its `expiry-time` while it was open.
    KeyExpired,
}

impl Ending {
    pub(crate) fn reason(self) -> &'static str {
        match self {
            Ending::Quit => "quit",
            Ending::Idle => "idle time-out",
            Ending::Shutdown => "server shutting down",
            Ending::DrawFailed => "drawing failed",
            Ending::KeyRemoved => "key removed from the authorized keys",
            Ending::KeyExpired => "the key's expiry-time has passed",
        }
    }
}

/// How the hub runs the boards.
#[derive(Debug, Clone)]
pub(crate) struct HubOptions {
    pub(crate) layout: LayoutChoice,
    pub(crate) palette: Palette,
    pub(crate) rotate_every: Option<Span>,
    /// Close a session after this long without a key (None: never; wall screens).
    pub(crate) idle_after: Option<Span>,
    /// Fingerprints of the keys whose sessions move a replay's shared clock (the
    /// trainer's); everyone else's replay keys are ignored.
    pub(crate) trainers: Vec<String>,
}

/// What a dumb terminal's session last printed, and when.
#[derive(Default)]
struct Plain {
    printed: Option<(Vec<String>, Instant)>,
}

struct Session {
    app: App,
    screen: Screen,
    /// On `TERM=dumb`: the lines last printed and when, for the plain lines a local dumb
    /// terminal gets (no screen, no escape sequences); `None` for a full screen.
    plain: Option<Plain>,
    decoder: Decoder,
    mailbox: Arc<Mailbox>,
    /// When the decoder started waiting on an unfinished sequence.
    waiting_since: Option<Timestamp>,
    last_key: Timestamp,
    /// Signed in with a trainer's key: its replay keys move the room's clock.
    trainer: bool,
}

pub(crate) struct Hub {
    config: Config,
    options: HubOptions,
    feed: Timeline,
    clock: WallClock,
    sessions: HashMap<u64, Session>,
    /// Ending reasons for the server's log, by session id.
    endings: mpsc::UnboundedSender<(u64, Ending)>,
}

impl Hub {
    pub(crate) fn new(
        config: Config,
        options: HubOptions,
        feed: Timeline,
        endings: mpsc::UnboundedSender<(u64, Ending)>,
    ) -> Hub {
        Hub {
            config,
            options,
            feed,
            clock: WallClock::new(),
            sessions: HashMap::new(),
            endings,
        }
    }

    /// Runs until `stop`; then every session is ended (its screen restored).
    pub(crate) async fn run(
        mut self,
        mut commands: mpsc::Receiver<ToHub>,
        mut items: Option<mpsc::Receiver<FeedItem>>,
        stop: impl Future<Output = ()>,
    ) {
        let mut stop = std::pin::pin!(stop);
        let mut tick = crate::shell::ticks(&self.feed);
        loop {
            self.draw_due();
            let wake = self.next_wake();
            tokio::select! {
                _ = &mut stop => break,
                command = commands.recv() => match command {
                    Some(command) => self.command(command),
                    None => break,
                },
                item = next_item(&mut items) => match item {
                    Some(item) => self.feed_items(item, &mut items),
                    None => items = None,
                },
                _ = tick.tick() => self.tick(),
                _ = sleep_until(wake), if wake.is_some() => self.wake(),
            }
        }
        let ids: Vec<u64> = self.sessions.keys().copied().collect();
        for id in ids {
            self.end(id, Ending::Shutdown);
        }
    }

    fn command(&mut self, command: ToHub) {
        let now = self.clock.now();
        match command {
            ToHub::Open {
                id,
                pty,
                mailbox,
                fingerprint,
                operator,
            } => {
                let trainer = fingerprint
                    .is_some_and(|fingerprint| self.options.trainers.contains(&fingerprint));
                self.open(id, (&pty, trainer), mailbox, now);
                if let (Some(session), Some(operator)) = (self.sessions.get_mut(&id), operator) {
                    session.app.set_operator(&operator);
                }
            }
            ToHub::Input { id, bytes } => {
                let Some(session) = self.sessions.get_mut(&id) else {
                    return;
                };
                let keys = session.decoder.feed(&bytes);
                session.waiting_since = session.decoder.has_pending().then_some(now);
                self.keys(id, keys, now);
            }
            ToHub::Resize { id, width, height } => {
                if let Some(session) = self.sessions.get_mut(&id) {
                    let resized = session.screen.resize(width, height);
                    let (width, height) = session.screen.drawn();
                    session
                        .app
                        .handle(Msg::Resize { width, height }, &mut self.feed, now);
                    if resized.is_err() {
                        self.end(id, Ending::DrawFailed);
                    }
                }
            }
            ToHub::Revoke { id } => self.end(id, Ending::KeyRemoved),
            ToHub::Expire { id } => self.end(id, Ending::KeyExpired),
            ToHub::Gone { id } => {
                if let Some(session) = self.sessions.remove(&id) {
                    session.mailbox.abandon();
                }
            }
        }
    }

    fn open(
        &mut self,
        id: u64,
        (pty, trainer): (&Pty, bool),
        mailbox: Arc<Mailbox>,
        now: Timestamp,
    ) {
        let terminal = Capabilities::detect(TerminalEnv {
            term: Some(pty.term.as_str()),
            lang: pty.locale.as_deref(),
            ..TerminalEnv::default()
        });
        let Ok(screen) = Screen::new(pty.width, pty.height, terminal.utf8) else {
            mailbox.close(Vec::new());
            return;
        };
        let (width, height) = screen.drawn();
        let options = AppOptions {
            layout: self.options.layout,
            mono: false,
            colors: terminal.colors,
            palette: self.options.palette,
            ascii: !terminal.utf8,
            rotate_every: self.options.rotate_every,
        };
        let mut app = App::new(&self.config, options, now);
        let size = Msg::Resize { width, height };
        app.handle(size, &mut self.feed, now);
        let session = Session {
            app,
            screen,
            plain: (pty.term == "dumb").then(Plain::default),
            decoder: Decoder::new(),
            mailbox,
            waiting_since: None,
            last_key: now,
            trainer,
        };
        self.sessions.insert(id, session);
    }

    /// A session's keys. The replay keys move the recording's clock, which is the room's:
    /// only a trainer's session moves it (every session follows); anyone else's are kept
    /// from the board.
    fn keys(&mut self, id: u64, keys: Vec<KeyEvent>, now: Timestamp) {
        let Some(session) = self.sessions.get_mut(&id) else {
            return;
        };
        session.last_key = now;
        let mut quit = false;
        let trainer = session.trainer;
        for key in keys
            .into_iter()
            .filter(|key| trainer || !moves_the_clock(key))
        {
            match session.app.handle(Msg::Key(key), &mut self.feed, now) {
                Effect::Quit => quit = true,
                Effect::WriteHandover => {
                    crate::shell::write_handover(&mut session.app, &self.feed, &self.config, now);
                }
                _ => {}
            }
            if quit {
                break;
            }
        }
        if quit {
            self.end(id, Ending::Quit);
        }
    }

    fn feed_items(&mut self, first: FeedItem, items: &mut Option<mpsc::Receiver<FeedItem>>) {
        let now = self.clock.now();
        self.feed.apply(first, now);
        // A burst is applied at once, then drawn once.
        if let Some(receiver) = items {
            for _ in 0..10_000 {
                let Ok(item) = receiver.try_recv() else { break };
                self.feed.apply(item, now);
            }
        }
        for session in self.sessions.values_mut() {
            session.app.feed_changed();
        }
    }

    fn tick(&mut self) {
        let now = self.clock.now();
        self.feed.advance(now);
        for session in self.sessions.values_mut() {
            session.app.handle(Msg::Tick, &mut self.feed, now);
        }
        self.wake();
    }

    /// Esc waits run out; idle sessions end.
    fn wake(&mut self) {
        let now = self.clock.now();
        let mut flushed = Vec::new();
        let mut idle = Vec::new();
        for (&id, session) in &mut self.sessions {
            if session
                .waiting_since
                .is_some_and(|since| now - since >= ESC_WAIT)
            {
                session.waiting_since = None;
                flushed.push((id, session.decoder.flush()));
            }
            if self
                .options
                .idle_after
                .is_some_and(|limit| now - session.last_key >= limit)
            {
                idle.push(id);
            }
        }
        for (id, keys) in flushed {
            self.keys(id, keys, now);
        }
        for id in idle {
            self.end(id, Ending::Idle);
        }
    }

    /// The earliest Esc wait or idle limit, or frame due.
    fn next_wake(&self) -> Option<Instant> {
        let idle_after = self.options.idle_after;
        self.sessions
            .values()
            .flat_map(|session| {
                [
                    session.waiting_since.map(|since| since + ESC_WAIT),
                    idle_after.map(|limit| session.last_key + limit),
                    session.app.draw_due(),
                ]
            })
            .flatten()
            .min()
            .map(|at| self.clock.instant_at(at))
    }

    /// Draws every session whose frame is due.
    fn draw_due(&mut self) {
        let now = self.clock.now();
        let mut failed = Vec::new();
        for (&id, session) in &mut self.sessions {
            if session.app.draw_due().is_none_or(|at| at > now) {
                continue;
            }
            if draw(session, &self.feed, &self.config, now).is_err() {
                failed.push(id);
            }
        }
        for id in failed {
            self.end(id, Ending::DrawFailed);
        }
    }

    fn end(&mut self, id: u64, ending: Ending) {
        if let Some(session) = self.sessions.remove(&id) {
            let last = if session.plain.is_some() {
                Vec::new()
            } else {
                restore()
            };
            session.mailbox.close_because(last, ending.reason());
            let _ = self.endings.send((id, ending));
        }
    }
}

/// One session's frame into its mailbox. A frame the client has not taken yet is
/// replaced, and then this one is drawn whole.
fn draw(
    session: &mut Session,
    feed: &Timeline,
    config: &Config,
    now: Timestamp,
) -> std::io::Result<()> {
    let Some(board) = session.app.next_frame(feed, config, now) else {
        return Ok(());
    };
    if let Some(plain) = &mut session.plain {
        if let Some(lines) = plain_lines(&mut plain.printed, &board, session.app.view()) {
            session.mailbox.put(lines);
        }
        return Ok(());
    }
    if session.mailbox.take_unsent() {
        session.screen.frame_taken_back()?;
    }
    let mut bytes = session.screen.frame(&board, session.app.view())?;
    let bells = session.app.take_bells().min(16);
    if bells > 0 {
        // The terminal's bell, once for each new alarm, ahead of the frame that shows it.
        let rings = usize::try_from(bells).unwrap_or(16);
        bytes.splice(0..0, std::iter::repeat_n(0x07, rings));
    }
    session.mailbox.put(bytes);
    Ok(())
}

/// On a dumb terminal, the summary a local one prints (its heading and figures, then a
/// blank line), when it is due: the figures changed, at most every [`PRINT_GAP`].
fn plain_lines(
    printed: &mut Option<(Vec<String>, Instant)>,
    board: &crate::ui::Board,
    view: &crate::ui::View,
) -> Option<Vec<u8>> {
    if printed
        .as_ref()
        .is_some_and(|(_, at)| at.elapsed() < PRINT_GAP)
    {
        return None;
    }
    let now = summary(board, &Theme::new(view));
    if printed
        .as_ref()
        .is_some_and(|(figures, _)| *figures == now.figures)
    {
        return None;
    }
    // The client's terminal is in raw mode: each line ends in CR LF.
    let mut text = String::new();
    for line in std::iter::once(&now.heading).chain(&now.figures) {
        text.push_str(line);
        text.push_str("\r\n");
    }
    text.push_str("\r\n");
    *printed = Some((now.figures, Instant::now()));
    Some(text.into_bytes())
}

/// The keys that would move a recording's clock (space, + −, ← →, [ ], Home).
fn moves_the_clock(key: &KeyEvent) -> bool {
    matches!(keymap::action_for(key), Some(KeyAction::Replay(_)))
}

async fn next_item(items: &mut Option<mpsc::Receiver<FeedItem>>) -> Option<FeedItem> {
    match items {
        Some(receiver) => receiver.recv().await,
        None => std::future::pending().await,
    }
}

async fn sleep_until(at: Option<Instant>) {
    if let Some(at) = at {
        tokio::time::sleep_until(at.into()).await;
    }
}

#[cfg(test)]
mod tests;
