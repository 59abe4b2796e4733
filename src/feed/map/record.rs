//! Reading a foreign record keeping only the fields its map reads: every other field is
//! skipped while the line is parsed, as the native parser skips unknown fields, so a
//! caller's number or name is never held in memory — and the record parses faster.
//!
//! The record is a small tree of [`Node`]s that borrows its text from the line (a string
//! with no escapes is never copied) and names each kept field by the map's own key, shared
//! with the map's paths, so a look-up compares two pointers rather than two texts: the
//! map path costs about what the native parser does (performance doc §30).

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Number;

use super::path::{FieldPath, Step};

/// One value of a record as the map reads it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node<'a> {
    Null,
    Bool(bool),
    Number(Number),
    Text(Cow<'a, str>),
    /// An object's fields that the map reads, each under the map's key (interned: the same
    /// pointer as in the map's paths), in the record's order.
    Fields(Vec<(&'static str, Node<'a>)>),
    /// An object kept whole (`map check`, a value a map reads as a whole): every key, sorted,
    /// the last of a repeated key kept, as a JSON object reads.
    Object(Vec<(Cow<'a, str>, Node<'a>)>),
    Array(Vec<Node<'a>>),
}

impl<'a> Node<'a> {
    /// The field `key` (a key of the map's: interned) of an object, else `None`. A repeated
    /// key's last value, as a JSON object reads.
    pub(crate) fn get(&self, key: &'static str) -> Option<&Node<'a>> {
        match self {
            Node::Fields(fields) => fields
                .iter()
                .rev()
                .find(|(known, _)| std::ptr::eq(*known, key))
                .map(|(_, value)| value),
            Node::Object(fields) => fields
                .binary_search_by(|(known, _)| (**known).cmp(key))
                .ok()
                .map(|at| &fields[at].1),
            _ => None,
        }
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Node::Text(text) => Some(text),
            _ => None,
        }
    }

    pub(crate) fn is_null(&self) -> bool {
        matches!(self, Node::Null)
    }

    pub(crate) fn is_object(&self) -> bool {
        matches!(self, Node::Fields(_) | Node::Object(_))
    }
}

#[cfg(test)]
impl Node<'static> {
    /// A JSON value as a record kept whole (tests write records with `json!`).
    pub(crate) fn whole(value: &serde_json::Value) -> Node<'static> {
        use serde_json::Value;
        match value {
            Value::Null => Node::Null,
            Value::Bool(flag) => Node::Bool(*flag),
            Value::Number(number) => Node::Number(number.clone()),
            Value::String(text) => Node::Text(Cow::Owned(text.clone())),
            Value::Array(items) => Node::Array(items.iter().map(Node::whole).collect()),
            Value::Object(fields) => Node::Object(
                fields
                    .iter()
                    .map(|(key, value)| (Cow::Owned(key.clone()), Node::whole(value)))
                    .collect(),
            ),
        }
    }
}

/// The fields a map reads, as a tree of keys.
#[derive(Debug, Default, Clone)]
pub(crate) struct Wanted {
    /// Kept whole: a path ends here (its value is read or tested as a whole).
    whole: bool,
    /// A few keys per object (interned): a short list compares faster than a hash table.
    keys: Vec<(&'static str, Wanted)>,
    /// What each element of an array here must keep.
    elements: Option<Box<Wanted>>,
}

/// Every field of every value.
static EVERYTHING: Wanted = Wanted {
    whole: true,
    keys: Vec::new(),
    elements: None,
};

impl Wanted {
    /// Every field: `map check` lists the fields a map does not use.
    pub(crate) fn everything() -> Wanted {
        EVERYTHING.clone()
    }

    pub(crate) fn of<'p>(paths: impl IntoIterator<Item = &'p FieldPath>) -> Wanted {
        let mut wanted = Wanted::default();
        for path in paths {
            wanted.add(path.steps());
        }
        wanted
    }

    fn add(&mut self, steps: &[Step]) {
        let Some((first, rest)) = steps.split_first() else {
            self.whole = true;
            return;
        };
        match first {
            Step::Key(key) => self.key(key).add(rest),
            Step::Index(_, key) => {
                // An array's element, or an object's key of that text.
                self.element().add(rest);
                self.key(key).add(rest);
            }
            Step::Filter(pairs) => {
                let element = self.element();
                for (key, _) in pairs {
                    element.key(key).whole = true;
                }
                element.add(rest);
            }
        }
    }

