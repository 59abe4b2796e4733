//! What a map remembers per key (a contact's latest update, the events an incident has
//! already made), in bounded memory: two generations of at most [`GENERATION`] keys each;
//! when the newer fills, the older is dropped. A key not seen for that many others is
//! forgotten, which a feed's at-least-once redelivery (minutes, not days) never reaches.

use std::collections::HashMap;

/// Keys per generation.
const GENERATION: usize = 200_000;

#[derive(Debug)]
pub(crate) struct Seen<V> {
    newer: HashMap<Box<str>, V>,
    older: HashMap<Box<str>, V>,
    limit: usize,
}

impl<V> Default for Seen<V> {
    fn default() -> Self {
        Seen::with_limit(GENERATION)
    }
}

impl<V> Seen<V> {
    pub(crate) fn with_limit(limit: usize) -> Self {
        Seen {
            newer: HashMap::new(),
            older: HashMap::new(),
            limit: limit.max(1),
        }
    }

    pub(crate) fn get(&self, key: &str) -> Option<&V> {
        self.newer.get(key).or_else(|| self.older.get(key))
    }

    pub(crate) fn insert(&mut self, key: Box<str>, value: V) {
        self.older.remove(&key);
        if self.newer.len() >= self.limit && !self.newer.contains_key(&key) {
            self.older = std::mem::take(&mut self.newer);
        }
        self.newer.insert(key, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_remembered_for_a_generation_and_then_forgotten() {
        let mut seen = Seen::with_limit(2);
        seen.insert("a".into(), 1);
        seen.insert("b".into(), 2);
        seen.insert("c".into(), 3); // a and b move to the older generation
        assert_eq!(seen.get("a"), Some(&1));
        seen.insert("a".into(), 10); // a comes back to the newer one
        seen.insert("d".into(), 4); // newer (c, a) full: b is forgotten
        assert_eq!(seen.get("b"), None);
        assert_eq!(seen.get("a"), Some(&10));
        assert_eq!(seen.get("c"), Some(&3));
        assert_eq!(seen.get("d"), Some(&4));
    }
}
