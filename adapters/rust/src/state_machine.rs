//! The client commands and how one is applied to a store (SPEC.md section 2.1: R-PUT-1 .. R-CAS-3).

use crate::store::Store;

/// A client command, as proposed to the leader and held in log entries (R-LOG-3).
/// Variants are in schema order: put, delete, append, incr, cas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Put {
        key: String,
        value: Vec<u8>,
    },
    Delete {
        key: String,
    },
    Append {
        key: String,
        value: Vec<u8>,
    },
    Incr {
        key: String,
        delta: u64,
    },
    Cas {
        key: String,
        /// `None` is JSON null: "the key must be missing". `Some(vec![])` is an empty value.
        expected: Option<Vec<u8>>,
        value: Vec<u8>,
    },
}

/// Applies `command` to `store`. Every command is applied even when it leaves the store alone
/// (R-INCR-3, R-CAS-3); advancing `last_applied` is the caller's job.
pub fn apply_command(store: &mut Store, command: &Command) {
    // Schema order. The examples are steps as they arrive (R-NORM-2, R-NORM-3).
    match command {
        // {"op":"put","key":"a","value":"31"}
        Command::Put { key, value } => put(store, key, value),
        // {"op":"delete","key":"a"}
        Command::Delete { key } => delete(store, key),
        // {"op":"append","key":"a","value":"00ff"}
        Command::Append { key, value } => append(store, key, value),
        // {"op":"incr","key":"n","delta":"18446744073709551615"}
        Command::Incr { key, delta } => incr(store, key, *delta),
        // {"op":"cas","key":"a","expected":null,"value":"31"}
        Command::Cas {
            key,
            expected,
            value,
        } => cas(store, key, expected.as_deref(), value),
    }
}

/// R-PUT-1.
fn put(store: &mut Store, key: &str, value: &[u8]) {
    store.put(key, value);
}

/// R-DELETE-1: deleting a missing key is a no-op.
fn delete(store: &mut Store, key: &str) {
    store.delete(key);
}

/// R-APPEND-1: a missing key starts empty, and is created even when `value` is empty.
fn append(store: &mut Store, key: &str, value: &[u8]) {
    match store.get_mut(key) {
        Some(current) => current.extend_from_slice(value),
        None => store.put(key, value),
    }
}

fn incr(store: &mut Store, key: &str, delta: u64) {
    match store.get_mut(key) {
        // R-INCR-1: a missing key counts as 0, so delta 0 still creates eight zero bytes.
        None => store.put(key, &delta.to_be_bytes()),
        Some(current) => {
            // R-INCR-3: a value that is not 8 bytes is left alone.
            if let Ok(bytes) = <[u8; 8]>::try_from(current.as_slice()) {
                // R-INCR-2: big-endian, and the sum wraps mod 2^64; it never saturates.
                let sum = u64::from_be_bytes(bytes).wrapping_add(delta);
                current.copy_from_slice(&sum.to_be_bytes());
            }
        }
    }
}

fn cas(store: &mut Store, key: &str, expected: Option<&[u8]>, value: &[u8]) {
    // R-CAS-1, R-CAS-2: null matches only a missing key, bytes only a present key holding exactly
    // those bytes; so null never matches an empty value and empty never matches a missing key.
    let matches = match (expected, store.get(key)) {
        (None, None) => true,
        (Some(expected), Some(current)) => expected == current,
        _ => false,
    };
    // R-CAS-3: otherwise the store is left alone.
    if matches {
        store.put(key, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn applied(store: &mut Store, command: Command) -> Option<Vec<u8>> {
        let key = match &command {
            Command::Put { key, .. }
            | Command::Delete { key }
            | Command::Append { key, .. }
            | Command::Incr { key, .. }
            | Command::Cas { key, .. } => key.clone(),
        };
        apply_command(store, &command);
        store.get(&key).map(<[u8]>::to_vec)
    }

    fn incr(key: &str, delta: u64) -> Command {
        Command::Incr {
            key: key.into(),
            delta,
        }
    }

    fn cas(key: &str, expected: Option<&[u8]>, value: &[u8]) -> Command {
        Command::Cas {
            key: key.into(),
            expected: expected.map(<[u8]>::to_vec),
            value: value.to_vec(),
        }
    }

    #[test]
    fn put_delete_append() {
        let mut s = Store::new();
        let put = Command::Put {
            key: "k".into(),
            value: vec![1],
        };
        assert_eq!(applied(&mut s, put), Some(vec![1]));
        let append = Command::Append {
            key: "k".into(),
            value: vec![2, 3],
        };
        assert_eq!(applied(&mut s, append), Some(vec![1, 2, 3]));
        let delete = Command::Delete { key: "k".into() };
        assert_eq!(applied(&mut s, delete.clone()), None);
        // R-DELETE-1: again, on a missing key.
        assert_eq!(applied(&mut s, delete), None);
        // R-APPEND-1: an empty append creates the key.
        let empty_append = Command::Append {
            key: "k".into(),
            value: vec![],
        };
        assert_eq!(applied(&mut s, empty_append), Some(vec![]));
    }

    #[test]
    fn incr_missing_key_is_zero() {
        let mut s = Store::new();
        assert_eq!(applied(&mut s, incr("n", 0)), Some(vec![0; 8]));
        assert_eq!(
            applied(&mut s, incr("m", 258)),
            Some(258u64.to_be_bytes().to_vec())
        );
    }

    #[test]
    fn incr_wraps_at_u64_max() {
        // R-INCR-2.
        let mut s = Store::new();
        applied(&mut s, incr("n", u64::MAX));
        assert_eq!(applied(&mut s, incr("n", 1)), Some(vec![0; 8]));
        applied(&mut s, incr("n", u64::MAX));
        assert_eq!(
            applied(&mut s, incr("n", 5)),
            Some(4u64.to_be_bytes().to_vec())
        );
    }

    #[test]
    fn incr_on_a_value_that_is_not_8_bytes_is_a_noop() {
        // R-INCR-3, for lengths 0, 7 and 9.
        for len in [0usize, 7, 9] {
            let mut s = Store::new();
            s.put("n", &[0xAB; 9][..len]);
            assert_eq!(applied(&mut s, incr("n", 1)), Some(vec![0xAB; len]));
        }
    }

    #[test]
    fn cas_null_versus_empty() {
        // R-CAS-2: null never matches a present empty value...
        let mut s = Store::new();
        s.put("k", &[]);
        assert_eq!(applied(&mut s, cas("k", None, b"x")), Some(vec![]));
        // ...an empty expected matches a present empty value...
        assert_eq!(
            applied(&mut s, cas("k", Some(b""), b"x")),
            Some(b"x".to_vec())
        );
        // ...and never a missing key, which only null matches.
        assert_eq!(applied(&mut s, cas("m", Some(b""), b"y")), None);
        assert_eq!(applied(&mut s, cas("m", None, b"y")), Some(b"y".to_vec()));
    }

    #[test]
    fn cas_compares_exact_bytes() {
        let mut s = Store::new();
        s.put("k", b"ab");
        assert_eq!(
            applied(&mut s, cas("k", Some(b"a"), b"z")),
            Some(b"ab".to_vec())
        );
        assert_eq!(
            applied(&mut s, cas("k", Some(b"abc"), b"z")),
            Some(b"ab".to_vec())
        );
        assert_eq!(applied(&mut s, cas("k", Some(b"ab"), b"")), Some(vec![]));
    }
}
