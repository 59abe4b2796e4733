//! The command line: every flag, its parsing and checking, and the
//! conversion of the parsed arguments into what the library and the dashboard take.
//!
//! Every flag's value is checked by clap as it parses (the parsers are at the end), so a
//! bad flag is refused before anything is read, in one sentence that names it, and the
//! binary exits 2.

// clap prints the doc comments of the flags as `--help`, as written: they are plain text,
// not Markdown, so no backticks around FORCEBOARD_TOKEN and the like.
#![allow(clippy::doc_markdown)]

mod convert;
pub mod map;
mod nats;
pub mod publish;
mod ssh;
mod theme;
mod values;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate};
use clap::error::ErrorKind;
use clap::{Args, CommandFactory, Parser, Subcommand};

pub use convert::{HandoverFormat, board_config};
use forceboard::config::Window;
use forceboard::feed::source::nats::NatsAddressError;
use forceboard::feed::source::{FeedSource, FeedSourceError};
use forceboard::time::{Span, Timestamp};
pub use nats::{NatsAuthArgs, PublishArgs};
pub use ssh::SshArgs;
pub use theme::ThemeArg;
pub use values::{FeedFile, not_this_machine};
use values::{
    Flag, parse_drain_limit, parse_feed_file, parse_feed_source, parse_interval, parse_listen,
    parse_rotate, parse_speed, parse_start, parse_time, parse_window,
};

#[derive(Debug, Parser)]
#[command(
    name = "forceboard",
    version,
    about = "A terminal dashboard of a police control room's call queues and attendance times.",
    long_about = "A terminal dashboard of a police control room's call queues and attendance \
                  times against their targets. With no command, it shows the built-in demo day \
                  (or, when standard output is not a terminal, prints its figures).",
    after_help = TOP_HELP
)]
pub struct Cli {
    /// TOML configuration (targets, windows, areas, force name, time zone); see
    /// forceboard.example.toml.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Read every feed through an input map: a built-in adapter's name (forceboard map
    /// list) or a map file (TOML). Overrides the configuration's [input] map.
    #[arg(long, global = true, value_name = "FILE|NAME")]
    pub map: Option<String>,