    fn key(&mut self, key: &'static str) -> &mut Wanted {
        let at = match self.keys.iter().position(|(known, _)| *known == key) {
            Some(at) => at,
            None => {
                self.keys.push((key, Wanted::default()));
                self.keys.len() - 1
            }
        };
        &mut self.keys[at].1
    }

    fn element(&mut self) -> &mut Wanted {
        self.elements.get_or_insert_with(Box::default)
    }
}

/// Parses one JSON text keeping only what `wanted` names.
pub(crate) fn parse<'a>(text: &'a str, wanted: &Wanted) -> serde_json::Result<Node<'a>> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = Pruned(wanted).deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

struct Pruned<'w>(&'w Wanted);

impl<'de> DeserializeSeed<'de> for Pruned<'_> {
    type Value = Node<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node<'de>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Pruned<'_> {
    type Value = Node<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node<'de>, A::Error> {
        if self.0.whole {
            let mut kept: Vec<(Cow<'de, str>, Node<'de>)> = Vec::new();
            while let Some(key) = map.next_key_seed(KeyText)? {
                let value = map.next_value_seed(Pruned(&EVERYTHING))?;
                kept.push((key, value));
            }
            // Sorted, the last of a repeated key kept: what a JSON object reads as.
            kept.reverse();
            kept.sort_by(|(a, _), (b, _)| a.cmp(b));
            kept.dedup_by(|(later, _), (earlier, _)| later == earlier);
            return Ok(Node::Object(kept));
        }
        // Room for every key the map reads here: one allocation for the object.
        let mut kept = Vec::with_capacity(self.0.keys.len());
        while let Some(key) = map.next_key_seed(KeyOf(self.0))? {
            match key {
                Some((name, wanted)) => {
                    let value = map.next_value_seed(Pruned(wanted))?;
                    kept.push((name, value));
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Node::Fields(kept))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node<'de>, A::Error> {
        let mut kept = Vec::new();
        let element = if self.0.whole {
            Some(&EVERYTHING)
        } else {
            self.0.elements.as_deref()
        };
        match element {
            Some(element) => {
                while let Some(value) = seq.next_element_seed(Pruned(element))? {
                    kept.push(value);
                }
            }
            None => while seq.next_element::<IgnoredAny>()?.is_some() {},
        }
        Ok(Node::Array(kept))
    }

    fn visit_bool<E>(self, value: bool) -> Result<Node<'de>, E> {
        Ok(Node::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Node<'de>, E> {
        Ok(Node::Number(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Node<'de>, E> {
        Ok(Node::Number(value.into()))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Node<'de>, E> {
        Ok(Number::from_f64(value).map_or(Node::Null, Node::Number))
    }

    fn visit_borrowed_str<E>(self, value: &'de str) -> Result<Node<'de>, E> {
        Ok(Node::Text(Cow::Borrowed(value)))
    }

    fn visit_str<E>(self, value: &str) -> Result<Node<'de>, E> {
        Ok(Node::Text(Cow::Owned(value.to_owned())))
    }

    fn visit_string<E>(self, value: String) -> Result<Node<'de>, E> {
        Ok(Node::Text(Cow::Owned(value)))
    }

    fn visit_unit<E>(self) -> Result<Node<'de>, E> {
        Ok(Node::Null)
    }

    fn visit_none<E>(self) -> Result<Node<'de>, E> {
        Ok(Node::Null)
    }
}

/// An object's key the map reads: the map's own key and what to keep of its value, or
/// `None` to skip it (a skipped key is never copied).
struct KeyOf<'w>(&'w Wanted);

impl<'de, 'w> DeserializeSeed<'de> for KeyOf<'w> {
    type Value = Option<(&'static str, &'w Wanted)>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'w> Visitor<'_> for KeyOf<'w> {
    type Value = Option<(&'static str, &'w Wanted)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E>(self, key: &str) -> Result<Self::Value, E> {
        Ok(self
            .0
            .keys
            .iter()
            .find(|(known, _)| *known == key)
            .map(|(known, wanted)| (*known, wanted)))
    }
}

/// An object's key kept as text (borrowed when it has no escapes).
struct KeyText;

