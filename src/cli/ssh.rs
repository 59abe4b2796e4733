//! `forceboard ssh`: its flags and what they become.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;

use super::values::{
    Flag, parse_drain_limit, parse_feed_file, parse_feed_source, parse_fingerprint, parse_listen,
    parse_rotate, parse_speed, parse_time,
};
use super::{FeedFile, LayoutArg, NatsAuthArgs, ThemeArg, UsageError};
use forceboard::config::{Config, Theme};
use forceboard::feed::source::FeedSource;
use forceboard::ingest::replay::ReplayOptions;
use forceboard::shell::FeedInput;
use forceboard::shell::ssh::{SshOptions, Startups};
use forceboard::time::{Span, Timestamp};
use forceboard::ui::{LayoutChoice, Palette};

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("input").required(true).args(["feed", "replay", "demo"]))]
pub struct SshArgs {
    /// Address to listen on, HOST:PORT (e.g. 0.0.0.0:2222).
    #[arg(long, value_name = "ADDR", value_parser = Flag(parse_listen))]
    pub listen: SocketAddr,
    /// The live feed: - (stdin), a file path, tcp://HOST:PORT, http(s)://… or
    /// nats://HOST:PORT/SUBJECT (as `watch`).
    #[arg(long, value_name = "SRC", value_parser = Flag(parse_feed_source))]
    pub feed: Option<FeedSource>,
    /// Keep reading a --feed file as it grows, like tail -F.
    #[arg(long, requires = "feed")]
    pub follow: bool,
    /// Show a recorded feed on a virtual clock instead (training rooms).
    #[arg(long, value_name = "FILE", value_parser = Flag(parse_feed_file))]
    pub replay: Option<FeedFile>,
    /// Show the built-in demo day instead.
    #[arg(long)]
    pub demo: bool,
    /// --replay's clock speed, 0.1 to 10000 times real time.
    #[arg(long, default_value_t = 1.0, value_name = "X", value_parser = Flag(parse_speed), requires = "replay")]
    pub speed: f64,
    /// --replay's start, RFC 3339 with an offset [default: the first event].
    #[arg(long, value_name = "TIME", value_parser = Flag(parse_time), requires = "replay")]
    pub from: Option<Timestamp>,
    /// A key whose sessions move --replay's clock for every session (the trainer's), by
    /// its fingerprint as `ssh-keygen -lf KEY.pub` prints it (SHA256:…); repeat for more.
    /// Everyone else's replay keys are ignored.
    #[arg(long, value_name = "FINGERPRINT", value_parser = Flag(parse_fingerprint), requires = "replay")]
    pub trainer_key: Vec<String>,
    /// The server's own key (OpenSSH format); made (ed25519, mode 0600) if missing, and
    /// its fingerprint printed once.
    #[arg(
        long,
        value_name = "FILE",
        default_value = "forceboard_host_ed25519_key"
    )]
    pub host_key: PathBuf,
    /// The keys allowed in, in OpenSSH's authorized_keys format (from="…" understood).
    /// SIGHUP reads it again without dropping sessions.
    #[arg(long, value_name = "FILE", default_value = "authorized_keys")]
    pub authorized_keys: PathBuf,
    /// Signed-in sessions at once, past which a connection is refused with a one-line
    /// reason.
    #[arg(long, value_name = "N", default_value_t = 50,
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub max_sessions: u32,
    /// Connections not yet signed in: past START, new ones are dropped at random (RATE %
    /// of them, rising to all at FULL), as OpenSSH's MaxStartups.
    #[arg(long, value_name = "START:RATE:FULL", default_value = "10:30:100",
          value_parser = parse_startups)]
    pub max_startups: Startups,
    /// Connections not yet signed in from one address, past which new ones are dropped.
    #[arg(long, value_name = "N", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub per_source_max_startups: u32,
    /// Close a session after this long without a key [default: never, for wall screens].
    #[arg(long, value_name = "SPAN", value_parser = Flag(parse_drain_limit))]
    pub idle_timeout: Option<Span>,
    /// Close a connection that has not authenticated within this long.
    #[arg(long, value_name = "SPAN", default_value = "30s", value_parser = Flag(parse_drain_limit))]
    pub auth_timeout: Span,
    /// Public keys a connection may try before it is closed.
    #[arg(long, value_name = "N", default_value_t = 6,
          value_parser = clap::value_parser!(u32).range(1..=100))]
    pub max_auth_tries: u32,
    /// Every session's starting layout [default: auto, by its terminal's size].
    #[arg(long, value_enum, value_name = "LAYOUT")]
    pub layout: Option<LayoutArg>,
    /// Every session's colours: dark, light, high-contrast; auto is dark here (a
    /// session's terminal is not asked) [default: the config's, else dark].
    #[arg(long, value_enum, value_name = "THEME")]
    pub theme: Option<ThemeArg>,
    /// Cycle every session through the force and each area, e.g. every 20s.
    #[arg(long, value_name = "EVERY", value_parser = Flag(parse_rotate))]
    pub rotate: Option<Span>,
    /// Write logs to this file: each session's key, address, start, end and reason.
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
    /// Where a session's H key writes the handover, on this server [default: the config's
    /// handover_dir, else the current directory].
    #[arg(long, value_name = "DIR")]
    pub handover_dir: Option<PathBuf>,
    /// Credentials for a nats:// or tls:// feed.
    #[command(flatten)]
    pub nats: NatsAuthArgs,
}

