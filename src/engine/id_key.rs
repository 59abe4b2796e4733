//! An id as the engine holds it: a short id (nearly all of them) kept inline in 16 bytes,
//! so that holding a call costs no allocation for its id; a longer one boxed behind a
//! thin pointer, which keeps the key at 16 bytes whatever the id.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

/// The longest id kept inline.
const INLINE: usize = 14;

/// A copy of a call's or incident's id, ordered as the id's text is. It hashes as its
/// bytes do, so a map keyed by it is searched with `id.as_bytes()`.
#[derive(Debug, Clone)]
pub(super) enum IdKey {
    Inline(u8, [u8; INLINE]),
    // A thin pointer: a `Box<str>` here would make every key 24 bytes.
    #[allow(clippy::redundant_allocation)]
    Boxed(Box<Box<str>>),
}

/// Up to 16 bytes as one little-endian integer (the first byte lowest; a longer slice
/// keeps only its last 16). Shifted in rather than copied into an array: a copy of a
/// length known only at run time was a call to `memcpy`, and an array read back as one
/// integer waited on the writes that filled it (performance §46).
pub(super) fn packed_le(bytes: &[u8]) -> u128 {
    bytes
        .iter()
        .rev()
        .fold(0, |packed, &byte| (packed << 8) | u128::from(byte))
}

impl IdKey {
    pub(crate) fn new(id: &str) -> IdKey {
        let bytes = id.as_bytes();
        match u8::try_from(bytes.len()) {
            Ok(len) if bytes.len() <= INLINE => {
                let inline = packed_le(bytes).to_le_bytes().first_chunk().copied();
                IdKey::Inline(len, inline.unwrap_or_default())
            }
            _ => IdKey::Boxed(Box::new(id.into())),
        }
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self {
            IdKey::Inline(len, bytes) => &bytes[..usize::from(*len)],
            IdKey::Boxed(id) => id.as_bytes(),
        }
    }

    /// The id's text. An inline id was whole UTF-8 text when copied in, so this never
    /// comes back empty for a non-empty id.
    pub(crate) fn as_str(&self) -> &str {
        match self {
            IdKey::Inline(..) => std::str::from_utf8(self.as_bytes()).unwrap_or_default(),
            IdKey::Boxed(id) => id,
        }
    }

    /// Compares with an id's text (text order is byte order).
    pub(crate) fn cmp_str(&self, id: &str) -> Ordering {
        self.as_bytes().cmp(id.as_bytes())
    }
}

impl PartialEq for IdKey {
    fn eq(&self, other: &IdKey) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for IdKey {}

impl PartialOrd for IdKey {
    fn partial_cmp(&self, other: &IdKey) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for IdKey {
    fn cmp(&self, other: &IdKey) -> Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

/// As the bytes hash, so that `Borrow<[u8]>` finds a key by `id.as_bytes()`.
impl Hash for IdKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

impl Borrow<[u8]> for IdKey {
    fn borrow(&self) -> &[u8] {
        self.as_bytes()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn short_ids_are_inline_and_long_ones_boxed() {
        assert!(matches!(IdKey::new("C000001"), IdKey::Inline(7, _)));
        assert!(matches!(IdKey::new(&"x".repeat(14)), IdKey::Inline(14, _)));
        assert!(matches!(IdKey::new(&"x".repeat(15)), IdKey::Boxed(_)));
        assert_eq!(IdKey::new("Ünïcødé").as_str(), "Ünïcødé");
        assert_eq!(IdKey::new(&"y".repeat(40)).as_str(), "y".repeat(40));
        assert_eq!(IdKey::new("").as_str(), "");
        assert_eq!(std::mem::size_of::<IdKey>(), 16);
    }

    /// Every inline length holds its bytes in order, a NUL and the highest byte included.
    #[test]
    fn an_inline_id_of_each_length_holds_its_bytes_in_order() {
        let text = "\0a\u{7f}bcdefghijklmnopq";
        for len in 0..=INLINE {
            let id = &text[..len];
            assert_eq!(IdKey::new(id).as_bytes(), id.as_bytes(), "{id:?}");
        }
        assert_eq!(IdKey::new("ÿé").as_bytes(), "ÿé".as_bytes());
    }

    #[test]
    fn ordered_as_the_text_whatever_the_storage() {
        let long = "A".repeat(30);
        let mut ids = [
            IdKey::new("B"),
            IdKey::new(&long),
            IdKey::new("A"),
            IdKey::new("AB"),
            IdKey::new("é"),
        ];
        ids.sort();
        let texts: Vec<&str> = ids.iter().map(IdKey::as_str).collect();
        assert_eq!(texts, ["A", long.as_str(), "AB", "B", "é"]);
        assert_eq!(IdKey::new("AB").cmp_str("AC"), Ordering::Less);
        assert_eq!(IdKey::new(&long).cmp_str(&long), Ordering::Equal);
        assert_eq!(IdKey::new("AB"), IdKey::new("AB"));
    }

    #[test]
    fn a_map_keyed_by_ids_is_searched_by_the_ids_bytes() {
        let long = "F61-C0000123456789";
        let mut map = HashMap::new();
        map.insert(IdKey::new("F01-C000001"), 1);
        map.insert(IdKey::new(long), 2);
        assert_eq!(map.get("F01-C000001".as_bytes()), Some(&1));
        assert_eq!(map.get(long.as_bytes()), Some(&2));
        assert_eq!(map.get("F01-C000002".as_bytes()), None);
        assert_eq!(map.remove(long.as_bytes()), Some(2));
        assert_eq!(map.len(), 1);
    }
}
