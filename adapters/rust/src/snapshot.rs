//! The snapshot wire format (SPEC.md section 4, R-WIRE-1 .. R-WIRE-8): encode, and decode for
//! tests.

use crate::crc32c::crc32c;

/// R-WIRE-1: ASCII "RKV1".
const MAGIC: [u8; 4] = *b"RKV1";
/// Magic, current_term, last_included_index, last_included_term, pair count.
const HEADER_LEN: usize = 4 + 8 + 8 + 8 + 4;
const CRC_LEN: usize = 4;

/// The header fields of a snapshot besides the magic and the pair count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SnapshotHeader {
    /// R-WIRE-2.
    pub current_term: u64,
    /// R-WIRE-3: the node's `last_applied`.
    pub last_included_index: u64,
    /// R-WIRE-4: the term of the entry at `last_applied`, 0 when `last_applied` is 0.
    pub last_included_term: u64,
}

/// Encodes a snapshot of a store given as its `pairs`, which must come in ascending UTF-8 byte
/// order of their keys (R-WIRE-6), as `Store::pairs` gives them. Taking the pairs rather than the
/// store keeps this module below `store` in the file map.
///
/// One pass writes into a buffer sized up front (the pairs are walked once more to size it), so
/// a large store is never reallocated while it is written.
pub fn encode_snapshot<'a>(
    header: SnapshotHeader,
    pairs: impl ExactSizeIterator<Item = (&'a str, &'a [u8])> + Clone,
) -> Vec<u8> {
    let pairs_len: usize = pairs.clone().map(|(k, v)| 8 + k.len() + v.len()).sum();
    let mut out = Vec::with_capacity(HEADER_LEN + pairs_len + CRC_LEN);
    out.extend_from_slice(&MAGIC);
    // R-WIRE-2 .. R-WIRE-5: every integer is unsigned big-endian.
    out.extend_from_slice(&header.current_term.to_be_bytes());
    out.extend_from_slice(&header.last_included_index.to_be_bytes());
    out.extend_from_slice(&header.last_included_term.to_be_bytes());
    out.extend_from_slice(&len_u32(pairs.len()).to_be_bytes());
    // R-WIRE-6: already in ascending UTF-8 byte order of keys (R-STORE-1).
    for (key, value) in pairs {
        // R-WIRE-8: `str::len` is the UTF-8 byte length, and every prefix is 4 bytes.
        out.extend_from_slice(&len_u32(key.len()).to_be_bytes());
        out.extend_from_slice(key.as_bytes());
        out.extend_from_slice(&len_u32(value.len()).to_be_bytes());
        out.extend_from_slice(value);
    }
    // R-WIRE-7: the CRC covers every byte before it; `u32` is never signed, so no conversion.
    let crc = crc32c(&out);
    out.extend_from_slice(&crc.to_be_bytes());
    debug_assert_eq!(out.len(), out.capacity());
    out
}

/// A length for a u32 prefix. Anything longer than 4 GiB would have arrived as a hex string of
/// more than 8 GiB on one protocol line, which this adapter cannot hold anyway.
fn len_u32(len: usize) -> u32 {
    u32::try_from(len).expect("a key, value or store too large for a u32 length (R-WIRE-6)")
}

/// A decoded snapshot, for tests and for reading a golden vector's bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodedSnapshot {
    pub header: SnapshotHeader,
    pub pairs: Vec<(String, Vec<u8>)>,
}

