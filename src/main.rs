//! forceboard's binary: parse the command line, dispatch, and turn errors into one
//! sentence on stderr with a non-zero exit.

mod cli;
mod dashboard;

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Write};
use std::net::ToSocketAddrs;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, anyhow};
use clap::Parser;
use clap::error::ErrorKind;

use cli::{CheckArgs, Cli, Command, DisplayArgs, LayoutArg, ReplayArgs, ReportArgs, WatchArgs};
use forceboard::config::{Config, ConfigError, Window};
use forceboard::engine::Engine;
use forceboard::feed::source::FeedSource;
use forceboard::generate::{GenOptions, generate};
use forceboard::ingest::ingest_reader;
use forceboard::ingest::playback::{MAX_SPEED, MIN_SPEED, Playback};
use forceboard::ingest::replay::ReplayOptions;
use forceboard::report;
use forceboard::serve::{BACKLOG_MARGIN, ServeOptions, serve};
use forceboard::time::{TimeError, format_utc, parse_rfc3339, parse_span};
use forceboard::ui::LayoutChoice;

/// A mistake in how forceboard was called: exit code 2, like clap's own.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct UsageError(String);

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            if matches!(
                error.kind(),
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
            ) {
                let _ = error.print();
                return ExitCode::SUCCESS;
            }
            // clap's message is several lines; the first one says what was wrong, and
            // when it ends in a colon the next one says which argument.
            let rendered = error.render().to_string();
            let mut lines = rendered.lines().filter(|line| !line.trim().is_empty());
            let mut first = lines
                .next()
                .unwrap_or("invalid command line")
                .trim_start_matches("error: ")
                .to_string();
            if first.ends_with(':')
                && let Some(which) = lines.next()
            {
                first = format!("{first} {}", which.trim());
            }
            eprintln!("forceboard: {first} (see forceboard --help)");
            return ExitCode::from(2);
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            if is_broken_pipe(&error) {
                return ExitCode::SUCCESS;
            }
            eprintln!("forceboard: {error:#}");
            let usage = error.downcast_ref::<ConfigError>().is_some()
                || error.downcast_ref::<UsageError>().is_some();
            ExitCode::from(if usage { 2 } else { 1 })
        }
    }
}

/// `forceboard report … | head` closes the pipe early; that is not an error.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|cause| cause.downcast_ref::<io::Error>())
        .any(|io_error| io_error.kind() == io::ErrorKind::BrokenPipe)
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let config = match &cli.config {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    let _log_guard = start_logging(&cli.display)?;
    match cli.command {
        Some(Command::Report(args)) => report_command(&config, &args),
        Some(Command::Check(args)) => check_command(&config, &args),
        Some(Command::Gen(args)) => gen_command(&config, &args),
        Some(Command::Serve(args)) => serve_command(&config, &args),
        Some(Command::Watch(args)) => watch_command(config, &cli.display, args),
        Some(Command::Replay(args)) => replay_command(config, &cli.display, &args),
        None if io::stdout().is_terminal() => {
            let options = display_options(&cli.display, dashboard::Input::Demo, None)?;
            dashboard::run(config, options)?;
            Ok(ExitCode::SUCCESS)
        }
        // Not a terminal (a pipe, a script): the demo day's figures as text.
        None => demo_report(&config),
    }
}

/// Logs go to `--log FILE` only; without it nothing is logged (never to the screen).
fn start_logging(
    display: &DisplayArgs,
) -> anyhow::Result<Option<tracing_appender::non_blocking::WorkerGuard>> {
    let Some(path) = &display.log else {
        return Ok(None);
    };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("cannot open log file {}", path.display()))?;
    let (writer, guard) = tracing_appender::non_blocking(file);
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("FORCEBOARD_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .try_init()
        .map_err(|error| anyhow!("cannot start logging: {error}"))?;
    Ok(Some(guard))
}

