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
use forceboard::feed::source::{self, FeedItem, FeedSource, SourceState};
use forceboard::feed::wire::schema_line;
use forceboard::ingest::playback::{MAX_SPEED, MIN_SPEED, Playback};
use forceboard::ingest::replay::Replay;
use forceboard::model::Reject;
use forceboard::time::{NANOS_PER_HOUR, NANOS_PER_MIN, NANOS_PER_SEC, Nanos, format_utc};
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
    let settings = config.engine_settings(None);
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
            // Start at 17:00 into the day, when the board is busy, with the day so far loaded.
            let start = first + 17 * NANOS_PER_HOUR;
            tracker.state = SourceState::Connected;
            Some(Replay::new(
                playback,
                settings,
                Some(start),
                None,
                1.0,
                true,
                wall_nanos(),
            ))
        }
        Input::Replay {
            playback,
            speed,
            from,
            until,
        } => {
            if playback.is_empty() {
                return Err(anyhow!("the feed has no events to replay"));
            }
            for (line, reason) in &playback.rejected {
                tracker.reject(*line, *reason);
            }
            tracker.state = SourceState::Connected;
            Some(Replay::new(
                playback,
                settings,
                from,
                until,
                speed,
                false,
                wall_nanos(),
            ))
        }
    };
    drop(tx);
    let mut engine = Engine::new(config.engine_settings(None));

    let mut keys = EventStream::new();
    // Once a second for the clock and the ageing waits; a replay, whose virtual clock may
    // run thousands of times faster, moves on four times a second.
    let replaying = player.as_ref().is_some_and(|p| !p.is_looping());
    let mut tick = tokio::time::interval(if replaying {
        Duration::from_millis(250)
    } else {
        Duration::from_secs(1)
    });
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut terminate = signal(SignalKind::terminate()).context("cannot watch SIGTERM")?;
    let mut hangup = signal(SignalKind::hangup()).context("cannot watch SIGHUP")?;
    let mut interrupt = signal(SignalKind::interrupt()).context("cannot watch SIGINT")?;
    let mut last_rotate = Instant::now();
    let mut last_draw: Option<Instant> = None;
    let mut last_frame: Option<(Board, View, ratatui::layout::Size)> = None;
    let mut dirty = true;
    let mut urgent = true;
    let mut feed_open = true;

    loop {
        let now_instant = Instant::now();
        if dirty
            && (urgent || last_draw.is_none_or(|t| now_instant.duration_since(t) >= MIN_FRAME_GAP))
        {
            let wall = wall_nanos();
            let stale_after = Duration::from_nanos(config.stale_after as u64);
            let mut status = tracker.status(now_instant, stale_after, live);
            let (board_engine, now, mode) = match &player {
                None => (&engine, wall, Mode::Live),
                Some(replay) => {
                    let now = replay.now(wall);
                    status = replay_status(status, replay, now, config.stale_after, wall);
                    let mode = if replay.is_looping() {
                        Mode::Demo
                    } else {
                        Mode::Replay {
                            speed: replay.speed(),
                            paused: replay.is_paused(),
                        }
                    };
                    (replay.engine(), now, mode)
                }
            };
            let board = Board::build(board_engine, &config, &view, now, mode, status);
            let size = terminal.size()?;
            // Nothing to show that is not on screen already: write nothing at all.
            let unchanged = last_frame
                .as_ref()
                .is_some_and(|(b, v, s)| *b == board && *v == view && *s == size);
            if !unchanged {
                let backend = terminal.backend_mut();
                crossterm::queue!(backend, BeginSynchronizedUpdate)?;
                terminal.draw(|frame| draw(frame, &board, &view))?;
                crossterm::execute!(terminal.backend_mut(), EndSynchronizedUpdate)?;
                last_frame = Some((board, view.clone(), size));
            }
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
                        if let Some(replay) = player.as_mut().filter(|p| !p.is_looping())
                            && replay_key(key.code, replay)
                        {
                            dirty = true;
                            urgent = true;
                            continue;
                        }
                        let areas = match &player {
                            Some(replay) => replay.engine().area_codes().to_vec(),
                            None => engine.area_codes().to_vec(),
                        };
                        match view.handle_key(key, config.windows.len(), &areas) {
                            forceboard::ui::Action::Quit => break,
                            forceboard::ui::Action::Redraw => { dirty = true; urgent = true; }
                            forceboard::ui::Action::Nothing => {}
                        }
                    }
                    Some(Ok(TermEvent::Resize(_, _))) => {
                        terminal.autoresize()?;
                        last_frame = None;
                        dirty = true;
                        urgent = true;
                    }
                    Some(Ok(_)) => {}
                    // The terminal has gone (e.g. the SSH link dropped): leave.
                    Some(Err(_)) | None => break,
                }
            }
            _ = tick.tick() => {
                if let Some(replay) = &mut player {
                    let step = replay.advance(wall_nanos());
                    let arrived = Instant::now();
                    for _ in 0..step.accepted.min(100_000) {
                        tracker.accepted(arrived);
                    }
                    for (line, reason) in step.rejected {
                        tracker.reject(line, reason);
                    }
                }
                if let Some(every) = options.rotate
                    && last_rotate.elapsed() >= every
                {
                    last_rotate = Instant::now();
                    let areas = match &player {
                        Some(replay) => replay.engine().area_codes(),
                        None => engine.area_codes(),
                    };
                    rotate_area(&mut view, areas);
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
        FeedItem::Event { line, event } => {
            tracker.last_item = Some(arrived);
            if live && event.at > wall_nanos().saturating_add(config.future_skew) {
                tracker.reject(line, Reject::FutureDated);
                return Ok(());
            }
            // Kept for --record: the schema's fields only (the raw line may carry caller
            // details, which are never stored).
            let recorded = record.is_some().then(|| event.clone());
            match engine.ingest(event) {
                Ok(Applied::Accepted) => {
                    tracker.accepted(arrived);
                    if let (Some(file), Some(recorded)) = (record.as_mut(), recorded) {
                        writeln!(file, "{}", schema_line(&recorded, None, format_utc))
                            .context("cannot write the record file")?;
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

/// A replay's feed state: ended at its end; stale when the recording itself falls silent
/// for longer than `stale_after` of virtual time (a recorded outage shows as one).
fn replay_status(
    mut status: FeedStatus,
    replay: &Replay,
    now: Nanos,
    stale_after: Nanos,
    wall: Nanos,
) -> FeedStatus {
    status.last_event_age_s = replay
        .last_event_at()
        .map(|at| ((now - at).max(0) / NANOS_PER_SEC) as u64);
    status.state = if !replay.is_looping() && replay.at_end(wall) {
        FeedState::Ended
    } else {
        match replay.last_event_at() {
            Some(at) if now - at > stale_after => FeedState::Stale {
                silent_s: ((now - at) / NANOS_PER_SEC) as u64,
            },
            _ => FeedState::Live,
        }
    };
    status
}

/// Replay keys; `true` when the key was one of them.
fn replay_key(code: KeyCode, replay: &mut Replay) -> bool {
    let wall = wall_nanos();
    let now = replay.now(wall);
    match code {
        KeyCode::Char(' ') => replay.toggle_pause(wall),
        KeyCode::Char('+') | KeyCode::Char('=') => {
            replay.set_speed((replay.speed() * 2.0).min(MAX_SPEED), wall)
        }
        KeyCode::Char('-') | KeyCode::Char('_') => {
            replay.set_speed((replay.speed() / 2.0).max(MIN_SPEED), wall)
        }
        KeyCode::Left => replay.seek(now - NANOS_PER_MIN, wall),
        KeyCode::Right => replay.seek(now + NANOS_PER_MIN, wall),
        KeyCode::Char('[') => replay.seek(now - 15 * NANOS_PER_MIN, wall),
        KeyCode::Char(']') => replay.seek(now + 15 * NANOS_PER_MIN, wall),
        KeyCode::Home => replay.seek(replay.start(), wall),
        _ => return false,
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
