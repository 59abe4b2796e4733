//! The JetStream stream a publisher writes to: found by the subject, or made with the
//! documented settings; and where a restarted publisher resumes.

use std::time::Duration;

use async_nats::jetstream::context::{CreateStreamError, GetStreamError};
use async_nats::jetstream::stream::LastRawMessageError;
use async_nats::jetstream::{self, stream};
use tracing::warn;

use super::PublishError;
use super::message::{FILE_ID_HEADER, LINE_HEADER, SOURCE_HEADER};
use crate::feed::source::nats::message_lines::message_lines;

/// What JetStream refused or did not answer, in its own words.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    /// Reading the stream that holds the subject.
    #[error(transparent)]
    Get(#[from] GetStreamError),
    /// Making the stream.
    #[error(transparent)]
    Create(#[from] CreateStreamError),
    /// Reading the last message on the subject (where a publisher resumes).
    #[error(transparent)]
    LastMessage(#[from] LastRawMessageError),
}

/// The settings of a stream made by `publish` (README: "The stream").
#[derive(Debug, Clone)]
pub struct StreamSettings {
    pub name: String,
    /// What the stream holds: every force's subject.
    pub subjects: Vec<String>,
    /// How long a message is kept: at least the largest window and an hour.
    pub max_age: Duration,
    /// How long JetStream remembers message ids to drop a message published twice.
    pub duplicate_window: Duration,
    pub replicas: usize,
}

/// The stream that holds `subject`: the one that exists, or one made with `settings`.
pub async fn ensure_stream(
    jetstream: &jetstream::Context,
    subject: &str,
    settings: &StreamSettings,
) -> Result<stream::Stream, PublishError> {
    if let Ok(name) = jetstream.stream_by_subject(subject).await {
        let stream = jetstream
            .get_stream(&name)
            .await
            .map_err(StreamError::from)?;
        let max_age = stream.cached_info().config.max_age;
        if !max_age.is_zero() && max_age < settings.max_age {
            // Boards started later would find less than a full window.
            warn!(stream = %name, ?max_age, wanted = ?settings.max_age, "the stream keeps messages for less than the largest window + 1 h");
        }
        return Ok(stream);
    }
    let config = stream::Config {
        name: settings.name.clone(),
        subjects: settings.subjects.clone(),
        max_age: settings.max_age,
        duplicate_window: settings.duplicate_window,
        num_replicas: settings.replicas,
        storage: stream::StorageType::File,
        ..stream::Config::default()
    };
    jetstream
        .create_stream(config)
        .await
        .map_err(|error| StreamError::from(error).into())
}

/// What the stream last holds on a subject: the source it came from, the number there of
/// its last line and that line itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastPublished {
    pub(crate) source: String,
    /// The file's `DEV:INODE`, if it came from a file (and a publisher that says so).
    pub(crate) file_id: Option<String>,
    pub(crate) line: u64,
    pub(crate) text: String,
}

/// The last message on `subject`, if any and if it was written by `publish`.
pub async fn last_published(
    stream: &stream::Stream,
    subject: &str,
) -> Result<Option<LastPublished>, PublishError> {
    let message = match stream.get_last_raw_message_by_subject(subject).await {
        Ok(message) => message,
        Err(error) if error.kind() == stream::LastRawMessageErrorKind::NoMessageFound => {
            return Ok(None);
        }
        Err(error) => return Err(StreamError::from(error).into()),
    };
    let header = |name: &str| {
        message
            .headers
            .get(name)
            .map(|value| value.as_str().to_string())
    };
    let (Some(source), Some(line)) = (header(SOURCE_HEADER), header(LINE_HEADER)) else {
        return Ok(None);
    };
    let Ok(line) = line.parse() else {
        return Ok(None);
    };
    // A message of several lines is named by its last.
    let last_line = message_lines(&message.payload)
        .last()
        .map_or(&[][..], |(_, line)| line);
    let text = String::from_utf8_lossy(last_line).into_owned();
    Ok(Some(LastPublished {
        source,
        file_id: header(FILE_ID_HEADER),
        line,
        text,
    }))
}
