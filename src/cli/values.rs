//! The flags' parsers, as clap's `value_parser`s: each takes the value and the flag's name
//! and returns the value, or one sentence that names the flag.

use std::ffi::OsStr;
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;

use anyhow::Context;
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use clap::builder::TypedValueParser;
use clap::error::ErrorKind;

use super::GenStart;
use forceboard::config::Window;
use forceboard::feed::source::FeedSource;
use forceboard::format::printable;
use forceboard::ingest::playback::Playback;
use forceboard::ingest::{FeedInput, READ_BUFFER_BYTES};
use forceboard::time::{MAX_SPEED, MIN_SPEED};
use forceboard::time::{Span, TimeError, Timestamp, is_plausible, parse_rfc3339, parse_span};

/// Runs a parser on a flag's value, as clap's `value_parser`.
#[derive(Clone, Copy)]
pub(super) struct Flag<T>(pub(super) fn(&str, &str) -> Result<T, String>);

impl<T: Clone + Send + Sync + 'static> TypedValueParser for Flag<T> {
    type Value = T;

    fn parse_ref(
        &self,
        command: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<T, clap::Error> {
        let name = match arg {
            Some(arg) => match arg.get_long() {
                Some(long) => format!("--{long}"),
                None => arg.get_id().as_str().to_uppercase(),
            },
            None => "the value".to_string(),
        };
        let refuse = |sentence: String| {
            clap::Error::raw(ErrorKind::ValueValidation, sentence).format(&mut command.clone())
        };
        let text = value
            .to_str()
            .ok_or_else(|| refuse(format!("{name} must be UTF-8 text")))?;
        (self.0)(text, &name).map_err(refuse)
    }
}

/// A key's fingerprint as `ssh-keygen -lf` prints it: `SHA256:` and 43 base64 characters.
pub(super) fn parse_fingerprint(text: &str, flag: &str) -> Result<String, String> {
    let digest = text.strip_prefix("SHA256:").unwrap_or_default();
    let base64 = |c: char| c.is_ascii_alphanumeric() || c == '+' || c == '/';
    if digest.len() == 43 && digest.chars().all(base64) {
        Ok(text.to_string())
    } else {
        Err(format!(
            "{flag} takes a key's fingerprint as ssh-keygen -lf KEY.pub prints it (SHA256: and 43 characters)"
        ))
    }
}

pub(super) fn parse_speed(text: &str, flag: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(speed) if (MIN_SPEED..=MAX_SPEED).contains(&speed) => Ok(speed),
        _ => Err(format!(
            "{flag} must be a number from {MIN_SPEED} to {MAX_SPEED}"
        )),
    }
}

fn time_refused(flag: &str, error: TimeError) -> String {
    match error {
        TimeError::NoOffset => format!(
            "{flag} needs an offset (e.g. 2024-07-01T12:00:00Z or 2024-07-01T13:00:00+01:00)"
        ),
        TimeError::Malformed => {
            format!("{flag} must be an RFC 3339 time such as 2024-07-01T12:00:00Z")
        }
        TimeError::Implausible => format!("{flag} must be within the years 2000 to 2199"),
    }
}

pub(super) fn parse_time(text: &str, flag: &str) -> Result<Timestamp, String> {
    parse_rfc3339(text).map_err(|error| time_refused(flag, error))
}

/// `gen --start`: a date (local midnight in the force's zone, found once the config is
/// read), or a time, which keeps its offset: the feed is written in it.
pub(super) fn parse_start(text: &str, flag: &str) -> Result<GenStart, String> {
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return if (2000..=2199).contains(&date.year()) {
            Ok(GenStart::Midnight(date))
        } else {
            Err(time_refused(flag, TimeError::Implausible))
        };
    }
    parse_start_time(text, flag).map(GenStart::At)
}

