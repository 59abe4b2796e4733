//! Scanning a line for the schema's fields: a hand-written fast path for the flat objects
//! feeds are made of, and `serde_json` for anything unusual. Every other field is skipped
//! unread, so caller details never reach memory that outlives the line.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::model::Reject;

/// A known field's value as scanned: a string, a number (`speed`, `epoch`, `on_duty`, `available`), or
/// something else (its type is enough). It only borrows, so a line's fields are dropped
/// with no work (dropping thirteen `Cow`s cost 2.6 % of `report`'s instructions, §46).
#[derive(Debug, Clone, Copy)]
pub(super) enum Value<'a> {
    Text(&'a str),
    Number(f64),
    NotText,
}

/// The schema's fields, each as scanned (`V`); anything else in the line is skipped while
/// scanning. The fast path scans straight into `Fields<Value>`; `serde_json` finds
/// [`Found`] values, which may own an unescaped string, and lends them as `Value`s.
#[derive(Debug)]
pub(super) struct Fields<V> {
    pub(super) kind: Option<V>,
    pub(super) at: Option<V>,
    pub(super) id: Option<V>,
    pub(super) line: Option<V>,
    pub(super) lpa: Option<V>,
    pub(super) grade: Option<V>,
    pub(super) offered_at: Option<V>,
    pub(super) created_at: Option<V>,
    pub(super) source: Option<V>,
    pub(super) speed: Option<V>,
    pub(super) epoch: Option<V>,
    pub(super) on_duty: Option<V>,
    pub(super) available: Option<V>,
}

impl<V> Default for Fields<V> {
    fn default() -> Self {
        Fields {
            kind: None,
            at: None,
            id: None,
            line: None,
            lpa: None,
            grade: None,
            offered_at: None,
            created_at: None,
            source: None,
            speed: None,
            epoch: None,
            on_duty: None,
            available: None,
        }
    }
}

impl<V> Fields<V> {
    fn slot(&mut self, key: &[u8]) -> Option<&mut Option<V>> {
        // By length, then the bytes as one fixed-size array: a few integer comparisons a
        // key, where matching the byte strings in turn called memcmp for each.
        Some(match key.len() {
            2 if is(key, b"at") => &mut self.at,
            2 if is(key, b"id") => &mut self.id,
            3 if is(key, b"lpa") => &mut self.lpa,
            4 if is(key, b"kind") => &mut self.kind,
            4 if is(key, b"line") => &mut self.line,
            5 if is(key, b"grade") => &mut self.grade,
            5 if is(key, b"speed") => &mut self.speed,
            5 if is(key, b"epoch") => &mut self.epoch,
            6 if is(key, b"source") => &mut self.source,
            7 if is(key, b"on_duty") => &mut self.on_duty,
            9 if is(key, b"available") => &mut self.available,
            10 if is(key, b"offered_at") => &mut self.offered_at,
            10 if is(key, b"created_at") => &mut self.created_at,
            _ => return None,
        })
    }
}

/// Whether `key` is `name`.
fn is<const N: usize>(key: &[u8], name: &[u8; N]) -> bool {
    <&[u8; N]>::try_from(key).is_ok_and(|key| key == name)
}

fn skip_ws(b: &[u8], mut pos: usize) -> usize {
    // JSON's whitespace is all at or below b' ', and nothing the scanner looks for next
    // is: one comparison when there is none, as in nearly every feed line.
    while let Some(&byte) = b.get(pos)
        && byte <= b' '
        && matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
    {
        pos += 1;
    }
    pos
}

/// A plain string starting after its opening quote: no escapes and no control characters.
/// Returns the end (the closing quote's index).
///
/// Eight bytes at a time while eight are left (the byte loop cost a fifth of `report`'s
/// instructions, performance §39), then byte by byte: the same answer as
/// [`plain_string_end_bytewise`], which the tests hold it to.
fn plain_string_end(b: &[u8], start: usize) -> Option<usize> {
    let mut pos = start;
    while let Some(chunk) = b.get(pos..).and_then(|rest| rest.first_chunk::<8>()) {
        let stops = string_stops(u64::from_le_bytes(*chunk));
        if stops != 0 {
            // The lowest flagged byte is the first stop (see `string_stops`).
            pos += (stops.trailing_zeros() / 8) as usize;
            return (b[pos] == b'"').then_some(pos);
        }
        pos += 8;
    }
    plain_string_end_bytewise(b, pos)
}

