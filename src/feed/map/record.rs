//! Reading a foreign record keeping only the fields its map reads: every other field is
//! skipped while the line is parsed, as the native parser skips unknown fields, so a
//! caller's number or name is never held in memory — and the record parses faster.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::path::{FieldPath, Step};

/// The fields a map reads, as a tree of keys.
#[derive(Debug, Default, Clone)]
pub(crate) struct Wanted {
    /// Kept whole: a path ends here (its value is read or tested as a whole).
    whole: bool,
    /// A few keys per object: a short list compares faster than a hash table.
    keys: Vec<(Box<str>, Wanted)>,
    /// What each element of an array here must keep.
    elements: Option<Box<Wanted>>,
}

impl Wanted {
    /// Every field: `map check` lists the fields a map does not use.
    pub(crate) fn everything() -> Wanted {
        Wanted {
            whole: true,
            ..Wanted::default()
        }
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

    fn key(&mut self, key: &str) -> &mut Wanted {
        let at = match self.keys.iter().position(|(known, _)| &**known == key) {
            Some(at) => at,
            None => {
                self.keys.push((key.into(), Wanted::default()));
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
pub(crate) fn parse(text: &str, wanted: &Wanted) -> serde_json::Result<Value> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = Pruned(wanted).deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

struct Pruned<'w>(&'w Wanted);

impl<'de> DeserializeSeed<'de> for Pruned<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        if self.0.whole {
            return serde::Deserialize::deserialize(deserializer);
        }
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Pruned<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut kept = Map::new();
        while let Some(key) = map.next_key_seed(KeyOf(self.0))? {
            match key {
                Some((name, wanted)) => {
                    let value = map.next_value_seed(Pruned(wanted))?;
                    kept.insert(name, value);
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Value::Object(kept))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut kept = Vec::new();
        match &self.0.elements {
            Some(element) => {
                while let Some(value) = seq.next_element_seed(Pruned(element))? {
                    kept.push(value);
                }
            }
            None => while seq.next_element::<IgnoredAny>()?.is_some() {},
        }
        Ok(Value::Array(kept))
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
}

/// An object's key: the key and what to keep of its value, or `None` to skip it (a skipped
/// key is never copied).
struct KeyOf<'w>(&'w Wanted);

impl<'de, 'w> DeserializeSeed<'de> for KeyOf<'w> {
    type Value = Option<(String, &'w Wanted)>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'w> Visitor<'_> for KeyOf<'w> {
    type Value = Option<(String, &'w Wanted)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E>(self, key: &str) -> Result<Self::Value, E> {
        Ok(self
            .0
            .keys
            .iter()
            .find(|(known, _)| &**known == key)
            .map(|(_, wanted)| (key.to_owned(), wanted)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn kept(paths: &[&str], text: &str) -> Value {
        let paths: Vec<FieldPath> = paths
            .iter()
            .map(|path| FieldPath::parse(path).expect("path"))
            .collect();
        parse(text, &Wanted::of(&paths)).expect("JSON")
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
    fn bad_json_is_still_refused_whatever_is_skipped() {
        let paths = [FieldPath::parse("a").expect("path")];
        let wanted = Wanted::of(&paths);
        assert!(parse(r#"{"a":1,"b":[1,}"#, &wanted).is_err());
        assert!(parse(r#"{"a":1} x"#, &wanted).is_err());
        assert_eq!(parse("[1,2]", &wanted).expect("JSON"), json!([]));
        assert_eq!(parse("7", &wanted).expect("JSON"), json!(7));
    }
}
