//! The command line (SPEC.md §3).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "forceboard",
    version,
    about = "A terminal dashboard of a police control room's call queues and attendance times.",
    long_about = "A terminal dashboard of a police control room's call queues and attendance \
                  times against their targets. With no command, it shows the built-in demo day."
)]
pub struct Cli {
    /// TOML configuration (targets, windows, areas, force name, time zone); see
    /// forceboard.example.toml.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(flatten)]
    pub display: DisplayArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// How the dashboard looks (for `forceboard`, `watch` and `replay`).
#[derive(Debug, Args)]
pub struct DisplayArgs {
    /// Screen layout: auto (by terminal size), wall (huge figures), standard, compact (80×24).
    #[arg(long, global = true, value_enum, default_value_t = LayoutArg::Auto)]
    pub layout: LayoutArg,
    /// No colour at all (also when the NO_COLOR environment variable is set).
    #[arg(long, global = true)]
    pub mono: bool,
    /// Cycle the board through the force and each area on its own, e.g. every 20s.
    #[arg(long, global = true, value_name = "EVERY")]
    pub rotate: Option<String>,
    /// Write logs to this file (nothing is ever logged to the screen).
    #[arg(long, global = true, value_name = "FILE")]
    pub log: Option<PathBuf>,
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
    Watch(WatchArgs),
    /// The dashboard on a recorded feed, on a virtual clock (training).
    Replay(ReplayArgs),
    /// Print the figures at a time, as a table or as JSON.
    Report(ReportArgs),
    /// Validate a feed file: counts, and every rejected line's number and reason.
    Check(CheckArgs),
    /// Write a realistic synthetic feed to stdout (the same bytes for the same seed).
    Gen(GenArgs),
    /// Play a recorded feed over TCP to every client that connects, timed as a live feed
    /// (a trainer runs one `serve`; the room runs `watch --feed tcp://HOST:PORT`).
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Feed file (NDJSON, schema v1), or - for standard input.
    pub file: PathBuf,
    /// Report time T, RFC 3339 with an offset [default: the latest accepted event's time].
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Window W: the figures cover (T - W, T]. E.g. 15m, 1h, 24h, 90m, 7d.
    #[arg(long, value_name = "W", default_value = "1h")]
    pub window: String,
    /// Print the JSON object of SPEC.md §3 instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Feed file (NDJSON, schema v1), or - for standard input.
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct GenArgs {
    /// How many days of feed to write.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=366))]
    pub days: u32,
    /// Random seed: the same seed gives the same bytes.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// First instant of the feed, RFC 3339 with an offset [default: 2024-07-01T00:00:00+01:00].
    #[arg(long, value_name = "TIME")]
    pub start: Option<String>,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The feed: - (stdin), a file path, tcp://HOST:PORT, or http(s)://… (an NDJSON stream).
    /// A bearer token for http(s) is read from FORCEBOARD_TOKEN, never from the command line.
    #[arg(long, value_name = "SRC")]
    pub feed: String,
    /// Keep reading a file as it grows, like tail -F (survives rotation).
    #[arg(long)]
    pub follow: bool,
    /// Append every accepted line, as received, to this file (for replay later).
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// Recorded feed file (NDJSON, schema v1).
    pub file: PathBuf,
    /// Virtual-clock speed, 0.1 to 10000 times real time.
    #[arg(long, default_value_t = 1.0, value_name = "X")]
    pub speed: f64,
    /// Start the virtual clock here (RFC 3339 with an offset) [default: the first event].
    #[arg(long, value_name = "TIME")]
    pub from: Option<String>,
    /// Stop the virtual clock here [default: the last event].
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Feed file (NDJSON, schema v1), or - for standard input.
    pub file: PathBuf,
    /// Address to listen on, HOST:PORT (e.g. 127.0.0.1:7000; 0.0.0.0:7000 for every
    /// interface).
    #[arg(long, value_name = "ADDR")]
    pub listen: String,
    /// Playback speed: virtual seconds per second, from 0.1 to 10000. Times sent are
    /// shifted to now and, above 1, durations shrink by this factor.
    #[arg(long, value_name = "X", default_value_t = 1.0, value_parser = parse_speed)]
    pub speed: f64,
    /// Start the feed's clock here, RFC 3339 with an offset [default: the first event].
    /// Earlier events count as already sent, for clients' backlogs.
    #[arg(long, value_name = "TIME")]
    pub from: Option<String>,
    /// At the end, start again from the start, with ids made unique per pass (A~2, A~3…).
    #[arg(long = "loop")]
    pub looping: bool,
}

fn parse_speed(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(speed) if (0.1..=10_000.0).contains(&speed) => Ok(speed),
        _ => Err("the speed must be a number from 0.1 to 10000".to_string()),
    }
}