/// The byte-by-byte form of [`plain_string_end`]: the definition it is tested against.
fn plain_string_end_bytewise(b: &[u8], start: usize) -> Option<usize> {
    let mut pos = start;
    loop {
        match *b.get(pos)? {
            b'"' => return Some(pos),
            b'\\' | 0..=0x1f => return None,
            _ => pos += 1,
        }
    }
}

/// Flags (bit 7 of a byte) the bytes of eight little-endian bytes that stop a plain string:
/// a quote, a backslash or a control character. `x - 0x01…01 & !x` flags a zero byte and
/// `x - 0x20…20 & !x` a byte under 0x20; each may also flag a byte above a flagged one (a
/// borrow), never one below, so the lowest flag is always a true stop.
fn string_stops(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let quotes = word ^ (ONES * u64::from(b'"'));
    let backslashes = word ^ (ONES * u64::from(b'\\'));
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x;
    (zero_byte(quotes) | zero_byte(backslashes) | (word.wrapping_sub(ONES * 0x20) & !word)) & HIGHS
}

fn number_end(b: &[u8], mut pos: usize) -> Option<usize> {
    let digits = |b: &[u8], mut pos: usize| {
        let start = pos;
        while pos < b.len() && b[pos].is_ascii_digit() {
            pos += 1;
        }
        (pos > start).then_some(pos)
    };
    if b.get(pos) == Some(&b'-') {
        pos += 1;
    }
    match b.get(pos)? {
        b'0' => pos += 1,
        b'1'..=b'9' => pos = digits(b, pos)?,
        _ => return None,
    }
    if b.get(pos) == Some(&b'.') {
        pos = digits(b, pos + 1)?;
    }
    if matches!(b.get(pos), Some(b'e' | b'E')) {
        pos += 1;
        if matches!(b.get(pos), Some(b'+' | b'-')) {
            pos += 1;
        }
        pos = digits(b, pos)?;
    }
    Some(pos)
}

/// The fast path: a flat object of plain strings, numbers, booleans and nulls.
/// Returns `None` for anything else (escapes, nesting, repeated keys, invalid JSON), and
/// the caller lets `serde_json` decide; so this never accepts what `serde_json` would refuse.
///
/// It scans the text's bytes and takes each value as a slice of the text: every cut is
/// next to an ASCII quote or digit, so the slice is whole UTF-8 without checking it again
/// (checking each value cost a tenth of `report`'s instructions; performance §23).
///
/// The fields are written into `fields` (all `None` on entry), not returned: the struct is
/// 13 values wide, and moving it out and on cost three copies a line (performance §26).
/// On `None` they may be half filled: the caller starts again.
pub(super) fn scan_simple_object<'a>(text: &'a str, fields: &mut Fields<Value<'a>>) -> Option<()> {
    let b = text.as_bytes();
    let mut pos = skip_ws(b, 0);
    if b.get(pos) != Some(&b'{') {
        return None;
    }
    pos = skip_ws(b, pos + 1);
    if b.get(pos) == Some(&b'}') {
        return (skip_ws(b, pos + 1) == b.len()).then_some(());
    }
    loop {
        if b.get(pos) != Some(&b'"') {
            return None;
        }
        let key_end = plain_string_end(b, pos + 1)?;
        let key = &b[pos + 1..key_end];
        pos = skip_ws(b, key_end + 1);
        if b.get(pos) != Some(&b':') {
            return None;
        }
        pos = skip_ws(b, pos + 1);
        let (value, end) = match b.get(pos)? {
            b'"' => {
                let end = plain_string_end(b, pos + 1)?;
                // Both ends are next to ASCII quotes: char boundaries, so this cannot fail.
                let value = text.get(pos + 1..end)?;
                (Some(Value::Text(value)), end + 1)
            }
            b'n' if b[pos..].starts_with(b"null") => (None, pos + 4),
            b't' if b[pos..].starts_with(b"true") => (Some(Value::NotText), pos + 4),
            b'f' if b[pos..].starts_with(b"false") => (Some(Value::NotText), pos + 5),
            b'-' | b'0'..=b'9' => {
                let end = number_end(b, pos)?;
                // JSON's number syntax is a subset of Rust's; too large reads as infinite.
                let number = text.get(pos..end)?.parse().ok()?;
                (Some(Value::Number(number)), end)
            }
            _ => return None,
        };
        if let Some(slot) = fields.slot(key) {
            if slot.is_some() {
                return None; // a repeated field: serde_json's verdict
            }
            *slot = value;
        }
        pos = skip_ws(b, end);
        match b.get(pos)? {
            b',' => pos = skip_ws(b, pos + 1),
            b'}' => break,
            _ => return None,
        }
    }
    (skip_ws(b, pos + 1) == b.len()).then_some(())
}

