//! The trainer's console: `serve` run in a terminal shows the room — the recording's
//! time, playing or paused, the boards connected, what comes next — and takes the replay
//! keys for every board at once (pause, seek, speed), plus `g` to go to a time and `q` to
//! stop serving. The terminal is restored on every way out.

mod view;

use std::time::Duration;

use chrono_tz::Tz;
use crossterm::event::{Event as TermEvent, EventStream, KeyCode, KeyEvent, KeyEventKind};
use futures_util::StreamExt;
use tracing::{info, warn};

use crate::serve::{Console, Trainer, TrainerCommand};
use crate::time::WallClock;
use crate::ui::ReplayCommand;
use crate::ui::keymap::{self, KeyAction};
use view::{ConsoleState, draw_console};

/// How often the console redraws while nothing happens: the clock moves.
const REDRAW_EVERY: Duration = Duration::from_millis(250);

/// The longest `goto` time that can be typed.
const MAX_TYPED: usize = 40;

/// The console for `serve`, to run in this terminal.
pub fn console(zone: Tz) -> Console {
    Box::new(move |trainer| Box::pin(run(trainer, zone)))
}

/// Restores the terminal when dropped.
struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

/// What a key does to the console.
#[derive(Debug, PartialEq)]
enum Outcome {
    Stay,
    Quit,
}

async fn run(trainer: Trainer, zone: Tz) {
    let mut terminal = match ratatui::try_init() {
        Ok(terminal) => terminal,
        Err(error) => {
            // Serving goes on; the signals still stop it.
            warn!(%error, "cannot show the trainer's console");
            eprintln!("forceboard serve: cannot show the console ({error}); serving without it");
            return std::future::pending().await;
        }
    };
    let _guard = TerminalGuard;
    let wall = WallClock::new();
    let mut keys = EventStream::new();
    let mut redraw = tokio::time::interval(REDRAW_EVERY);
    let mut state = ConsoleState::default();
    loop {
        let status = trainer.status();
        let drawn = terminal.draw(|frame| {
            let area = frame.area();
            draw_console(
                status.as_ref(),
                &state,
                (zone, wall.now()),
                area,
                frame.buffer_mut(),
            );
        });
        if let Err(error) = drawn {
            warn!(%error, "the console's terminal is gone");
            return;
        }
        tokio::select! {
            key = keys.next() => match key {
                Some(Ok(TermEvent::Key(key))) => {
                    if on_key(&key, &trainer, &mut state, zone, wall) == Outcome::Quit {
                        info!("the trainer quit the console: serving stops");
                        return;
                    }
                }
                Some(Ok(_)) => {}
                // The terminal is gone: nobody is at the console.
                Some(Err(_)) | None => return,
            },
            // The room's state is read at each redraw: a busy room changes it hundreds of
            // times a second, far more often than anyone reads a screen.
            _ = redraw.tick() => {}
        }
    }
}

/// Carries out one key: a replay key for the room, `g` and the typed time, or quit.
fn on_key(
    key: &KeyEvent,
    trainer: &Trainer,
    state: &mut ConsoleState,
    zone: Tz,
    wall: WallClock,
) -> Outcome {
    if key.kind == KeyEventKind::Release {
        return Outcome::Stay;
    }
    if let Some(typed) = &mut state.goto {
        match key.code {
            KeyCode::Enter => {
                let text = format!("goto {typed}");
                state.goto = None;
                let position = trainer.status().map(|status| status.position(wall.now()));
                match position.map(|at| TrainerCommand::parse(&text, zone, at)) {
                    Some(Ok(command)) => {
                        trainer.send(command);
                        state.message = Some(format!("{text}: done"));
                    }
                    Some(Err(reason)) => state.message = Some(reason),
                    None => state.message = Some("not serving yet".to_string()),
                }
            }
            KeyCode::Esc => state.goto = None,
            KeyCode::Backspace => {
                typed.pop();
            }
            KeyCode::Char(c) if typed.len() < MAX_TYPED && !c.is_control() => typed.push(c),
            _ => {}
        }
        return Outcome::Stay;
    }
    if key.code == KeyCode::Char('g') {
        state.goto = Some(String::new());
        state.message = None;
        return Outcome::Stay;
    }
    match keymap::action_for(key) {
        Some(KeyAction::Replay(command)) => {
            trainer.send(for_the_room(command));
            state.message = None;
            Outcome::Stay
        }
        Some(KeyAction::Quit | KeyAction::CloseOrQuit | KeyAction::Interrupt) => Outcome::Quit,
        _ => Outcome::Stay,
    }
}

/// A replay key, which the console takes as it is, as the room's command.
fn for_the_room(command: ReplayCommand) -> TrainerCommand {
    match command {
        ReplayCommand::TogglePause => TrainerCommand::TogglePause,
        ReplayCommand::Faster => TrainerCommand::Faster,
        ReplayCommand::Slower => TrainerCommand::Slower,
        ReplayCommand::Skip(by) => TrainerCommand::Skip(by),
        ReplayCommand::ToStart => TrainerCommand::ToStart,
    }
}
