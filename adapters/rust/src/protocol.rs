//! Adapter protocol v1 (SPEC.md section 7): the request and reply messages, serde_json as the one
//! JSON parser, and one reply line per request. `decode` requests (R-PROTO-13) are answered with
//! `decoded` or `rejected`.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, Write};
use std::panic::{self, AssertUnwindSafe};

use serde::de::{IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::run::{RunResult, SnapshotEntry, TraceEntry, run_scenario};
use crate::scenario::{InvalidStep, Scenario, encode_hex, parse_hex, parse_scenario};
use crate::snapshot::{DecodeError, DecodedSnapshot, decode_snapshot};

/// R-PROTO-5: the one protocol version this adapter speaks.
pub const PROTOCOL: u64 = 1;
pub const NAME: &str = "rust";
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// R-PROTO-5: every optional feature, in the order the spec lists them: those of section 6, then
/// `compact` (section 3.3), `elect` (section 3.4) and `decode` (section 4.1).
pub const FEATURES: [&str; 7] = [
    "append", "incr", "cas", "crash", "compact", "elect", "decode",
];

/// What `serve` does with one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Write this line (without its newline) and flush.
    Reply(String),
    /// R-PROTO-9: exit with status 0 without replying.
    Exit,
}

/// Answers `lines` one at a time, in order (R-PROTO-3), until a shutdown or the end of input
/// (R-PROTO-9). Only a failure to read or write ends it early: bad input of any kind is answered
/// with an error reply and the session goes on (R-PROTO-8).
pub fn serve(
    lines: impl IntoIterator<Item = io::Result<String>>,
    mut output: impl Write,
) -> io::Result<()> {
    for line in lines {
        let action = match line {
            // Bad input never panics, but a bug might. It should cost one request, not the
            // session: the default hook still prints the panic to stderr, where the runner
            // shows it.
            Ok(line) => panic::catch_unwind(AssertUnwindSafe(|| handle_line(&line)))
                .unwrap_or_else(|_| {
                    Action::Reply(error_reply(
                        request_id(&line).as_deref(),
                        "internal error: the adapter panicked on this request (its stderr has \
                         the details); please report it",
                    ))
                }),
            // R-PROTO-1, R-PROTO-8: a line that is not UTF-8 is bad input, not a reason to stop.
            // `Lines` has consumed it through its newline, so the next request reads cleanly.
            Err(e) if e.kind() == io::ErrorKind::InvalidData => Action::Reply(error_reply(
                None,
                &format!("the line is not UTF-8 ({e}), so it is not a message (R-PROTO-1)"),
            )),
            Err(e) => {
                return Err(io::Error::new(
                    e.kind(),
                    format!("cannot read a request: {e}"),
                ));
            }
        };
        match action {
            Action::Reply(reply) => {
                // R-PROTO-2: flush every message so the runner never waits on a buffer.
                output
                    .write_all(reply.as_bytes())
                    .and_then(|()| output.write_all(b"\n"))
                    .and_then(|()| output.flush())
                    .map_err(|e| io::Error::new(e.kind(), format!("cannot write a reply: {e}")))?;
            }
            Action::Exit => return Ok(()),
        }
    }
    Ok(())
}

/// A runner message. Unknown fields are ignored (R-PROTO-4); an unknown `type` fails to parse
/// and is answered with an error (R-PROTO-8). Read it with `parse_request`.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Request {
    /// R-PROTO-5: the requested `protocol` is deliberately not read. Whatever the runner asks
    /// for, the answer is the version spoken here, and the runner judges the mismatch.
    Hello,
    /// R-PROTO-6.
    Run(RunRequest),
    /// R-PROTO-13.
    Decode(DecodeRequest),
    /// R-PROTO-9.
    Shutdown,
}

