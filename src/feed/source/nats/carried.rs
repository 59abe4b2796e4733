//! What a board started late needs beyond its backfill, kept beside the stream.
//!
//! A board backfills the last day (its largest window and the pairing grace). A priority
//! incident opened 30 hours ago and still open is older than that, and the stream itself
//! keeps messages only a little longer than a day. So `publish` keeps, in a JetStream
//! key-value bucket beside the stream, the lines of every call and incident whose life
//! crosses the start of a board's backfill: opened before it and still open, or closed
//! after it. A board reads them first, in stream order, then the stream from where its
//! backfill begins; its figures are those of a board that has been running for days.
//!
//! Where the backfill begins is found by the feed's own time, not by when a message was
//! stored: `publish` keeps an index of the first stream sequence of every five minutes of
//! event times. A day published in one go (a file) is then read as a day, like one
//! published as it happened.
//!
//! This module names the bucket and its keys and reads and writes their values; `publish`
//! decides what goes in (its `carry` module), the board reads it (`late_join`).

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use super::message_lines::StreamPosition;
use crate::time::{Span, Timestamp};

/// How far back of a board's backfill start `publish` carries items: lines a little out
/// of order, and a board whose clock is a little behind the feed's, still find them.
pub const CARRY_MARGIN: Span = Span::from_mins(10);

/// The index keeps the first stream sequence of every step of event time.
pub const INDEX_STEP: Span = Span::from_mins(5);

/// The bucket beside stream `stream`: JetStream's bucket names allow letters, digits,
/// `_` and `-` only, so anything else becomes `_`.
pub fn bucket_name(stream: &str) -> String {
    let name: String = stream
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{name}_LATE_JOIN")
}

/// Which name space an item's id is in: call and incident ids are separate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ItemKind {
    Call,
    Incident,
}

/// The subject as the first tokens of a key: as it is when every character is allowed in
/// a key, otherwise its bytes in hex after an `x`.
pub fn subject_tokens(subject: &str) -> String {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '_' | '=' | '.');
    if subject.chars().all(allowed) {
        subject.to_string()
    } else {
        format!("x{}", hex(subject.as_bytes()))
    }
}

/// `bytes` in lower-case hex: any text as tokens of a key.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
}

/// The key of the subject's time index.
pub fn index_key(subject: &str) -> String {
    format!("{}.index", subject_tokens(subject))
}

/// The key of one item on `subject` written in generation `generation` (the step of
/// the feed's time it was written at), as publishers wrote them before records: its id in
/// hex, as ids may hold any character. Such keys are still read; the generation lets
/// `publish` drop a whole generation's keys with one purge (performance doc §35).
#[cfg(test)]
pub fn item_key(subject: &str, kind: ItemKind, generation: i64, id: &str) -> String {
    format!(
        "{}.{}.{}",
        subject_tokens(subject),
        generation_token(kind, generation),
        hex(id.as_bytes())
    )
}

/// The key of record `number` of carried lines on `subject` (the lines of many items),
/// written in generation `generation` by the publisher run `run`.
pub fn record_key(subject: &str, generation: i64, (run, number): (u64, u64)) -> String {
    format!(
        "{}.lines.{}.{run}-{number}",
        subject_tokens(subject),
        generation_token_alone(generation)
    )
}

/// The keys of every item of generation `generation` on `subject`, as a subject filter.
pub fn generation_filter(subject: &str, generation: i64) -> String {
    format!(
        "{}.*.{}.>",
        subject_tokens(subject),
        generation_token_alone(generation)
    )
}

#[cfg(test)]
fn generation_token(kind: ItemKind, generation: i64) -> String {
    let space = match kind {
        ItemKind::Call => "call",
        ItemKind::Incident => "incident",
    };
    format!("{space}.{}", generation_token_alone(generation))
}

/// `g` and the generation's seconds (`gm…` before 1970, never for a real feed): a token
/// no item's hex id can be, so a filter of one generation never takes another's keys.
fn generation_token_alone(generation: i64) -> String {
    if generation < 0 {
        format!("gm{}", generation.unsigned_abs())
    } else {
        format!("g{generation}")
    }
}

/// One of `subject`'s keys of carried lines, read (a record of many items' lines, or an
/// item's key as older publishers wrote): its generation, `None` for a key written before
/// generations (one token after the name space).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemKey {
    pub generation: Option<i64>,
}