/// Decodes and checks a snapshot: magic, lengths, UTF-8 keys, ascending key order and CRC.
pub fn decode_snapshot(bytes: &[u8]) -> Result<DecodedSnapshot, String> {
    if bytes.len() < HEADER_LEN + CRC_LEN {
        return Err(format!("{} bytes is too short for a snapshot", bytes.len()));
    }
    let (body, crc) = bytes.split_at(bytes.len() - CRC_LEN);
    let stored = u32::from_be_bytes(crc.try_into().expect("split at 4"));
    let computed = crc32c(body);
    if stored != computed {
        return Err(format!(
            "CRC is {stored:08x}, expected {computed:08x} (R-WIRE-7)"
        ));
    }
    let mut reader = Reader { rest: body };
    if reader.take(4)? != MAGIC {
        return Err("magic is not RKV1 (R-WIRE-1)".into());
    }
    let header = SnapshotHeader {
        current_term: reader.u64()?,
        last_included_index: reader.u64()?,
        last_included_term: reader.u64()?,
    };
    let count = reader.u32()?;
    let mut pairs: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..count {
        let key_len = reader.u32()? as usize;
        let key = std::str::from_utf8(reader.take(key_len)?)
            .map_err(|e| format!("key {i} is not UTF-8: {e}"))?
            .to_owned();
        let value_len = reader.u32()? as usize;
        let value = reader.take(value_len)?.to_vec();
        if let Some((previous, _)) = pairs.last()
            && previous.as_bytes() >= key.as_bytes()
        {
            return Err(format!("key {i} is not above the key before it (R-WIRE-6)"));
        }
        pairs.push((key, value));
    }
    if !reader.rest.is_empty() {
        return Err(format!("{} bytes after the last pair", reader.rest.len()));
    }
    Ok(DecodedSnapshot { header, pairs })
}

struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if self.rest.len() < n {
            return Err(format!("wanted {n} bytes, {} left", self.rest.len()));
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_be_bytes(
            self.take(4)?.try_into().expect("took 4"),
        ))
    }

    fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_be_bytes(
            self.take(8)?.try_into().expect("took 8"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{encode_hex, parse_hex};
    use crate::store::Store;

    fn decode_hex(hex: &str) -> Vec<u8> {
        parse_hex(hex).unwrap()
    }

    const EMPTY: &str = "524b563100000000000000010000000000000000000000000000000000000000045540e9";
    const TWO_PAIRS: &str = "524b5631000000000000000100000000000000020000000000000001000000020000000161000000013100000001620000000200ff63c4d85c";

    #[test]
    fn worked_example_empty_store() {
        let header = SnapshotHeader {
            current_term: 1,
            last_included_index: 0,
            last_included_term: 0,
        };
        assert_eq!(
            encode_hex(&encode_snapshot(header, Store::new().pairs())),
            EMPTY
        );
    }

    #[test]
    fn worked_example_two_pairs() {
        let mut store = Store::new();
        // Inserted out of order: the encoder must not depend on insertion order.
        store.put("b", &[0x00, 0xFF]);
        store.put("a", &[0x31]);
        let header = SnapshotHeader {
            current_term: 1,
            last_included_index: 2,
            last_included_term: 1,
        };
        assert_eq!(
            encode_hex(&encode_snapshot(header, store.pairs())),
            TWO_PAIRS
        );
    }

    #[test]
    fn decode_round_trips_the_worked_examples() {
        let decoded = decode_snapshot(&decode_hex(TWO_PAIRS)).unwrap();
        assert_eq!(decoded.header.last_included_index, 2);
        assert_eq!(
            decoded.pairs,
            [
                ("a".to_string(), vec![0x31]),
                ("b".to_string(), vec![0, 0xFF])
            ]
        );
        assert!(
            decode_snapshot(&decode_hex(EMPTY))
                .unwrap()
                .pairs
                .is_empty()
        );
    }

    #[test]
    fn lengths_are_utf8_bytes_and_four_bytes_wide() {
        // R-WIRE-8: an astral key is 4 UTF-8 bytes (2 UTF-16 units, 1 character), and a
        // 70,000-byte key needs more than a 2-byte prefix.
        let mut store = Store::new();
        store.put("\u{1F600}", &[]);
        store.put(&"k".repeat(70_000), &[7]);
        store.put("", &[]);
        store.put("\u{0}", &[0]);
        let header = SnapshotHeader {
            current_term: 1,
            last_included_index: 4,
            last_included_term: 1,
        };
        let bytes = encode_snapshot(header, store.pairs());
        assert_eq!(&bytes[32..36], &[0, 0, 0, 0]); // "" first
        let decoded = decode_snapshot(&bytes).unwrap();
        let lens: Vec<usize> = decoded.pairs.iter().map(|(k, _)| k.len()).collect();
        assert_eq!(lens, [0, 1, 70_000, 4]);
    }

    #[test]
    fn decode_rejects_a_bad_crc() {
        let mut bytes = decode_hex(EMPTY);
        bytes[10] ^= 1;
        assert!(decode_snapshot(&bytes).unwrap_err().contains("R-WIRE-7"));
    }
}
