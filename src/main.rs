//! forceboard's binary: parse the command line (`cli/`), load the configuration, call
//! one library or dashboard function per command, and turn errors into one sentence on
//! stderr and an exit code: 0 ok, 1 a runtime failure (or `check` found rejected lines),
//! 2 a bad flag or configuration (a config file that cannot be read too), 128 + n when
//! signal n ended the dashboard.

// A binary exports nothing: `pub` in cli/ says what main.rs uses, as pub(crate) would.
#![allow(unreachable_pub)]

mod cli;

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, anyhow};
use clap::error::ErrorKind;

use cli::{CheckArgs, Cli, Command, GenArgs, ReportArgs, ServeArgs, UsageError};
use forceboard::config::{Config, ConfigError};
use forceboard::format::{error_chain, printable};
use forceboard::serve::{ServeError, TrainerControls, serve_until_stopped};
use forceboard::shell::terminal;
use forceboard::{check, generate, report};

fn main() -> ExitCode {
    let cli = match Cli::parse_checked() {
        Ok(cli) => cli,
        Err(error) => {
            if matches!(
                error.kind(),
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
            ) {
                let _ = error.print();
                return ExitCode::SUCCESS;
            }
            // clap quotes the values it refuses, as given.
            eprintln!("forceboard: {}", printable(&cli::one_sentence(&error)));
            return ExitCode::from(2);
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            if is_broken_pipe(&error) {
                return ExitCode::SUCCESS;
            }
            // The values quoted are escaped where they are quoted; this catches any other
            // (an OS or library message) before it reaches the terminal.
            eprintln!("forceboard: {}", printable(&error_chain(error.as_ref())));
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
    let _log_guard = start_logging(cli.log_file())?;
    let map = cli::map::chosen(cli.map.as_deref(), &config, cli.config.as_deref());
    cli::map::install_for(cli.command.as_ref(), map.as_deref(), &config)?;
    match cli.command {
        Some(Command::Map(command)) => cli::map::run(&command, map.as_deref(), &config),
        Some(Command::Report(args)) => report_command(&args.force.config(config)?, &args),
        Some(Command::Check(args)) => check_command(&args.force.config(config)?, &args),
        Some(Command::Gen(args)) => gen_command(&args.force.config(config)?, &args),
        Some(Command::Serve(args)) => serve_command(&config, &args),
        Some(Command::Control(args)) => control_command(&args),
        Some(Command::Ssh(args)) => {
            let config = cli::board_config(config, args.feed.as_ref())?;
            ssh_command(with_handover_dir(config, args.handover_dir.as_ref()), &args)
        }
        Some(Command::Publish(args)) => cli::publish::run(&config, &args),
        Some(Command::Watch(args)) => {
            let config = cli::board_config(config, Some(&args.feed))?;
            let config = with_handover_dir(config, args.dashboard.handover_dir.as_ref());
            show(config, args.options()?)
        }
        Some(Command::Replay(args)) => {
            let config = args.force.config(config)?;
            let config = with_handover_dir(config, args.dashboard.handover_dir.as_ref());
            let playback = args.file.read_playback(config.reorder_horizon)?;
            show(config, args.options(playback)?)
        }
        None if io::stdout().is_terminal() => show(
            with_handover_dir(config, cli.dashboard.handover_dir.as_ref()),
            cli.dashboard
                .options(forceboard::shell::FeedInput::Demo, None),
        ),
        // Not a terminal (a pipe, a script): the demo day's figures as text.
        None => print(&report::demo_day(&config, screen_width())?),
    }
}

/// `--handover-dir`, over the configuration's `handover_dir`.
fn with_handover_dir(mut config: Config, dir: Option<&PathBuf>) -> Config {
    if let Some(dir) = dir {
        config.handover_dir.clone_from(dir);
    }
    config
}

fn show(config: Config, options: terminal::Options) -> anyhow::Result<ExitCode> {
    let ending = terminal::run(config, options)?;
    Ok(ExitCode::from(ending.exit_status()))
}

/// The columns `report`'s table must fit: `COLUMNS` when set to a number, else the
/// terminal's width when standard output is one; `None` (the wide table) for a pipe.
fn screen_width() -> Option<usize> {
    let columns = std::env::var("COLUMNS").ok();
    match columns.as_deref().map(str::trim).map(str::parse::<usize>) {
        Some(Ok(width)) if width > 0 => Some(width),
        _ if io::stdout().is_terminal() => crossterm::terminal::size()
            .ok()
            .map(|(width, _)| usize::from(width)),
        _ => None,
    }
}

fn print(text: &str) -> anyhow::Result<ExitCode> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Logs go to `--log FILE` only; without it nothing is logged (never to the screen).
fn start_logging(
    path: Option<&Path>,
) -> anyhow::Result<Option<tracing_appender::non_blocking::WorkerGuard>> {
    let Some(path) = path else {
        return Ok(None);
    };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| {
            let path = path.display().to_string();
            format!("cannot open log file {}", printable(&path))
        })?;
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

fn report_command(config: &Config, args: &ReportArgs) -> anyhow::Result<ExitCode> {
    if args.alert_log.is_some() && args.format != Some(cli::ReportFormat::Html) {
        return Err(UsageError(
            "--alert-log lists the alerts on the handover page: give it with --format html"
                .to_string(),
        )
        .into());
    }
    if let Some((format, asked)) = args.handover(config)? {
        return handover_command(config, args, format, asked);
    }
    let computed = report::compute(args.file.open_input()?, config, args.at, &args.window)
        .with_context(|| format!("cannot read {}", args.file))?;
    let report = computed.ok_or_else(|| {
        anyhow!(
            "{} has no accepted events, so there is no time to report at (give --at)",
            args.file
        )
    })?;
    print(&report.render(config, &args.window, args.format(), screen_width()))
}

/// `report --format html|csv`: the handover over a period.
fn handover_command(
    config: &Config,
    args: &ReportArgs,
    format: cli::HandoverFormat,
    asked: report::handover::PeriodAsked,
) -> anyhow::Result<ExitCode> {
    let zone = config.timezone;
    let starts = config.shift_starts.clone();
    let computed = report::handover::compute(args.file.open_input()?, config, asked, |end| {
        report::handover::shift::shift_around(end, &starts, zone).map_or(end, |(start, _)| start)
    });
    let handover = match computed {
        Ok(handover) => handover,
        // A period that cannot be is the flags' fault: exit 2.
        Err(error) if error.is_usage() => return Err(UsageError(error.to_string()).into()),
        Err(error) => return Err(anyhow!("{}: {error}", args.file)),
    };
    let alerts = match &args.alert_log {
        Some(path) => Some(
            report::handover::alert_log::read(path)
                .with_context(|| format!("cannot read the alert log {}", path.display()))?,
        ),
        None => None,
    };
    print(&match format {
        cli::HandoverFormat::Html => report::handover::html::page_with_alerts(
            &handover,
            config,
            &args.file.to_string(),
            alerts.as_ref(),
        ),
        cli::HandoverFormat::Csv => report::handover::csv::table(&handover),
    })
}

fn check_command(config: &Config, args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let checked = check::check(args.file.open_input()?, config)
        .with_context(|| format!("cannot read {}", args.file))?;
    let mut out = BufWriter::new(io::stdout().lock());
    checked.write(&args.file.to_string(), &mut out)?;
    out.flush()?;
    Ok(if checked.all_accepted() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn gen_command(config: &Config, args: &GenArgs) -> anyhow::Result<ExitCode> {
    let options = args.options(config)?;
    let mut out = BufWriter::with_capacity(256 * 1024, io::stdout().lock());
    generate::generate(&options, &mut out)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn serve_command(config: &Config, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let playback = args.file.read_playback(config.reorder_horizon)?;
    let last_event = playback
        .last_at()
        .ok_or_else(|| anyhow!("{} has no events to serve", args.file))?;
    let options = args.options(config, last_event)?;
    let in_terminal = io::stdin().is_terminal() && io::stdout().is_terminal();
    let controls = TrainerControls {
        console: (in_terminal && !args.no_console)
            .then(|| forceboard::shell::console::console(config.timezone)),
        control: args.control.clone(),
        zone: config.timezone,
    };
    let announce = |bound| eprintln!("serving {} on {bound} at ×{}", args.file, args.speed);
    match serve_until_stopped(args.listen, playback, options, controls, announce) {
        Ok(_) => Ok(ExitCode::SUCCESS),
        Err(ServeError::NotHere(address)) => {
            Err(UsageError(cli::not_this_machine(&address.to_string())).into())
        }
        Err(error) => Err(error.into()),
    }
}

/// Sends one command to a running serve's control socket and prints its answer.
fn control_command(args: &cli::ControlArgs) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let command = args.command.join(" ");
    let answer = runtime
        .block_on(forceboard::serve::send_command(&args.socket, &command))
        .map_err(|error| {
            anyhow!(
                "cannot reach the serve control socket {}: {error}",
                args.socket.display()
            )
        })?;
    println!("{answer}");
    Ok(if answer.starts_with("ok") {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn ssh_command(config: Config, args: &cli::SshArgs) -> anyhow::Result<ExitCode> {
    let feed = args.feed(&config)?;
    let announce = |line: &str| eprintln!("forceboard ssh: {}", printable(line));
    let options = args.options(&config);
    forceboard::shell::ssh::serve_until_stopped(args.listen, config, feed, options, announce)?;
    Ok(ExitCode::SUCCESS)
}