#[derive(Deserialize)]
struct RunRequest {
    id: String,
    /// R-PROTO-7.
    #[serde(default)]
    trace: bool,
    #[serde(deserialize_with = "parse_scenario")]
    scenario: Result<Scenario, InvalidStep>,
}

/// R-PROTO-13: `hex` missing or not a string fails the parse, and the line gets an error under
/// its id (R-PROTO-10).
#[derive(Deserialize)]
struct DecodeRequest {
    id: String,
    hex: String,
}

/// Answers one request line: a reply, or the exit of a shutdown.
pub fn handle_line(line: &str) -> Action {
    // R-PROTO-4 lets a blank line be skipped or answered with an error whose id is null. An
    // answer is easier to see in the runner's log than a silence.
    if line.trim().is_empty() {
        return Action::Reply(error_reply(
            None,
            "a blank line is not a message (R-PROTO-4)",
        ));
    }
    match parse_request(line) {
        Ok(Request::Hello) => Action::Reply(hello_reply()),
        Ok(Request::Run(run)) => Action::Reply(handle_run(run)),
        Ok(Request::Decode(decode)) => Action::Reply(handle_decode(&decode)),
        Ok(Request::Shutdown) => Action::Exit,
        Err(e) => Action::Reply(error_reply(
            request_id(line).as_deref(),
            &format!(
                "cannot understand the line {}: {e} (R-PROTO-8)",
                excerpt(line)
            ),
        )),
    }
}

/// Reads one request line into `Request`. Serde's internally tagged enums buffer every field of
/// a message before they pick the variant, which for a `run` line is a second, slower copy of a
/// scenario that may have a million steps. So the `type` is peeked first (skipping the rest is
/// cheap), and a `run` request is parsed straight into `RunRequest`; every other line goes
/// through the enum, which also names the types it knows when the `type` is unknown.
fn parse_request(line: &str) -> serde_json::Result<Request> {
    #[derive(Deserialize)]
    struct Envelope<'a> {
        #[serde(rename = "type", borrow)]
        kind: Option<Cow<'a, str>>,
    }
    match serde_json::from_str::<Envelope>(line) {
        Ok(Envelope { kind: Some(kind) }) if kind == "run" => {
            serde_json::from_str::<RunRequest>(line).map(Request::Run)
        }
        // A decode line carries a whole snapshot in hex, which may be megabytes too.
        Ok(Envelope { kind: Some(kind) }) if kind == "decode" => {
            serde_json::from_str::<DecodeRequest>(line).map(Request::Decode)
        }
        _ => serde_json::from_str::<Request>(line),
    }
}

