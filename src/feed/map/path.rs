//! Where a map looks in a foreign record: a dotted path (`Queue.Name`, `agents.0.state`),
//! a value table, and the conditions that choose which events a record makes.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use super::record::Node;

/// A field of a foreign record, by its dotted path; a number step indexes an array, and a
/// step with a filter (`data[metric=oActiveUsers]`) takes an array's first object whose
/// fields have those values.
#[derive(Debug, Clone)]
pub(crate) struct FieldPath {
    /// As the map wrote it: the name used in every reason.
    pub(crate) text: &'static str,
    steps: Vec<Step>,
}

#[derive(Debug, Clone)]
pub(crate) enum Step {
    Key(&'static str),
    /// The first element of an array whose fields have these texts.
    Filter(Vec<(&'static str, Box<str>)>),
    /// A number step: an array's element, or else an object's key of that text.
    Index(usize, &'static str),
}

impl FieldPath {
    pub(crate) fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// `None` for an empty path, an empty step (`a..b`) or a malformed filter.
    pub(crate) fn parse(text: &str) -> Option<FieldPath> {
        let mut steps = Vec::new();
        for step in split_steps(text)? {
            let (name, filter) = match step.split_once('[') {
                Some((name, rest)) => (name, Some(rest.strip_suffix(']')?)),
                None => (step, None),
            };
            if !name.is_empty() {
                steps.push(match name.parse::<usize>() {
                    Ok(index) => Step::Index(index, intern_key(name)),
                    Err(_) => Step::Key(intern_key(name)),
                });
            }
            match filter {
                Some(filter) => steps.push(Step::Filter(filter_of(filter)?)),
                None if name.is_empty() => return None,
                None => {}
            }
        }
        Some(FieldPath {
            text: intern(text),
            steps,
        })
    }

    /// The value there; `None` when any step is missing. `null` counts as missing.
    pub(crate) fn find<'v, 'a>(&self, record: &'v Node<'a>) -> Option<&'v Node<'a>> {
        let mut here = record;
        for step in &self.steps {
            here = match (step, here) {
                (Step::Key(key), _) => here.get(key)?,
                (Step::Index(index, _), Node::Array(items)) => items.get(*index)?,
                (Step::Index(_, key), _) => here.get(key)?,
                (Step::Filter(wanted), Node::Array(items)) => {
                    items.iter().find(|item| matches(item, wanted))?
                }
                _ => return None,
            };
        }
        (!here.is_null()).then_some(here)
    }

    /// Every value there: a filter step takes every matching object, not only the first.
    pub(crate) fn find_all<'v, 'a>(&self, record: &'v Node<'a>) -> Vec<&'v Node<'a>> {
        let mut here = vec![record];
        for step in &self.steps {
            let mut next = Vec::new();
            for value in here {
                match (step, value) {
                    (Step::Key(key), _) => next.extend(value.get(key)),
                    (Step::Index(index, _), Node::Array(items)) => next.extend(items.get(*index)),
                    (Step::Index(_, key), _) => next.extend(value.get(key)),
                    (Step::Filter(wanted), Node::Array(items)) => {
                        next.extend(items.iter().filter(|item| matches(item, wanted)));
                    }
                    _ => {}
                }
            }
            here = next;
        }
        here.retain(|value| !value.is_null());
        here
    }

    /// Whether `leaf` (a dotted path to a field of a record) is this path, lies under it
    /// or above it: `map check` counts such a field as used.
    pub(crate) fn touches(&self, leaf: &str) -> bool {
        let mine = self.text;
        leaf == mine
            || leaf
                .strip_prefix(mine)
                .is_some_and(|rest| rest.starts_with('.'))
            || mine
                .strip_prefix(leaf)
                .is_some_and(|rest| rest.starts_with('.'))
    }
}

/// Whether an array's element has every field of a filter step (a field holding an array
/// matches when any of its elements does).
fn matches(item: &Node<'_>, wanted: &[(&'static str, Box<str>)]) -> bool {
    wanted.iter().all(|(key, value)| {
        item.get(key)
            .is_some_and(|field| any_text(field, |text| text == &**value))
    })
}

/// Whether the value's text, or any element's text of an array, passes `test`.
pub(crate) fn any_text(value: &Node<'_>, test: impl Fn(&str) -> bool) -> bool {
    match value {
        Node::Array(items) => items.iter().filter_map(text_of).any(|text| test(&text)),
        other => text_of(other).is_some_and(|text| test(&text)),
    }
}

/// The path's steps, split at dots outside brackets; `None` if a step is empty or a
/// bracket is left open.
fn split_steps(text: &str) -> Option<Vec<&str>> {
    let mut steps = Vec::new();
    let mut depth = 0_u32;
    let mut start = 0;
    for (at, byte) in text.bytes().enumerate() {
        match byte {
            b'[' if depth == 0 => depth = 1,
            b']' if depth == 1 => depth = 0,
            b'[' | b']' => return None,
            b'.' if depth == 0 => {
                steps.push(&text[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    steps.push(&text[start..]);
    (depth == 0 && steps.iter().all(|step| !step.is_empty())).then_some(steps)
}

/// `metric=oOnQueueUsers,qualifier=IDLE` as pairs.
fn filter_of(text: &str) -> Option<Vec<(&'static str, Box<str>)>> {
    text.split(',')
        .map(|pair| {
            let (key, value) = pair.split_once('=')?;
            (!key.is_empty()).then(|| (intern_key(key.trim()), value.trim().into()))
        })
        .collect()
}

/// A name from a map file, kept for the life of the process: reasons name fields with
/// `&'static str` so that a refused line stays a small `Copy` value. Maps are read once
/// at start (and by `map check`), so this holds a few hundred bytes.
pub(crate) fn intern(text: &str) -> &'static str {
    Box::leak(text.to_owned().into_boxed_str())
}

/// A record's key as a map names it, one copy per text for the life of the process: a
/// record's kept fields carry the map's copy, so finding a field compares pointers
/// ([`Node::get`]). Maps are read once at start, so this holds a few hundred bytes.
pub(crate) fn intern_key(text: &str) -> &'static str {
    static KEYS: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);
    let mut keys = KEYS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let keys = keys.get_or_insert_with(HashSet::new);
    if let Some(known) = keys.get(text) {
        return known;
    }
    let kept = intern(text);
    keys.insert(kept);
    kept
}

/// A value as text: a string as it is, a number as JSON writes it; anything else `None`.
pub(crate) fn text_of<'v>(value: &'v Node<'_>) -> Option<Cow<'v, str>> {
    match value {
        Node::Text(text) => Some(Cow::Borrowed(text)),
        Node::Number(number) => Some(Cow::Owned(number.to_string())),
        _ => None,
    }
}

/// A map's value table: the source's values to forceboard's (`"Emergency queue"` → `999`).
/// The entry `"*"`, when present, is what every other value becomes.
#[derive(Debug, Clone)]
pub(crate) struct ValueTable {
    pub(crate) name: &'static str,
    entries: Entries,
    otherwise: Option<Box<str>>,
}

/// A table's entries: most tables have a handful (two lines, three grades), and a short
/// list is searched faster than a hash table's key is hashed.
#[derive(Debug, Clone)]
enum Entries {
    Few(Vec<(Box<str>, Box<str>)>),
    Many(HashMap<Box<str>, Box<str>>),
}

/// Up to this many entries a table is a list.
const FEW_ENTRIES: usize = 16;

impl Entries {
    fn get(&self, value: &str) -> Option<&str> {
        match self {
            Entries::Few(entries) => entries
                .iter()
                .find(|(from, _)| &**from == value)
                .map(|(_, to)| &**to),
            Entries::Many(entries) => entries.get(value).map(|to| &**to),
        }
    }
}

impl ValueTable {
    pub(crate) fn new(name: &str, mut entries: HashMap<Box<str>, Box<str>>) -> ValueTable {
        let otherwise = entries.remove("*");
        let entries = if entries.len() <= FEW_ENTRIES {
            Entries::Few(entries.into_iter().collect())
        } else {
            Entries::Many(entries)
        };
        ValueTable {
            name: intern(name),
            entries,
            otherwise,
        }
    }

    /// What the table makes of `value`; `None` when it is not in the table.
    pub(crate) fn entry(&self, value: &str) -> Option<Entry<'_>> {
        match (self.entries.get(value), &self.otherwise) {
            (Some(found), _) => Some(Entry::To(found)),
            (None, Some(otherwise)) if &**otherwise == "*" => Some(Entry::AsItIs),
            (None, otherwise) => otherwise.as_deref().map(Entry::To),
        }
    }

    /// The value's entry; with no entry, the `"*"` entry, where `"*" = "*"` keeps the
    /// value as it is.
    #[cfg(test)]
    pub(crate) fn look_up<'a>(&'a self, value: &'a str) -> Option<&'a str> {
        match (self.entries.get(value), &self.otherwise) {
            (Some(found), _) => Some(found),
            (None, Some(otherwise)) if &**otherwise == "*" => Some(value),
            (None, otherwise) => otherwise.as_deref(),
        }
    }
}

/// A table's answer for a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Entry<'t> {
    /// Its entry, or the `"*"` entry.
    To(&'t str),
    /// `"*" = "*"`: the value as it is.
    AsItIs,
}

/// A condition on a record: all of a rule's conditions must hold for it to make its event.
#[derive(Debug, Clone)]
pub(crate) enum Condition {
    /// The field is there and not null.
    Present(FieldPath),
    /// The field is missing or null.
    Absent(FieldPath),
    /// The field's text is one of these (for an array of texts: any of its elements).
    OneOf(FieldPath, Vec<Box<str>>),
    /// The field is missing, or its text (any element's, for an array) is none of these.
    NoneOf(FieldPath, Vec<Box<str>>),
    /// The field's text ends with one of these (a topic name's last part).
    EndsWith(FieldPath, Vec<Box<str>>),
}

impl Condition {
    pub(crate) fn holds(&self, record: &Node<'_>) -> bool {
        match self {
            Condition::Present(path) => path.find(record).is_some(),
            Condition::Absent(path) => path.find(record).is_none(),
            Condition::OneOf(path, values) => path.find(record).is_some_and(|found| {
                any_text(found, |text| values.iter().any(|value| &**value == text))
            }),
            Condition::NoneOf(path, values) => !path.find(record).is_some_and(|found| {
                any_text(found, |text| values.iter().any(|value| &**value == text))
            }),
            Condition::EndsWith(path, values) => path
                .find(record)
                .and_then(text_of)
                .is_some_and(|text| values.iter().any(|value| text.ends_with(&**value))),
        }
    }

    pub(crate) fn path(&self) -> &FieldPath {
        match self {
            Condition::Present(path)
            | Condition::Absent(path)
            | Condition::OneOf(path, _)
            | Condition::NoneOf(path, _)
            | Condition::EndsWith(path, _) => path,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_path_finds_nested_fields_array_elements_and_treats_null_as_missing() {
        let record = Node::whole(&json!({"Queue": {"Name": "999 Emergency", "Id": null},
                            "units": [{"state": "OnScene"}], "7": "seven"}));
        let find = |text: &str| {
            FieldPath::parse(text)
                .expect("path")
                .find(&record)
                .map(Node::to_value)
        };
        assert_eq!(find("Queue.Name"), Some(json!("999 Emergency")));
        assert_eq!(find("Queue.Id"), None);
        assert_eq!(find("Queue.Name.More"), None);
        assert_eq!(find("units.0.state"), Some(json!("OnScene")));
        assert_eq!(find("units.1.state"), None);
        assert_eq!(find("7"), Some(json!("seven")));
        assert!(FieldPath::parse("a..b").is_none());
        let observations = Node::whole(&json!({"data": [
            {"metric": "oOnQueueUsers", "qualifier": "INTERACTING", "stats": {"count": 5}},
            {"metric": "oOnQueueUsers", "qualifier": "IDLE", "stats": {"count": 2}},
            {"metric": "oActiveUsers", "stats": {"count": 9}}]}));
        let pick = |text: &str| {
            FieldPath::parse(text)
                .expect("path")
                .find(&observations)
                .map(Node::to_value)
        };
        assert_eq!(
            pick("data[metric=oOnQueueUsers,qualifier=IDLE].stats.count"),
            Some(json!(2))
        );
        assert_eq!(
            pick("data[metric=oActiveUsers].stats.count"),
            Some(json!(9))
        );
        assert_eq!(pick("data[metric=oWaiting].stats.count"), None);
        let all = FieldPath::parse("data[metric=oOnQueueUsers].stats.count").expect("path");
        let counts: Vec<_> = all
            .find_all(&observations)
            .into_iter()
            .map(Node::to_value)
            .collect();
        assert_eq!(counts, vec![json!(5), json!(2)]);
        assert!(FieldPath::parse("data[metric=x").is_none());
        assert!(FieldPath::parse("data[metric]").is_none());
        assert!(FieldPath::parse("data[a=b]]").is_none());
        assert!(FieldPath::parse("").is_none());
    }

    #[test]
    fn a_path_touches_the_fields_at_under_and_above_it_only() {
        let path = FieldPath::parse("Queue.Name").expect("path");
        assert!(path.touches("Queue.Name"));
        assert!(path.touches("Queue"));
        assert!(path.touches("Queue.Name.First"));
        assert!(!path.touches("Queue.NameX"));
        assert!(!path.touches("QueueX"));
    }

    #[test]
    fn a_table_maps_known_values_and_the_star_entry_catches_the_rest() {
        let entries = [("999 Emergency", "999"), ("*", "101")]
            .into_iter()
            .map(|(from, to)| (from.into(), to.into()))
            .collect();
        let table = ValueTable::new("line", entries);
        assert_eq!(table.look_up("999 Emergency"), Some("999"));
        assert_eq!(table.look_up("Switchboard"), Some("101"));
        let keep = ValueTable::new("area", [("*".into(), "*".into())].into_iter().collect());
        assert_eq!(keep.look_up("BIR"), Some("BIR"));
        let strict = ValueTable::new("line", HashMap::new());
        assert_eq!(strict.look_up("999"), None);
        // Past FEW_ENTRIES a table is hashed: the same answers.
        let groups: HashMap<Box<str>, Box<str>> = (0..40)
            .map(|group| (format!("G{group}").into(), format!("A{}", group % 7).into()))
            .chain([("*".into(), "XXX".into())])
            .collect();
        let many = ValueTable::new("area", groups);
        assert!(matches!(many.entries, Entries::Many(_)));
        assert_eq!(many.look_up("G0"), Some("A0"));
        assert_eq!(many.look_up("G39"), Some("A4"));
        assert_eq!(many.look_up("G40"), Some("XXX"));
        assert!(matches!(table.entries, Entries::Few(_)));
    }
}