impl<'de> DeserializeSeed<'de> for KeyText {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyText {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(key))
    }

    fn visit_str<E>(self, key: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(key.to_owned()))
    }

    fn visit_string<E>(self, key: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(key))
    }
}

#[cfg(test)]
impl Node<'_> {
    /// The record as a JSON value, to compare with `json!`.
    pub(crate) fn to_value(&self) -> serde_json::Value {
        use serde_json::{Map, Value};
        match self {
            Node::Null => Value::Null,
            Node::Bool(flag) => Value::Bool(*flag),
            Node::Number(number) => Value::Number(number.clone()),
            Node::Text(text) => Value::String(text.to_string()),
            Node::Array(items) => Value::Array(items.iter().map(Node::to_value).collect()),
            Node::Fields(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(key, value)| ((*key).to_string(), value.to_value()))
                    .collect::<Map<_, _>>(),
            ),
            Node::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(key, value)| (key.to_string(), value.to_value()))
                    .collect::<Map<_, _>>(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::map::path::intern_key;
    use serde_json::{Value, json};

    fn kept(paths: &[&str], text: &str) -> Value {
        let paths: Vec<FieldPath> = paths
            .iter()
            .map(|path| FieldPath::parse(path).expect("path"))
            .collect();
        parse(text, &Wanted::of(&paths)).expect("JSON").to_value()
    }

    #[test]
    fn only_the_fields_a_map_reads_are_kept() {
        let text = r#"{"ContactId":"c1","CustomerEndpoint":{"Address":"+447700900123"},
            "Queue":{"Name":"999","ARN":"x","EnqueueTimestamp":"t"},"Agent":null,
            "data":[{"metric":"a","qualifier":"IDLE","stats":{"count":2,"sum":9}},{"metric":"b"}],
            "units":[{"s":"OnScene","name":"A","t":"1"}],"n":[1,2]}"#;
        let record = kept(
            &[
                "ContactId",
                "Queue.Name",
                "Agent.Username",
                "data[metric=a].stats.count",
                "units.0.s",
                "n",
            ],
            text,
        );
        assert_eq!(
            record,
            json!({"ContactId": "c1", "Queue": {"Name": "999"}, "Agent": null,
                   "data": [{"metric": "a", "stats": {"count": 2}}, {"metric": "b"}],
                   "units": [{"s": "OnScene"}], "n": [1, 2]})
        );
        assert!(!record.to_string().contains("+447700900123"));
    }

    #[test]
    fn a_string_without_escapes_is_borrowed_from_the_line_and_one_with_them_is_copied() {
        let paths = [
            FieldPath::parse("plain").expect("path"),
            FieldPath::parse("escaped").expect("path"),
        ];
        let record = parse(
            r#"{"plain":"BIR","escaped":"B\u0049R"}"#,
            &Wanted::of(&paths),
        )
        .expect("JSON");
        let plain = record.get(intern_key("plain")).expect("plain");
        let escaped = record.get(intern_key("escaped")).expect("escaped");
        assert!(matches!(plain, Node::Text(Cow::Borrowed("BIR"))));
        assert_eq!(escaped, &Node::Text(Cow::Owned("BIR".into())));
    }

    #[test]
    fn a_repeated_key_reads_as_its_last_value_kept_whole_or_not() {
        let text = r#"{"a":1,"b":{"c":2},"a":3}"#;
        let paths = [FieldPath::parse("a").expect("path")];
        let pruned = parse(text, &Wanted::of(&paths)).expect("JSON");
        assert_eq!(paths[0].find(&pruned), Some(&Node::Number(3.into())));
        let whole = parse(text, &Wanted::everything()).expect("JSON");
        assert_eq!(whole.to_value(), json!({"a": 3, "b": {"c": 2}}));
        assert_eq!(paths[0].find(&whole), Some(&Node::Number(3.into())));
    }

    #[test]
    fn bad_json_is_still_refused_whatever_is_skipped() {
        let paths = [FieldPath::parse("a").expect("path")];
        let wanted = Wanted::of(&paths);
        assert!(parse(r#"{"a":1,"b":[1,}"#, &wanted).is_err());
        assert!(parse(r#"{"a":1} x"#, &wanted).is_err());
        assert_eq!(parse("[1,2]", &wanted).expect("JSON").to_value(), json!([]));
        assert_eq!(parse("7", &wanted).expect("JSON").to_value(), json!(7));
    }
}