    /// The demo dashboard's options (with no command).
    #[command(flatten)]
    pub dashboard: DashboardArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The dashboard's options (for `forceboard`, `watch` and `replay`).
#[derive(Debug, Default, Args)]
#[command(next_help_heading = "Dashboard")]
pub struct DashboardArgs {
    /// Screen layout: auto (by terminal size), wall (huge figures), standard, compact (80×24)
    /// [default: auto].
    #[arg(long, value_enum, value_name = "LAYOUT")]
    pub layout: Option<LayoutArg>,
    /// No colour at all (also when the NO_COLOR environment variable is set).
    #[arg(long)]
    pub mono: bool,
    /// Colours for the room: dark, light (bright rooms, projectors), high-contrast (walls
    /// seen from far), auto (the terminal's own background) [default: the config's, else
    /// dark].
    #[arg(long, value_enum, value_name = "THEME")]
    pub theme: Option<ThemeArg>,
    /// Plain ASCII only: no box lines, blocks or symbols (also when the locale is not
    /// UTF-8, and on TERM=linux, vt100 and the like).
    #[arg(long)]
    pub ascii: bool,
    /// Cycle the board through the force and each area on its own, e.g. every 20s.
    #[arg(long, value_name = "EVERY", value_parser = Flag(parse_rotate))]
    pub rotate: Option<Span>,
    /// Write logs to this file (nothing is ever logged to the screen).
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
    /// Who acknowledges alerts from this board (key A) [default: the login name].
    #[arg(long, value_name = "NAME")]
    pub operator: Option<String>,
    /// Do not ring the terminal's bell for a new alert.
    #[arg(long)]
    pub no_bell: bool,
    /// Append every alert raised, acknowledged, alarmed again and cleared to this file
    /// (one JSON object a line).
    #[arg(long, value_name = "FILE")]
    pub alert_log: Option<PathBuf>,
    /// Run this (with sh -c) for each alert raised, acknowledged, alarmed again or cleared,
    /// the alert as JSON on its standard input; never holds the board up.
    #[arg(long, value_name = "CMD")]
    pub alert_command: Option<String>,
    /// Where the H key writes the handover for the shift so far [default: the config's
    /// handover_dir, else the current directory].
    #[arg(long, value_name = "DIR")]
    pub handover_dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LayoutArg {
    Auto,
    Wall,
    Standard,
    Compact,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The live dashboard on a feed.
    #[command(after_help = WATCH_HELP)]
    Watch(WatchArgs),
    /// The dashboard on a recorded feed, on a virtual clock (training).
    #[command(after_help = REPLAY_HELP)]
    Replay(ReplayArgs),
    /// Print the figures at a time, as a table or as JSON.
    #[command(after_help = REPORT_HELP)]
    Report(ReportArgs),
    /// Validate a feed file: counts, and every rejected line's number and reason.
    #[command(after_help = CHECK_HELP)]
    Check(CheckArgs),
    /// Write a realistic synthetic feed to stdout (the same bytes for the same seed).
    #[command(after_help = GEN_HELP)]
    Gen(GenArgs),
    /// Play a recorded feed over TCP to every client that connects, timed as a live feed
    /// on the recording's own clock (a trainer runs one `serve` and pauses, seeks and
    /// speeds it for the room; the room runs `watch --feed tcp://HOST:PORT`).
    #[command(after_help = SERVE_HELP)]
    Serve(ServeArgs),
    /// Send a trainer's command to a `serve --control SOCKET` (pause, resume, skip -15m,
    /// goto 21:45, speed 60, status…) and print its answer.
    #[command(after_help = CONTROL_HELP)]
    Control(ControlArgs),
    /// Serve the board over SSH: `ssh -p PORT board@host` shows it (public keys only,
    /// read-only; one feed for every session).
    #[command(after_help = ssh::SSH_HELP)]
    Ssh(SshArgs),
    /// Publish a live feed onto a NATS JetStream subject (one per force), for boards
    /// anywhere to follow with watch --feed nats://HOST:PORT/SUBJECT.
    #[command(after_help = PUBLISH_HELP)]
    Publish(PublishArgs),
    /// Input maps for a force's own telephony and CAD records: list the built-in ones, or
    /// check a map on a sample of records.
    #[command(subcommand)]
    Map(map::MapCommand),
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The feed: - (stdin), a file path, tcp://HOST:PORT, http(s)://… (an NDJSON stream), or
    /// nats://HOST:PORT/SUBJECT (tls://… for TLS) for a NATS JetStream subject.
    /// A bearer token for http(s) is read from FORCEBOARD_TOKEN, never from the command line.
    #[arg(long, value_name = "SRC", value_parser = Flag(parse_feed_source))]
    pub feed: FeedSource,
    /// Keep reading a file as it grows, like tail -F (survives rotation).
    #[arg(long)]
    pub follow: bool,
    /// Append every accepted line, as received, to this file (for replay later).
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
    #[command(flatten)]
    pub dashboard: DashboardArgs,
    #[command(flatten)]
    pub nats: NatsAuthArgs,
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// Recorded feed file (NDJSON, schema v1).
    #[arg(value_name = "FILE", value_parser = Flag(parse_feed_file))]
    pub file: FeedFile,
    /// Virtual-clock speed, 0.1 to 10000 times real time.
    #[arg(long, default_value_t = 1.0, value_name = "X", allow_negative_numbers = true, value_parser = Flag(parse_speed))]
    pub speed: f64,
    /// Start the virtual clock here (RFC 3339 with an offset) [default: the first event].
    #[arg(long, value_name = "TIME", value_parser = Flag(parse_time))]
    pub from: Option<Timestamp>,
    /// Stop the virtual clock here [default: the last event].
    #[arg(long, value_name = "TIME", value_parser = Flag(parse_time))]
    pub until: Option<Timestamp>,
    #[command(flatten)]
    pub force: ForceArg,
    #[command(flatten)]
    pub dashboard: DashboardArgs,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Feed file (NDJSON, schema v1), or - for standard input.
    #[arg(value_name = "FILE", value_parser = Flag(parse_feed_file))]
    pub file: FeedFile,
    /// Report time T, RFC 3339 with an offset [default: the latest accepted event's time].
    #[arg(long, value_name = "TIME", value_parser = Flag(parse_time))]
    pub at: Option<Timestamp>,
    /// Window W: the figures cover (T - W, T]. E.g. 15m, 1h, 24h, 90m, 7d.
    #[arg(long, value_name = "W", default_value = "1h", value_parser = Flag(parse_window))]
    pub window: Window,
    /// Print the figures as one JSON object instead of a table (as --format json).
    #[arg(long)]
    pub json: bool,
    /// table, json, html (the handover page, with charts) or csv (the handover's
    /// interval table).
    #[arg(long, value_enum, value_name = "FORMAT", conflicts_with = "json")]
    pub format: Option<ReportFormat>,
    /// The handover's start [default: the start of the shift holding its end].
    #[arg(long, value_name = "TIME", value_parser = Flag(parse_time))]
    pub from: Option<Timestamp>,
    /// The handover's end [default: --at, or the feed's end].
    #[arg(long, value_name = "TIME", value_parser = Flag(parse_time), conflicts_with = "at")]
    pub to: Option<Timestamp>,
    /// The handover covers the shift (the config's shift_starts) holding its end, up to
    /// that end; the default without --from.
    #[arg(long, conflicts_with = "from")]
    pub shift: bool,
    /// The handover's interval, 1m to 24h [default: the config's handover_interval, 15m].
    #[arg(long, value_name = "SPAN", value_parser = Flag(parse_interval))]
    pub interval: Option<Span>,
    /// With --format html: list the alerts of the period from a board's audit log (the
    /// file it wrote with --alert-log).
    #[arg(long, value_name = "FILE")]
    pub alert_log: Option<PathBuf>,
    #[command(flatten)]
    pub force: ForceArg,
}

/// How `report` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Table,
    Json,
    Html,
    Csv,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Feed file (NDJSON, schema v1), or - for standard input.
    #[arg(value_name = "FILE", value_parser = Flag(parse_feed_file))]
    pub file: FeedFile,
    #[command(flatten)]
    pub force: ForceArg,
}

#[derive(Debug, Args)]
pub struct GenArgs {
    /// How many days of feed to write, 1 to 366.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=366))]
    pub days: u32,
    /// Random seed: the same seed gives the same bytes.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// First instant of the feed: a date (e.g. 2024-07-05) for local midnight in the
    /// configured zone, or a time, RFC 3339 with an offset [default: 2024-07-01, i.e.
    /// 2024-07-01T00:00:00+01:00 in Europe/London].
    #[arg(long, value_name = "DATE|TIME", value_parser = Flag(parse_start))]
    pub start: Option<GenStart>,
    /// Schema version: 1.1 also writes the call handlers (`call_ended` and `staffing`
    /// lines); 1.0 writes only the lines every reader of the first schema knows. The
    /// other lines are the same bytes either way.
    #[arg(long, value_enum, value_name = "VERSION", default_value = "1.1")]
    pub schema: GenSchema,
    #[command(flatten)]
    pub force: ForceArg,
}

/// `--force SUBJECT`, for the commands that read a file rather than a subject.
#[derive(Debug, Default, Args)]
pub struct ForceArg {
    /// With a config of [[forces]]: the force whose subject this is (e.g. events.wyp),
    /// for its name, zone, targets and areas [default: the config's top level].
    #[arg(long = "force", value_name = "SUBJECT")]
    pub subject: Option<String>,
}

/// Where `gen` starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GenStart {
    /// Local midnight starting this date in the configured zone.
    Midnight(NaiveDate),
    /// This instant, written in its offset.
    At(DateTime<FixedOffset>),
}

