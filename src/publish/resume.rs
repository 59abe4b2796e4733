//! Where a restarted publisher picks up a file it was publishing.
//!
//! The stream's last message on the subject says which source it came from and at which
//! line. A publisher started again on the same file skips every line up to and including
//! that one, and checks on the way that the line there is the one the stream holds: a file
//! that was changed or replaced is refused (an error), not guessed at. JetStream's duplicate
//! window (message ids) covers the rest: a CAD feed or stdin read again within it.
//!
//! A file is known by its canonical path and by its device and inode, never by the path
//! as typed: `day.ndjson`, `./day.ndjson`, its absolute path, a symbolic or a hard link
//! are one source, published once.

use std::path::{Path, PathBuf};

use super::PublishError;
use super::stream::LastPublished;
use crate::feed::FeedSource;
use crate::feed::wire::schema_line;
use crate::format::printable;
use crate::model::Event;
use crate::time::format_utc;

/// Who a source is: what its messages name as their source (a file's canonical path)
/// and, for a file that exists, its device and inode (`DEV:INODE`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SourceIdentity {
    pub(crate) label: String,
    pub(crate) file_id: Option<String>,
}

impl SourceIdentity {
    pub(crate) fn of(source: &FeedSource) -> SourceIdentity {
        match source {
            FeedSource::File { path, .. } => SourceIdentity {
                label: printable(&canonical(path).display().to_string()).into_owned(),
                file_id: file_id(path),
            },
            other => SourceIdentity {
                label: other.label(),
                file_id: None,
            },
        }
    }

    /// Whether the stream's last message came from this source: the same file by its
    /// device and inode, or the same canonical path. A message from an older publisher
    /// names the path as it was typed: read from here, it may still name this file.
    fn wrote(&self, last: &LastPublished) -> bool {
        if last.source == self.label {
            return true;
        }
        match (&last.file_id, &self.file_id) {
            (Some(theirs), Some(ours)) => theirs == ours,
            (Some(_), None) => false,
            (None, _) => {
                self.file_id.is_some()
                    && file_id(Path::new(&last.source)).is_some_and(|id| Some(id) == self.file_id)
            }
        }
    }
}

/// The path with every link and `.` or `..` resolved; a file not there yet (followed)
/// by its directory's canonical path, else as absolute as can be made.
fn canonical(path: &Path) -> PathBuf {
    if let Ok(resolved) = path.canonicalize() {
        return resolved;
    }
    let in_directory = path.file_name().and_then(|name| {
        let parent = path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty());
        let parent = parent.unwrap_or(Path::new("."));
        parent.canonicalize().ok().map(|parent| parent.join(name))
    });
    in_directory
        .or_else(|| std::path::absolute(path).ok())
        .unwrap_or_else(|| path.to_path_buf())
}

/// `DEV:INODE` of the file at `path`, if there is one.
#[cfg(unix)]
fn file_id(path: &Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let metadata = std::fs::metadata(path).ok()?;
    metadata
        .is_file()
        .then(|| format!("{}:{}", metadata.dev(), metadata.ino()))
}

#[cfg(not(unix))]
fn file_id(_path: &Path) -> Option<String> {
    None
}

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
    pub(crate) fn after(last: Option<LastPublished>, source: &SourceIdentity) -> Resume {
        let until = last
            .filter(|last| source.wrote(last))
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
            file_id: None,
            line,
            text: text.to_string(),
        })
    }

    fn named(label: &str) -> SourceIdentity {
        SourceIdentity {
            label: label.to_string(),
            file_id: None,
        }
    }

    #[test]
    fn the_same_file_skips_up_to_and_including_the_last_line_held() {
        let mut resume = Resume::after(last("day.ndjson", 2, SECOND), &named("day.ndjson"));
        assert!(resume.skips(1, &event(FIRST), "day.ndjson").unwrap());
        assert!(resume.skips(2, &event(SECOND), "day.ndjson").unwrap());
        assert!(!resume.skips(3, &event(FIRST), "day.ndjson").unwrap());
        assert!(resume.check_reached("day.ndjson").is_ok());
    }

    #[test]
    fn another_source_skips_nothing_and_a_changed_file_is_refused() {
        let mut other = Resume::after(last("old.ndjson", 2, SECOND), &named("day.ndjson"));
        assert!(!other.skips(1, &event(FIRST), "day.ndjson").unwrap());
        let mut changed = Resume::after(last("day.ndjson", 2, SECOND), &named("day.ndjson"));
        assert!(changed.skips(1, &event(FIRST), "day.ndjson").unwrap());
        assert!(matches!(
            changed.skips(2, &event(FIRST), "day.ndjson"),
            Err(PublishError::ResumeMismatch { line: 2, .. })
        ));
        let short = Resume::after(last("day.ndjson", 9, SECOND), &named("day.ndjson"));
        assert!(matches!(
            short.check_reached("day.ndjson"),
            Err(PublishError::ResumeShort { line: 9, .. })
        ));
    }

    #[test]
    fn a_file_is_the_same_source_however_its_path_is_spelt() {
        let dir = std::env::temp_dir().join(format!("forceboard-resume-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("day.ndjson");
        std::fs::write(&path, FIRST).unwrap();
        let linked = dir.join("linked.ndjson");
        let _ = std::fs::remove_file(&linked);
        std::fs::hard_link(&path, &linked).unwrap();
        let file = |path: PathBuf| FeedSource::File {
            path,
            follow: false,
        };
        let plain = SourceIdentity::of(&file(path.clone()));
        let dotted = SourceIdentity::of(&file(dir.join(".").join("day.ndjson")));
        assert_eq!(plain, dotted);
        assert!(plain.file_id.is_some());
        let hard_link = SourceIdentity::of(&file(linked.clone()));
        assert_ne!(hard_link.label, plain.label);
        let held = LastPublished {
            source: plain.label.clone(),
            file_id: plain.file_id.clone(),
            line: 1,
            text: FIRST.to_string(),
        };
        assert!(hard_link.wrote(&held));
        // An older publisher's message names the path as typed, without the file's id.
        let older = LastPublished {
            source: linked.display().to_string(),
            file_id: None,
            ..held.clone()
        };
        assert!(plain.wrote(&older));
        assert!(!named("other.ndjson").wrote(&held));
        // A file not there yet (followed) is named by its directory's canonical path.
        let later = SourceIdentity::of(&file(dir.join(".").join("later.ndjson")));
        assert_eq!(
            later.label,
            dir.canonicalize()
                .unwrap()
                .join("later.ndjson")
                .display()
                .to_string()
        );
        assert_eq!(later.file_id, None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
