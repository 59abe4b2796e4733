//! The calls and incidents held, by id, in many small hash tables instead of one.
//!
//! One table of a national day's 270 k calls is 21.5 MB, and growing it held the old
//! table (10.75 MB) and the new at once; where glibc put those two (mapped apart, or in
//! the heap, where the old one leaves a hole) depended on what else had been freed before,
//! so the same backlog left a board at 61 MiB one run and 72 MiB the next. In
//! [`SHARDS`] tables of about 1/256 of that each, a table's growth is a small allocation
//! whose old room the next table to grow takes up, and the peak over the records is
//! 1/256 of a table, not a whole one.
//!
//! An id is hashed once (`SipHash` with a random key, as `std`'s maps do, so a hostile feed
//! cannot pick ids that collide); bits 32–39 of the hash pick the table, bits the tables
//! themselves do not use to place or tell apart their entries.

use std::hash::RandomState;
use std::hash::{BuildHasher, Hasher};

use hashbrown::HashTable;

use super::id_key::IdKey;

/// How many tables the records are spread over.
const SHARDS: usize = 256;

/// An id's hash: its bytes alone, not also the length that `Hash for [u8]` writes first,
/// which made a short id two of `SipHash`'s blocks instead of one (performance §46). Ids of
/// different lengths still hash apart: `SipHash`'s last block holds the length.
fn hash_id(hasher: &RandomState, id: &[u8]) -> u64 {
    let mut state = hasher.build_hasher();
    state.write(id);
    state.finish()
}

/// An id and its hash in one [`IdTable`] (see [`IdTable::hashed`]).
#[derive(Debug, Clone, Copy)]
pub(super) struct HashedId<'a> {
    id: &'a str,
    hash: u64,
}

/// Records by id (see the module's doc).
#[derive(Debug, Clone)]
pub(super) struct IdTable<V> {
    hasher: RandomState,
    shards: Box<[HashTable<(IdKey, V)>]>,
}

impl<V> Default for IdTable<V> {
    fn default() -> Self {
        IdTable {
            hasher: RandomState::new(),
            shards: (0..SHARDS).map(|_| HashTable::new()).collect(),
        }
    }
}

impl<V> IdTable<V> {
    fn hash(&self, id: &[u8]) -> u64 {
        hash_id(&self.hasher, id)
    }

    fn shard_of(hash: u64) -> usize {
        // Bits 32–39: `SHARDS` is 256.
        usize::from((hash >> 32).to_le_bytes()[0])
    }

    /// The record of `id`.
    pub(super) fn get(&self, id: &[u8]) -> Option<&V> {
        let hash = self.hash(id);
        let shard = self.shards.get(Self::shard_of(hash))?;
        shard
            .find(hash, |(key, _)| key.as_bytes() == id)
            .map(|(_, value)| value)
    }

    /// The record of `id`, to change.
    pub(super) fn get_mut(&mut self, id: &[u8]) -> Option<&mut V> {
        let hash = self.hash(id);
        let shard = self.shards.get_mut(Self::shard_of(hash))?;
        shard
            .find_mut(hash, |(key, _)| key.as_bytes() == id)
            .map(|(_, value)| value)
    }

    /// Holds `value` as the record of `id`, in place of any it had.
    pub(super) fn insert(&mut self, id: &str, value: V) {
        self.insert_hashed(self.hashed(id), value);
    }

