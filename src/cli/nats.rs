//! The NATS flags: `publish`'s own, and the credentials `watch` and `publish` share.
//! A secret is never a flag's value: a token comes from a file or `FORCEBOARD_NATS_TOKEN`.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::UsageError;
use super::values::{Flag, parse_feed_source};
use forceboard::config::Config;
use forceboard::feed::source::nats::{
    NatsAddressError, NatsCredentials, NatsTarget, check_subject,
};
use forceboard::feed::source::{FeedSource, SourceOptions, token_is_sendable};
use forceboard::publish::{CarrySettings, PublishOptions, StreamSettings};
use forceboard::time::Span;

/// The environment variable a NATS token may come from.
pub const NATS_TOKEN_VAR: &str = "FORCEBOARD_NATS_TOKEN";

/// How a NATS client proves who it is.
// The fields are the flags' names (--nats-creds, …): their common prefix is the point.
#[allow(clippy::struct_field_names)]
#[derive(Debug, Default, Args)]
#[command(next_help_heading = "NATS")]
pub struct NatsAuthArgs {
    /// A NATS credentials file (a user JWT and nkey seed, as nsc writes it).
    #[arg(long, value_name = "FILE", conflicts_with = "nats_nkey")]
    pub nats_creds: Option<PathBuf>,
    /// A file holding a NATS nkey seed.
    #[arg(long, value_name = "FILE")]
    pub nats_nkey: Option<PathBuf>,
    /// A file holding a NATS token (or set FORCEBOARD_NATS_TOKEN).
    #[arg(long, value_name = "FILE")]
    pub nats_token_file: Option<PathBuf>,
}

impl NatsAuthArgs {
    pub fn credentials(&self) -> NatsCredentials {
        match (&self.nats_creds, &self.nats_nkey) {
            (Some(path), _) => NatsCredentials::CredsFile(path.clone()),
            (None, Some(path)) => NatsCredentials::NkeyFile(path.clone()),
            (None, None) => NatsCredentials::None,
        }
    }

    /// The token: the file's first line, else `FORCEBOARD_NATS_TOKEN`; `None` without either.
    pub fn token(&self) -> Result<Option<String>, UsageError> {
        let token = match &self.nats_token_file {
            Some(path) => std::fs::read_to_string(path)
                .map_err(|_| {
                    UsageError(format!(
                        "cannot read the NATS token file {}",
                        forceboard::format::printable(&path.display().to_string())
                    ))
                })?
                .lines()
                .next()
                .unwrap_or_default()
                .trim()
                .to_string(),
            None => std::env::var(NATS_TOKEN_VAR).unwrap_or_default(),
        };
        Ok(Some(token).filter(|token| !token.is_empty()))
    }

    pub fn given(&self) -> bool {
        self.nats_creds.is_some() || self.nats_nkey.is_some() || self.nats_token_file.is_some()
    }

    /// A live source as a board reads it: a NATS feed gets these credentials and the NATS
    /// token; any other keeps `http_token`, and is refused with NATS flags given.
    pub fn live(
        &self,
        source: FeedSource,
        http_token: Option<String>,
    ) -> Result<(FeedSource, Option<String>), UsageError> {
        match source {
            FeedSource::Nats { mut target, replay } => {
                target.credentials = self.credentials();
                Ok((FeedSource::Nats { target, replay }, self.token()?))
            }
            _ if self.given() => Err(UsageError(
                "--nats-creds, --nats-nkey and --nats-token-file apply only to a nats:// or tls:// feed"
                    .to_string(),
            )),
            source => Ok((source, http_token)),
        }
    }
}

#[derive(Debug, Args)]
pub struct PublishArgs {
    /// The source: - (stdin), a file path, tcp://HOST:PORT or http(s)://… (as for watch).
    #[arg(long, value_name = "SRC", value_parser = Flag(parse_feed_source))]
    pub feed: FeedSource,
    /// Keep reading a file as it grows, like tail -F (survives rotation).
    #[arg(long)]
    pub follow: bool,
    /// The NATS server: nats://HOST:PORT, or tls://HOST:PORT for TLS.
    #[arg(long, value_name = "URL")]
    pub nats: String,
    /// The subject to publish on: one per force.
    #[arg(long, value_name = "SUBJECT", default_value = "events.wmp")]
    pub subject: String,
    /// The stream's name, when publish makes it (it holds events.>).
    #[arg(long, value_name = "NAME", default_value = "EVENTS")]
    pub stream: String,
    /// Replicas of the stream, when publish makes it (3 on a 3-node cluster).
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u8).range(1..=5))]
    pub replicas: u8,
    #[command(flatten)]
    pub auth: NatsAuthArgs,
    /// Write logs to this file.
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
}

/// How long JetStream remembers message ids (README: "The stream").
pub const DUPLICATE_WINDOW: Duration = Duration::from_secs(10 * 60);

impl PublishArgs {
    pub fn options(&self, config: &Config) -> Result<PublishOptions, UsageError> {
        let (server, path) = NatsTarget::parse_server(&self.nats)?;
        if !path.trim_start_matches('/').is_empty() {
            return Err(UsageError(
                "--nats is the server only (nats://HOST:PORT): give the subject with --subject"
                    .to_string(),
            ));
        }
        check_subject(&self.subject).map_err(NatsAddressError::from)?;
        let source = if self.follow {
            self.feed.clone().followed()?
        } else {
            self.feed.clone()
        };
        if matches!(source, FeedSource::Nats { .. }) {
            return Err(UsageError(
                "publish reads a CAD's feed (-, a file, tcp:// or http(s)://), not NATS"
                    .to_string(),
            ));
        }
        let http_token = http_token(&source)?;
        let max_age = (config.largest_window() + Span::from_hours(1)).to_duration();
        Ok(PublishOptions {
            source,
            target: NatsTarget {
                subject: self.subject.clone(),
                credentials: self.auth.credentials(),
                ..server
            },
            token: self.auth.token()?,
            http_token,
            stream: StreamSettings {
                name: self.stream.clone(),
                subjects: vec![stream_subjects(&self.subject)],
                max_age,
                duplicate_window: DUPLICATE_WINDOW,
                replicas: usize::from(self.replicas),
            },
            source_options: SourceOptions {
                idle_limit: config.idle_limit.to_duration(),
                ..SourceOptions::default()
            },
            carry: CarrySettings {
                backfill: config.backfill(),
                call_life: config.max_call_duration,
            },
        })
    }
}

/// `FORCEBOARD_TOKEN` for an HTTP(S) source, refused at once if it could never be sent.
fn http_token(source: &FeedSource) -> Result<Option<String>, UsageError> {
    if !matches!(source, FeedSource::Http { .. }) {
        return Ok(None);
    }
    let token = std::env::var("FORCEBOARD_TOKEN")
        .ok()
        .filter(|token| !token.is_empty());
    match token {
        Some(token) if !token_is_sendable(&token) => Err(UsageError(
            "FORCEBOARD_TOKEN cannot be sent as an HTTP header: it may hold printable ASCII \
             only (no control characters or line breaks)"
                .to_string(),
        )),
        token => Ok(token),
    }
}

/// What a stream made by publish holds: `events.>` for `events.wmp`, and so on.
fn stream_subjects(subject: &str) -> String {
    match subject.split_once('.') {
        Some((first, _)) => format!("{first}.>"),
        None => subject.to_string(),
    }
}
