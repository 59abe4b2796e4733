//! Where a board's figures come from, as the command line names it, and starting it: the
//! one place a live source is spawned for a board, whether the board is a terminal
//! (`watch`, `replay`, the demo) or the sessions of `forceboard ssh`.

use tokio::sync::mpsc;

use crate::config::Config;
use crate::feed::source::{self, FeedItem, FeedSource, SourceOptions, nats};
use crate::ingest::playback::Playback;
use crate::ingest::replay::ReplayOptions;
use crate::time::Timestamp;

use crate::app::{PlaybackError, Timeline};
use crate::ui::status::SourceLabel;

/// Live feed items wait here for the board; far more than a second of any real feed.
const QUEUE: usize = 4096;

/// Where the figures come from.
pub enum FeedInput {
    /// A live feed; `token` is sent as a bearer token to an HTTP(S) feed.
    Live {
        source: FeedSource,
        token: Option<String>,
    },
    /// The built-in demo day, looping.
    Demo,
    /// A recorded feed on a virtual clock.
    Replay {
        playback: Playback,
        options: ReplayOptions,
    },
}

impl FeedInput {
    /// The board's feed at wall time `wall`, and the channel its live items arrive on. A
    /// live source is spawned on the current Tokio runtime with the config's idle limit
    /// (and, from NATS, the config's backfill); for a recording or the demo the channel
    /// is already closed (it never yields).
    pub(crate) fn start(
        self,
        config: &Config,
        wall: Timestamp,
    ) -> Result<(Timeline, mpsc::Receiver<FeedItem>), PlaybackError> {
        let (tx, rx) = mpsc::channel(QUEUE);
        let feed = match self {
            FeedInput::Live { source, token } => {
                let timings = SourceOptions {
                    idle_limit: config.idle_limit.to_duration(),
                    ..SourceOptions::default()
                };
                let source = match source {
                    FeedSource::Nats { target, .. } => FeedSource::Nats {
                        target,
                        replay: config.backfill().to_duration(),
                    },
                    source => source,
                };
                let label = source_label(&source);
                let mut feed = Timeline::live(config, wall);
                // Boards on one NATS subject share their alerts' acknowledgements.
                if let FeedSource::Nats { target, .. } = &source {
                    let (acks, shared) = mpsc::unbounded_channel();
                    let relay =
                        nats::shared_acks::relay(target.clone(), token.clone(), tx.clone(), shared);
                    tokio::spawn(relay);
                    feed.set_ack_relay(acks);
                }
                source::spawn_with(source, tx, token, timings);
                feed.set_source(label);
                feed
            }
            FeedInput::Demo => Timeline::demo(config, wall)?,
            FeedInput::Replay { playback, options } => {
                Timeline::recording(config, playback, options, wall)?
            }
        };
        Ok((feed, rx))
    }
}

/// How the board names a live source: never a credential, a token or a URL's path.
pub fn source_label(source: &FeedSource) -> SourceLabel {
    match source {
        FeedSource::Stdin => SourceLabel {
            name: "stdin".to_string(),
            check: "the program writing to it",
            subject: None,
        },
        FeedSource::File { path, .. } => SourceLabel {
            name: crate::format::printable(&path.display().to_string()).into_owned(),
            check: "the file",
            subject: None,
        },
        FeedSource::Tcp { addr } => SourceLabel {
            name: format!("tcp {addr}"),
            check: "the address",
            subject: None,
        },
        FeedSource::Http { url } => SourceLabel {
            name: url.label(),
            check: "the URL",
            subject: None,
        },
        FeedSource::Nats { target, .. } => SourceLabel {
            name: crate::format::printable(&format!("{}/{}", target.server, target.subject))
                .into_owned(),
            check: "the subject",
            subject: Some(crate::format::printable(&target.subject).into_owned()),
        },
    }
}
