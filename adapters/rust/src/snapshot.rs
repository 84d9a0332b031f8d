//! The snapshot wire format (SPEC.md section 4, R-WIRE-1 .. R-WIRE-8): encode, and decode with
//! the checks of section 4.1 in their order (R-DECODE-1 .. R-DECODE-12).

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

/// A snapshot a decoder accepted (R-DECODE-12): the header fields as full u64 values and the
/// pairs in the order they appear in the bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodedSnapshot {
    pub header: SnapshotHeader,
    /// Keys exactly as the code points of their bytes: nothing stripped, cut or normalized.
    pub pairs: Vec<(String, Vec<u8>)>,
}

impl DecodedSnapshot {
    /// The snapshot's bytes again (section 4): an accepted snapshot re-encodes to exactly the bytes it
    /// was decoded from, which the tests, the goldens test and the fuzz target all check.
    pub fn encode(&self) -> Vec<u8> {
        encode_snapshot(
            self.header,
            self.pairs.iter().map(|(k, v)| (k.as_str(), v.as_slice())),
        )
    }
}

/// Why a decoder rejected a byte string: exactly one rule of SPEC.md section 4.1, the first in
/// the order of its table (and R-DECODE-9) that fails, and the byte offset at which it failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// 1 ..= 8: the `n` of `R-DECODE-n`.
    pub rule: u8,
    /// Where the failing check looked: the first byte it could not accept.
    pub offset: usize,
    /// For people (R-PROTO-13): the runner compares the rule only.
    pub message: String,
}

impl DecodeError {
    fn new(rule: u8, offset: usize, message: impl Into<String>) -> Self {
        Self {
            rule,
            offset,
            message: message.into(),
        }
    }

    /// `R-DECODE-5`.
    pub fn rule_id(&self) -> String {
        format!("R-DECODE-{}", self.rule)
    }
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} at byte {} ({})",
            self.message,
            self.offset,
            self.rule_id()
        )
    }
}

impl std::error::Error for DecodeError {}