    /// `id` with its hash in this table, for [`get_hashed`](Self::get_hashed) and then
    /// [`insert_hashed`](Self::insert_hashed): an id looked up and then held is hashed once.
    /// Only for this table: another table hashes with another key.
    pub(super) fn hashed<'a>(&self, id: &'a str) -> HashedId<'a> {
        HashedId {
            id,
            hash: self.hash(id.as_bytes()),
        }
    }

    /// The record of an id hashed by [`hashed`](Self::hashed).
    pub(super) fn get_hashed(&self, id: HashedId<'_>) -> Option<&V> {
        let shard = self.shards.get(Self::shard_of(id.hash))?;
        shard
            .find(id.hash, |(key, _)| key.as_bytes() == id.id.as_bytes())
            .map(|(_, value)| value)
    }

    /// [`insert`](Self::insert) for an id hashed by [`hashed`](Self::hashed).
    pub(super) fn insert_hashed(&mut self, id: HashedId<'_>, value: V) {
        let HashedId { id, hash } = id;
        let (hasher, shards) = (&self.hasher, &mut self.shards);
        let Some(shard) = shards.get_mut(Self::shard_of(hash)) else {
            return; // not reached: a shard index is below 256
        };
        match shard.find_mut(hash, |(key, _)| key.as_bytes() == id.as_bytes()) {
            Some((_, held)) => *held = value,
            None => {
                shard.insert_unique(hash, (IdKey::new(id), value), |(key, _)| {
                    hash_id(hasher, key.as_bytes())
                });
            }
        }
    }

    /// Forgets the record of `id`.
    pub(super) fn remove(&mut self, id: &[u8]) {
        let hash = self.hash(id);
        if let Some(shard) = self.shards.get_mut(Self::shard_of(hash))
            && let Ok(entry) = shard.find_entry(hash, |(key, _)| key.as_bytes() == id)
        {
            entry.remove();
        }
    }

    /// Keeps only the records for which `keep` is true.
    pub(super) fn retain(&mut self, mut keep: impl FnMut(&V) -> bool) {
        for shard in &mut self.shards {
            shard.retain(|(_, value)| keep(value));
        }
    }

    /// Every record with its id, in no particular order.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&IdKey, &V)> {
        self.shards
            .iter()
            .flat_map(|shard| shard.iter().map(|(key, value)| (key, value)))
    }

    /// Every record, in no particular order.
    pub(super) fn values(&self) -> impl Iterator<Item = &V> {
        self.iter().map(|(_, value)| value)
    }

    /// How many records are held.
    pub(super) fn len(&self) -> usize {
        self.shards.iter().map(HashTable::len).sum()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    /// The same operations on the sharded table and on a `HashMap` give the same records.
    /// Ids that differ only in trailing NULs or in length hash apart (`SipHash` takes the
    /// length in its last block), and are each found again.
    #[test]
    fn ids_that_differ_only_in_length_are_told_apart() {
        let ids = [
            "",
            "\0",
            "\0\0",
            "A",
            "A\0",
            "AAAAAAA",
            "AAAAAAA\0",
            "AAAAAAAA",
        ];
        let mut table: IdTable<usize> = IdTable::default();
        let hashes: std::collections::HashSet<u64> =
            ids.iter().map(|id| table.hash(id.as_bytes())).collect();
        assert_eq!(hashes.len(), ids.len());
        for (n, id) in ids.iter().enumerate() {
            table.insert(id, n);
        }
        for (n, id) in ids.iter().enumerate() {
            assert_eq!(table.get(id.as_bytes()), Some(&n), "{id:?}");
        }
    }

    #[test]
    fn holds_what_one_map_holds() {
        let mut table: IdTable<u32> = IdTable::default();
        let mut model: HashMap<String, u32> = HashMap::new();
        // Short ids (inline keys), long ones (boxed), and every shard used many times.
        let ids: Vec<String> = (0..5_000)
            .map(|n| {
                if n % 7 == 0 {
                    format!("a-much-longer-incident-number-{n}")
                } else {
                    format!("C{n}")
                }
            })
            .collect();
        for (n, id) in ids.iter().enumerate() {
            let value = u32::try_from(n).unwrap_or(u32::MAX);
            table.insert(id, value);
            model.insert(id.clone(), value);
        }
        // Replacing, removing, and keeping some.
        for id in ids.iter().step_by(3) {
            table.insert(id, 7);
            model.insert(id.clone(), 7);
        }
        // Looked up and then held with one hash, as an opening event is.
        for n in [1, 2, 5_000, 5_001] {
            let id = format!("C{n}");
            let hashed = table.hashed(&id);
            assert_eq!(table.get_hashed(hashed), model.get(&id), "{id}");
            table.insert_hashed(hashed, 11);
            model.insert(id, 11);
        }
        for id in ids.iter().step_by(5) {
            table.remove(id.as_bytes());
            model.remove(id);
        }
        table.retain(|&value| value % 2 == 1);
        model.retain(|_, value| *value % 2 == 1);
        if let Some(value) = table.get_mut(b"C1") {
            *value += 100;
        }
        if let Some(value) = model.get_mut("C1") {
            *value += 100;
        }

        assert_eq!(table.len(), model.len());
        for id in &ids {
            assert_eq!(table.get(id.as_bytes()), model.get(id), "{id}");
        }
        let mut held: Vec<(String, u32)> = table
            .iter()
            .map(|(key, &value)| (key.as_str().to_string(), value))
            .collect();
        let mut expected: Vec<(String, u32)> = model.into_iter().collect();
        held.sort();
        expected.sort();
        assert_eq!(held, expected);
        // The records are spread: no table holds more than a few times its share.
        let most = table.shards.iter().map(HashTable::len).max().unwrap_or(0);
        assert!(most < 4 * table.len() / SHARDS, "{most} in one table");
    }
}