/// `key` as one of `subject`'s items, or `None` if it is not one (the index, another
/// subject's key, the boards' shared acknowledgements).
pub fn item_of_key(key: &str, subject: &str) -> Option<ItemKey> {
    let rest = key
        .strip_prefix(&subject_tokens(subject))
        .and_then(|rest| rest.strip_prefix('.'))?;
    let parse_generation = |generation: &str| match generation.strip_prefix("gm") {
        Some(negative) => negative.parse::<i64>().ok().map(|g| -g),
        None => generation.strip_prefix('g')?.parse::<i64>().ok(),
    };
    if let Some(record) = rest.strip_prefix("lines.") {
        let tokens: Vec<&str> = record.split('.').collect();
        let named = |name: &str| {
            name.split_once('-').is_some_and(|(run, number)| {
                [run, number]
                    .iter()
                    .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
            })
        };
        return match tokens.as_slice() {
            [generation, name] if named(name) => Some(ItemKey {
                generation: Some(parse_generation(generation)?),
            }),
            _ => None,
        };
    }
    let rest = ["call.", "incident."]
        .iter()
        .find_map(|space| rest.strip_prefix(space))?;
    let tokens: Vec<&str> = rest.split('.').collect();
    let hex_id = |id: &str| !id.is_empty() && id.bytes().all(|b| b.is_ascii_hexdigit());
    match tokens.as_slice() {
        // Exactly the tokens of an item: a subject `a` is not `a.b`'s.
        [id] if hex_id(id) => Some(ItemKey { generation: None }),
        [generation, id] if hex_id(id) => Some(ItemKey {
            generation: Some(parse_generation(generation)?),
        }),
        _ => None,
    }
}

/// Whether `key` is one of `subject`'s items.
pub fn is_item_of(key: &str, subject: &str) -> bool {
    item_of_key(key, subject).is_some()
}

/// An item's lines, each after its place in the stream: `SEQUENCE LINE\n` for a
/// message's first line (the form before messages held several lines), else
/// `SEQUENCE:INDEX LINE\n`.
pub fn encode_lines<'a>(lines: impl IntoIterator<Item = (StreamPosition, &'a str)>) -> Bytes {
    use std::fmt::Write;
    let mut value = String::new();
    for (position, line) in lines {
        // Written in place: `publish` encodes an item again with each line it gets.
        let _ = match position.index {
            0 => write!(value, "{} ", position.sequence),
            index => write!(value, "{}:{index} ", position.sequence),
        };
        value.push_str(line);
        value.push('\n');
    }
    Bytes::from(value)
}

/// The lines of an item's value; a malformed one (not written by `publish`) is skipped.
pub fn decode_lines(value: &[u8]) -> Vec<(StreamPosition, Bytes)> {
    value
        .split(|&byte| byte == b'\n')
        .filter_map(|entry| {
            let space = entry.iter().position(|&byte| byte == b' ')?;
            let place = std::str::from_utf8(&entry[..space]).ok()?;
            let position = match place.split_once(':') {
                Some((sequence, index)) => StreamPosition {
                    sequence: sequence.parse().ok()?,
                    index: index.parse().ok()?,
                },
                None => StreamPosition::first_of(place.parse().ok()?),
            };
            let line = &entry[space + 1..];
            (!line.is_empty()).then(|| (position, Bytes::copy_from_slice(line)))
        })
        .collect()
}

/// Where each step of event time begins in the stream, for the stream made at
/// `stream_created` (a stream made again starts its sequences again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeIndex {
    /// When the stream was made, in Unix nanoseconds.
    pub stream_created: i64,
    /// The backfill `publish` carries items for, in seconds.
    pub backfill_s: i64,
    /// `[step start in Unix seconds, first stream sequence]`, oldest first: every line of
    /// an event at or after a step's start has a sequence at or after the step's.
    pub steps: Vec<(i64, u64)>,
}

impl TimeIndex {
    /// The sequence a backfill of every event at or after `since` starts from: the step
    /// at or before it. `None` when `since` is before the index (read everything kept).
    pub fn sequence_from(&self, since: Timestamp) -> Option<u64> {
        let since_s = since.nanos().div_euclid(Span::SECOND.nanos());
        self.steps
            .iter()
            .rev()
            .find(|(start, _)| *start <= since_s)
            .map(|(_, sequence)| *sequence)
    }

    /// The start of the newest step: at or before the feed's latest time.
    pub fn latest_step(&self) -> Option<Timestamp> {
        let (start, _) = self.steps.last()?;
        Some(Timestamp::from_nanos(
            start.saturating_mul(Span::SECOND.nanos()),
        ))
    }

    pub fn to_bytes(&self) -> Bytes {
        Bytes::from(serde_json::to_vec(self).unwrap_or_default())
    }

    pub fn from_bytes(value: &[u8]) -> Option<TimeIndex> {
        serde_json::from_slice(value).ok()
    }
}

