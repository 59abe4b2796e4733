//! `--map` and `forceboard map list | check`: choosing the input map every feed is read
//! through, and trying one on a sample.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Subcommand};

use super::{Command, UsageError};
use forceboard::config::Config;
use forceboard::feed::map::{self, BUILT_IN, InputMap};
use forceboard::format::printable;

#[derive(Debug, Subcommand)]
pub enum MapCommand {
    /// List the built-in maps (adapters), by the name --map takes.
    List,
    /// Read a sample of records through --map and show what each became: its events, the
    /// fields the map did not use, or why it was refused; then a summary. Exit 1 if any
    /// record was refused.
    #[command(after_help = MAP_CHECK_HELP)]
    Check(MapCheckArgs),
}

const MAP_CHECK_HELP: &str = "\
Examples:
  forceboard map check --map amazon-connect-ctr fixtures/maps/amazon-connect-ctr.ndjson
  forceboard map check --map our-acd.toml sample.ndjson

Only field names are shown from the sample, never its values; the events shown are \
forceboard feed lines.";

#[derive(Debug, Args)]
pub struct MapCheckArgs {
    /// Foreign records, one JSON object per line.
    #[arg(value_name = "SAMPLE")]
    pub sample: PathBuf,
}

/// The map the command line or the configuration names: `--map` first, else `[input] map`
/// (a relative file path there is relative to the configuration file).
pub fn chosen(given: Option<&str>, config: &Config, config_path: Option<&Path>) -> Option<String> {
    if let Some(given) = given {
        return Some(given.to_string());
    }
    let named = config.input_map.as_deref()?;
    let is_built_in = BUILT_IN.iter().any(|built_in| built_in.name == named);
    match config_path.and_then(Path::parent) {
        Some(dir) if !is_built_in && Path::new(named).is_relative() => {
            Some(dir.join(named).to_string_lossy().into_owned())
        }
        _ => Some(named.to_string()),
    }
}

/// Reads the map, refusing a broken one in one sentence (exit 2).
pub fn load(name: &str, config: &Config) -> Result<InputMap, UsageError> {
    InputMap::load(name, config.timezone)
        .map_err(|error| UsageError(format!("map {}: {error}", printable(name))))
}

/// Installs the chosen map for the commands that read a feed (the demo, `gen` and
/// `control` read none; `publish` reads one and sends forceboard events on).
pub fn install_for(
    command: Option<&Command>,
    chosen: Option<&str>,
    config: &Config,
) -> Result<(), UsageError> {
    let reads_a_feed = matches!(
        command,
        Some(
            Command::Watch(_)
                | Command::Replay(_)
                | Command::Report(_)
                | Command::Check(_)
                | Command::Serve(_)
                | Command::Ssh(_)
                | Command::Publish(_)
        )
    );
    if let (true, Some(name)) = (reads_a_feed, chosen) {
        map::install(load(name, config)?);
    }
    Ok(())
}

/// `forceboard map list` and `forceboard map check`.
pub fn run(
    command: &MapCommand,
    chosen: Option<&str>,
    config: &Config,
) -> anyhow::Result<ExitCode> {
    let mut out = BufWriter::new(io::stdout().lock());
    match command {
        MapCommand::List => {
            for built_in in BUILT_IN {
                writeln!(out, "{:<24} {}", built_in.name, built_in.summary)?;
            }
            writeln!(
                out,
                "\nUse one with --map NAME (or [input] map = \"NAME\" in the configuration); \
                 a map file of your own may start from one with base = \"NAME\"."
            )?;
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        MapCommand::Check(args) => {
            let name = chosen.ok_or_else(|| {
                UsageError("map check needs a map: give --map FILE|NAME".to_string())
            })?;
            let map = Arc::new(load(name, config)?);
            let sample = std::fs::File::open(&args.sample).map_err(|error| {
                anyhow::anyhow!(
                    "cannot read {}: {error}",
                    printable(&args.sample.display().to_string())
                )
            })?;
            writeln!(
                out,
                "map {} on {}\n",
                printable(name),
                printable(&args.sample.display().to_string())
            )?;
            let summary = map::check::check_sample(map, io::BufReader::new(sample), &mut out)?;
            out.flush()?;
            Ok(if summary.rejected_count() == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}