/// The schema `gen` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GenSchema {
    #[value(name = "1.0")]
    V1,
    #[value(name = "1.1")]
    V1_1,
}

#[derive(Debug, Args)]
pub struct ControlArgs {
    /// The control socket of a running `serve --control SOCKET`.
    #[arg(value_name = "SOCKET")]
    pub socket: PathBuf,
    /// The command and its argument, such as `pause`, `skip -15m`, `goto 21:45`.
    #[arg(value_name = "COMMAND", required = true, num_args = 1.., allow_hyphen_values = true)]
    pub command: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Feed file (NDJSON, schema v1), or - for standard input.
    #[arg(value_name = "FILE", value_parser = Flag(parse_feed_file))]
    pub file: FeedFile,
    /// Address to listen on, HOST:PORT (e.g. 127.0.0.1:7000; 0.0.0.0:7000 for every
    /// interface).
    #[arg(long, value_name = "ADDR", value_parser = Flag(parse_listen))]
    pub listen: SocketAddr,
    /// Speed of the served clock, from 0.1 to 10000 times the wall clock. Times sent are
    /// shifted onto it, never scaled: a 4 s answer stays 4 s, and boards follow the clock.
    #[arg(long, value_name = "X", default_value_t = 1.0, allow_negative_numbers = true, value_parser = Flag(parse_speed))]
    pub speed: f64,
    /// Start the feed's clock here, RFC 3339 with an offset [default: the first event].
    /// Earlier events count as already sent, for clients' backlogs.
    #[arg(long, value_name = "TIME", value_parser = Flag(parse_time))]
    pub from: Option<Timestamp>,
    /// At the end, start again from the start (every board rebuilds, as after a seek).
    #[arg(long = "loop")]
    pub looping: bool,
    /// Date the served feed from now instead of the recording's own times (for demos that
    /// need today's date); durations stay the recording's.
    #[arg(long)]
    pub redate: bool,
    /// Also take the trainer's commands on this Unix socket, one per line (for serve run
    /// as a service; forceboard control SOCKET COMMAND sends one). Owner only (0600).
    #[arg(long, value_name = "SOCKET")]
    pub control: Option<PathBuf>,
    /// No trainer's console, even in a terminal (the mapping is printed instead).
    #[arg(long)]
    pub no_console: bool,
    /// Connections past this many are closed at once (and logged).
    #[arg(long, value_name = "N", default_value_t = 500,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub max_clients: u32,
    /// A client that has not taken its backlog within this much wall time, or takes no
    /// line for this long while lines wait for it (it stopped reading), is disconnected.
    #[arg(long, value_name = "SPAN", default_value = "60s", value_parser = Flag(parse_drain_limit))]
    pub drain_limit: Span,
    /// Write logs to this file (clients connecting and leaving, dropped or refused).
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
}

