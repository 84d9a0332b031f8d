//! Adapter protocol v1 (section 7): request and reply messages, the normalized scenario as it
//! arrives on the wire (section 6), and the hex and decimal codecs it uses.

use std::borrow::Cow;
use std::fmt;

use serde::de::{IgnoredAny, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::cluster::{NodeId, Step};
use crate::run::Scenario;
use crate::state_machine::Command;

/// R-PROTO-5: the one protocol version this adapter speaks.
pub const PROTOCOL: u64 = 1;
pub const NAME: &str = "rust";
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// Section 6: every optional feature, in the order the spec lists them.
pub const FEATURES: [&str; 4] = ["append", "incr", "cas", "crash"];

/// A runner message. Unknown fields are ignored (R-PROTO-4); an unknown `type` fails to parse
/// and is answered with an error (R-PROTO-8). Read it with `parse_request`.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Request {
    /// R-PROTO-5: the requested `protocol` is deliberately not read. Whatever the runner asks
    /// for, the answer is the version spoken here, and the runner judges the mismatch.
    Hello,
    /// R-PROTO-6.
    Run(RunRequest),
    /// R-PROTO-9.
    Shutdown,
}

#[derive(Debug, Deserialize)]
pub struct RunRequest {
    pub id: String,
    /// R-PROTO-7.
    #[serde(default)]
    pub trace: bool,
    pub scenario: WireScenario,
}

/// Reads one request line. Serde's internally tagged enums buffer every field of a message
/// before they pick the variant, which for a `run` line is a second, slower copy of a scenario
/// that may have a million steps. So the `type` is peeked first (skipping the rest is cheap),
/// and a `run` request is parsed straight into `RunRequest`.
pub fn parse_request(line: &str) -> serde_json::Result<Request> {
    #[derive(Deserialize)]
    struct Envelope<'a> {
        #[serde(rename = "type", borrow)]
        kind: Option<Cow<'a, str>>,
    }
    match serde_json::from_str::<Envelope>(line) {
        Ok(Envelope { kind: Some(kind) }) if kind == "run" => {
            serde_json::from_str::<RunRequest>(line).map(Request::Run)
        }
        _ => serde_json::from_str::<Request>(line),
    }
}

/// An adapter message. Field order on the wire does not matter; one message is one line.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Reply {
    Hello {
        protocol: u64,
        name: &'static str,
        version: &'static str,
        features: [&'static str; 4],
    },
    Result {
        id: String,
        snapshots: Vec<SnapshotEntry>,
        /// R-PROTO-7: absent, not null, when no trace was asked for.
        #[serde(skip_serializing_if = "Option::is_none")]
        trace: Option<Vec<TraceEntry>>,
    },
    /// R-PROTO-8: `id` is null when the request had none (or none that could be read).
    Error { id: Option<String>, message: String },
}

impl Reply {
    pub fn hello() -> Self {
        Reply::Hello {
            protocol: PROTOCOL,
            name: NAME,
            version: VERSION,
            features: FEATURES,
        }
    }

    /// The reply as one line, without the newline. serde_json escapes control characters, so
    /// the line never contains a raw newline (R-PROTO-1).
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).expect("a reply has only string keys, so it always serialises")
    }
}

/// One emitted snapshot (R-PROTO-6).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SnapshotEntry {
    pub step: usize,
    pub node: NodeId,
    pub hex: String,
}

/// Every node's state after one step (R-PROTO-7): `states[k]` is node k + 1, null while down.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TraceEntry {
    pub step: usize,
    pub states: Vec<Option<String>>,
}

/// A normalized scenario as sent (R-NORM-1 .. R-NORM-4), its steps already decoded.
#[derive(Debug, Deserialize)]
pub struct WireScenario {
    cluster: WireCluster,
    /// The first step that does not decode, as an error message, instead of failing the whole
    /// parse: the reply then names the step and keeps the request's id.
    #[serde(deserialize_with = "decode_steps")]
    steps: Result<Vec<Step>, String>,
}

/// R-NORM-1: both fields present. Integers, so `3.0` or `"3"` is refused by the parser.
#[derive(Debug, Deserialize)]
struct WireCluster {
    nodes: u64,
    leader: u64,
}

