//! Fuzzes `decode_snapshot` (SPEC.md section 4.1).
//!
//! The first input byte picks a mode: odd, the rest is B with its correct CRC-32C appended, so
//! that the fuzzer gets past R-DECODE-3 and explores the header, the structure and the keys;
//! even, the rest is B as it is. For every B the decoder must return (no panic, no allocation
//! from a declared length, R-DECODE-11), and:
//!
//! - accepted: the decoded fields encode back to exactly B, so nothing was lost or invented
//!   (keys strictly ascending, lengths right, the CRC right);
//! - rejected: the rule is one the bytes really break, for the cheap ones to check here
//!   (R-DECODE-1, 2 and 3 in their order; a rule above 3 only when the CRC is right).

#![no_main]

use libfuzzer_sys::fuzz_target;
use rsm_adapter::crc32c::crc32c;
use rsm_adapter::snapshot::decode_snapshot;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let mut b = rest.to_vec();
    if mode & 1 == 1 {
        let crc = crc32c(&b);
        b.extend_from_slice(&crc.to_be_bytes());
    }
    let crc_ok = b.len() >= 4 && {
        let (body, crc) = b.split_at(b.len() - 4);
        crc32c(body).to_be_bytes() == crc
    };
    match decode_snapshot(&b) {
        Ok(decoded) => {
            let again = decoded.encode();
            assert_eq!(again, b, "an accepted snapshot re-encodes to its bytes");
        }
        Err(e) => {
            let expected_early = if b.len() < 36 {
                Some(1)
            } else if &b[..4] != b"RKV1" {
                Some(2)
            } else if !crc_ok {
                Some(3)
            } else {
                None
            };
            match expected_early {
                Some(rule) => assert_eq!(e.rule, rule, "{e}"),
                None => assert!((4..=8).contains(&e.rule), "{e}"),
            }
        }
    }
});
