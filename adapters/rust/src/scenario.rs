//! The normalized scenario (SPEC.md section 6): the wire form of a scenario turned into steps, or
//! an `InvalidStep` naming the first field that breaks a rule.

use std::borrow::Cow;
use std::fmt;

use serde::de::{IgnoredAny, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::cluster::NodeId;
use crate::state_machine::Command;

/// A normalized scenario (R-NORM-1 .. R-NORM-4), its steps decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    pub nodes: usize,
    pub leader: NodeId,
    pub steps: Vec<Step>,
}

/// One step. Defined in `cluster`, whose `step` takes it, so that no dependency points up the
/// file map (adapters/README.md); it is named here because this is where the wire turns into it.
pub use crate::cluster::Step;

/// A rule broken, at a JSON path: `steps[7].node: crash of node 1, the leader, is not allowed
/// (R-CRASH-1)`. Defined in `cluster` for the same reason as `Step`: the cluster finds most of
/// them.
pub use crate::cluster::InvalidStep;

/// Reads the `scenario` of a run request (R-PROTO-6) in one pass over the request line. Each step
/// is decoded as soon as it is read, so a million-step scenario never exists twice in memory.
///
/// A step that breaks a rule is `Ok(Err(..))`, not a parse failure, so that the error reply still
/// carries the request's id and names the step (R-PROTO-8). JSON of another shape than the
/// schema's (a `delta` that is a number, `"nodes":"all"`) is a parse failure of the whole line:
/// the runner never sends it (R-PROTO-4).
pub fn parse_scenario<'de, D>(deserializer: D) -> Result<Result<Scenario, InvalidStep>, D::Error>
where
    D: Deserializer<'de>,
{
    let WireScenario { cluster, steps } = WireScenario::deserialize(deserializer)?;
    let (nodes, leader) = parse_cluster(cluster);
    Ok(steps.map(|steps| Scenario {
        nodes,
        leader,
        steps,
    }))
}

/// R-NORM-4: exactly `cluster` and `steps` (anything else is ignored, R-PROTO-4).
#[derive(Deserialize)]
struct WireScenario {
    cluster: WireCluster,
    /// The first step that breaks a rule, instead of failing the whole parse (see
    /// `parse_scenario`).
    #[serde(deserialize_with = "parse_steps")]
    steps: Result<Vec<Step>, InvalidStep>,
}

fn parse_steps<'de, D>(deserializer: D) -> Result<Result<Vec<Step>, InvalidStep>, D::Error>
where
    D: Deserializer<'de>,
{
    struct StepsVisitor;

    impl<'de> Visitor<'de> for StepsVisitor {
        type Value = Result<Vec<Step>, InvalidStep>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an array of steps")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut steps = Vec::with_capacity(seq.size_hint().unwrap_or(0));
            while let Some(wire) = seq.next_element::<WireStep>()? {
                match parse_step(wire, steps.len()) {
                    Ok(step) => steps.push(step),
                    Err(invalid) => {
                        // Read the rest so that the line still parses and keeps its id.
                        while seq.next_element::<IgnoredAny>()?.is_some() {}
                        return Ok(Err(invalid));
                    }
                }
            }
            Ok(Ok(steps))
        }
    }

    deserializer.deserialize_seq(StepsVisitor)
}

/// R-NORM-1: both fields present. Integers, so `3.0` or `"3"` is refused by the parser.
#[derive(Deserialize)]
struct WireCluster {
    nodes: u64,
    leader: u64,
}

/// N and the leader. Their ranges (R-CLUSTER-1, R-CLUSTER-2) are checked by `Cluster::new`,
/// which the run reports at `cluster.nodes` and `cluster.leader`.
fn parse_cluster(cluster: WireCluster) -> (usize, NodeId) {
    (node_id(cluster.nodes), node_id(cluster.leader))
}