fn parse_start_time(text: &str, flag: &str) -> Result<DateTime<FixedOffset>, String> {
    match DateTime::parse_from_rfc3339(text) {
        // Within the instants forceboard can count in nanoseconds (1677–2262), and then
        // within the years a feed's times may be in.
        Ok(start) => match start.timestamp_nanos_opt().map(Timestamp::from_nanos) {
            Some(at) if is_plausible(at) => Ok(start),
            Some(_) => Err(time_refused(flag, TimeError::Implausible)),
            None => Err(time_refused(flag, TimeError::Malformed)),
        },
        // Only to say why.
        Err(_) => Err(time_refused(
            flag,
            parse_rfc3339(text).err().unwrap_or(TimeError::Malformed),
        )),
    }
}

pub(super) fn parse_window(text: &str, flag: &str) -> Result<Window, String> {
    Window::parse(text)
        .ok_or_else(|| format!("{flag} must be a duration such as 15m, 1h, 24h, 90m or 7d"))
}

/// `report --interval`: 1 minute to 24 hours.
pub(super) fn parse_interval(text: &str, flag: &str) -> Result<Span, String> {
    parse_span(text)
        .filter(|span| (Span::MINUTE..=Span::from_hours(24)).contains(span))
        .ok_or_else(|| format!("{flag} must be a duration from 1m to 24h, such as 15m or 30m"))
}

pub(super) fn parse_rotate(text: &str, flag: &str) -> Result<Span, String> {
    parse_span(text)
        .filter(|&span| span >= Span::SECOND)
        .ok_or_else(|| format!("{flag} must be a duration of at least 1s, such as 20s"))
}

pub(super) fn parse_drain_limit(text: &str, flag: &str) -> Result<Span, String> {
    parse_span(text)
        .filter(|&span| span >= Span::SECOND && span <= Span::from_hours(24))
        .ok_or_else(|| format!("{flag} must be a duration from 1s to 24h, such as 60s"))
}

pub(super) fn parse_listen(text: &str, _flag: &str) -> Result<SocketAddr, String> {
    text.to_socket_addrs()
        .ok()
        .and_then(|mut addresses| addresses.next())
        .ok_or_else(|| not_this_machine(text))
}

pub(super) fn parse_feed_source(text: &str, _flag: &str) -> Result<FeedSource, String> {
    FeedSource::parse(text, false).map_err(|error| error.to_string())
}

pub(super) fn parse_feed_file(text: &str, flag: &str) -> Result<FeedFile, String> {
    if text.is_empty() {
        return Err(format!(
            "{flag} must be a file path, or - for standard input"
        ));
    }
    Ok(FeedFile(PathBuf::from(text)))
}

/// `--listen` refused once it is bound: it resolved, but not to this machine.
pub fn not_this_machine(address: &str) -> String {
    format!(
        "--listen must be HOST:PORT of this machine, such as 127.0.0.1:7000 (got \"{}\")",
        printable(address)
    )
}

/// A feed file argument: a path, or `-` for standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedFile(PathBuf);

impl FeedFile {
    /// The whole feed read in turn from the start.
    pub fn open(&self) -> anyhow::Result<Box<dyn BufRead>> {
        Ok(self.open_input()?.into_stream())
    }

    /// The whole feed to read, for `report`, `handover` and `check`: a regular file's parts
    /// are read by the parser threads themselves.
    pub fn open_input(&self) -> anyhow::Result<FeedInput<'static>> {
        if self.0.as_os_str() == "-" {
            return Ok(FeedInput::from(BufReader::with_capacity(
                READ_BUFFER_BYTES,
                io::stdin(),
            )));
        }
        let file = File::open(&self.0).with_context(|| format!("cannot open feed file {self}"))?;
        FeedInput::file(file).with_context(|| format!("cannot read feed file {self}"))
    }

    /// The whole file, in time order, for `replay` and `serve`; `horizon` is the reorder
    /// horizon its stray lines are found with.
    pub fn read_playback(&self, horizon: Span) -> anyhow::Result<Playback> {
        Playback::read_with_horizon(self.open()?, horizon)
            .with_context(|| format!("cannot read {self}"))
    }
}

/// The path for people, with control characters escaped: it is quoted in messages.
impl fmt::Display for FeedFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        printable(&self.0.display().to_string()).fmt(f)
    }
}
