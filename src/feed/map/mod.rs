//! Input maps: a force's own telephony or CAD records (JSON, one per line) turned into
//! forceboard events, declared in a map file or chosen from the built-in adapters.
//!
//! A map is applied where a line is read ([`MapReader::read`], called by every reader of a
//! feed when a map is [installed](install)), so every command gets it. A record may make
//! several events (a contact record that ends a call carries its offer, its answer and its
//! end) or none (a record the board does not need); one that the map cannot turn into valid
//! events is one refused line with a reason in words that names the map's fields, never
//! the record's values. Only the fields the map names are read; the record itself is
//! dropped once mapped, so it is never logged, recorded or sent on.

mod builtin;
pub mod check;
mod jq;
mod path;
mod record;
mod rule;
mod seen;
mod spec;
mod tally;
mod time_format;

use std::path::Path;
use std::sync::{Arc, OnceLock};

use chrono_tz::Tz;

pub use builtin::{BUILT_IN, BuiltIn};
pub use spec::MapError;

use crate::feed::lines::Line;
use crate::feed::parse::is_blank;
use crate::model::{Event, Reject};
use path::FieldPath;
use record::Node;
use rule::{Dedupe, Rule};
use seen::Seen;

/// A checked map, ready to read records.
#[derive(Debug)]
pub struct InputMap {
    name: String,
    description: String,
    zone: Tz,
    rules: Vec<Rule>,
    dedupe: Option<Dedupe>,
    snapshot: Option<FieldPath>,
    tally: Option<tally::Tally>,
    /// A jq program whose outputs are feed events.
    jq: Option<String>,
    /// Every field path the map reads (`map check` lists a record's other fields).
    paths: Vec<FieldPath>,
    /// The same as a tree: a record is parsed keeping only these fields.
    wanted: record::Wanted,
}

impl InputMap {
    /// A map by built-in name (`amazon-connect-ctr`…) or else as a map file's path; local
    /// times are in `zone` unless the map names its own.
    pub fn load(name_or_path: &str, zone: Tz) -> Result<InputMap, MapError> {
        if let Some(built_in) = builtin::find(name_or_path) {
            return InputMap::parse(built_in.name, built_in.text, zone);
        }
        let text = std::fs::read_to_string(Path::new(name_or_path)).map_err(|error| MapError {
            line: None,
            message: format!(
                "is neither a built-in map ({}) nor a map file that can be read ({error})",
                builtin::names()
            ),
        })?;
        InputMap::parse(name_or_path, &text, zone)
    }

    /// A map from a map file's text.
    pub fn parse(name: &str, text: &str, zone: Tz) -> Result<InputMap, MapError> {
        spec::compile(name, text, zone, |base| builtin::find(base).map(|b| b.text))
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn description(&self) -> &str {
        &self.description
    }
}

/// What one line became through a map.
#[derive(Debug, Clone, PartialEq)]
pub enum Mapped {
    /// Empty or white space only: skipped, as in the native feed.
    Blank,
    /// The record's events, in the map's order; none when the board needs nothing from it
    /// (a chat contact, a queue the map does not follow).
    Events(Vec<Event>),
    /// A record already seen (delivered again, or an older update after a newer one).
    Duplicate,
    /// Refused, with a reason that never repeats the record's content.
    Rejected(Reject),
}

/// A map reading one stream: the map and what the stream has shown it so far (for
/// deduplication and snapshots). One per stream, so two feeds never share it.
#[derive(Debug)]
pub struct MapReader {
    map: Arc<InputMap>,
    versions: Seen<Option<crate::time::Timestamp>>,
    /// Per snapshot key, the event kinds already made (a bit per kind).
    made: Seen<u16>,
    handlers: tally::Handlers,
}

impl MapReader {
    pub fn new(map: Arc<InputMap>) -> MapReader {
        MapReader {
            map,
            versions: Seen::default(),
            made: Seen::default(),
            handlers: tally::Handlers::default(),
        }
    }

    /// A reader for the installed map, or `None` when lines are native.
    pub fn installed() -> Option<MapReader> {
        installed().map(MapReader::new)
    }

    pub fn map(&self) -> &InputMap {
        &self.map
    }