/// A step with every property any op may have; `parse_step` checks the op's own. Strings are
/// borrowed from the request line where they can be.
#[derive(Deserialize)]
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
    /// R-ROUTE-1: a client command's target (optional feature `elect`).
    via: Option<u64>,
}

/// Deserializes a property that is present, so that a present null is told from a missing one.
fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// Step `i` as a `Step`, or the first of its properties that is missing or malformed (R-SCEN-3,
/// R-BYTES-2, R-DELTA-1). Node ids are checked by the cluster, which knows N and who is up.
fn parse_step(wire: WireStep<'_>, i: usize) -> Result<Step, InvalidStep> {
    let WireStep {
        op,
        key,
        value,
        delta,
        expected,
        nodes,
        node,
        via,
    } = wire;
    let path = |field: &str| format!("steps[{i}].{field}");
    let missing = |field: &str| {
        InvalidStep::new(
            path(field),
            "R-SCEN-3",
            format!("missing, and op {op:?} requires it"),
        )
    };
    // R-NORM-2: bytes travel as hex.
    let bytes = |field: &str, hex: &str| {
        parse_hex(hex).map_err(|message| InvalidStep::new(path(field), "R-BYTES-2", message))
    };
    let key = || key.ok_or_else(|| missing("key"));
    let value = || bytes("value", &value.ok_or_else(|| missing("value"))?);
    let nodes = || nodes.map(parse_nodes).ok_or_else(|| missing("nodes"));
    let node = || node.map(node_id).ok_or_else(|| missing("node"));
    // R-ROUTE-1: any client command may name its node; R-NODE-1 is the cluster's to check.
    let command = |command| Step::Command {
        command,
        via: via.map(node_id),
    };
    // Schema order: the five client commands, then the cluster events.
    let step = match &*op {
        // {"op":"put","key":"a","value":"31"}
        "put" => command(Command::Put {
            key: key()?,
            value: value()?,
        }),
        // {"op":"delete","key":"a"}
        "delete" => command(Command::Delete { key: key()? }),
        // {"op":"append","key":"a","value":"00ff"}
        "append" => command(Command::Append {
            key: key()?,
            value: value()?,
        }),
        // {"op":"incr","key":"n","delta":"18446744073709551615"}
        "incr" => {
            let delta = delta.ok_or_else(|| missing("delta"))?;
            command(Command::Incr {
                key: key()?,
                delta: parse_delta(&delta)
                    .map_err(|message| InvalidStep::new(path("delta"), "R-DELTA-1", message))?,
            })
        }
        // {"op":"cas","key":"a","expected":null,"value":"31"}
        "cas" => {
            let expected = match expected.ok_or_else(|| missing("expected"))? {
                // R-CAS-2: null, "the key must be missing", is not the empty value "".
                None => None,
                Some(expected) => Some(bytes("expected", &expected)?),
            };
            command(Command::Cas {
                key: key()?,
                expected,
                value: value()?,
            })
        }
        // {"op":"partition","nodes":[3]}
        "partition" => Step::Partition { nodes: nodes()? },
        // {"op":"crash","node":2}
        "crash" => Step::Crash { node: node()? },
        // {"op":"restart","node":2}
        "restart" => Step::Restart { node: node()? },
        // {"op":"heal"}
        "heal" => Step::Heal,
        // {"op":"snapshot","nodes":[1,2,3]}
        "snapshot" => Step::Snapshot { nodes: nodes()? },
        // {"op":"compact","node":2} (optional feature `compact`, section 3.3)
        "compact" => Step::Compact { node: node()? },
        // {"op":"elect","node":2} (optional feature `elect`, section 3.4)
        "elect" => Step::Elect { node: node()? },
        other => {
            return Err(InvalidStep::new(
                path("op"),
                "R-SCEN-3",
                format!(
                    "unknown op {other:?}, this adapter implements put, delete, append, incr, \
                     cas, partition, crash, restart, heal, snapshot, compact and elect"
                ),
            ));
        }
    };
    Ok(step)
}