const TOP_HELP: &str = "\
Examples:
  forceboard --layout wall --rotate 20s
  forceboard watch --feed tcp://cad-gw:7000
  forceboard report fixtures/demo-day.ndjson --window 24h

Each command has its own flags: forceboard COMMAND --help.

Exit codes: 0 ok; 1 a runtime failure; 2 a bad flag or config (also a config file that \
cannot be read); 128 + n when signal n ends the dashboard (Ctrl-C 130).";

const WATCH_HELP: &str = "\
Examples:
  forceboard watch --feed tcp://cad-gw:7000 --layout wall
  forceboard watch --feed /var/log/cad/events.ndjson --follow --record today.ndjson
  FORCEBOARD_TOKEN=… forceboard watch --feed https://cad.example/feed --log board.log

Exit codes: 0 ok; 1 a runtime failure (no terminal, a record or log file that cannot be \
opened); 2 a bad flag or config, or a FORCEBOARD_TOKEN that cannot be sent; 128 + n when \
signal n ends it (Ctrl-C 130, SIGTERM 143). A feed that fails is shown as down, with its \
cause, and tried again.";

const REPLAY_HELP: &str = "\
Examples:
  forceboard replay fixtures/scenarios/friday-surge.ndjson --speed 60
  forceboard replay day.ndjson --from 2024-07-01T17:00:00+01:00 --until 2024-07-01T20:00:00+01:00

