//! The terminal shell around one [`App`]: the terminal, the keyboard, the feed channel, a
//! tick and the signals, in one `select!`. Everything the board does is the app's; this
//! file only moves messages in and frames out.
//!
//! It draws on change, on input, on resize and on the tick — never on a fixed frame rate —
//! wraps each frame in synchronized output so it never tears over a slow SSH link, and
//! restores the terminal on every way out. On `TERM=dumb` there is no screen to draw:
//! [`plain`] prints the figures as lines of text instead.

use std::io::{self, IsTerminal};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, anyhow};
use crossterm::event::{Event as TermEvent, EventStream, KeyEvent};
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use futures_util::StreamExt;
use ratatui::DefaultTerminal;
use tokio::sync::mpsc;

use super::alert_command::AlertCommand;
use super::alert_log::AlertLog;
use super::ending::{EndSignal, Ending, Signals};
use super::plain;
use super::pump::Pump;
use super::record::Recorder;
use super::{Capabilities, FeedInput};
use crate::app::{App, AppOptions, Effect, Msg, Timeline};
use crate::config::{Config, Theme};
use crate::feed::source::{FeedItem, FeedSource};
use crate::time::{Span, WallClock};
use crate::ui::keymap::{self, KeyAction};
use crate::ui::{LayoutChoice, Palette, draw};

pub struct Options {
    pub input: FeedInput,
    pub layout: LayoutChoice,
    pub mono: bool,
    /// `--ascii`: plain ASCII whatever the locale says.
    pub ascii: bool,
    pub rotate: Option<Span>,
    pub record: Option<PathBuf>,
    /// `--theme`, over the config's.
    pub theme: Option<Theme>,
    pub alerts: AlertOptions,
}

/// What a board does with its alerts.
#[derive(Debug, Clone, Default)]
pub struct AlertOptions {
    /// Ring the terminal's bell once for each new alarm (`--no-bell` turns it off).
    pub bell: bool,
    /// `--alert-log FILE`: every raise, acknowledgement and clear, appended as NDJSON.
    pub log: Option<PathBuf>,
    /// `--operator NAME`: who acknowledges alerts from this board.
    pub operator: Option<String>,
    /// `--alert-command CMD`: run for each alert event, the event as JSON on its input.
    pub command: Option<String>,
}

/// The colours for `theme`: `auto` asks the terminal for its background (before the
/// alternate screen), and is dark when it does not answer within half a second.
fn palette_for(theme: Theme) -> Palette {
    match theme {
        Theme::Dark => Palette::Dark,
        Theme::Light => Palette::Light,
        Theme::HighContrast => Palette::HighContrast,
        Theme::Auto if is_dumb_terminal() => Palette::Dark,
        Theme::Auto => {
            let mut query = terminal_colorsaurus::QueryOptions::default();
            query.timeout = std::time::Duration::from_millis(500);
            match terminal_colorsaurus::theme_mode(query) {
                Ok(terminal_colorsaurus::ThemeMode::Light) => Palette::Light,
                Ok(terminal_colorsaurus::ThemeMode::Dark) => Palette::Dark,
                Err(error) => {
                    tracing::info!(%error, "the terminal did not say its background: dark theme");
                    Palette::Dark
                }
            }
        }
    }
}