    /// Reads one physical line.
    pub fn read(&mut self, line: Line<'_>) -> Mapped {
        match line {
            Line::TooLong => Mapped::Rejected(Reject::TooLong),
            Line::Text(bytes) if is_blank(bytes) => Mapped::Blank,
            Line::Text(bytes) => match record_of(bytes, &self.map.wanted) {
                Ok(record) => self.read_record(&record, bytes),
                Err(reason) => Mapped::Rejected(reason),
            },
        }
    }

    /// Maps one parsed record (`bytes`: its line, for a jq program).
    pub(crate) fn read_record(&mut self, record: &Node<'_>, bytes: &[u8]) -> Mapped {
        let map = Arc::clone(&self.map);
        let mut version_seen = None;
        if let Some(dedupe) = &map.dedupe {
            match self.news(dedupe, record) {
                Ok(Some(news)) => version_seen = Some(news),
                Ok(None) => return Mapped::Duplicate,
                Err(reason) => return Mapped::Rejected(Reject::Map(reason)),
            }
        }
        let mut events = Vec::new();
        for rule in map.rules.iter().filter(|rule| rule.applies(record)) {
            match rule.event(record, map.zone) {
                Ok(event) => events.push(event),
                Err(reason) => return Mapped::Rejected(Reject::Map(reason)),
            }
        }
        if let Some(code) = &map.jq {
            match jq::events(code, bytes) {
                Ok(made) => events.extend(made),
                Err(reason) => return Mapped::Rejected(Reject::Map(reason)),
            }
        }
        let change = match &map.tally {
            Some(tally) => match self.handlers.read(tally, record, map.zone) {
                Ok(change) => Some(change),
                Err(reason) => return Mapped::Rejected(Reject::Map(reason)),
            },
            None => None,
        };
        if let Some(change) = change {
            events.extend(self.handlers.apply(change));
        }
        if let Some((key, version)) = version_seen {
            self.versions.insert(key, version);
        }
        if let Some(snapshot) = &map.snapshot
            && let Some(key) = snapshot.find(record).and_then(path::text_of)
        {
            let made = self.made.get(&key).copied().unwrap_or(0);
            let mut now_made = made;
            events.retain(|event| {
                let bit = 1_u16 << (event.body.kind() as u16);
                let new = now_made & bit == 0;
                now_made |= bit;
                new
            });
            if now_made != made {
                self.made.insert(key.into(), now_made);
            }
        }
        Mapped::Events(events)
    }

    /// For a record under deduplication: `Some((key, version))` when it is news, `None`
    /// when its key was seen with this version or a newer one.
    #[allow(clippy::type_complexity)]
    fn news(
        &self,
        dedupe: &Dedupe,
        record: &Node<'_>,
    ) -> Result<Option<(Box<str>, Option<crate::time::Timestamp>)>, crate::model::MapReject> {
        let key = dedupe.key.find(record).and_then(path::text_of).ok_or(
            crate::model::MapReject::Missing {
                field: "dedupe key",
                from: dedupe.key.text,
            },
        )?;
        let version = match &dedupe.version {
            Some(pick) => pick.time(record, self.map.zone)?,
            None => None,
        };
        let news = match self.versions.get(&key) {
            None => true,
            Some(seen) => match (seen, version) {
                (Some(seen), Some(version)) => version > *seen,
                _ => false,
            },
        };
        Ok(news.then(|| (key.into(), version)))
    }
}

/// A line's bytes as one JSON object keeping the `wanted` fields, or why not (the native
/// feed's reasons).
pub(crate) fn record_of<'a>(bytes: &'a [u8], wanted: &record::Wanted) -> Result<Node<'a>, Reject> {
    let text = std::str::from_utf8(bytes).map_err(|_| Reject::NotUtf8)?;
    match record::parse(text, wanted) {
        Ok(record) if record.is_object() => Ok(record),
        Ok(_) => Err(Reject::NotObject),
        Err(_) => Err(Reject::NotJson),
    }
}

static INSTALLED: OnceLock<Arc<InputMap>> = OnceLock::new();

/// Makes `map` the map every feed of this process is read through (the command line's
/// `--map`, or the configuration's `[input] map`). Set once, at start; `false` if a map
/// was already installed.
pub fn install(map: InputMap) -> bool {
    INSTALLED.set(Arc::new(map)).is_ok()
}

/// The installed map, if any.
pub fn installed() -> Option<Arc<InputMap>> {
    INSTALLED.get().cloned()
}

#[cfg(test)]
mod tests;
