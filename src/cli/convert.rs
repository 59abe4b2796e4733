//! What the parsed arguments become: the dashboard's options and the library's.

use std::path::PathBuf;

use super::{
    DashboardArgs, ForceArg, GenArgs, GenSchema, GenStart, LayoutArg, ReplayArgs, ReportArgs,
    ReportFormat, ServeArgs, UsageError, WatchArgs,
};
use chrono::Datelike;
use forceboard::config::{Config, Theme};
use forceboard::feed::source::{FeedSource, token_is_sendable};
use forceboard::format::printable;
use forceboard::generate::{GenOptions, local_midnight};
use forceboard::ingest::playback::Playback;
use forceboard::ingest::replay::ReplayOptions;
use forceboard::report;
use forceboard::report::handover::PeriodAsked;
use forceboard::serve::{BACKLOG_MARGIN, ServeOptions};
use forceboard::shell::FeedInput;
use forceboard::shell::terminal::{AlertOptions, Options};
use forceboard::time::{Span, Timestamp, format_utc};
use forceboard::ui::LayoutChoice;

/// The configuration of a board on `feed`: on a NATS subject, the force whose subject it
/// is (refused, exit 2, when the file lists forces but none on it: a board must not be
/// headed by another force's name); on any other feed, the whole file's top level.
pub fn board_config(config: Config, feed: Option<&FeedSource>) -> Result<Config, UsageError> {
    match feed {
        Some(FeedSource::Nats { target, .. }) => config
            .for_subject(&target.subject)
            .map_err(|no_force| UsageError(no_force.to_string())),
        _ => Ok(config),
    }
}

impl ForceArg {
    /// The configuration a file is read with: `--force`'s force, or the top level. Asked
    /// for a force, a config without `[[forces]]` is refused rather than read as it.
    pub fn config(&self, config: Config) -> Result<Config, UsageError> {
        let Some(subject) = &self.subject else {
            return Ok(config);
        };
        if config.forces.is_empty() {
            return Err(UsageError(format!(
                "--force {} needs a config with [[forces]] (give one with --config)",
                printable(subject)
            )));
        }
        config
            .for_subject(subject)
            .map_err(|no_force| UsageError(no_force.to_string()))
    }
}

impl DashboardArgs {
    pub(super) fn overridden_by(self, after: DashboardArgs) -> DashboardArgs {
        DashboardArgs {
            layout: after.layout.or(self.layout),
            mono: after.mono || self.mono,
            theme: after.theme.or(self.theme),
            ascii: after.ascii || self.ascii,
            rotate: after.rotate.or(self.rotate),
            log: after.log.or(self.log),
            operator: after.operator.or(self.operator),
            no_bell: after.no_bell || self.no_bell,
            alert_log: after.alert_log.or(self.alert_log),
            alert_command: after.alert_command.or(self.alert_command),
            handover_dir: after.handover_dir.or(self.handover_dir),
        }
    }

    pub(super) fn first_given(&self) -> Option<&'static str> {
        if self.layout.is_some() {
            Some("--layout")
        } else if self.mono {
            Some("--mono")
        } else if self.theme.is_some() {
            Some("--theme")
        } else if self.ascii {
            Some("--ascii")
        } else if self.rotate.is_some() {
            Some("--rotate")
        } else if self.handover_dir.is_some() {
            Some("--handover-dir")
        } else if self.log.is_some() {
            Some("--log")
        } else if self.operator.is_some() {
            Some("--operator")
        } else if self.no_bell {
            Some("--no-bell")
        } else if self.alert_log.is_some() {
            Some("--alert-log")
        } else if self.alert_command.is_some() {
            Some("--alert-command")
        } else {
            None
        }
    }

    /// The dashboard's options for `input`.
    pub fn options(&self, input: FeedInput, record: Option<PathBuf>) -> Options {
        Options {
            input,
            layout: match self.layout.unwrap_or(LayoutArg::Auto) {
                LayoutArg::Auto => LayoutChoice::Auto,
                LayoutArg::Wall => LayoutChoice::Wall,
                LayoutArg::Standard => LayoutChoice::Standard,
                LayoutArg::Compact => LayoutChoice::Compact,
            },
            mono: self.mono,
            ascii: self.ascii,
            rotate: self.rotate,
            record,
            theme: self.theme.map(Theme::from),
            alerts: AlertOptions {
                bell: !self.no_bell,
                log: self.alert_log.clone(),
                operator: self.operator.clone(),
                command: self.alert_command.clone(),
            },
        }
    }
}

impl WatchArgs {
    /// The dashboard on the live feed; the token comes from the environment only. A token
    /// an HTTP feed could never send is refused here, before the board starts.
    pub fn options(self) -> Result<Options, UsageError> {
        let token = std::env::var("FORCEBOARD_TOKEN")
            .ok()
            .filter(|token| !token.is_empty());
        if let (FeedSource::Http { .. }, Some(token)) = (&self.feed, &token)
            && !token_is_sendable(token)
        {
            return Err(UsageError(
                "FORCEBOARD_TOKEN cannot be sent as an HTTP header: it may hold printable \
                 ASCII only (no control characters or line breaks)"
                    .to_string(),
            ));
        }
        let (source, token) = self.nats.live(self.feed, token)?;
        let input = FeedInput::Live { source, token };
        Ok(self.dashboard.options(input, self.record))
    }
}