/// What `serde_json` keeps of a line: the schema's fields only (others are skipped unread).
/// A known field is kept as its raw JSON text and read as a string only if it is one: a
/// number is never converted, so one too large for an `f64` (`1e400`, valid JSON) gets the
/// fast path's verdict here too, not a refusal of the whole line.
#[derive(Deserialize)]
struct KnownFields<'a> {
    #[serde(borrow)]
    kind: Option<&'a RawValue>,
    #[serde(borrow)]
    at: Option<&'a RawValue>,
    #[serde(borrow)]
    id: Option<&'a RawValue>,
    #[serde(borrow)]
    line: Option<&'a RawValue>,
    #[serde(borrow)]
    lpa: Option<&'a RawValue>,
    #[serde(borrow)]
    grade: Option<&'a RawValue>,
    #[serde(borrow)]
    offered_at: Option<&'a RawValue>,
    #[serde(borrow)]
    created_at: Option<&'a RawValue>,
    #[serde(borrow)]
    source: Option<&'a RawValue>,
    #[serde(borrow)]
    speed: Option<&'a RawValue>,
    #[serde(borrow)]
    epoch: Option<&'a RawValue>,
    #[serde(borrow)]
    on_duty: Option<&'a RawValue>,
    #[serde(borrow)]
    available: Option<&'a RawValue>,
}

/// A known field as `serde_json` found it: as [`Value`], but a string with escapes is
/// unescaped into a copy of its own.
#[derive(Debug)]
pub(super) enum Found<'a> {
    Text(Cow<'a, str>),
    Number(f64),
    NotText,
}

impl Found<'_> {
    fn value(&self) -> Value<'_> {
        match self {
            Found::Text(text) => Value::Text(text),
            &Found::Number(number) => Value::Number(number),
            Found::NotText => Value::NotText,
        }
    }
}

impl Fields<Found<'_>> {
    /// The fields found, lent as the fast path's values.
    pub(super) fn values(&self) -> Fields<Value<'_>> {
        fn value<'b>(found: Option<&'b Found<'_>>) -> Option<Value<'b>> {
            found.map(Found::value)
        }
        Fields {
            kind: value(self.kind.as_ref()),
            at: value(self.at.as_ref()),
            id: value(self.id.as_ref()),
            line: value(self.line.as_ref()),
            lpa: value(self.lpa.as_ref()),
            grade: value(self.grade.as_ref()),
            offered_at: value(self.offered_at.as_ref()),
            created_at: value(self.created_at.as_ref()),
            source: value(self.source.as_ref()),
            speed: value(self.speed.as_ref()),
            epoch: value(self.epoch.as_ref()),
            on_duty: value(self.on_duty.as_ref()),
            available: value(self.available.as_ref()),
        }
    }
}

fn keep(raw: Option<&RawValue>) -> Result<Option<Found<'_>>, Reject> {
    raw.map(found_in).transpose()
}

/// A known field's raw JSON as scanned: a string (borrowed when it has no escapes), a
/// number (read as the fast path reads it: one too large is infinite), or anything else
/// (only its type matters).
fn found_in(raw: &RawValue) -> Result<Found<'_>, Reject> {
    let json = raw.get();
    if json.starts_with(['-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']) {
        return Ok(json.parse().map_or(Found::NotText, Found::Number));
    }
    if !json.starts_with('"') {
        return Ok(Found::NotText);
    }
    match serde_json::from_str::<&str>(json) {
        Ok(text) => Ok(Found::Text(Cow::Borrowed(text))),
        Err(_) => serde_json::from_str::<String>(json)
            .map(|text| Found::Text(Cow::Owned(text)))
            .map_err(|_| Reject::NotJson),
    }
}