fn display_options(
    display: &DisplayArgs,
    input: dashboard::Input,
    record: Option<std::path::PathBuf>,
) -> anyhow::Result<dashboard::Options> {
    let rotate = match display.rotate.as_deref() {
        Some(text) => Some(
            parse_span(text)
                .filter(|&span| span >= 1_000_000_000)
                .map(|span| std::time::Duration::from_nanos(span as u64))
                .ok_or_else(|| {
                    UsageError("--rotate must be a duration of at least 1s, such as 20s".into())
                })?,
        ),
        None => None,
    };
    Ok(dashboard::Options {
        input,
        layout: match display.layout {
            LayoutArg::Auto => LayoutChoice::Auto,
            LayoutArg::Wall => LayoutChoice::Wall,
            LayoutArg::Standard => LayoutChoice::Standard,
            LayoutArg::Compact => LayoutChoice::Compact,
        },
        mono: display.mono,
        rotate,
        record,
    })
}

fn watch_command(
    config: Config,
    display: &DisplayArgs,
    args: WatchArgs,
) -> anyhow::Result<ExitCode> {
    let source = FeedSource::parse(&args.feed, args.follow).map_err(UsageError)?;
    let token = std::env::var("FORCEBOARD_TOKEN")
        .ok()
        .filter(|t| !t.is_empty());
    let input = dashboard::Input::Live { source, token };
    let options = display_options(display, input, args.record)?;
    dashboard::run(config, options)?;
    Ok(ExitCode::SUCCESS)
}

fn replay_command(
    config: Config,
    display: &DisplayArgs,
    args: &ReplayArgs,
) -> anyhow::Result<ExitCode> {
    if !(MIN_SPEED..=MAX_SPEED).contains(&args.speed) {
        return Err(UsageError(format!(
            "--speed must be between {MIN_SPEED} and {MAX_SPEED}"
        ))
        .into());
    }
    let from = args
        .from
        .as_deref()
        .map(|t| parse_time_flag("--from", t))
        .transpose()?;
    let until = args
        .until
        .as_deref()
        .map(|t| parse_time_flag("--until", t))
        .transpose()?;
    let playback = Playback::read(open_feed(&args.file)?)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let input = dashboard::Input::Replay {
        playback,
        options: ReplayOptions {
            from,
            until,
            speed: args.speed,
            looping: false,
        },
    };
    let options = display_options(display, input, None)?;
    dashboard::run(config, options)?;
    Ok(ExitCode::SUCCESS)
}

fn open_feed(path: &Path) -> anyhow::Result<Box<dyn BufRead>> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(BufReader::with_capacity(256 * 1024, io::stdin())));
    }
    let file =
        File::open(path).with_context(|| format!("cannot open feed file {}", path.display()))?;
    Ok(Box::new(BufReader::with_capacity(256 * 1024, file)))
}

fn parse_time_flag(flag: &str, text: &str) -> Result<i64, UsageError> {
    parse_rfc3339(text).map_err(|error| {
        UsageError(match error {
            TimeError::NoOffset => format!(
                "{flag} needs an offset (e.g. 2024-07-01T12:00:00Z or 2024-07-01T13:00:00+01:00)"
            ),
            TimeError::Malformed => {
                format!("{flag} must be an RFC 3339 time such as 2024-07-01T12:00:00Z")
            }
        })
    })
}

