//! The terminal loop: sources and keys in, frames out.
//!
//! One tokio task (current-thread runtime) selects over the feed channel, the keyboard,
//! a one-second tick and the signals. It draws on change, on input, on resize and once a
//! second — never on a fixed frame rate — and wraps each frame in synchronized output so
//! it never tears over a slow SSH link. The terminal is restored on every way out.

use std::collections::VecDeque;
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow};
use crossterm::event::{Event as TermEvent, EventStream, KeyCode, KeyEventKind};
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use futures_util::StreamExt;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use forceboard::config::Config;
use forceboard::engine::{Applied, Engine};
use forceboard::feed::event::{Event, Reject};
use forceboard::feed::playback::{MAX_SPEED, MIN_SPEED, Playback, VirtualClock};
use forceboard::feed::source::{self, FeedItem, FeedSource, SourceState};
use forceboard::time::{NANOS_PER_HOUR, NANOS_PER_MIN, Nanos};
use forceboard::ui::{Board, ColorDepth, FeedState, FeedStatus, LayoutChoice, Mode, View, draw};

/// How many rejected lines the `e` overlay keeps.
const RECENT_REJECTS: usize = 50;
/// Feed-driven redraws are coalesced to at most this often; keys and resizes draw at once.
const MIN_FRAME_GAP: Duration = Duration::from_millis(100);

/// Where the figures come from.
pub enum Input {
    /// A live feed.
    Live {
        source: FeedSource,
        token: Option<String>,
    },
    /// The built-in demo day, looping.
    Demo,
    /// A recorded feed on a virtual clock.
    Replay {
        playback: Playback,
        speed: f64,
        from: Option<Nanos>,
        until: Option<Nanos>,
    },
}

pub struct Options {
    pub input: Input,
    pub layout: LayoutChoice,
    pub mono: bool,
    pub rotate: Option<Duration>,
    pub record: Option<PathBuf>,
}

fn wall_nanos() -> Nanos {
    chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
}

