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

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the figures at a time, as a table or as JSON.
    Report(ReportArgs),
    /// Validate a feed file: counts, and every rejected line's number and reason.
    Check(CheckArgs),
    /// Write a realistic synthetic feed to stdout (the same bytes for the same seed).
    Gen(GenArgs),
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