Exit codes: 0 ok; 1 a runtime failure (a file that cannot be read, no terminal); 2 a bad \
flag or config; 128 + n when signal n ends it (Ctrl-C 130, SIGTERM 143).";

const REPORT_HELP: &str = "\
Examples:
  forceboard report fixtures/demo-day.ndjson --window 24h
  forceboard report day.ndjson --at 2024-07-01T12:00:00Z --window 15m --json
  forceboard gen --seed 3 | forceboard report - --window 24h
  COLUMNS=80 forceboard report day.ndjson > for-a-phone.txt
  forceboard report day.ndjson --format html --shift > handover.html
  forceboard report day.ndjson --format csv --from 2024-07-05T07:00:00+01:00 --interval 30m

--format html writes the handover: one printable page over a period (--from/--to, or the \
shift holding its end), interval by interval, with charts; --format csv its interval table.

The table fits COLUMNS, or the terminal: narrower than the wide table, it is stacked. \
Piped with no COLUMNS, it is the wide table.

Exit codes: 0 ok; 1 a runtime failure (a file that cannot be read, or no accepted event \
to report at and no --at); 2 a bad flag or config.";

const CHECK_HELP: &str = "\
Examples:
  forceboard check fixtures/bad-lines.ndjson
  cad-export | forceboard check -

Exit codes: 0 no line rejected (duplicates are counted, not rejected); 1 a line was \
rejected, or the file cannot be read; 2 a bad flag or config.";

const GEN_HELP: &str = "\
Examples:
  forceboard gen --days 30 --seed 7 > month.ndjson
  forceboard --config myforce.toml gen --start 2024-07-05 > friday.ndjson
  forceboard gen --start 2024-10-26T00:00:00+01:00 | forceboard report - --window 24h

With --config, the feed is the configured force's: its [[areas]] codes, each drawn by its \
weight, and the day's shape on its timezone's clock.

Exit codes: 0 ok; 1 the feed cannot be written; 2 a bad flag or config.";

const SERVE_HELP: &str = "\
Examples:
  forceboard serve fixtures/friday-surge.ndjson --listen 0.0.0.0:7000 --speed 20
  forceboard serve day.ndjson --listen 0.0.0.0:7000 --from 2024-07-01T17:00:00+01:00 --control /run/forceboard/room.sock
  forceboard serve fixtures/demo-day.ndjson --listen 127.0.0.1:7000 --speed 60 --loop --redate

In a terminal, serve shows the trainer's console: space pauses and resumes every board, \
←/→ seek a minute, [/] fifteen minutes, Home goes back to the start, +/- double or halve \
the speed, g goes to a time, q stops serving. Without a terminal (or with --no-console) \
it prints the mapping (recording 21:30:00 Fri 5 Jul 2024 = now, ×20 …) whenever it \
changes, and --control takes the same commands on a socket.

Runs until q, Ctrl-C, SIGTERM or SIGHUP.

Exit codes: 0 stopped by a signal; 1 a runtime failure (a file that cannot be read or has \
no events, an address in use); 2 a bad flag or config, --from after the last event, or an \
address that is not this machine's.";

const CONTROL_HELP: &str = "\
Examples:
  forceboard control /run/forceboard/room.sock pause
  forceboard control /run/forceboard/room.sock skip -15m
  forceboard control /run/forceboard/room.sock goto 21:45
  forceboard control /run/forceboard/room.sock status

Commands: pause, resume, toggle, faster, slower, speed X, skip ±SPAN, start, goto HH:MM[:SS] \
(in the config's zone, nearest the recording's time) or goto RFC3339, status. The answer \
is the room's clock afterwards: ok recording 21:45:00 Fri 5 Jul 2024 = now, paused …

Exit codes: 0 done; 1 the server refused the command or cannot be reached; 2 a bad flag.";

const PUBLISH_HELP: &str = "\
Examples:
  forceboard publish --feed tcp://cad-gw:7000 --nats nats://nats-1:4222 --subject events.wmp
  forceboard publish --feed /var/log/cad/events.ndjson --follow --nats tls://nats-1:4222 --nats-creds wmp.creds
  forceboard watch --feed nats://nats-1:4222/events.wmp