/// A list of node ids (`partition`, `snapshot`), in the order given (R-SNAP-3).
fn parse_nodes(nodes: Vec<u64>) -> Vec<NodeId> {
    nodes.into_iter().map(node_id).collect()
}

/// Node ids arrive as JSON integers; one too large for `usize` cannot be in 1..=255 either, and
/// the cluster rejects it by R-NODE-1.
fn node_id(id: u64) -> NodeId {
    NodeId::try_from(id).unwrap_or(NodeId::MAX)
}

/// Decodes hex of either case (R-BYTES-2); anything else is an error, never a guess. The error
/// is the message of an R-BYTES-2 `InvalidStep`.
pub fn parse_hex(hex: &str) -> Result<Vec<u8>, String> {
    let digits = hex.as_bytes();
    if !digits.len().is_multiple_of(2) {
        return Err(format!(
            "hex has odd length {}, so it is not whole bytes",
            digits.len()
        ));
    }
    digits
        .chunks_exact(2)
        .enumerate()
        .map(|(i, pair)| match (nibble(pair[0]), nibble(pair[1])) {
            (Some(high), Some(low)) => Ok(high << 4 | low),
            _ => Err(format!(
                "hex has a non-hex digit at offset {}",
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

/// R-DELTA-1: a canonical decimal string, parsed as an integer. It never goes through `f64`,
/// which would lose every bit below 2^53. The error is the message of an R-DELTA-1 `InvalidStep`.
pub fn parse_delta(delta: &str) -> Result<u64, String> {
    // Checking the digits first also keeps `u64::from_str` from accepting a leading '+'.
    let canonical = !delta.is_empty()
        && delta.bytes().all(|b| b.is_ascii_digit())
        && (delta == "0" || !delta.starts_with('0'));
    if !canonical {
        return Err(format!("delta {delta:?} is not a canonical decimal string"));
    }
    delta
        .parse::<u64>()
        .map_err(|_| format!("delta {delta} is above 2^64 - 1"))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Scenario, InvalidStep> {
        parse_scenario(&mut serde_json::Deserializer::from_str(json)).unwrap()
    }

    fn invalid(step: &str) -> String {
        let json =
            format!(r#"{{"cluster":{{"nodes":3,"leader":1}},"steps":[{{"op":"heal"}},{step}]}}"#);
        parse(&json).unwrap_err().to_string()
    }

    #[test]
    fn spec_section_6_example() {
        let scenario = parse(
            r#"{"cluster":{"nodes":3,"leader":1},"steps":[{"op":"put","key":"a","value":"31"},{"op":"partition","nodes":[3]},{"op":"put","key":"b","value":"00ff"},{"op":"snapshot","nodes":[3]},{"op":"heal"},{"op":"snapshot","nodes":[1,2,3]}]}"#,
        )
        .unwrap();
        let put = |key: &str, value: &[u8]| Step::Command {
            command: Command::Put {
                key: key.into(),
                value: value.to_vec(),
            },
            via: None,
        };
        assert_eq!(
            scenario,
            Scenario {
                nodes: 3,
                leader: 1,
                steps: vec![
                    put("a", b"1"),
                    Step::Partition { nodes: vec![3] },
                    put("b", &[0, 0xFF]),
                    Step::Snapshot { nodes: vec![3] },
                    Step::Heal,
                    Step::Snapshot {
                        nodes: vec![1, 2, 3]
                    },
                ],
            }
        );
    }

    #[test]
    fn elect_and_via_are_read() {
        // R-SCEN-3, R-ROUTE-1: `elect` has `node`; every client command may have `via`.
        let scenario = parse(
            r#"{"cluster":{"nodes":3,"leader":1},"steps":[{"op":"elect","node":2},{"op":"delete","key":"a","via":3},{"op":"incr","key":"n","delta":"1"},{"op":"snapshot","nodes":[1]}]}"#,
        )
        .unwrap();
        assert_eq!(scenario.steps[0], Step::Elect { node: 2 });
        assert_eq!(
            scenario.steps[1],
            Step::Command {
                command: Command::Delete { key: "a".into() },
                via: Some(3)
            }
        );
        assert!(matches!(scenario.steps[2], Step::Command { via: None, .. }));
        assert!(scenario.steps[0].needs_elect() && scenario.steps[1].needs_elect());
        assert!(!scenario.steps[2].needs_elect() && !scenario.steps[3].needs_elect());
        let err = parse(
            r#"{"cluster":{"nodes":3,"leader":1},"steps":[{"op":"elect"},{"op":"snapshot","nodes":[1]}]}"#,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"steps[0].node: missing, and op "elect" requires it (R-SCEN-3)"#
        );
    }

    #[test]
    fn cas_tells_null_from_empty() {
        // R-CAS-2.
        let cas = |expected: &str| {
            let json = format!(
                r#"{{"cluster":{{"nodes":1,"leader":1}},"steps":[{{"op":"cas","key":"k","expected":{expected},"value":""}}]}}"#
            );
            match &parse(&json).unwrap().steps[..] {
                [
                    Step::Command {
                        command: Command::Cas { expected, .. },
                        via: None,
                    },
                ] => expected.clone(),
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(cas("null"), None);
        assert_eq!(cas(r#""""#), Some(vec![]));
        assert_eq!(cas(r#""0A""#), Some(vec![10]));
    }

    #[test]
    fn an_invalid_step_names_its_path_and_rule() {
        for (step, expected) in [
            (
                r#"{"op":"frobnicate","key":"a"}"#,
                r#"steps[1].op: unknown op "frobnicate", this adapter implements put, delete, append, incr, cas, partition, crash, restart, heal, snapshot, compact and elect (R-SCEN-3)"#,
            ),
            (
                r#"{"op":"put","key":"a"}"#,
                r#"steps[1].value: missing, and op "put" requires it (R-SCEN-3)"#,
            ),
            (
                r#"{"op":"put","key":"a","value":"abc"}"#,
                "steps[1].value: hex has odd length 3, so it is not whole bytes (R-BYTES-2)",
            ),
            (
                r#"{"op":"cas","key":"a","value":"00"}"#,
                r#"steps[1].expected: missing, and op "cas" requires it (R-SCEN-3)"#,
            ),
            (
                r#"{"op":"cas","key":"a","expected":"0","value":"00"}"#,
                "steps[1].expected: hex has odd length 1, so it is not whole bytes (R-BYTES-2)",
            ),
            (
                r#"{"op":"incr","key":"a","delta":"01"}"#,
                r#"steps[1].delta: delta "01" is not a canonical decimal string (R-DELTA-1)"#,
            ),
            (
                r#"{"op":"crash"}"#,
                r#"steps[1].node: missing, and op "crash" requires it (R-SCEN-3)"#,
            ),
            (
                r#"{"op":"snapshot"}"#,
                r#"steps[1].nodes: missing, and op "snapshot" requires it (R-SCEN-3)"#,
            ),
        ] {
            assert_eq!(invalid(step), expected);
        }
        // The steps after an invalid one are still read, so the line parses.
        let json = r#"{"cluster":{"nodes":3,"leader":1},"steps":[{"op":"dance"},{"op":"heal"}]}"#;
        assert!(parse(json).is_err());
    }

    #[test]
    fn hex_round_trips_and_rejects_malformed_input() {
        assert_eq!(parse_hex("").unwrap(), Vec::<u8>::new());
        assert_eq!(parse_hex("00ffAb").unwrap(), [0x00, 0xFF, 0xAB]);
        assert_eq!(encode_hex(&[0x00, 0xFF, 0xAB]), "00ffab");
        assert!(parse_hex("abc").unwrap_err().contains("odd length"));
        assert!(parse_hex("0g").unwrap_err().contains("offset 1"));
        assert!(parse_hex("zz").is_err());
        assert!(parse_hex("+1").is_err());
        assert!(parse_hex("\u{e9}").is_err());
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