fn report_command(config: &Config, args: &ReportArgs) -> anyhow::Result<ExitCode> {
    let window = Window::parse(&args.window).ok_or_else(|| {
        UsageError("--window must be a duration such as 15m, 1h, 24h, 90m or 7d".to_string())
    })?;
    let until = args
        .at
        .as_deref()
        .map(|text| parse_time_flag("--at", text))
        .transpose()?;
    let reader = open_feed(&args.file)?;
    let computed = report::compute(reader, config, until, &window)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let report::Report {
        at,
        figures,
        counts,
    } = computed.ok_or_else(|| {
        anyhow!(
            "{} has no accepted events, so there is no time to report at (give --at)",
            args.file.display()
        )
    })?;
    let text = if args.json {
        report::to_json(at, &window, &figures, &counts)
    } else {
        report::to_table(config, at, &window, &figures, &counts)
    };
    let mut out = io::stdout().lock();
    writeln!(out, "{}", text.trim_end())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn check_command(config: &Config, args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let engine = Engine::new(config.engine_settings(None));
    let reader = open_feed(&args.file)?;
    let mut rejected = Vec::new();
    let (_, counts) = ingest_reader(
        reader,
        engine,
        config.reorder_horizon,
        None,
        &mut |line, why| rejected.push((line, why)),
    )
    .with_context(|| format!("cannot read {}", args.file.display()))?;
    rejected.sort_by_key(|&(line, _)| line);
    let mut out = BufWriter::new(io::stdout().lock());
    for (line, why) in &rejected {
        writeln!(out, "line {line}: {why}")?;
    }
    writeln!(
        out,
        "{}: {} lines: {} accepted, {} rejected, {} duplicates",
        args.file.display(),
        counts.lines,
        counts.accepted,
        counts.rejected,
        counts.duplicates
    )?;
    out.flush()?;
    Ok(if counts.rejected > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn gen_command(config: &Config, args: &cli::GenArgs) -> anyhow::Result<ExitCode> {
    let start = match args.start.as_deref() {
        Some(text) => {
            parse_time_flag("--start", text)?;
            chrono::DateTime::parse_from_rfc3339(text).map_err(|_| {
                UsageError(
                    "--start must be an RFC 3339 time such as 2024-07-01T00:00:00+01:00".into(),
                )
            })?
        }
        None => GenOptions::default_start(),
    };
    let options = GenOptions {
        days: args.days,
        seed: args.seed,
        start,
        tz: config.timezone,
    };
    let mut out = BufWriter::with_capacity(256 * 1024, io::stdout().lock());
    generate(&options, &mut out)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn serve_command(config: &Config, args: &cli::ServeArgs) -> anyhow::Result<ExitCode> {
    let from = args
        .from
        .as_deref()
        .map(|text| parse_time_flag("--from", text))
        .transpose()?;
    let bad_address = || {
        UsageError(format!(
            "--listen must be HOST:PORT of this machine, such as 127.0.0.1:7000 (got \"{}\")",
            args.listen
        ))
    };
    let address = args
        .listen
        .to_socket_addrs()
        .map_err(|_| bad_address())?
        .next()
        .ok_or_else(bad_address)?;
    let playback = Playback::read(open_feed(&args.file)?)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let last = playback
        .last_at()
        .ok_or_else(|| anyhow!("{} has no events to serve", args.file.display()))?;
    if let Some(from) = from
        && from > last
    {
        return Err(UsageError(format!(
            "--from is after the last event of {} ({})",
            args.file.display(),
            format_utc(last)
        ))
        .into());
    }
    if !playback.rejected.is_empty() {
        tracing::warn!(
            lines = playback.rejected.len(),
            "lines of the feed file were rejected and are not served (see forceboard check)"
        );
    }
    let options = ServeOptions {
        speed: args.speed,
        from,
        looping: args.looping,
        backlog: config
            .windows
            .iter()
            .map(|window| window.span)
            .max()
            .unwrap_or(0)
            + BACKLOG_MARGIN,
        ..ServeOptions::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the server's runtime")?;
    runtime.block_on(async {
        let listener =
            tokio::net::TcpListener::bind(address)
                .await
                .map_err(|error| -> anyhow::Error {
                    if error.kind() == io::ErrorKind::AddrNotAvailable {
                        bad_address().into()
                    } else {
                        anyhow!("cannot listen on {address}: {error}")
                    }
                })?;
        let bound = listener.local_addr().unwrap_or(address);
        eprintln!(
            "serving {} on {bound} at ×{}",
            args.file.display(),
            args.speed
        );
        serve(listener, playback, options, stop_signal()).await?;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Ctrl-C, SIGTERM or SIGHUP.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let (Ok(mut term), Ok(mut hup)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
        ) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
                _ = hup.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// Until the dashboard lands: the demo day's report, over 24 h, at its last event.
fn demo_report(config: &Config) -> anyhow::Result<ExitCode> {
    let window = Window::parse("24h").ok_or_else(|| anyhow!("built-in window"))?;
    let report::Report {
        at,
        figures,
        counts,
    } = report::compute(forceboard::DEMO_DAY.as_bytes(), config, None, &window)?
        .ok_or_else(|| anyhow!("the built-in demo day is empty"))?;
    let mut out = io::stdout().lock();
    writeln!(out, "DEMO DATA (synthetic)\n")?;
    writeln!(
        out,
        "{}",
        report::to_table(config, at, &window, &figures, &counts).trim_end()
    )?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