/// Runs the dashboard until the user quits or a signal arrives.
pub fn run(config: Config, options: Options) -> anyhow::Result<Ending> {
    if !io::stdout().is_terminal() {
        return Err(anyhow!(
            "the dashboard needs a terminal on standard output (use `forceboard report` for plain text)"
        ));
    }
    let record = match &options.record {
        Some(path) => Some(
            Recorder::open(path)
                .with_context(|| format!("cannot open record file {}", path.display()))?,
        ),
        None => None,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let result = runtime.block_on(run_board(config, options, record));
    // A source blocked on stdin must not hold the exit up.
    runtime.shutdown_timeout(Duration::from_millis(100));
    result
}

/// Restores the terminal when dropped: on `q`, on errors, and while unwinding a panic.
struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

/// Ctrl-C pressed: with the terminal raw it arrives as a key instead of SIGINT, and ends
/// the board the same way.
fn is_interrupt_key(key: &KeyEvent) -> bool {
    keymap::action_for(key) == Some(KeyAction::Interrupt)
}

/// Sets up the feed, the app and the terminal, then runs the loop.
async fn run_board(
    config: Config,
    options: Options,
    record: Option<Recorder>,
) -> anyhow::Result<Ending> {
    // Watched before the terminal is taken over, so that no signal finds it raw unwatched.
    let signals = Signals::watch()?;
    let clock = WallClock::new();
    // Standard input is either the keys or the feed, never both.
    let keys = !matches!(
        options.input,
        FeedInput::Live {
            source: FeedSource::Stdin,
            ..
        }
    );
    let (mut feed, mut rx) = options.input.start(&config, clock.now())?;
    if record.is_some() {
        feed.keep_accepted();
    }
    let terminal = Capabilities::of_this_terminal();
    let palette = palette_for(options.theme.unwrap_or(config.theme));
    let app_options = AppOptions {
        layout: options.layout,
        mono: options.mono,
        colors: terminal.colors,
        palette,
        ascii: options.ascii || !terminal.utf8,
        rotate_every: options.rotate,
    };
    let mut app = App::new(&config, app_options, clock.now());
    if let Some(operator) = options
        .alerts
        .operator
        .as_deref()
        .or(login_name().as_deref())
    {
        app.set_operator(operator);
    }
    let alert_log = options
        .alerts
        .log
        .as_deref()
        .map(AlertLog::open)
        .transpose()?;
    let alert_command = options.alerts.command.as_deref().map(AlertCommand::new);
    let mut pump = Pump::new(clock, record)
        .with_alert_log(alert_log)
        .with_alert_command(alert_command);
    if is_dumb_terminal() {
        let parts = (&mut app, &mut feed);
        let result = plain::run(&config, parts, &mut rx, signals, (&mut pump, keys)).await;
        pump.finish();
        return result;
    }
    let terminal = ratatui::try_init().context("cannot set up the terminal")?;
    let _guard = TerminalGuard;
    let size = terminal.size()?;
    app.handle(
        Msg::Resize {
            width: size.width,
            height: size.height,
        },
        &mut feed,
        pump.clock.now(),
    );
    let mut shell = Shell {
        terminal,
        pump,
        bell: options.alerts.bell,
    };
    let result = shell
        .run(&config, &mut app, &mut feed, &mut rx, signals)
        .await;
    shell.pump.finish();
    result
}

/// The user's login name, the operator when `--operator` is not given.
fn login_name() -> Option<String> {
    std::env::var("USER")
        .ok()
        .filter(|name| !name.trim().is_empty())
}

/// `TERM=dumb`: a terminal that cannot place the cursor.
fn is_dumb_terminal() -> bool {
    std::env::var("TERM").is_ok_and(|term| term == "dumb")
}

/// Sleeps until `at` (at once for `None`; the caller only waits on it when there is one).
async fn sleep_until(at: Option<std::time::Instant>) {
    if let Some(at) = at {
        tokio::time::sleep_until(at.into()).await;
    }
}

struct Shell {
    terminal: DefaultTerminal,
    pump: Pump,
    bell: bool,
}

impl Shell {
    /// Draws when the app wants a frame, then waits for the next message.
    async fn run(
        &mut self,
        config: &Config,
        app: &mut App,
        feed: &mut Timeline,
        rx: &mut mpsc::Receiver<FeedItem>,
        mut signals: Signals,
    ) -> anyhow::Result<Ending> {
        let mut keys = EventStream::new();
        let mut tick = super::ticks(feed);
        let mut feed_open = true;
        loop {
            let due = app.draw_due();
            if due.is_some_and(|at| at <= self.pump.clock.now()) {
                self.draw(config, app, feed)?;
            }
            let frame_due = app.draw_due().map(|at| self.pump.clock.instant_at(at));
            let msg = tokio::select! {
                item = rx.recv(), if feed_open => match item {
                    Some(item) => Msg::Feed(item),
                    None => { feed_open = false; continue; }
                },
                key = keys.next() => match key {
                    Some(Ok(TermEvent::Key(key))) if is_interrupt_key(&key) => {
                        return Ok(Ending::Signal(EndSignal::Interrupt));
                    }
                    Some(Ok(TermEvent::Key(key))) => Msg::Key(key),
                    Some(Ok(TermEvent::Resize(width, height))) => {
                        self.terminal.autoresize()?;
                        Msg::Resize { width, height }
                    }
                    Some(Ok(_)) => continue,
                    // The terminal has gone (e.g. the SSH link dropped): leave.
                    Some(Err(_)) | None => return Ok(Ending::Quit),
                },
                _ = tick.tick() => Msg::Tick,
                _ = sleep_until(frame_due), if frame_due.is_some() => continue,
                signal = signals.any() => return Ok(Ending::Signal(signal)),
            };
            match self.pump.take(msg, app, feed, rx) {
                Effect::Quit => return Ok(Ending::Quit),
                Effect::WriteHandover => {
                    super::write_handover(app, feed, config, self.pump.clock.now());
                }
                _ => {}
            }
            let bells = app.take_bells();
            if bells > 0 && self.bell {
                let rings = "\x07".repeat(usize::try_from(bells.min(16)).unwrap_or(16));
                crossterm::execute!(self.terminal.backend_mut(), crossterm::style::Print(rings))?;
            }
        }
    }

    fn draw(&mut self, config: &Config, app: &mut App, feed: &mut Timeline) -> anyhow::Result<()> {
        self.pump.report_record_health(feed);
        if let Some(board) = app.next_frame(feed, config, self.pump.clock.now()) {
            let view = app.view().clone();
            crossterm::queue!(self.terminal.backend_mut(), BeginSynchronizedUpdate)?;
            self.terminal.draw(|frame| draw(frame, &board, &view))?;
            crossterm::execute!(self.terminal.backend_mut(), EndSynchronizedUpdate)?;
        }
        Ok(())
    }
}