/// The start of the index step `at` is in, in Unix seconds.
pub fn step_of(at: Timestamp) -> i64 {
    let step_s = INDEX_STEP.nanos() / Span::SECOND.nanos();
    at.nanos()
        .div_euclid(Span::SECOND.nanos())
        .div_euclid(step_s)
        .saturating_mul(step_s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_valid_jetstream_keys_whatever_the_id() {
        let key = item_key(
            "events.wyp",
            ItemKind::Incident,
            1_720_137_600,
            "INC 1/2.3*>",
        );
        assert_eq!(
            key,
            "events.wyp.incident.g1720137600.494e4320312f322e332a3e"
        );
        assert_eq!(
            item_of_key(&key, "events.wyp"),
            Some(ItemKey {
                generation: Some(1_720_137_600)
            })
        );
        assert!(!is_item_of(&key, "events"));
        assert!(!is_item_of(&index_key("events.wyp"), "events.wyp"));
        // A key written before generations is still an item.
        assert_eq!(
            item_of_key("events.wyp.call.4331", "events.wyp"),
            Some(ItemKey { generation: None })
        );
        assert!(!is_item_of("events.wyp.call.g12.4331.x", "events.wyp"));
        assert!(!is_item_of("events.wyp.alert.ack.4331", "events.wyp"));
        assert_eq!(bucket_name("FORCE BOARD"), "FORCE_BOARD_LATE_JOIN");
        let odd = item_key("events.wÿp", ItemKind::Call, -300, "7");
        assert_eq!(odd, "x6576656e74732e77c3bf70.call.gm300.37");
        assert_eq!(
            item_of_key(&odd, "events.wÿp"),
            Some(ItemKey {
                generation: Some(-300)
            })
        );
        // One generation's filter: both name spaces and the records, that generation only.
        assert_eq!(
            generation_filter("events.wyp", 1_720_137_600),
            "events.wyp.*.g1720137600.>"
        );
        // A record of carried lines: its generation, and its run and number.
        let record = record_key("events.wyp", 1_720_137_600, (1_733_450_000_000, 12));
        assert_eq!(record, "events.wyp.lines.g1720137600.1733450000000-12");
        assert_eq!(
            item_of_key(&record, "events.wyp"),
            Some(ItemKey {
                generation: Some(1_720_137_600)
            })
        );
        assert_eq!(
            item_of_key("events.wyp.lines.gm300.1-0", "events.wyp"),
            Some(ItemKey {
                generation: Some(-300)
            })
        );
        for stranger in [
            "events.wyp.lines.g1.12",
            "events.wyp.lines.g1.-12",
            "events.wyp.lines.g1.a-12",
            "events.wyp.lines.1-12",
            "events.wyp.lines.g1.1-2.3",
            "events.wyp.lines.x.1-2",
        ] {
            assert_eq!(item_of_key(stranger, "events.wyp"), None, "{stranger}");
        }
        assert!(!is_item_of(&record, "events"));
    }

    #[test]
    fn lines_come_back_as_written_and_a_stranger_s_value_is_skipped() {
        let second = StreamPosition {
            sequence: 12,
            index: 3,
        };
        let value = encode_lines([
            (StreamPosition::first_of(7), "{\"a\":1}"),
            (second, "{\"b\":2}"),
        ]);
        assert_eq!(&value[..], b"7 {\"a\":1}\n12:3 {\"b\":2}\n");
        let lines = decode_lines(&value);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].0, StreamPosition::first_of(7));
        assert_eq!(lines[1].0, second);
        assert_eq!(&lines[1].1[..], b"{\"b\":2}");
        assert!(decode_lines(b"no sequence here\n\n12\n12: {}\n:3 {}\n12:x {}\n").is_empty());
    }

    #[test]
    fn a_backfill_starts_at_the_step_at_or_before_it() {
        let index = TimeIndex {
            stream_created: 0,
            backfill_s: 86_520,
            steps: vec![(600, 10), (900, 25), (1500, 40)],
        };
        let at = |s: i64| Timestamp::from_nanos(s * 1_000_000_000);
        assert_eq!(index.sequence_from(at(599)), None);
        assert_eq!(index.sequence_from(at(600)), Some(10));
        assert_eq!(index.sequence_from(at(1499)), Some(25));
        assert_eq!(index.sequence_from(at(9999)), Some(40));
        assert_eq!(index.latest_step(), Some(at(1500)));
        assert_eq!(step_of(at(899)), 600);
        assert_eq!(step_of(at(-1)), -300);
        let back = TimeIndex::from_bytes(&index.to_bytes());
        assert_eq!(back, Some(index));
    }
}