/// A step with every property any op may have; `into_step` checks the op's own. Strings are
/// borrowed from the request line where they can be, and each step is decoded as soon as it
/// is read, so a million-step scenario never exists twice in memory.
#[derive(Debug, Deserialize)]
struct WireStep<'a> {
    #[serde(borrow)]
    op: Cow<'a, str>,
    key: Option<String>,
    #[serde(borrow)]
    value: Option<Cow<'a, str>>,
    #[serde(borrow)]
    delta: Option<Cow<'a, str>>,
    /// Outer `None`: the property is missing. `Some(None)`: it is JSON null (R-CAS-2).
    #[serde(borrow, default, deserialize_with = "present")]
    expected: Option<Option<Cow<'a, str>>>,
    nodes: Option<Vec<u64>>,
    node: Option<u64>,
}

/// Deserializes a property that is present, so that a present null is told from a missing one.
fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

fn decode_steps<'de, D>(deserializer: D) -> Result<Result<Vec<Step>, String>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    struct StepsVisitor;

    impl<'de> Visitor<'de> for StepsVisitor {
        type Value = Result<Vec<Step>, String>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an array of steps")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut steps = Vec::with_capacity(seq.size_hint().unwrap_or(0));
            while let Some(wire) = seq.next_element::<WireStep>()? {
                match wire.into_step(steps.len()) {
                    Ok(step) => steps.push(step),
                    Err(message) => {
                        // Read the rest so that the line still parses and keeps its id.
                        while seq.next_element::<IgnoredAny>()?.is_some() {}
                        return Ok(Err(message));
                    }
                }
            }
            Ok(Ok(steps))
        }
    }

    deserializer.deserialize_seq(StepsVisitor)
}

impl WireScenario {
    pub fn into_scenario(self) -> Result<Scenario, String> {
        Ok(Scenario {
            nodes: node_id(self.cluster.nodes),
            leader: node_id(self.cluster.leader),
            steps: self.steps?,
        })
    }
}

impl WireStep<'_> {
    fn into_step(self, i: usize) -> Result<Step, String> {
        let WireStep {
            op,
            key,
            value,
            delta,
            expected,
            nodes,
            node,
        } = self;
        let path = |field: &str| format!("steps[{i}].{field}");
        let required = |field: &str| {
            format!(
                "{}: missing, and op {op:?} requires it (R-SCEN-3)",
                path(field)
            )
        };
        let hex =
            |field: &str, hex: &str| decode_hex(hex).map_err(|e| format!("{}: {e}", path(field)));
        let key = || key.ok_or_else(|| required("key"));
        let value = || hex("value", &value.ok_or_else(|| required("value"))?);
        let nodes = || {
            let nodes = nodes.ok_or_else(|| required("nodes"))?;
            Ok::<_, String>(nodes.into_iter().map(node_id).collect())
        };
        let node = || node.map(node_id).ok_or_else(|| required("node"));
        // Schema order: the five commands, then the cluster events.
        let step = match &*op {
            "put" => Step::Command(Command::Put {
                key: key()?,
                value: value()?,
            }),
            "delete" => Step::Command(Command::Delete { key: key()? }),
            "append" => Step::Command(Command::Append {
                key: key()?,
                value: value()?,
            }),
            "incr" => {
                let delta = delta.ok_or_else(|| required("delta"))?;
                Step::Command(Command::Incr {
                    key: key()?,
                    delta: parse_delta(&delta).map_err(|e| format!("{}: {e}", path("delta")))?,
                })
            }
            "cas" => {
                let expected = match expected.ok_or_else(|| required("expected"))? {
                    None => None,
                    Some(expected) => Some(hex("expected", &expected)?),
                };
                Step::Command(Command::Cas {
                    key: key()?,
                    expected,
                    value: value()?,
                })
            }
            "partition" => Step::Partition { nodes: nodes()? },
            "crash" => Step::Crash { node: node()? },
            "restart" => Step::Restart { node: node()? },
            "heal" => Step::Heal,
            "snapshot" => Step::Snapshot { nodes: nodes()? },
            other => {
                return Err(format!(
                    "{}: unknown op {other:?}, this adapter implements put, delete, append, \
                     incr, cas, partition, crash, restart, heal and snapshot (R-SCEN-3)",
                    path("op")
                ));
            }
        };
        Ok(step)
    }
}