/// R-PROTO-8: the id of a line that failed to parse as a whole, when the line is a JSON object
/// whose `id` is a string; otherwise none. The other properties are skipped, not built, as the
/// line may be megabytes long.
fn request_id(line: &str) -> Option<String> {
    struct IdOfObject;

    impl<'de> Visitor<'de> for IdOfObject {
        type Value = Option<String>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut id = None;
            while let Some(key) = map.next_key::<Cow<str>>()? {
                if key == "id" {
                    id = map
                        .next_value::<serde_json::Value>()?
                        .as_str()
                        .map(str::to_owned);
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(id)
        }
    }

    let mut deserializer = serde_json::Deserializer::from_str(line);
    let id = deserializer.deserialize_map(IdOfObject).ok()?;
    // Trailing text makes the line something else than one JSON value, so it has no id.
    deserializer.end().ok()?;
    id
}

/// The line, or its start when it is long (a line may be megabytes), for error messages.
fn excerpt(line: &str) -> String {
    const MAX_CHARS: usize = 60;
    match line.char_indices().nth(MAX_CHARS) {
        Some((end, _)) => format!("`{}...`", &line[..end]),
        None => format!("`{line}`"),
    }
}

/// R-PROTO-6: runs the scenario and answers with its result, or with the first invalid step as
/// an error under the request's id (R-PROTO-8).
fn handle_run(run: RunRequest) -> String {
    match run
        .scenario
        .and_then(|scenario| run_scenario(scenario, run.trace))
    {
        Ok(result) => result_reply(&run.id, result),
        Err(invalid) => error_reply(Some(&run.id), &invalid.to_string()),
    }
}

/// R-PROTO-13: decodes B and answers with its fields or the rule that rejects it. Hex that is not
/// hex is a request this adapter cannot parse, so it is an error (R-PROTO-8), not a rejection:
/// the runner only sends even-length lowercase hex, and B's rules are about bytes.
fn handle_decode(decode: &DecodeRequest) -> String {
    match parse_hex(&decode.hex) {
        Ok(bytes) => match decode_snapshot(&bytes) {
            Ok(snapshot) => decoded_reply(&decode.id, &snapshot),
            Err(rejection) => rejected_reply(&decode.id, &rejection),
        },
        Err(message) => error_reply(
            Some(&decode.id),
            &format!("decode: `hex` is not hex: {message} (R-PROTO-13)"),
        ),
    }
}

/// An adapter message. Field order on the wire does not matter; one message is one line.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Reply<'a> {
    Hello {
        protocol: u64,
        name: &'static str,
        version: &'static str,
        features: [&'static str; 7],
    },
    Result {
        id: &'a str,
        snapshots: &'a [SnapshotEntry],
        /// R-PROTO-7: absent, not null, when no trace was asked for.
        #[serde(skip_serializing_if = "Option::is_none")]
        trace: Option<&'a [TraceEntry]>,
    },
    /// R-PROTO-13.
    Decoded {
        id: &'a str,
        snapshot: WireSnapshot<'a>,
    },
    /// R-PROTO-13: `rule` is `R-DECODE-<n>`.
    Rejected {
        id: &'a str,
        rule: &'a str,
        message: &'a str,
    },
    /// R-PROTO-8: `id` is null when the request had no string id (or none that could be read).
    Error {
        id: Option<&'a str>,
        message: &'a str,
    },
}

/// A decoded snapshot as a `decoded` reply carries it: u64s as exact decimal strings (never a
/// JSON number, which a double would round), keys as JSON strings of their code points (serde_json
/// escapes U+0000 and other controls, and keeps everything else, a BOM included, as it is),
/// values as lowercase hex, pairs in the order of B.
#[derive(Serialize)]
struct WireSnapshot<'a> {
    current_term: String,
    last_included_index: String,
    last_included_term: String,
    pairs: Vec<WirePair<'a>>,
}

#[derive(Serialize)]
struct WirePair<'a> {
    key: &'a str,
    value: String,
}

impl Reply<'_> {
    /// The reply as one line, without the newline. serde_json escapes control characters, so
    /// the line never contains a raw newline (R-PROTO-1).
    fn to_line(&self) -> String {
        serde_json::to_string(self).expect("a reply has only string keys, so it always serialises")
    }
}

/// R-PROTO-5.
pub fn hello_reply() -> String {
    Reply::Hello {
        protocol: PROTOCOL,
        name: NAME,
        version: VERSION,
        features: FEATURES,
    }
    .to_line()
}

/// R-PROTO-6, R-PROTO-7.
pub fn result_reply(id: &str, result: RunResult) -> String {
    Reply::Result {
        id,
        snapshots: &result.snapshots,
        trace: result.trace.as_deref(),
    }
    .to_line()
}

/// R-PROTO-13: B accepted.
pub fn decoded_reply(id: &str, snapshot: &DecodedSnapshot) -> String {
    let header = snapshot.header;
    Reply::Decoded {
        id,
        snapshot: WireSnapshot {
            current_term: header.current_term.to_string(),
            last_included_index: header.last_included_index.to_string(),
            last_included_term: header.last_included_term.to_string(),
            pairs: snapshot
                .pairs
                .iter()
                .map(|(key, value)| WirePair {
                    key,
                    value: encode_hex(value),
                })
                .collect(),
        },
    }
    .to_line()
}