/// Runs the dashboard until the user quits or a signal arrives.
pub fn run(config: Config, options: Options) -> anyhow::Result<()> {
    if !io::stdout().is_terminal() {
        return Err(anyhow!(
            "the dashboard needs a terminal on standard output (use `forceboard report` for plain text)"
        ));
    }
    let record = match &options.record {
        Some(path) => Some(BufWriter::new(
            OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .with_context(|| format!("cannot open record file {}", path.display()))?,
        )),
        None => None,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let result = runtime.block_on(run_loop(config, options, record));
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

/// Live and demo feeds' state, as the footer and banners show it.
struct FeedTracker {
    state: SourceState,
    down_since: Instant,
    last_item: Option<Instant>,
    last_event: Option<Instant>,
    recent_events: VecDeque<Instant>,
    rejected: u64,
    recent_rejects: VecDeque<(u64, String)>,
}

impl FeedTracker {
    fn new() -> FeedTracker {
        FeedTracker {
            state: SourceState::Connecting,
            down_since: Instant::now(),
            last_item: None,
            last_event: None,
            recent_events: VecDeque::new(),
            rejected: 0,
            recent_rejects: VecDeque::new(),
        }
    }

    fn reject(&mut self, line: u64, reason: Reject) {
        self.rejected += 1;
        self.recent_rejects.push_back((line, reason.to_string()));
        while self.recent_rejects.len() > RECENT_REJECTS {
            self.recent_rejects.pop_front();
        }
    }

    fn accepted(&mut self, at: Instant) {
        self.last_event = Some(at);
        self.recent_events.push_back(at);
    }

    fn status(&mut self, now: Instant, stale_after: Duration, check_stale: bool) -> FeedStatus {
        while self
            .recent_events
            .front()
            .is_some_and(|t| now.duration_since(*t) > Duration::from_secs(60))
        {
            self.recent_events.pop_front();
        }
        let silent = self.last_item.map(|t| now.duration_since(t));
        let state = match &self.state {
            SourceState::Connecting => FeedState::Connecting,
            SourceState::Ended => FeedState::Ended,
            SourceState::Down { retry_in, .. } => FeedState::Down {
                retry_in_s: retry_in
                    .saturating_sub(now.duration_since(self.down_since))
                    .as_secs_f64()
                    .ceil() as u64,
            },
            SourceState::Connected => match silent {
                Some(silent) if check_stale && silent > stale_after => FeedState::Stale {
                    silent_s: silent.as_secs(),
                },
                None if check_stale && now.duration_since(self.down_since) > stale_after => {
                    FeedState::Stale {
                        silent_s: now.duration_since(self.down_since).as_secs(),
                    }
                }
                _ => FeedState::Live,
            },
        };
        FeedStatus {
            state,
            events_per_min: self.recent_events.len() as f64,
            rejected: self.rejected,
            recent_rejects: self.recent_rejects.iter().cloned().collect(),
            last_event_age_s: self.last_event.map(|t| now.duration_since(t).as_secs()),
        }
    }
}

/// The virtual-clock side of demo and replay.
struct Player {
    playback: Playback,
    clock: VirtualClock,
    start: Nanos,
    end: Nanos,
    /// The demo loops; a replay stops at its end.
    looping: bool,
}

impl Player {
    fn now(&self, wall: Nanos) -> Nanos {
        self.clock.now(wall).min(self.end)
    }
}

async fn run_loop(
    config: Config,
    options: Options,
    mut record: Option<BufWriter<File>>,
) -> anyhow::Result<()> {
    let mut terminal = ratatui::try_init().context("cannot set up the terminal")?;
    let _guard = TerminalGuard;
    let colors = ColorDepth::detect(
        std::env::var("NO_COLOR").ok().as_deref(),
        std::env::var("COLORTERM").ok().as_deref(),
        std::env::var("TERM").ok().as_deref(),
    );
    let mut view = View::for_config(&config, colors);
    view.layout = options.layout;
    view.mono = view.mono || options.mono;

    let (tx, mut rx) = mpsc::channel::<FeedItem>(4096);
    let mut engine = Engine::new(config.engine_settings(None));
    let mut tracker = FeedTracker::new();
    let live = matches!(options.input, Input::Live { .. });
    let mut player = match options.input {
        Input::Live { source, token } => {
            source::spawn(source, tx.clone(), token);
            None
        }
        Input::Demo => {
            let playback = Playback::read(forceboard::DEMO_DAY.as_bytes())
                .context("the built-in demo day cannot be read")?;
            let first = playback
                .first_at()
                .ok_or_else(|| anyhow!("the demo day is empty"))?;
            let end = playback.last_at().unwrap_or(first);
            // Start at 17:00 into the day, when the board is busy, with the day so far loaded.
            let start = (first + 17 * NANOS_PER_HOUR).min(end);
            tracker.state = SourceState::Connected;
            Some(Player {
                clock: VirtualClock::new(start, wall_nanos(), 1.0),
                playback,
                start,
                end,
                looping: true,
            })
        }
        Input::Replay {
            playback,
            speed,
            from,
            until,
        } => {
            let first = playback
                .first_at()
                .ok_or_else(|| anyhow!("the feed has no events to replay"))?;
            let last = playback.last_at().unwrap_or(first);
            let start = from.unwrap_or(first);
            let end = until.unwrap_or(last).max(start);
            for (line, reason) in &playback.rejected {
                tracker.reject(*line, *reason);
            }
            tracker.state = SourceState::Connected;
            Some(Player {
                clock: VirtualClock::new(start, wall_nanos(), speed),
                playback,
                start,
                end,
                looping: false,
            })
        }
    };
    drop(tx);
    if let Some(player) = &mut player {
        rebuild(&mut engine, &config, player, player.start);
    }

    let mut keys = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut terminate = signal(SignalKind::terminate()).context("cannot watch SIGTERM")?;
    let mut hangup = signal(SignalKind::hangup()).context("cannot watch SIGHUP")?;
    let mut interrupt = signal(SignalKind::interrupt()).context("cannot watch SIGINT")?;
    let mut last_rotate = Instant::now();
    let mut last_draw: Option<Instant> = None;
    let mut dirty = true;
    let mut urgent = true;
    let mut feed_open = true;

    loop {
        let now_instant = Instant::now();
        if dirty
            && (urgent || last_draw.is_none_or(|t| now_instant.duration_since(t) >= MIN_FRAME_GAP))
        {
            let now = match &player {
                Some(player) => player.now(wall_nanos()),
                None => wall_nanos(),
            };
            let mode = match (&player, live) {
                (_, true) => Mode::Live,
                (Some(p), false) if !p.looping => Mode::Replay {
                    speed: p.clock.speed(),
                    paused: p.clock.is_paused(),
                },
                _ => Mode::Demo,
            };
            let status = tracker.status(
                now_instant,
                Duration::from_nanos(config.stale_after as u64),
                live,
            );
            let board = Board::build(&engine, &config, &view, now, mode, status);
            let backend = terminal.backend_mut();
            crossterm::queue!(backend, BeginSynchronizedUpdate)?;
            terminal.draw(|frame| draw(frame, &board, &view))?;
            crossterm::execute!(terminal.backend_mut(), EndSynchronizedUpdate)?;
            if let Some(file) = &mut record {
                file.flush().context("cannot write the record file")?;
            }
            last_draw = Some(Instant::now());
            dirty = false;
            urgent = false;
        }
        let frame_due = last_draw.map_or(now_instant, |t| t + MIN_FRAME_GAP);
        tokio::select! {
            item = rx.recv(), if feed_open => {
                match item {
                    Some(item) => {
                        handle_item(item, &mut engine, &mut tracker, &mut record, &config, live)?;
                        // Take whatever else is queued before drawing once.
                        let mut taken = 0;
                        while taken < 10_000 {
                            let Ok(item) = rx.try_recv() else { break };
                            handle_item(item, &mut engine, &mut tracker, &mut record, &config, live)?;
                            taken += 1;
                        }
                    }
                    None => feed_open = false,
                }
                dirty = true;
            }
            key = keys.next() => {
                match key {
                    Some(Ok(TermEvent::Key(key))) if key.kind != KeyEventKind::Release => {
                        if let Some(player) = player.as_mut().filter(|p| !p.looping)
                            && replay_key(key.code, player, &mut engine, &config)
                        {
                            dirty = true;
                            urgent = true;
                            continue;
                        }
                        let areas = engine.area_codes().to_vec();
                        match view.handle_key(key, config.windows.len(), &areas) {
                            forceboard::ui::Action::Quit => break,
                            forceboard::ui::Action::Redraw => { dirty = true; urgent = true; }
                            forceboard::ui::Action::Nothing => {}
                        }
                    }
                    Some(Ok(TermEvent::Resize(_, _))) => {
                        terminal.autoresize()?;
                        dirty = true;
                        urgent = true;
                    }
                    Some(Ok(_)) => {}
                    // The terminal has gone (e.g. the SSH link dropped): leave.
                    Some(Err(_)) | None => break,
                }
            }
            _ = tick.tick() => {
                if let Some(player) = &mut player {
                    advance(player, &mut engine, &mut tracker, &config);
                }
                if let Some(every) = options.rotate
                    && last_rotate.elapsed() >= every
                {
                    last_rotate = Instant::now();
                    rotate_area(&mut view, engine.area_codes());
                }
                dirty = true;
            }
            _ = tokio::time::sleep_until(frame_due.into()), if dirty => {}
            _ = terminate.recv() => break,
            _ = hangup.recv() => break,
            _ = interrupt.recv() => break,
        }
    }
    Ok(())
}

/// One item from a live source.
fn handle_item(
    item: FeedItem,
    engine: &mut Engine,
    tracker: &mut FeedTracker,
    record: &mut Option<BufWriter<File>>,
    config: &Config,
    live: bool,
) -> anyhow::Result<()> {
    let arrived = Instant::now();
    match item {
        FeedItem::Event { line, event, raw } => {
            tracker.last_item = Some(arrived);
            if live && event.at > wall_nanos().saturating_add(config.future_skew) {
                tracker.reject(line, Reject::FutureDated);
                return Ok(());
            }
            match engine.ingest(event) {
                Ok(Applied::Accepted) => {
                    tracker.accepted(arrived);
                    if let Some(file) = record {
                        writeln!(file, "{raw}").context("cannot write the record file")?;
                    }
                }
                Ok(Applied::Duplicate) => {}
                Err(reason) => tracker.reject(line, reason),
            }
        }
        FeedItem::Rejected { line, reason } => {
            tracker.last_item = Some(arrived);
            tracker.reject(line, reason);
        }
        FeedItem::State(state) => {
            if matches!(state, SourceState::Down { .. } | SourceState::Connected) {
                tracker.down_since = arrived;
            }
            tracker.state = state;
        }
    }
    Ok(())
}

fn ingest_due(engine: &mut Engine, tracker: &mut FeedTracker, player: &mut Player, now: Nanos) {
    let arrived = Instant::now();
    let due: Vec<(u64, Event)> = player.playback.take_due(now).to_vec();
    for (line, event) in due {
        match engine.ingest(event) {
            Ok(Applied::Accepted) => tracker.accepted(arrived),
            Ok(Applied::Duplicate) => {}
            Err(reason) => tracker.reject(line, reason),
        }
    }
}

/// Starts the engine afresh and loads every event up to `to` (for the start and for seeks).
fn rebuild(engine: &mut Engine, config: &Config, player: &mut Player, to: Nanos) {
    *engine = Engine::new(config.engine_settings(None));
    player.playback.rewind();
    let mut scratch = FeedTracker::new();
    ingest_due(engine, &mut scratch, player, to);
}

/// Moves a demo or replay forward to the virtual now (looping the demo at its end).
fn advance(player: &mut Player, engine: &mut Engine, tracker: &mut FeedTracker, config: &Config) {
    let wall = wall_nanos();
    let now = player.now(wall);
    ingest_due(engine, tracker, player, now);
    if player.playback.finished() || now >= player.end {
        if player.looping {
            player.clock.seek(player.start, wall);
            let start = player.start;
            rebuild(engine, config, player, start);
        } else {
            tracker.state = SourceState::Ended;
        }
    }
}

/// Replay keys; `true` when the key was one of them.
fn replay_key(code: KeyCode, player: &mut Player, engine: &mut Engine, config: &Config) -> bool {
    let wall = wall_nanos();
    let now = player.now(wall);
    let seek_to = |delta: Nanos| (now + delta).clamp(player.start.min(now), player.end);
    let target = match code {
        KeyCode::Char(' ') => {
            player.clock.toggle_pause(wall);
            return true;
        }
        KeyCode::Char('+') | KeyCode::Char('=') => {
            player
                .clock
                .set_speed((player.clock.speed() * 2.0).min(MAX_SPEED), wall);
            return true;
        }
        KeyCode::Char('-') | KeyCode::Char('_') => {
            player
                .clock
                .set_speed((player.clock.speed() / 2.0).max(MIN_SPEED), wall);
            return true;
        }
        KeyCode::Left => seek_to(-NANOS_PER_MIN),
        KeyCode::Right => seek_to(NANOS_PER_MIN),
        KeyCode::Char('[') => seek_to(-15 * NANOS_PER_MIN),
        KeyCode::Char(']') => seek_to(15 * NANOS_PER_MIN),
        KeyCode::Home => player.start,
        _ => return false,
    };
    player.clock.seek(target, wall);
    if target < now {
        rebuild(engine, config, player, target);
    } else {
        let mut scratch = FeedTracker::new();
        ingest_due(engine, &mut scratch, player, target);
    }
    true
}

fn rotate_area(view: &mut View, areas: &[String]) {
    view.area = match &view.area {
        None => areas.first().cloned(),
        Some(current) => areas
            .iter()
            .position(|code| code == current)
            .and_then(|i| areas.get(i + 1))
            .cloned(),
    };
}