/// Decodes a snapshot (section 4.1), running the checks in the order of the R-DECODE table:
/// length, magic, CRC, header, then the structure over all pairs (R-DECODE-5, R-DECODE-6), and
/// only then each key, pair by pair, its UTF-8 before its order (R-DECODE-9).
///
/// R-DECODE-11: every declared length is compared with the bytes that remain before anything is
/// read or allocated, in `usize` arithmetic that cannot overflow or go negative, and nothing is
/// sized from `pair count`: the pairs vector grows with the pairs actually present, each of which
/// takes at least 8 bytes of B, so memory and time are proportional to B.
pub fn decode_snapshot(bytes: &[u8]) -> Result<DecodedSnapshot, DecodeError> {
    // R-DECODE-1: the header (32 bytes) and the CRC (4) at least.
    if bytes.len() < HEADER_LEN + CRC_LEN {
        return Err(DecodeError::new(
            1,
            bytes.len(),
            format!(
                "{} bytes is fewer than the 36 of a header and a CRC",
                bytes.len()
            ),
        ));
    }
    // R-DECODE-2.
    if bytes[..4] != MAGIC {
        return Err(DecodeError::new(2, 0, "the magic is not ASCII RKV1"));
    }
    // R-DECODE-3: the last 4 bytes, an unsigned big-endian u32, against everything before them.
    let crc_at = bytes.len() - CRC_LEN;
    let body = &bytes[..crc_at];
    let stored = be_u32(bytes, crc_at);
    let computed = crc32c(body);
    if stored != computed {
        return Err(DecodeError::new(
            3,
            crc_at,
            format!(
                "the CRC is {stored:08x}, but CRC-32C of the bytes before it is {computed:08x}"
            ),
        ));
    }
    // R-DECODE-4, comparing terms as u64 (R-DECODE-10).
    let header = SnapshotHeader {
        current_term: be_u64(bytes, 4),
        last_included_index: be_u64(bytes, 12),
        last_included_term: be_u64(bytes, 20),
    };
    if let Some(problem) = header_problem(header) {
        return Err(DecodeError::new(4, 4, problem));
    }
    // R-DECODE-5, R-DECODE-6: the structure over all pairs, before any key is looked at. The
    // count is a loop bound only; a pair needs at least 8 bytes, so a count larger than the
    // bytes can hold fails within (len(B) - 36) / 8 + 1 iterations.
    let count = be_u32(body, 28);
    let mut at = HEADER_LEN;
    for i in 0..count {
        let (_, after_key) = field(body, at, i, "key")?;
        let (_, after_value) = field(body, after_key, i, "value")?;
        at = after_value;
    }
    if at != body.len() {
        return Err(DecodeError::new(
            6,
            at,
            format!(
                "{} bytes remain before the CRC after the {count} pairs",
                body.len() - at
            ),
        ));
    }
    // R-DECODE-7, R-DECODE-8: pair by pair, each key's UTF-8 before its order. The structure is
    // proven, so every slice below is in bounds.
    let mut pairs: Vec<(String, Vec<u8>)> = Vec::new();
    let mut previous: Option<&[u8]> = None;
    let mut at = HEADER_LEN;
    for i in 0..count {
        let key_at = at + 4;
        let (key, after_key) = field(body, at, i, "key")?;
        let (value, after_value) = field(body, after_key, i, "value")?;
        at = after_value;
        // `str::from_utf8` is RFC 3629: no overlong form, no surrogate, nothing above
        // U+10FFFF, no truncated sequence and no stray continuation byte.
        let key_str = std::str::from_utf8(key).map_err(|e| {
            DecodeError::new(
                7,
                key_at + e.valid_up_to(),
                format!("the key of pair {i} is not well-formed UTF-8: {e}"),
            )
        })?;
        // R-DECODE-10: `[u8]`'s `Ord` is unsigned and lexicographic, a proper prefix first.
        if let Some(previous) = previous
            && key <= previous
        {
            let how = if key == previous {
                "repeats the key before it"
            } else {
                "sorts before the key before it"
            };
            return Err(DecodeError::new(
                8,
                key_at,
                format!("the key of pair {i} {how}"),
            ));
        }
        previous = Some(key);
        pairs.push((key_str.to_owned(), value.to_vec()));
    }
    Ok(DecodedSnapshot { header, pairs })
}

/// R-DECODE-4: what is wrong with the header, if anything.
fn header_problem(header: SnapshotHeader) -> Option<String> {
    let SnapshotHeader {
        current_term,
        last_included_index: index,
        last_included_term: term,
    } = header;
    if current_term == 0 {
        Some("current_term is 0".into())
    } else if term > current_term {
        Some(format!(
            "last_included_term {term} is above current_term {current_term}"
        ))
    } else if (index == 0) != (term == 0) {
        Some(format!(
            "exactly one of last_included_index ({index}) and last_included_term ({term}) is 0"
        ))
    } else {
        None
    }
}

/// One length-prefixed field of pair `i` at offset `at` of `body` (B without its CRC): its bytes
/// and the offset after it, or R-DECODE-5 when the prefix or the bytes it declares would reach
/// the CRC. The declared length is compared with what remains before anything is sliced; the
/// subtraction cannot underflow, as `at <= body.len()` always holds.
fn field<'a>(
    body: &'a [u8],
    at: usize,
    i: u32,
    what: &str,
) -> Result<(&'a [u8], usize), DecodeError> {
    let remaining = body.len() - at;
    if remaining < 4 {
        return Err(DecodeError::new(
            5,
            at,
            format!(
                "the {what} length of pair {i} needs 4 bytes, {remaining} remain before the CRC"
            ),
        ));
    }
    // u32 into u64, never negative; usize is at least 32 bits wide on every target Rust has a
    // std for, and the comparison is made in u64 so that nothing depends on that.
    let declared = be_u32(body, at);
    let remaining = remaining - 4;
    if u64::from(declared) > remaining as u64 {
        return Err(DecodeError::new(
            5,
            at,
            format!(
                "the {what} of pair {i} declares {declared} bytes, {remaining} remain before the \
                 CRC"
            ),
        ));
    }
    let start = at + 4;
    let end = start + declared as usize;
    Ok((&body[start..end], end))
}