pub(super) fn scan_with_serde(text: &str) -> Result<Fields<Found<'_>>, Reject> {
    if !text.trim_start().starts_with('{') {
        // serde would read an array into the struct by position; the schema wants objects.
        return Err(
            if serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok() {
                Reject::NotObject
            } else {
                Reject::NotJson
            },
        );
    }
    let known: KnownFields<'_> = serde_json::from_str(text).map_err(|_| Reject::NotJson)?;
    Ok(Fields {
        kind: keep(known.kind)?,
        at: keep(known.at)?,
        id: keep(known.id)?,
        line: keep(known.line)?,
        lpa: keep(known.lpa)?,
        grade: keep(known.grade)?,
        offered_at: keep(known.offered_at)?,
        created_at: keep(known.created_at)?,
        source: keep(known.source)?,
        speed: keep(known.speed)?,
        epoch: keep(known.epoch)?,
        on_duty: keep(known.on_duty)?,
        available: keep(known.available)?,
    })
}

// A JSON `null` counts as absent: `Option` fields read it that way in both scanners.

#[cfg(test)]
mod tests {
    use super::{plain_string_end, plain_string_end_bytewise};
    use proptest::prelude::*;

    /// Both forms on every start of `bytes`.
    fn assert_same_ends(bytes: &[u8]) {
        for start in 0..=bytes.len() {
            assert_eq!(
                plain_string_end(bytes, start),
                plain_string_end_bytewise(bytes, start),
                "{bytes:?} from {start}"
            );
        }
    }

    #[test]
    fn a_string_ends_at_its_quote_and_gives_up_at_an_escape_or_a_control_character() {
        let line = br#"{"kind":"call_offered","at":"2024-07-01T11:00:04.123Z","id":"A"}"#;
        // The opening quote of "2024-…" is at 28: the value is 24 bytes, three words.
        assert_eq!(plain_string_end(line, 29), Some(53));
        assert_eq!(plain_string_end(line, 2), Some(6));
        assert_eq!(plain_string_end(br#"0123456789abcdef\"x""#, 0), None);
        assert_eq!(plain_string_end(b"0123456789abcdef\x1f\"", 0), None);
        assert_eq!(plain_string_end(b"0123456789abcdef\x7f\"", 0), Some(17));
        // 14 characters, 19 bytes.
        assert_eq!(plain_string_end("Ünïcödé straße\"".as_bytes(), 0), Some(19));
        // No closing quote: not a plain string.
        assert_eq!(plain_string_end(b"0123456789abcdefgh", 0), None);
        assert_eq!(plain_string_end(b"", 0), None);
    }

    /// Every pair of byte values at every pair of places in the first word, with a third
    /// word's worth of plain bytes and a quote after: any borrow from one flagged byte into
    /// the next shows here.
    #[test]
    fn every_pair_of_bytes_in_a_word_agrees_with_the_byte_loop() {
        let mut bytes = *b"aaaaaaaaaaaaaaaa\"";
        for first in 0..=u8::MAX {
            for second in 0..=u8::MAX {
                for i in 0..8 {
                    for j in i + 1..8 {
                        bytes[i] = first;
                        bytes[j] = second;
                        assert_eq!(
                            plain_string_end(&bytes, 0),
                            plain_string_end_bytewise(&bytes, 0),
                            "{bytes:?}"
                        );
                        bytes[i] = b'a';
                        bytes[j] = b'a';
                    }
                }
            }
        }
    }

    #[test]
    fn the_stops_at_every_place_and_length_agree_with_the_byte_loop() {
        let stops = (0..0x20).chain([b'"', b'\\', b'!', b'#', b'[', b']', 0x7f, 0x80, 0xff]);
        for stop in stops {
            for length in 0..24 {
                for place in 0..length {
                    let mut bytes = vec![b'x'; length];
                    bytes[place] = stop;
                    assert_same_ends(&bytes);
                    bytes.push(b'"');
                    assert_same_ends(&bytes);
                }
            }
        }
    }

    fn string_bytes() -> impl Strategy<Value = Vec<u8>> {
        // Mostly plain bytes, with stops and non-ASCII bytes often enough to matter.
        let byte = prop_oneof![
            6 => 0x20u8..0x7f,
            1 => Just(b'"'),
            1 => Just(b'\\'),
            1 => 0u8..0x20,
            1 => 0x7fu8..=0xff,
        ];
        proptest::collection::vec(byte, 0..40)
    }

    proptest! {
        #[test]
        fn the_word_scan_agrees_with_the_byte_loop(bytes in string_bytes()) {
            assert_same_ends(&bytes);
        }
    }
}
