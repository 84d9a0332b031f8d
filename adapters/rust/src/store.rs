//! The key/value store every node applies entries to, in UTF-8 byte order of its keys (SPEC.md
//! section 1.1: R-STORE-1, R-STORE-2).

use std::collections::BTreeMap;

/// A node's store. Iteration order is snapshot order, so encoding never sorts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Store {
    // R-STORE-1: `String`'s `Ord` compares the UTF-8 bytes as unsigned bytes, lexicographically,
    // with a proper prefix first. That is exactly the key order the spec and the wire need, so a
    // `BTreeMap<String, _>` keeps the store in snapshot order with no custom comparator.
    pairs: BTreeMap<String, Vec<u8>>,
}

impl Store {
    pub const fn new() -> Self {
        Self {
            pairs: BTreeMap::new(),
        }
    }

    pub fn get(&self, key: &str) -> Option<&[u8]> {
        self.pairs.get(key).map(Vec::as_slice)
    }

    /// R-STORE-2: an empty `value` is stored like any other; it is not a delete.
    pub fn put(&mut self, key: &str, value: &[u8]) {
        // Overwriting reuses the key and the old value's buffer instead of allocating new ones.
        match self.pairs.get_mut(key) {
            Some(slot) => {
                slot.clear();
                slot.extend_from_slice(value);
            }
            None => {
                self.pairs.insert(key.to_owned(), value.to_vec());
            }
        }
    }

    /// R-DELETE-1: deleting a missing key changes nothing.
    pub fn delete(&mut self, key: &str) {
        self.pairs.remove(key);
    }

    /// Pairs in ascending UTF-8 byte order of their keys (R-STORE-1), which is snapshot order
    /// (R-WIRE-6).
    pub fn pairs(&self) -> impl ExactSizeIterator<Item = (&str, &[u8])> + Clone {
        self.pairs.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    /// The value to change in place, for append and incr: growing or rewriting a value keeps its
    /// buffer instead of allocating a new one.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Vec<u8>> {
        self.pairs.get_mut(key)
    }

    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

/// A store from its pairs, which take their place in key order whatever order they come in; a
/// key given twice keeps its last value. Owned keys and values move in without a copy, for a
/// store restored from a decoded snapshot (R-SAVED-3).
impl FromIterator<(String, Vec<u8>)> for Store {
    fn from_iter<I: IntoIterator<Item = (String, Vec<u8>)>>(pairs: I) -> Self {
        Self {
            pairs: pairs.into_iter().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(store: &Store) -> Vec<&str> {
        store.pairs().map(|(k, _)| k).collect()
    }

    #[test]
    fn orders_by_utf8_bytes_not_utf16_units() {
        // R-STORE-1: U+FFFD is EF BF BD, U+1F600 is F0 9F 98 80, so the astral character sorts
        // last. UTF-16 would compare FFFD with the surrogate D83D and put it first.
        let mut store = Store::new();
        store.put("\u{1F600}", &[1]);
        store.put("\u{FFFD}", &[2]);
        store.put("\u{E000}", &[3]);
        assert_eq!(keys(&store), ["\u{E000}", "\u{FFFD}", "\u{1F600}"]);
    }

    #[test]
    fn orders_bytes_unsigned_prefix_first_and_digits_as_text() {
        // R-STORE-1: bytes >= 0x80 sort after ASCII (unsigned), a prefix sorts first, and "10"
        // sorts before "9" (bytes, not numbers).
        let mut store = Store::new();
        for key in [
            "\u{e9}",
            "z",
            "9",
            "10",
            "",
            "\u{0}",
            "a",
            "ab",
            "__proto__",
        ] {
            store.put(key, &[]);
        }
        assert_eq!(
            keys(&store),
            [
                "",
                "\u{0}",
                "10",
                "9",
                "__proto__",
                "a",
                "ab",
                "z",
                "\u{e9}"
            ]
        );
    }

    #[test]
    fn empty_value_is_present() {
        // R-STORE-2.
        let mut store = Store::new();
        store.put("k", &[]);
        assert_eq!(store.get("k"), Some(&[][..]));
        assert_eq!(store.len(), 1);
        store.delete("k");
        assert_eq!(store.get("k"), None);
    }
}
