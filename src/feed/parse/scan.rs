//! Scanning a line for the schema's fields: a hand-written fast path for the flat objects
//! feeds are made of, and `serde_json` for anything unusual. Every other field is skipped
//! unread, so caller details never reach memory that outlives the line.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::model::Reject;

/// A known field's value as scanned: a string, a number (`speed`, `epoch`, `on_duty`, `available`), or
/// something else (its type is enough).
#[derive(Debug)]
pub(super) enum Value<'a> {
    Text(Cow<'a, str>),
    Number(f64),
    NotText,
}

/// The schema's fields; anything else in the line is skipped while scanning.
#[derive(Debug, Default)]
pub(super) struct Fields<'a> {
    pub(super) kind: Option<Value<'a>>,
    pub(super) at: Option<Value<'a>>,
    pub(super) id: Option<Value<'a>>,
    pub(super) line: Option<Value<'a>>,
    pub(super) lpa: Option<Value<'a>>,
    pub(super) grade: Option<Value<'a>>,
    pub(super) offered_at: Option<Value<'a>>,
    pub(super) created_at: Option<Value<'a>>,
    pub(super) source: Option<Value<'a>>,
    pub(super) speed: Option<Value<'a>>,
    pub(super) epoch: Option<Value<'a>>,
    pub(super) on_duty: Option<Value<'a>>,
    pub(super) available: Option<Value<'a>>,
}

impl<'a> Fields<'a> {
    fn slot(&mut self, key: &[u8]) -> Option<&mut Option<Value<'a>>> {
        Some(match key {
            b"kind" => &mut self.kind,
            b"at" => &mut self.at,
            b"id" => &mut self.id,
            b"line" => &mut self.line,
            b"lpa" => &mut self.lpa,
            b"grade" => &mut self.grade,
            b"offered_at" => &mut self.offered_at,
            b"created_at" => &mut self.created_at,
            b"source" => &mut self.source,
            b"speed" => &mut self.speed,
            b"epoch" => &mut self.epoch,
            b"on_duty" => &mut self.on_duty,
            b"available" => &mut self.available,
            _ => return None,
        })
    }
}

fn skip_ws(b: &[u8], mut pos: usize) -> usize {
    while pos < b.len() && matches!(b[pos], b' ' | b'\t' | b'\n' | b'\r') {
        pos += 1;
    }
    pos
}

/// A plain string starting after its opening quote: no escapes and no control characters.
/// Returns the end (the closing quote's index). Feed strings are a few bytes long, so a
/// plain loop beats a vectorised search's set-up.
fn plain_string_end(b: &[u8], start: usize) -> Option<usize> {
    let mut pos = start;
    loop {
        match *b.get(pos)? {
            b'"' => return Some(pos),
            b'\\' | 0..=0x1f => return None,
            _ => pos += 1,
        }
    }
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
pub(super) fn scan_simple_object<'a>(text: &'a str, fields: &mut Fields<'a>) -> Option<()> {
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
                (Some(Value::Text(Cow::Borrowed(value))), end + 1)
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

fn keep(raw: Option<&RawValue>) -> Result<Option<Value<'_>>, Reject> {
    raw.map(value_of).transpose()
}

/// A known field's raw JSON as scanned: a string (borrowed when it has no escapes), a
/// number (read as the fast path reads it: one too large is infinite), or anything else
/// (only its type matters).
fn value_of(raw: &RawValue) -> Result<Value<'_>, Reject> {
    let json = raw.get();
    if json.starts_with(['-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']) {
        return Ok(json.parse().map_or(Value::NotText, Value::Number));
    }
    if !json.starts_with('"') {
        return Ok(Value::NotText);
    }
    match serde_json::from_str::<&str>(json) {
        Ok(text) => Ok(Value::Text(Cow::Borrowed(text))),
        Err(_) => serde_json::from_str::<String>(json)
            .map(|text| Value::Text(Cow::Owned(text)))
            .map_err(|_| Reject::NotJson),
    }
}

pub(super) fn scan_with_serde(text: &str) -> Result<Fields<'_>, Reject> {
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