/// Node ids arrive as JSON integers; one too large for `usize` cannot be in 1..=255 either, and
/// the cluster rejects it by R-NODE-1.
fn node_id(id: u64) -> NodeId {
    NodeId::try_from(id).unwrap_or(NodeId::MAX)
}

/// Decodes hex of either case (R-BYTES-2); anything else is an error, never a guess.
pub fn decode_hex(hex: &str) -> Result<Vec<u8>, String> {
    let digits = hex.as_bytes();
    if !digits.len().is_multiple_of(2) {
        return Err(format!(
            "hex has odd length {}, so it is not whole bytes (R-BYTES-2)",
            digits.len()
        ));
    }
    digits
        .chunks_exact(2)
        .enumerate()
        .map(|(i, pair)| match (nibble(pair[0]), nibble(pair[1])) {
            (Some(high), Some(low)) => Ok(high << 4 | low),
            _ => Err(format!(
                "hex has a non-hex digit at offset {} (R-BYTES-2)",
                2 * i + usize::from(nibble(pair[0]).is_some())
            )),
        })
        .collect()
}

fn nibble(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

/// Lowercase hex (R-PROTO-6), written in one pass into a buffer sized up front.
pub fn encode_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut hex = Vec::with_capacity(2 * bytes.len());
    for &byte in bytes {
        hex.extend_from_slice(&[
            DIGITS[usize::from(byte >> 4)],
            DIGITS[usize::from(byte & 0xF)],
        ]);
    }
    String::from_utf8(hex).expect("hex digits are ASCII")
}

/// R-DELTA-1: a canonical decimal string, parsed as an integer. It never goes through `f64`,
/// which would lose every bit below 2^53.
pub fn parse_delta(delta: &str) -> Result<u64, String> {
    // Checking the digits first also keeps `u64::from_str` from accepting a leading '+'.
    let canonical = !delta.is_empty()
        && delta.bytes().all(|b| b.is_ascii_digit())
        && (delta == "0" || !delta.starts_with('0'));
    if !canonical {
        return Err(format!(
            "delta {delta:?} is not a canonical decimal string (R-DELTA-1)"
        ));
    }
    delta
        .parse::<u64>()
        .map_err(|_| format!("delta {delta} is above 2^64 - 1 (R-DELTA-1)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_requests_parse_on_both_paths() {
        let scenario = r#"{"cluster":{"nodes":1,"leader":1},"steps":[{"op":"heal"}]}"#;
        let type_first = format!(r#"{{"type":"run","id":"a","trace":true,"scenario":{scenario}}}"#);
        let type_last = format!(r#"{{"id":"a","scenario":{scenario},"trace":true,"type":"run"}}"#);
        for line in [&type_first, &type_last] {
            let via_peek = parse_request(line).unwrap();
            let via_enum = serde_json::from_str::<Request>(line).unwrap();
            for request in [via_peek, via_enum] {
                let Request::Run(run) = request else {
                    panic!("not a run: {line}");
                };
                assert_eq!((run.id.as_str(), run.trace), ("a", true));
                assert_eq!(run.scenario.into_scenario().unwrap().steps, [Step::Heal]);
            }
        }
    }

    #[test]
    fn hex_round_trips_and_rejects_malformed_input() {
        assert_eq!(decode_hex("").unwrap(), Vec::<u8>::new());
        assert_eq!(decode_hex("00ffAb").unwrap(), [0x00, 0xFF, 0xAB]);
        assert_eq!(encode_hex(&[0x00, 0xFF, 0xAB]), "00ffab");
        assert!(decode_hex("abc").unwrap_err().contains("odd length"));
        assert!(decode_hex("0g").unwrap_err().contains("offset 1"));
        assert!(decode_hex("zz").is_err());
        assert!(decode_hex("+1").is_err());
        assert!(decode_hex("\u{e9}").is_err());
    }

    #[test]
    fn delta_is_a_canonical_u64() {
        assert_eq!(parse_delta("0"), Ok(0));
        assert_eq!(parse_delta("18446744073709551615"), Ok(u64::MAX));
        // 2^53 + 1 is where a double would already have rounded.
        assert_eq!(parse_delta("9007199254740993"), Ok(9_007_199_254_740_993));
        for bad in [
            "",
            "18446744073709551616",
            "+1",
            "-1",
            "01",
            "1.0",
            "1e3",
            " 1",
        ] {
            assert!(parse_delta(bad).is_err(), "{bad:?}");
        }
    }
}
