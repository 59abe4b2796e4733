//! Where a map looks in a foreign record: a dotted path (`Queue.Name`, `agents.0.state`),
//! a value table, and the conditions that choose which events a record makes.

use std::collections::HashMap;

use serde_json::Value;

/// A field of a foreign record, by its dotted path; a number step indexes an array.
#[derive(Debug, Clone)]
pub(crate) struct FieldPath {
    /// As the map wrote it: the name used in every reason.
    pub(crate) text: &'static str,
    steps: Vec<Step>,
}

#[derive(Debug, Clone)]
enum Step {
    Key(Box<str>),
    /// A number step: an array's element, or else an object's key of that text.
    Index(usize, Box<str>),
}

impl FieldPath {
    /// `None` for an empty path or an empty step (`a..b`).
    pub(crate) fn parse(text: &str) -> Option<FieldPath> {
        if text.is_empty() {
            return None;
        }
        let mut steps = Vec::new();
        for step in text.split('.') {
            if step.is_empty() {
                return None;
            }
            steps.push(match step.parse::<usize>() {
                Ok(index) => Step::Index(index, step.into()),
                Err(_) => Step::Key(step.into()),
            });
        }
        Some(FieldPath {
            text: intern(text),
            steps,
        })
    }

    /// The value there; `None` when any step is missing. `null` counts as missing.
    pub(crate) fn find<'v>(&self, record: &'v Value) -> Option<&'v Value> {
        let mut here = record;
        for step in &self.steps {
            here = match (step, here) {
                (Step::Key(key), Value::Object(fields)) => fields.get(&**key)?,
                (Step::Index(index, _), Value::Array(items)) => items.get(*index)?,
                (Step::Index(_, key), Value::Object(fields)) => fields.get(&**key)?,
                _ => return None,
            };
        }
        (!here.is_null()).then_some(here)
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

/// A name from a map file, kept for the life of the process: reasons name fields with
/// `&'static str` so that a refused line stays a small `Copy` value. Maps are read once
/// at start (and by `map check`), so this holds a few hundred bytes.
pub(crate) fn intern(text: &str) -> &'static str {
    Box::leak(text.to_owned().into_boxed_str())
}

/// A value as text: a string as it is, a number as JSON writes it; anything else `None`.
pub(crate) fn text_of(value: &Value) -> Option<std::borrow::Cow<'_, str>> {
    match value {
        Value::String(text) => Some(std::borrow::Cow::Borrowed(text)),
        Value::Number(number) => Some(std::borrow::Cow::Owned(number.to_string())),
        _ => None,
    }
}

/// A map's value table: the source's values to forceboard's (`"Emergency queue"` → `999`).
/// The entry `"*"`, when present, is what every other value becomes.
#[derive(Debug, Clone)]
pub(crate) struct ValueTable {
    pub(crate) name: &'static str,
    entries: HashMap<Box<str>, Box<str>>,
    otherwise: Option<Box<str>>,
}

impl ValueTable {
    pub(crate) fn new(name: &str, mut entries: HashMap<Box<str>, Box<str>>) -> ValueTable {
        let otherwise = entries.remove("*");
        ValueTable {
            name: intern(name),
            entries,
            otherwise,
        }
    }

    pub(crate) fn look_up(&self, value: &str) -> Option<&str> {
        self.entries
            .get(value)
            .or(self.otherwise.as_ref())
            .map(|found| &**found)
    }
}

/// A condition on a record: all of a rule's conditions must hold for it to make its event.
#[derive(Debug, Clone)]
pub(crate) enum Condition {
    /// The field is there and not null.
    Present(FieldPath),
    /// The field is missing or null.
    Absent(FieldPath),
    /// The field's text is one of these.
    OneOf(FieldPath, Vec<Box<str>>),
}

impl Condition {
    pub(crate) fn holds(&self, record: &Value) -> bool {
        match self {
            Condition::Present(path) => path.find(record).is_some(),
            Condition::Absent(path) => path.find(record).is_none(),
            Condition::OneOf(path, values) => path
                .find(record)
                .and_then(text_of)
                .is_some_and(|text| values.iter().any(|value| **value == *text)),
        }
    }

    pub(crate) fn path(&self) -> &FieldPath {
        match self {
            Condition::Present(path) | Condition::Absent(path) | Condition::OneOf(path, _) => path,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_path_finds_nested_fields_array_elements_and_treats_null_as_missing() {
        let record = json!({"Queue": {"Name": "999 Emergency", "Id": null},
                            "units": [{"state": "OnScene"}], "7": "seven"});
        let find = |text: &str| FieldPath::parse(text).expect("path").find(&record).cloned();
        assert_eq!(find("Queue.Name"), Some(json!("999 Emergency")));
        assert_eq!(find("Queue.Id"), None);
        assert_eq!(find("Queue.Name.More"), None);
        assert_eq!(find("units.0.state"), Some(json!("OnScene")));
        assert_eq!(find("units.1.state"), None);
        assert_eq!(find("7"), Some(json!("seven")));
        assert!(FieldPath::parse("a..b").is_none());
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
        let strict = ValueTable::new("line", HashMap::new());
        assert_eq!(strict.look_up("999"), None);
    }
}