/// The big-endian u32 at `at`; the caller has checked that 4 bytes are there.
fn be_u32(bytes: &[u8], at: usize) -> u32 {
    u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
}

/// The big-endian u64 at `at`; the caller has checked that 8 bytes are there.
fn be_u64(bytes: &[u8], at: usize) -> u64 {
    u64::from_be_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
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

    // Section 4.1. `snap` builds B from its parts with a correct CRC, `raw` with a given one.

    /// Magic, header and pair count, then `tail` as the pairs, then the correct CRC.
    fn snap(ct: u64, index: u64, term: u64, count: u32, tail: &[u8]) -> Vec<u8> {
        let mut b = body(ct, index, term, count, tail);
        let crc = crc32c(&b);
        b.extend_from_slice(&crc.to_be_bytes());
        b
    }

    fn body(ct: u64, index: u64, term: u64, count: u32, tail: &[u8]) -> Vec<u8> {
        let mut b = b"RKV1".to_vec();
        b.extend_from_slice(&ct.to_be_bytes());
        b.extend_from_slice(&index.to_be_bytes());
        b.extend_from_slice(&term.to_be_bytes());
        b.extend_from_slice(&count.to_be_bytes());
        b.extend_from_slice(tail);
        b
    }

    /// `body` followed by `crc`, right or wrong.
    fn raw(ct: u64, index: u64, term: u64, count: u32, tail: &[u8], crc: u32) -> Vec<u8> {
        let mut b = body(ct, index, term, count, tail);
        b.extend_from_slice(&crc.to_be_bytes());
        b
    }

    /// One pair with its real lengths.
    fn pair(key: &[u8], value: &[u8]) -> Vec<u8> {
        let mut p = (key.len() as u32).to_be_bytes().to_vec();
        p.extend_from_slice(key);
        p.extend_from_slice(&(value.len() as u32).to_be_bytes());
        p.extend_from_slice(value);
        p
    }

    fn pairs(list: &[(&[u8], &[u8])]) -> Vec<u8> {
        list.iter().flat_map(|(k, v)| pair(k, v)).collect()
    }

    /// A valid snapshot of `list` at index 1.
    fn of(list: &[(&[u8], &[u8])]) -> Vec<u8> {
        snap(1, 1, 1, list.len() as u32, &pairs(list))
    }

    /// The rule `bytes` is rejected by, or 0 when it is accepted.
    fn rule(bytes: &[u8]) -> u8 {
        decode_snapshot(bytes).map_or_else(|e| e.rule, |_| 0)
    }

    fn keys(bytes: &[u8]) -> Vec<String> {
        decode_snapshot(bytes)
            .unwrap()
            .pairs
            .into_iter()
            .map(|(k, _)| k)
            .collect()
    }

    #[test]
    fn decode_1_fewer_than_36_bytes() {
        let empty = decode_hex(EMPTY);
        assert_eq!(empty.len(), 36);
        assert_eq!(rule(&empty), 0, "exactly 36 bytes is enough");
        assert_eq!(rule(&[]), 1);
        assert_eq!(rule(&empty[..35]), 1);
        assert_eq!(rule(&empty[..4]), 1);
        // Length first: 35 bytes with a bad magic and no CRC is still R-DECODE-1.
        assert_eq!(rule(&[0xFF; 35]), 1);
        let err = decode_snapshot(&empty[..20]).unwrap_err();
        assert_eq!(err.rule_id(), "R-DECODE-1");
    }

    #[test]
    fn decode_2_bad_magic() {
        let mut b = decode_hex(EMPTY);
        b[3] = b'2';
        assert_eq!(rule(&b), 2, "RKV2 with a CRC that no longer matches");
        for magic in [b"rkv1", b"RKV2", b"\0KV1", b"1VKR"] {
            // The CRC is right for the bad magic: only the magic is wrong.
            let mut b = decode_hex(EMPTY);
            b[..4].copy_from_slice(magic);
            let crc = crc32c(&b[..32]);
            b[32..].copy_from_slice(&crc.to_be_bytes());
            assert_eq!(rule(&b), 2, "{magic:?}");
        }
        // Bad magic and bad CRC: the magic comes first.
        let mut b = of(&[(b"a", b"1")]);
        b[0] = b'X';
        *b.last_mut().unwrap() ^= 1;
        assert_eq!(rule(&b), 2);
    }

    #[test]
    fn decode_3_crc_mismatch() {
        let good = of(&[(b"a", b"1"), (b"b", b"\x00\xff")]);
        assert_eq!(rule(&good), 0);
        for at in [4, 12, 31, 36, good.len() - 5, good.len() - 1] {
            let mut b = good.clone();
            b[at] ^= 0x80;
            assert_eq!(rule(&b), 3, "bit flipped at {at}");
        }
        // The CRC written little-endian is not the CRC.
        let mut b = good.clone();
        let n = b.len();
        b[n - 4..].reverse();
        assert_eq!(rule(&b), 3);
        // A duplicate key, a bad header, a truncated pair or trailing bytes all lose to the CRC.
        let dup = pairs(&[(b"a", b""), (b"a", b"")]);
        assert_eq!(rule(&raw(1, 1, 1, 2, &dup, 0)), 3);
        assert_eq!(rule(&raw(0, 0, 0, 0, &[], 0x0455_40e9)), 3);
        assert_eq!(rule(&raw(1, 1, 1, 1, &[0, 0, 0, 9, b'a'], 0)), 3);
        assert_eq!(rule(&raw(1, 0, 0, 0, &[1], 0)), 3);
        assert_eq!(rule(&raw(1, 1, 1, 1, &pair(b"\xc0\x80", b""), 0)), 3);
    }

    #[test]
    fn decode_4_inconsistent_header() {
        assert_eq!(rule(&snap(0, 0, 0, 0, &[])), 4, "current_term 0");
        assert_eq!(rule(&snap(0, 1, 1, 0, &[])), 4, "current_term 0");
        assert_eq!(rule(&snap(1, 1, 2, 0, &[])), 4, "term above current_term");
        assert_eq!(rule(&snap(1, 0, 1, 0, &[])), 4, "index 0, term 1");
        assert_eq!(rule(&snap(1, 5, 0, 0, &[])), 4, "index 5, term 0");
        // R-DECODE-10: unsigned. As i64, u64::MAX is -1 < 1 and would pass.
        assert_eq!(rule(&snap(1, 1, u64::MAX, 0, &[])), 4);
        // As i64, 2^63 is negative and 1 would look greater; unsigned it is accepted.
        assert_eq!(rule(&snap(1 << 63, 1, 1, 0, &[])), 0);
        assert_eq!(rule(&snap(u64::MAX, u64::MAX, u64::MAX, 0, &[])), 0);
        // Accepted: current_term 7 (a future version with elections), term 7 or less, and the
        // largest index.
        assert_eq!(rule(&snap(7, 5, 7, 0, &[])), 0);
        assert_eq!(rule(&snap(7, 5, 3, 0, &[])), 0);
        assert_eq!(rule(&snap(7, 0, 0, 0, &[])), 0);
        assert_eq!(rule(&snap(1, u64::MAX, 1, 0, &[])), 0);
        // The header comes before the structure and the keys.
        assert_eq!(rule(&snap(0, 0, 0, 5, &[0, 0])), 4);
        assert_eq!(rule(&snap(1, 1, 0, 0, &[1, 2, 3])), 4);
        assert_eq!(rule(&snap(1, 0, 1, 1, &pair(b"\xff", b""))), 4);
    }

    #[test]
    fn decode_5_a_field_reaches_into_the_crc() {
        // A key length of 2^32 - 1 in a 60-byte snapshot: rejected, not a 4 GiB allocation.
        let mut tail = vec![0xFF, 0xFF, 0xFF, 0xFF];
        tail.extend_from_slice(&[b'k'; 20]);
        let b = snap(1, 1, 1, 1, &tail);
        assert_eq!(b.len(), 60);
        assert_eq!(rule(&b), 5);
        assert_eq!(decode_snapshot(&b).unwrap_err().offset, 32);
        // A pair count of 2^32 - 1 with no pairs at all, and with a few: no hang.
        assert_eq!(rule(&snap(1, 1, 1, u32::MAX, &[])), 5);
        assert_eq!(
            rule(&snap(
                1,
                1,
                1,
                u32::MAX,
                &pairs(&[(&b"a"[..], &b""[..]); 3])
            )),
            5
        );
        // Lengths of 2^31 and 2^31 + 1 are large and unsigned, never negative.
        for len in [1u32 << 31, (1 << 31) + 1, u32::MAX - 3] {
            let mut key = len.to_be_bytes().to_vec();
            key.extend_from_slice(b"abcd");
            assert_eq!(rule(&snap(1, 1, 1, 1, &key)), 5, "key length {len}");
            let mut value = vec![0, 0, 0, 1, b'a'];
            value.extend_from_slice(&len.to_be_bytes());
            value.extend_from_slice(b"abcd");
            assert_eq!(rule(&snap(1, 1, 1, 1, &value)), 5, "value length {len}");
        }
        // A value that ends exactly where the CRC starts is whole; one byte longer is not.
        let exact = snap(1, 1, 1, 1, &[0, 0, 0, 1, b'a', 0, 0, 0, 3, 1, 2, 3]);
        assert_eq!(
            decode_snapshot(&exact).unwrap().pairs,
            [("a".into(), vec![1, 2, 3])]
        );
        let over = snap(1, 1, 1, 1, &[0, 0, 0, 1, b'a', 0, 0, 0, 4, 1, 2, 3]);
        assert_eq!(rule(&over), 5);
        assert_eq!(decode_snapshot(&over).unwrap_err().offset, 37);
        // The same for a key, and for each length prefix cut short.
        assert_eq!(rule(&snap(1, 1, 1, 1, &[0, 0, 0, 2, b'a'])), 5);
        assert_eq!(rule(&snap(1, 1, 1, 1, &[0, 0, 0])), 5);
        assert_eq!(rule(&snap(1, 1, 1, 1, &[0, 0, 0, 1, b'a', 0, 0])), 5);
        assert_eq!(rule(&snap(1, 1, 1, 1, &[0, 0, 0, 1, b'a'])), 5);
        assert_eq!(rule(&snap(1, 1, 1, 1, &[])), 5);
        // Fewer pairs than declared.
        assert_eq!(
            rule(&snap(1, 1, 1, 3, &pairs(&[(b"a", b"1"), (b"b", b"2")]))),
            5
        );
        // R-DECODE-9: structure before keys. A key that is not UTF-8 in pair 0 and a truncated
        // pair later is R-DECODE-5, and so is a duplicate key before a truncated pair.
        let mut tail = pair(b"\xff", b"v");
        tail.extend_from_slice(&[0, 0, 0, 9, b'x']);
        assert_eq!(rule(&snap(1, 1, 1, 2, &tail)), 5);
        let mut tail = pairs(&[(b"b", b""), (b"a", b"")]);
        tail.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 1]);
        assert_eq!(rule(&snap(1, 1, 1, 3, &tail)), 5);
    }

    #[test]
    fn decode_6_bytes_after_the_last_pair() {
        assert_eq!(rule(&snap(1, 0, 0, 0, &[0])), 6);
        assert_eq!(
            rule(&snap(1, 1, 1, 0, &pair(b"a", b"1"))),
            6,
            "count 0, one pair"
        );
        let mut tail = pair(b"a", b"1");
        tail.extend_from_slice(&[0, 0, 0]);
        assert_eq!(rule(&snap(1, 1, 1, 1, &tail)), 6);
        assert_eq!(
            decode_snapshot(&snap(1, 1, 1, 1, &tail))
                .unwrap_err()
                .offset,
            42
        );
        // Fewer pairs declared than present.
        assert_eq!(
            rule(&snap(1, 1, 1, 1, &pairs(&[(b"a", b""), (b"b", b"")]))),
            6
        );
        // R-DECODE-9: before the keys, even a bad first key.
        let mut tail = pairs(&[(b"\xed\xa0\x80", b""), (b"a", b""), (b"a", b"")]);
        tail.push(0);
        assert_eq!(rule(&snap(1, 1, 1, 3, &tail)), 6);
    }

    #[test]
    fn decode_7_a_key_is_not_utf8() {
        for bad in [
            &b"\xed\xa0\x80"[..], // the surrogate U+D800
            b"\xed\xbf\xbf",      // U+DFFF
            b"\xc0\x80",          // overlong U+0000 (modified UTF-8)
            b"\xc1\xbf",          // overlong
            b"\xe0\x80\xaf",      // overlong '/'
            b"\xf0\x80\x80\xaf",  // overlong '/'
            b"\xf4\x90\x80\x80",  // U+110000
            b"\xf5\x80\x80\x80",  // above U+10FFFF
            b"\xe2\x82",          // truncated U+20AC
            b"a\xf0\x9f\x98",     // truncated U+1F600
            b"\x80",              // a stray continuation byte
            b"a\xbfb",            // another
            b"\xff",              // never in UTF-8
            b"\xfe\xff",          // a UTF-16 BOM
        ] {
            assert_eq!(rule(&of(&[(bad, b"")])), 7, "{bad:x?}");
            // In a later pair, after good ones.
            assert_eq!(
                rule(&of(&[(b"", b""), (b"a", b""), (bad, b"")])),
                7,
                "{bad:x?}"
            );
        }
        // The values are bytes, not text: any of them is fine as a value.
        assert_eq!(rule(&of(&[(b"a", b"\xed\xa0\x80\xc0\x80\xff")])), 0);
        // R-DECODE-9: for one pair, its UTF-8 before its order; a key that is both out of order
        // and not UTF-8 ("a\xff" sorts before "b") is R-DECODE-7, and so is a duplicate that is
        // not UTF-8.
        assert_eq!(rule(&of(&[(b"b", b""), (b"a\xff", b"")])), 7);
        assert_eq!(rule(&of(&[(b"\xff", b""), (b"\xff", b"")])), 7);
        // Pair by pair: an order failure in pair 1 comes before a bad key in pair 2.
        assert_eq!(rule(&of(&[(b"b", b""), (b"a", b""), (b"\xff", b"")])), 8);
        // A bad key in pair 1 comes before an order failure in pair 2.
        assert_eq!(rule(&of(&[(b"a", b""), (b"\xc3", b""), (b"a", b"")])), 7);
    }

    #[test]
    fn decode_8_keys_not_strictly_ascending() {
        assert_eq!(rule(&of(&[(b"a", b""), (b"a", b"")])), 8, "duplicate");
        assert_eq!(
            rule(&of(&[(b"", b""), (b"", b"")])),
            8,
            "duplicate empty key"
        );
        assert_eq!(rule(&of(&[(b"b", b""), (b"a", b"")])), 8, "descending");
        assert_eq!(rule(&of(&[(b"ab", b""), (b"a", b"")])), 8, "a prefix after");
        assert_eq!(rule(&of(&[(b"a", b""), (b"c", b""), (b"b", b"")])), 8);
        // Unsigned bytes: "é" (c3 a9) after "z" (7a); signed char would put it first.
        assert_eq!(rule(&of(&[(b"\xc3\xa9", b""), (b"z", b"")])), 8);
        assert_eq!(rule(&of(&[(b"z", b""), (b"\xc3\xa9", b"")])), 0);
        // UTF-8 byte order, not UTF-16: U+FFFD before U+1F600.
        let fffd = "\u{FFFD}".as_bytes();
        let grin = "\u{1F600}".as_bytes();
        assert_eq!(rule(&of(&[(fffd, b""), (grin, b"")])), 0);
        assert_eq!(rule(&of(&[(grin, b""), (fffd, b"")])), 8);
        // A proper prefix first, the empty key before everything.
        assert_eq!(
            rule(&of(&[(b"", b""), (b"\0", b""), (b"a", b""), (b"ab", b"")])),
            0
        );
        // Same keys, different values: still a duplicate.
        assert_eq!(rule(&of(&[(b"k", b"1"), (b"k", b"2")])), 8);
    }

    #[test]
    fn decode_12_accepted_fields_exactly() {
        let b = snap(
            7,
            u64::MAX,
            7,
            4,
            &pairs(&[
                (b"", b""),
                (b"a\0b", b"\x00"),
                ("e\u{301}".as_bytes(), b"\xff\x00"),
                ("\u{FEFF}x".as_bytes(), b"v"),
            ]),
        );
        let decoded = decode_snapshot(&b).unwrap();
        assert_eq!(
            decoded.header,
            SnapshotHeader {
                current_term: 7,
                last_included_index: u64::MAX,
                last_included_term: 7,
            }
        );
        // Nothing cut at U+0000, no BOM stripped, no normalization (e + U+0301 stays two code
        // points), the values' bytes as they are.
        assert_eq!(
            decoded.pairs,
            [
                (String::new(), vec![]),
                ("a\0b".into(), vec![0]),
                ("e\u{301}".into(), vec![0xFF, 0]),
                ("\u{FEFF}x".into(), b"v".to_vec()),
            ]
        );
        assert_eq!(keys(&of(&[("\u{FEFF}".as_bytes(), b"")])), ["\u{FEFF}"]);
    }

    #[test]
    fn decode_takes_every_snapshot_the_encoder_writes() {
        let mut store = Store::new();
        let keys_in: [&str; 6] = ["", "\0", "\u{FEFF}", "z", "\u{FFFD}", "\u{1F600}"];
        for (i, key) in keys_in.iter().enumerate() {
            store.put(key, &vec![i as u8; i * 3]);
            let header = SnapshotHeader {
                current_term: 1,
                last_included_index: i as u64 + 1,
                last_included_term: 1,
            };
            let bytes = encode_snapshot(header, store.pairs());
            let decoded = decode_snapshot(&bytes).unwrap();
            assert_eq!(decoded.header, header);
            let expected: Vec<(String, Vec<u8>)> = store
                .pairs()
                .map(|(k, v)| (k.to_owned(), v.to_vec()))
                .collect();
            assert_eq!(decoded.pairs, expected);
            // And back: the decoded pairs encode to the same bytes.
            let again = decoded.encode();
            assert_eq!(again, bytes);
        }
    }

    #[test]
    fn decode_never_panics_on_prefixes_and_bit_flips() {
        // A cheap stand-in for the fuzz target: every prefix and every single-bit flip of a
        // valid snapshot is answered with a verdict, and a verdict never claims R-DECODE-3 for
        // bytes whose CRC is right.
        let good = of(&[
            (b"", b""),
            (b"a", b"\x00\xff"),
            ("\u{1F600}".as_bytes(), b"v"),
        ]);
        for len in 0..good.len() {
            let _ = decode_snapshot(&good[..len]);
        }
        for at in 0..good.len() {
            for bit in 0..8 {
                let mut b = good.clone();
                b[at] ^= 1 << bit;
                assert_ne!(rule(&b), 0, "flip at {at} bit {bit}");
            }
        }
    }
}
