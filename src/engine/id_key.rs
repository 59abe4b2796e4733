//! An id as the open indexes hold it: a short id (nearly all of them) kept inline, so that
//! indexing an opening costs no allocation; a longer one boxed.

use std::cmp::Ordering;

/// The longest id kept inline.
const INLINE: usize = 22;

/// A copy of a call's or incident's id, ordered as the id's text is.
#[derive(Debug, Clone)]
pub(super) enum IdKey {
    Inline(u8, [u8; INLINE]),
    Boxed(Box<str>),
}

impl IdKey {
    pub(crate) fn new(id: &str) -> IdKey {
        let bytes = id.as_bytes();
        match u8::try_from(bytes.len()) {
            Ok(len) if bytes.len() <= INLINE => {
                let mut inline = [0; INLINE];
                inline[..bytes.len()].copy_from_slice(bytes);
                IdKey::Inline(len, inline)
            }
            _ => IdKey::Boxed(id.into()),
        }
    }

    fn as_bytes(&self) -> &[u8] {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_ids_are_inline_and_long_ones_boxed() {
        assert!(matches!(IdKey::new("C000001"), IdKey::Inline(7, _)));
        assert!(matches!(IdKey::new(&"x".repeat(22)), IdKey::Inline(22, _)));
        assert!(matches!(IdKey::new(&"x".repeat(23)), IdKey::Boxed(_)));
        assert_eq!(IdKey::new("Ünïcødé").as_str(), "Ünïcødé");
        assert_eq!(IdKey::new(&"y".repeat(40)).as_str(), "y".repeat(40));
        assert_eq!(std::mem::size_of::<IdKey>(), 24);
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
}