Makes the stream (subjects events.>, file storage) if none holds the subject. A NATS token \
is read from --nats-token-file or FORCEBOARD_NATS_TOKEN, never from the command line.

Exit codes: 0 the source ended and every line was acked, or stopped by a signal; 1 a \
runtime failure (NATS unreachable, the stream refused, a file changed since it was \
published); 2 a bad flag or config.";

/// A mistake in how forceboard was called that shows only once a file is read (such as
/// `serve --from` after its last event): exit code 2, like clap's own.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

impl From<FeedSourceError> for UsageError {
    fn from(error: FeedSourceError) -> Self {
        UsageError(error.to_string())
    }
}

impl From<NatsAddressError> for UsageError {
    fn from(error: NatsAddressError) -> Self {
        UsageError(error.to_string())
    }
}

impl Cli {
    /// Parses the command line. Dashboard options given before `watch` or `replay` apply
    /// to it (options after the command win), `--log` also to `serve`; before any other
    /// command they are refused.
    pub fn parse_checked() -> Result<Cli, clap::Error> {
        let mut cli = Cli::try_parse()?;
        let mut before = std::mem::take(&mut cli.dashboard);
        match &mut cli.command {
            None => cli.dashboard = before,
            Some(Command::Watch(args)) => {
                args.dashboard = before.overridden_by(std::mem::take(&mut args.dashboard));
                if args.follow {
                    args.feed = args
                        .feed
                        .clone()
                        .followed()
                        .map_err(|error| conflict(error.to_string()))?;
                }
            }
            Some(Command::Replay(args)) => {
                args.dashboard = before.overridden_by(std::mem::take(&mut args.dashboard));
            }
            Some(other) => {
                // The servers take --log given before the command too.
                let log = match other {
                    Command::Serve(args) => Some(&mut args.log),
                    Command::Ssh(args) => Some(&mut args.log),
                    Command::Publish(args) => Some(&mut args.log),
                    _ => None,
                };
                if let Some(log) = log {
                    *log = log.take().or(before.log.take());
                }
                // ssh boards write handovers too.
                if let Command::Ssh(args) = other {
                    args.handover_dir = args.handover_dir.take().or(before.handover_dir.take());
                }
                if let Some(flag) = before.first_given() {
                    let commands = match flag {
                        "--log" => "forceboard, watch, replay, serve, ssh and publish",
                        "--handover-dir" => "forceboard, watch, replay and ssh",
                        _ => "the dashboard (forceboard, watch and replay)",
                    };
                    return Err(conflict(format!("{flag} applies only to {commands}")));
                }
            }
        }
        Ok(cli)
    }

    /// The `--log` file, for the commands that take one.
    pub fn log_file(&self) -> Option<&Path> {
        match &self.command {
            None => self.dashboard.log.as_deref(),
            Some(Command::Watch(args)) => args.dashboard.log.as_deref(),
            Some(Command::Replay(args)) => args.dashboard.log.as_deref(),
            Some(Command::Serve(args)) => args.log.as_deref(),
            Some(Command::Ssh(args)) => args.log.as_deref(),
            Some(Command::Publish(args)) => args.log.as_deref(),
            Some(
                Command::Report(_)
                | Command::Check(_)
                | Command::Gen(_)
                | Command::Control(_)
                | Command::Map(_),
            ) => None,
        }
    }
}

fn conflict(sentence: String) -> clap::Error {
    Cli::command().error(ErrorKind::ArgumentConflict, sentence)
}

/// clap's error as one sentence: its first line says what was wrong and, when it ends in
/// a colon, the next one says which argument; then whose help lists the flags.
pub fn one_sentence(error: &clap::Error) -> String {
    // Parsed again, leniently, only to learn which command was meant.
    let command = Cli::command()
        .ignore_errors(true)
        .try_get_matches()
        .ok()
        .and_then(|matches| matches.subcommand_name().map(|name| format!(" {name}")))
        .unwrap_or_default();
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
    format!("{first} (see forceboard{command} --help)")
}