/// R-PROTO-13: B rejected, by exactly one rule.
pub fn rejected_reply(id: &str, rejection: &DecodeError) -> String {
    Reply::Rejected {
        id,
        rule: &rejection.rule_id(),
        message: &rejection.to_string(),
    }
    .to_line()
}

/// R-PROTO-8.
pub fn error_reply(id: Option<&str>, message: &str) -> String {
    Reply::Error { id, message }.to_line()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse_hex;
    use crate::snapshot::decode_snapshot;
    use serde_json::{Value, json};

    fn reply(line: &str) -> Value {
        match handle_line(line) {
            Action::Reply(reply) => {
                assert!(!reply.contains('\n'), "a reply is one line");
                serde_json::from_str(&reply).expect("replies are JSON")
            }
            Action::Exit => panic!("expected a reply to {line}"),
        }
    }

    fn run_request(scenario: Value, trace: bool) -> Value {
        let request = json!({"type": "run", "id": "r1", "name": "t", "trace": trace,
                             "scenario": scenario});
        reply(&request.to_string())
    }

    /// The replies `serve` writes for `input`, which need not be UTF-8.
    fn session(input: &[u8]) -> Vec<Value> {
        let mut output = Vec::new();
        serve(io::BufRead::lines(input), &mut output).expect("in memory, nothing fails");
        String::from_utf8(output)
            .expect("replies are UTF-8")
            .lines()
            .map(|line| serde_json::from_str(line).expect("replies are JSON"))
            .collect()
    }

    const HELLO: &str = r#"{"type":"hello","protocol":1,"name":"rust","version":"0.1.0","features":["append","incr","cas","crash","compact","elect","decode"]}"#;

    #[test]
    fn hello_answers_protocol_1() {
        let expected: Value = serde_json::from_str(HELLO).unwrap();
        assert_eq!(reply(r#"{"type":"hello","protocol":1}"#), expected);
        // R-PROTO-5: asked for another version, it still says the one it speaks.
        assert_eq!(reply(r#"{"type":"hello","protocol":2}"#), expected);
        // R-PROTO-4: unknown fields are ignored.
        assert_eq!(
            reply(r#"{"type":"hello","protocol":1,"later":[1],"id":5}"#),
            expected
        );
        assert_eq!(hello_reply(), HELLO);
    }

    #[test]
    fn shutdown_exits_without_a_reply() {
        // R-PROTO-9: nothing after the shutdown is read.
        assert_eq!(handle_line(r#"{"type":"shutdown"}"#), Action::Exit);
        let input = "{\"type\":\"shutdown\"}\n{\"type\":\"hello\",\"protocol\":1}\n";
        assert_eq!(session(input.as_bytes()), Vec::<Value>::new());
        // The end of input is a shutdown too, with or without a final newline.
        assert_eq!(session(b"{\"type\":\"hello\",\"protocol\":1}").len(), 1);
    }

    #[test]
    fn every_line_it_does_not_understand_gets_an_error_and_the_session_goes_on() {
        let valid = r#"{"cluster":{"nodes":3,"leader":1},"steps":[{"op":"snapshot","nodes":[1]}]}"#;
        let ten_mb = 10 << 20;
        // R-PROTO-8: each line, and the id its error reply must carry: the request's when it
        // is a string, else null.
        let lines: Vec<(Vec<u8>, Value)> = vec![
            // R-PROTO-4: a blank line is answered, with a null id.
            (b"".to_vec(), Value::Null),
            (b" \t ".to_vec(), Value::Null),
            (b"not json".to_vec(), Value::Null),
            (b"{\"type\":\"hello\"".to_vec(), Value::Null),
            (b"{\"type\":\"hello\",\"id\":\"1\"} trailing".to_vec(), Value::Null),
            // Invalid UTF-8, around an otherwise valid request with a string id.
            (b"{\"type\":\"dance\",\"id\":\"\xff\xfe\"}".to_vec(), Value::Null),
            (b"\xc3\x28".to_vec(), Value::Null),
            // JSON that is not an object.
            (b"[1,2]".to_vec(), Value::Null),
            (b"[\"type\",\"hello\"]".to_vec(), Value::Null),
            (b"\"hello\"".to_vec(), Value::Null),
            (b"42".to_vec(), Value::Null),
            (b"null".to_vec(), Value::Null),
            // A lone surrogate is not Unicode, so the line is not a message.
            (br#"{"type":"dance","id":"\ud800"}"#.to_vec(), Value::Null),
            // Objects that are not requests.
            (br#"{}"#.to_vec(), Value::Null),
            (br#"{"type":"dance","id":"7"}"#.to_vec(), json!("7")),
            (br#"{"type":7,"id":"7b"}"#.to_vec(), json!("7b")),
            (br#"{"id":"8"}"#.to_vec(), json!("8")),
            // Runs that are not runs.
            (br#"{"type":"run","id":"9"}"#.to_vec(), json!("9")),
            (br#"{"type":"run","id":"9b","scenario":null}"#.to_vec(), json!("9b")),
            (
                format!(r#"{{"type":"run","id":10,"trace":false,"scenario":{valid}}}"#).into(),
                Value::Null,
            ),
            (
                format!(r#"{{"type":"run","id":null,"trace":false,"scenario":{valid}}}"#).into(),
                Value::Null,
            ),
            (
                format!(r#"{{"type":"run","id":"11","trace":"true","scenario":{valid}}}"#).into(),
                json!("11"),
            ),
            (
                br#"{"type":"run","id":"12","scenario":{"cluster":{"nodes":3,"leader":1},"steps":[{"op":"incr","key":"a","delta":5}]}}"#.to_vec(),
                json!("12"),
            ),
            (
                br#"{"type":"run","id":"13","scenario":{"cluster":{"nodes":3,"leader":1},"steps":[{"op":"snapshot","nodes":"all"}]}}"#.to_vec(),
                json!("13"),
            ),
            // 10 MB of garbage, and 10 MB nested past serde_json's depth limit behind a string id.
            (vec![b'x'; ten_mb], Value::Null),
            (
                [&br#"{"type":"run","id":"14","scenario":"#[..], &vec![b'['; ten_mb]].concat(),
                Value::Null,
            ),
        ];
        let mut input = Vec::new();
        for (line, _) in &lines {
            input.extend_from_slice(line);
            input.extend_from_slice(b"\n{\"type\":\"hello\",\"protocol\":1}\n");
        }
        let replies = session(&input);
        assert_eq!(replies.len(), 2 * lines.len(), "one reply per line");
        let hello: Value = serde_json::from_str(HELLO).unwrap();
        for ((line, id), pair) in lines.iter().zip(replies.chunks(2)) {
            let line = String::from_utf8_lossy(&line[..line.len().min(80)]);
            let error = &pair[0];
            assert_eq!(error["type"], "error", "{line}");
            assert_eq!(&error["id"], id, "{line}");
            let message = error["message"].as_str().unwrap_or_default();
            assert!(
                !message.is_empty() && message.len() < 1000,
                "{line}: {message}"
            );
            assert_eq!(pair[1], hello, "the session goes on after {line}");
        }
    }

    #[test]
    fn an_invalid_step_is_an_error_under_the_requests_id() {
        let cluster = json!({"nodes": 3, "leader": 1});
        for (steps, message) in [
            (
                json!([{"op": "put", "key": "a", "value": "31"}, {"op": "crash", "node": 1}]),
                "steps[1].node: crash of node 1, the leader, is not allowed (R-CRASH-1)",
            ),
            (
                json!([{"op": "frobnicate", "key": "a"}]),
                "steps[0].op: unknown op \"frobnicate\", this adapter implements put, delete, \
                 append, incr, cas, partition, crash, restart, heal, snapshot, compact and elect (R-SCEN-3)",
            ),
            (
                json!([{"op": "put", "key": "a", "value": "zz"}]),
                "steps[0].value: hex has a non-hex digit at offset 0 (R-BYTES-2)",
            ),
            (
                json!([{"op": "snapshot", "nodes": [1, 4]}]),
                "steps[0].nodes[1]: node 4 is outside 1..3 (R-NODE-1)",
            ),
        ] {
            let r = run_request(json!({"cluster": cluster, "steps": steps}), false);
            assert_eq!(r, json!({"type": "error", "id": "r1", "message": message}));
        }
        let r = run_request(
            json!({"cluster": {"nodes": 4, "leader": 5}, "steps": []}),
            false,
        );
        assert_eq!(
            r["message"],
            "cluster.leader: leader 5 is outside 1..4 (R-CLUSTER-2)"
        );
    }

    #[test]
    fn spec_section_6_example() {
        let scenario: Value = serde_json::from_str(
            r#"{"cluster":{"nodes":3,"leader":1},"steps":[{"op":"put","key":"a","value":"31"},{"op":"partition","nodes":[3]},{"op":"put","key":"b","value":"00ff"},{"op":"snapshot","nodes":[3]},{"op":"heal"},{"op":"snapshot","nodes":[1,2,3]}]}"#,
        )
        .unwrap();
        // Store {"a": 31} at last_applied 1; CRC checked with an independent bitwise CRC-32C.
        let one = "524b56310000000000000001000000000000000100000000000000010000000100000001610000000131ed7607a5";
        let two = "524b5631000000000000000100000000000000020000000000000001000000020000000161000000013100000001620000000200ff63c4d85c";
        let r = run_request(scenario.clone(), false);
        assert_eq!(
            r,
            json!({"type": "result", "id": "r1", "snapshots": [
                {"step": 3, "node": 3, "hex": one},
                {"step": 5, "node": 1, "hex": two},
                {"step": 5, "node": 2, "hex": two},
                {"step": 5, "node": 3, "hex": two},
            ]})
        );
        assert!(r.get("trace").is_none(), "no trace key without trace");

        let r = run_request(scenario, true);
        let trace = r["trace"].as_array().unwrap();
        assert_eq!(
            trace.len(),
            6,
            "one entry per step, snapshot steps included"
        );
        assert_eq!(trace[3]["step"], 3);
        assert_eq!(trace[3]["states"][2], one);
        assert_eq!(trace[5]["states"], json!([two, two, two]));
    }

    #[test]
    fn run_requests_parse_with_the_type_anywhere() {
        // `parse_request` peeks at the type; the answer must not depend on where it sits.
        let scenario =
            r#"{"cluster":{"nodes":1,"leader":1},"steps":[{"op":"snapshot","nodes":[1]}]}"#;
        let type_first = format!(r#"{{"type":"run","id":"a","trace":true,"scenario":{scenario}}}"#);
        let type_last = format!(r#"{{"id":"a","scenario":{scenario},"trace":true,"type":"run"}}"#);
        assert_eq!(reply(&type_first), reply(&type_last));
        assert_eq!(reply(&type_last)["type"], "result");
    }

    #[test]
    fn trace_shows_down_nodes_as_null() {
        let scenario = json!({"cluster": {"nodes": 3, "leader": 2}, "steps": [
            {"op": "crash", "node": 3},
            {"op": "snapshot", "nodes": [1, 2]},
            {"op": "restart", "node": 3},
        ]});
        let r = run_request(scenario, true);
        let empty = "524b563100000000000000010000000000000000000000000000000000000000045540e9";
        assert_eq!(
            r["trace"],
            json!([
                {"step": 0, "states": [empty, empty, null]},
                {"step": 1, "states": [empty, empty, null]},
                {"step": 2, "states": [empty, empty, empty]},
            ])
        );
    }

    #[test]
    fn an_elect_trace_has_raft_states() {
        // R-TRACE-1: `raft` beside `states`, null exactly where the state is.
        let scenario = json!({"cluster": {"nodes": 2, "leader": 1}, "steps": [
            {"op": "elect", "node": 2},
            {"op": "crash", "node": 1},
            {"op": "put", "key": "a", "value": "31", "via": 1},
            {"op": "snapshot", "nodes": [2]},
        ]});
        let r = run_request(scenario, true);
        let trace = r["trace"].as_array().unwrap();
        let leader = json!({"role": "leader", "voted_for": 2, "log_length": 1, "last_log_term": 2});
        let follower =
            json!({"role": "follower", "voted_for": 2, "log_length": 1, "last_log_term": 2});
        assert_eq!(trace[0]["raft"], json!([follower, leader]));
        for entry in &trace[1..] {
            assert_eq!(
                entry["raft"],
                json!([null, leader]),
                "the put via 1 is dropped"
            );
            assert!(entry["states"][0].is_null());
        }
        // Node 2's state: term 2, the no-op at index 1 of term 2, an empty store.
        let state = parse_hex(trace[3]["states"][1].as_str().unwrap()).unwrap();
        let header = decode_snapshot(&state).unwrap().header;
        assert_eq!(
            (
                header.current_term,
                header.last_included_index,
                header.last_included_term
            ),
            (2, 1, 2)
        );
        assert_eq!(r["snapshots"][0]["hex"], trace[3]["states"][1]);
    }

    #[test]
    fn incr_noop_still_advances_last_applied_on_the_wire() {
        // R-INCR-3 through the protocol: the 3-byte value stays, but last_applied is 2.
        let scenario = json!({"cluster": {"nodes": 1, "leader": 1}, "steps": [
            {"op": "put", "key": "n", "value": "010203"},
            {"op": "incr", "key": "n", "delta": "18446744073709551615"},
            {"op": "snapshot", "nodes": [1]},
        ]});
        let r = run_request(scenario, false);
        let bytes = parse_hex(r["snapshots"][0]["hex"].as_str().unwrap()).unwrap();
        let decoded = decode_snapshot(&bytes).unwrap();
        assert_eq!(decoded.header.last_included_index, 2);
        assert_eq!(decoded.pairs, [("n".to_string(), vec![1, 2, 3])]);
    }

    #[test]
    fn decode_answers_decoded_with_exact_fields() {
        // The second worked example of section 4.
        let two = "524b5631000000000000000100000000000000020000000000000001000000020000000161000000013100000001620000000200ff63c4d85c";
        assert_eq!(
            reply(&json!({"type": "decode", "id": "d1", "hex": two}).to_string()),
            json!({"type": "decoded", "id": "d1", "snapshot": {
                "current_term": "1", "last_included_index": "2", "last_included_term": "1",
                "pairs": [{"key": "a", "value": "31"}, {"key": "b", "value": "00ff"}]}})
        );
        // u64s as exact decimal strings, keys as their code points: U+0000 and a BOM kept whole.
        let mut body = b"RKV1".to_vec();
        for field in [7u64, u64::MAX, 7] {
            body.extend_from_slice(&field.to_be_bytes());
        }
        body.extend_from_slice(&2u32.to_be_bytes());
        for key in ["\u{0}x", "\u{FEFF}y"] {
            body.extend_from_slice(&(key.len() as u32).to_be_bytes());
            body.extend_from_slice(key.as_bytes());
            body.extend_from_slice(&[0, 0, 0, 0]);
        }
        let crc = crate::crc32c::crc32c(&body);
        body.extend_from_slice(&crc.to_be_bytes());
        let line = json!({"type": "decode", "id": "d2", "hex": encode_hex(&body)}).to_string();
        let Action::Reply(text) = handle_line(&line) else {
            panic!("a reply")
        };
        assert!(
            text.contains(r#""last_included_index":"18446744073709551615""#),
            "{text}"
        );
        assert!(text.contains(r#""key":"\u0000x""#), "{text}");
        assert_eq!(
            reply(&line)["snapshot"],
            json!({"current_term": "7", "last_included_index": "18446744073709551615",
                   "last_included_term": "7",
                   "pairs": [{"key": "\u{0}x", "value": ""}, {"key": "\u{FEFF}y", "value": ""}]})
        );
    }

    #[test]
    fn decode_answers_rejected_with_the_rule() {
        let empty = "524b563100000000000000010000000000000000000000000000000000000000045540e9";
        for (hex, rule) in [
            ("", "R-DECODE-1"),
            (&empty[..70], "R-DECODE-1"),
            (&*empty.replace("524b5631", "524b5632"), "R-DECODE-2"),
            (&*empty.replace("045540e9", "045540e8"), "R-DECODE-3"),
        ] {
            let r = reply(&json!({"type": "decode", "id": "x", "hex": hex}).to_string());
            assert_eq!(r["type"], "rejected", "{hex}");
            assert_eq!(r["id"], "x");
            assert_eq!(r["rule"], rule, "{hex}");
            assert!(!r["message"].as_str().unwrap().is_empty());
        }
    }

    #[test]
    fn a_decode_that_cannot_be_parsed_is_an_error() {
        // R-PROTO-10: hex missing or not a string, with the id when it is a string.
        for (line, id) in [
            (json!({"type": "decode", "id": "e1"}), json!("e1")),
            (json!({"type": "decode", "id": "e2", "hex": 5}), json!("e2")),
            (
                json!({"type": "decode", "id": "e3", "hex": null}),
                json!("e3"),
            ),
            (
                json!({"type": "decode", "id": "e4", "hex": ["00"]}),
                json!("e4"),
            ),
            // Not hex: odd length, or a digit that is not hex.
            (
                json!({"type": "decode", "id": "e5", "hex": "524"}),
                json!("e5"),
            ),
            (
                json!({"type": "decode", "id": "e6", "hex": "zz"}),
                json!("e6"),
            ),
            // An id that is not a string.
            (json!({"type": "decode", "id": 7, "hex": ""}), Value::Null),
            (json!({"type": "decode", "hex": ""}), Value::Null),
        ] {
            let r = reply(&line.to_string());
            assert_eq!(r["type"], "error", "{line}");
            assert_eq!(r["id"], id, "{line}");
        }
        // And the session goes on.
        let input =
            "{\"type\":\"decode\",\"id\":\"a\"}\n{\"type\":\"decode\",\"id\":\"b\",\"hex\":\"\"}\n";
        let replies = session(input.as_bytes());
        assert_eq!(replies.len(), 2);
        assert_eq!(replies[1]["rule"], "R-DECODE-1");
        // Unknown fields are ignored (R-PROTO-4), and the type may come last.
        let r = reply(r#"{"hex":"","later":true,"id":"f","type":"decode"}"#);
        assert_eq!(r["type"], "rejected");
    }

    #[test]
    fn keys_travel_as_utf8_in_byte_order() {
        let scenario = json!({"cluster": {"nodes": 1, "leader": 1}, "steps": [
            {"op": "put", "key": "\u{1F600}", "value": ""},
            {"op": "put", "key": "\u{FFFD}", "value": ""},
            {"op": "snapshot", "nodes": [1]},
        ]});
        let r = run_request(scenario, false);
        let bytes = parse_hex(r["snapshots"][0]["hex"].as_str().unwrap()).unwrap();
        let keys: Vec<String> = decode_snapshot(&bytes)
            .unwrap()
            .pairs
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(keys, ["\u{FFFD}", "\u{1F600}"]);
    }
}