pub const SSH_HELP: &str = "\
Examples:
  forceboard ssh --listen 0.0.0.0:2222 --feed tcp://cad-gw:7000 --log /var/log/forceboard-ssh.log
  forceboard ssh --listen 127.0.0.1:2222 --demo --authorized-keys trainers.keys
  ssh -p 2222 board@control-host        (from the inspector's laptop or phone)

Public keys only; no shell, commands, forwarding or agent. SIGHUP reloads the authorized \
keys; SIGTERM or Ctrl-C stops the server (each session's screen is restored).

Exit codes: 0 stopped; 1 a runtime failure (a key file that cannot be read or written, an \
address in use); 2 a bad flag or config.";

/// `START:RATE:FULL` (or `START` alone: none dropped at random before it, all after).
fn parse_startups(text: &str) -> Result<Startups, String> {
    let bad = || format!("{text:?}: expected START:RATE:FULL, e.g. 10:30:100");
    let parts: Vec<&str> = text.split(':').collect();
    let number = |part: &str| part.trim().parse::<usize>().map_err(|_| bad());
    let startups = match parts.as_slice() {
        [start] => {
            let start = number(start)?;
            Startups {
                start,
                rate: 100,
                full: start,
            }
        }
        [start, rate, full] => Startups {
            start: number(start)?,
            rate: u32::try_from(number(rate)?).map_err(|_| bad())?,
            full: number(full)?,
        },
        _ => return Err(bad()),
    };
    if startups.start == 0 || startups.rate > 100 || startups.full < startups.start {
        return Err(bad());
    }
    Ok(startups)
}

impl SshArgs {
    /// The feed, read now for --replay; a live feed's token comes from the environment.
    pub fn feed(&self, config: &Config) -> anyhow::Result<FeedInput> {
        if let Some(file) = &self.replay {
            let playback = file.read_playback(config.reorder_horizon)?;
            let options = ReplayOptions {
                from: self.from,
                speed: self.speed,
                ..ReplayOptions::default()
            };
            return Ok(FeedInput::Replay { playback, options });
        }
        match &self.feed {
            Some(source) => {
                let source = if self.follow {
                    source.clone().followed().map_err(UsageError::from)?
                } else {
                    source.clone()
                };
                let token = std::env::var("FORCEBOARD_TOKEN")
                    .ok()
                    .filter(|token| !token.is_empty());
                let (source, token) = self.nats.live(source, token)?;
                Ok(FeedInput::Live { source, token })
            }
            None => Ok(FeedInput::Demo),
        }
    }

    pub fn options(&self, config: &Config) -> SshOptions {
        let palette = match self.theme.map_or(config.theme, Theme::from) {
            Theme::Dark | Theme::Auto => Palette::Dark,
            Theme::Light => Palette::Light,
            Theme::HighContrast => Palette::HighContrast,
        };
        SshOptions {
            palette,
            host_key: self.host_key.clone(),
            authorized_keys: self.authorized_keys.clone(),
            max_connections: self.max_sessions as usize,
            max_startups: self.max_startups,
            per_source_max_startups: self.per_source_max_startups as usize,
            auth_timeout: self.auth_timeout.to_duration(),
            max_auth_attempts: self.max_auth_tries as usize,
            idle_after: self.idle_timeout,
            layout: match self.layout.unwrap_or(LayoutArg::Auto) {
                LayoutArg::Auto => LayoutChoice::Auto,
                LayoutArg::Wall => LayoutChoice::Wall,
                LayoutArg::Standard => LayoutChoice::Standard,
                LayoutArg::Compact => LayoutChoice::Compact,
            },
            rotate_every: self.rotate,
            trainer_keys: self.trainer_key.clone(),
        }
    }
}