impl ReplayArgs {
    /// The dashboard on `playback`, read from [`ReplayArgs::file`]; refused, as `serve`
    /// refuses it, when `--from` is after the last event or `--until` before `--from`.
    pub fn options(&self, playback: Playback) -> Result<Options, UsageError> {
        if let (Some(from), Some(last)) = (self.from, playback.last_at())
            && from > last
        {
            return Err(UsageError(format!(
                "--from is after the last event of {} ({})",
                self.file,
                format_utc(last)
            )));
        }
        if let (Some(from), Some(until)) = (self.from, self.until)
            && until < from
        {
            return Err(UsageError(format!(
                "--until ({}) is before --from ({})",
                format_utc(until),
                format_utc(from)
            )));
        }
        let input = FeedInput::Replay {
            playback,
            options: ReplayOptions {
                from: self.from,
                until: self.until,
                speed: self.speed,
                looping: false,
            },
        };
        Ok(self.dashboard.options(input, None))
    }
}

/// A handover's page or table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandoverFormat {
    Html,
    Csv,
}

impl ReportArgs {
    pub fn format(&self) -> report::Format {
        if self.json || self.format == Some(ReportFormat::Json) {
            report::Format::Json
        } else {
            report::Format::Table
        }
    }

    /// The handover asked for (`--format html` or `csv`), or `None` for the figures at
    /// one moment; the period's flags without one of those formats are refused.
    pub fn handover(
        &self,
        config: &Config,
    ) -> Result<Option<(HandoverFormat, PeriodAsked)>, UsageError> {
        let format = match self.format {
            Some(ReportFormat::Html) => HandoverFormat::Html,
            Some(ReportFormat::Csv) => HandoverFormat::Csv,
            _ if self.from.is_some()
                || self.to.is_some()
                || self.shift
                || self.interval.is_some() =>
            {
                return Err(UsageError(
                    "--from, --to, --shift and --interval make a handover: give --format html \
                     or --format csv"
                        .to_string(),
                ));
            }
            _ => return Ok(None),
        };
        Ok(Some((
            format,
            PeriodAsked {
                from: self.from,
                to: self.to.or(self.at),
                interval: self.interval.unwrap_or(config.handover_interval),
            },
        )))
    }
}

impl GenArgs {
    /// The force is `config`'s: its areas, their weights and its zone (whose local
    /// midnight a date `--start` means, and the default start).
    ///
    /// Refused when the feed would run past the years 2000–2199 (`--start` alone is
    /// checked as a flag).
    pub fn options(&self, config: &Config) -> Result<GenOptions, UsageError> {
        let force = GenOptions::for_force(config.timezone, config.area_shares());
        let start = match self.start {
            None => force.start,
            Some(GenStart::At(start)) => start,
            Some(GenStart::Midnight(date)) => {
                let midnight = local_midnight(date, config.timezone);
                match midnight.filter(|start| start.to_utc().year() >= 2000) {
                    Some(start) => start,
                    None => {
                        return Err(UsageError(format!(
                            "--start {date} begins before the year 2000 in {}; a feed's times \
                             must be within the years 2000 to 2199",
                            config.timezone
                        )));
                    }
                }
            }
        };
        let options = GenOptions {
            days: self.days,
            seed: self.seed,
            start,
            handlers: self.schema == GenSchema::V1_1,
            ..force
        };
        if !options.is_plausible() {
            return Err(UsageError(format!(
                "--start with --days {} runs past the year 2199; a feed's times must be within the years 2000 to 2199",
                self.days
            )));
        }
        Ok(options)
    }
}

impl ServeArgs {
    /// How to play a feed whose last event is at `last_event`; the backlog covers the
    /// largest window of `config`.
    pub fn options(
        &self,
        config: &Config,
        last_event: Timestamp,
    ) -> Result<ServeOptions, UsageError> {
        if let Some(from) = self.from
            && from > last_event
        {
            return Err(UsageError(format!(
                "--from is after the last event of {} ({})",
                self.file,
                format_utc(last_event)
            )));
        }
        let largest_window = config.windows.iter().map(|window| window.span).max();
        Ok(ServeOptions {
            speed: self.speed,
            from: self.from,
            looping: self.looping,
            redate: self.redate,
            max_clients: self.max_clients as usize,
            drain_limit: self.drain_limit.to_duration(),
            backlog: largest_window.unwrap_or(Span::ZERO) + BACKLOG_MARGIN,
            max_call_duration: config.max_call_duration,
            max_incident_duration: config.max_incident_duration,
            ..ServeOptions::default()
        })
    }
}
