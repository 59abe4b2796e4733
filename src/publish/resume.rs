//! Where a restarted publisher picks up a file it was publishing.
//!
//! The stream's last message on the subject says which source it came from and at which
//! line. A publisher started again on the same file skips every line up to and including
//! that one, and checks on the way that the line there is the one the stream holds: a file
//! that was changed or replaced is refused (an error), not guessed at. JetStream's duplicate
//! window (message ids) covers the rest: a CAD feed or stdin read again within it.

use super::PublishError;
use super::stream::LastPublished;
use crate::feed::wire::schema_line;
use crate::model::Event;
use crate::time::format_utc;

/// The lines still to skip, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Resume {
    /// The last line the stream holds from this source, and its text; `None` when there is
    /// nothing to skip (or no more).
    until: Option<(u64, String)>,
}

impl Resume {
    pub(crate) fn nothing() -> Resume {
        Resume { until: None }
    }

    /// Resumes after `last` if it came from `source`.
    pub(crate) fn after(last: Option<LastPublished>, source: &str) -> Resume {
        let until = last
            .filter(|last| last.source == source)
            .map(|last| (last.line, last.text));
        Resume { until }
    }

    /// Whether line `line` (`event`) of `source` is already in the stream.
    pub(crate) fn skips(
        &mut self,
        line: u64,
        event: &Event,
        source: &str,
    ) -> Result<bool, PublishError> {
        let Some((last_line, last_text)) = &self.until else {
            return Ok(false);
        };
        if line < *last_line {
            return Ok(true);
        }
        if line > *last_line {
            // The marked line was blank or refused this time: the file changed.
            return Err(mismatch(source, *last_line));
        }
        if schema_line(event, None, format_utc) != *last_text {
            return Err(mismatch(source, *last_line));
        }
        self.until = None;
        Ok(true)
    }

    /// At the source's end: every line to skip must have been seen.
    pub(crate) fn check_reached(&self, source: &str) -> Result<(), PublishError> {
        match &self.until {
            Some((line, _)) => Err(PublishError::ResumeShort {
                feed: source.to_string(),
                line: *line,
            }),
            None => Ok(()),
        }
    }
}

fn mismatch(source: &str, line: u64) -> PublishError {
    PublishError::ResumeMismatch {
        feed: source.to_string(),
        line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::parse_line;

    const FIRST: &str = r#"{"kind":"heartbeat","at":"2024-07-01T11:00:00Z"}"#;
    const SECOND: &str = r#"{"kind":"heartbeat","at":"2024-07-01T11:00:05Z"}"#;

    fn event(line: &str) -> Event {
        parse_line(line.as_bytes()).expect("valid")
    }

    fn last(source: &str, line: u64, text: &str) -> Option<LastPublished> {
        Some(LastPublished {
            source: source.to_string(),
            line,
            text: text.to_string(),
        })
    }

    #[test]
    fn the_same_file_skips_up_to_and_including_the_last_line_held() {
        let mut resume = Resume::after(last("day.ndjson", 2, SECOND), "day.ndjson");
        assert!(resume.skips(1, &event(FIRST), "day.ndjson").unwrap());
        assert!(resume.skips(2, &event(SECOND), "day.ndjson").unwrap());
        assert!(!resume.skips(3, &event(FIRST), "day.ndjson").unwrap());
        assert!(resume.check_reached("day.ndjson").is_ok());
    }

    #[test]
    fn another_source_skips_nothing_and_a_changed_file_is_refused() {
        let mut other = Resume::after(last("old.ndjson", 2, SECOND), "day.ndjson");
        assert!(!other.skips(1, &event(FIRST), "day.ndjson").unwrap());
        let mut changed = Resume::after(last("day.ndjson", 2, SECOND), "day.ndjson");
        assert!(changed.skips(1, &event(FIRST), "day.ndjson").unwrap());
        assert!(matches!(
            changed.skips(2, &event(FIRST), "day.ndjson"),
            Err(PublishError::ResumeMismatch { line: 2, .. })
        ));
        let short = Resume::after(last("day.ndjson", 9, SECOND), "day.ndjson");
        assert!(matches!(
            short.check_reached("day.ndjson"),
            Err(PublishError::ResumeShort { line: 9, .. })
        ));
    }
}
