//! A Rust port of the rsm-conformance state machine (SPEC.md), driven over adapter protocol v1.
//!
//! `handle` turns one request line into one action, so tests drive the adapter in memory and
//! `main` is only the read loop.

pub mod cluster;
pub mod crc32c;
pub mod protocol;
pub mod run;
pub mod snapshot;
pub mod state_machine;
pub mod store;

use protocol::{Reply, Request, RunRequest};

/// What the read loop does with one request line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Write this line (without its newline) and flush.
    Reply(String),
    /// R-PROTO-9: exit with status 0 without replying.
    Exit,
}

/// Handles one request line. Bad input of any kind is answered with an error reply, never a
/// panic (R-PROTO-8).
pub fn handle(line: &str) -> Action {
    // Bad input never panics, but a bug might. It should cost one request, not the session:
    // the default hook still prints the panic to stderr, where the runner shows it.
    std::panic::catch_unwind(|| respond(line)).unwrap_or_else(|_| {
        Action::Reply(
            Reply::Error {
                id: request_id(line),
                message: "internal error: the adapter panicked on this request (its stderr \
                          has the details); please report it"
                    .into(),
            }
            .to_line(),
        )
    })
}

fn respond(line: &str) -> Action {
    let reply = match protocol::parse_request(line) {
        Ok(Request::Hello) => Reply::hello(),
        Ok(Request::Run(RunRequest {
            id,
            trace,
            scenario,
        })) => match scenario
            .into_scenario()
            .and_then(|scenario| run::run(scenario, trace))
        {
            Ok(output) => Reply::Result {
                id,
                snapshots: output.snapshots,
                trace: output.trace,
            },
            Err(message) => Reply::Error {
                id: Some(id),
                message,
            },
        },
        Ok(Request::Shutdown) => return Action::Exit,
        Err(e) => Reply::Error {
            id: request_id(line),
            message: format!("cannot understand the line {}: {e}", excerpt(line)),
        },
    };
    Action::Reply(reply.to_line())
}

/// An error reply for a line that could not even be read as text.
pub fn error_line(message: &str) -> String {
    Reply::Error {
        id: None,
        message: message.to_owned(),
    }
    .to_line()
}

/// R-PROTO-8: the id of a request that failed to parse as a whole, when it has a string one.
fn request_id(line: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(line).ok()?;
    value.get("id")?.as_str().map(str::to_owned)
}

/// The line, or its start when it is long (a line may be megabytes), for error messages.
fn excerpt(line: &str) -> String {
    const MAX_CHARS: usize = 60;
    match line.char_indices().nth(MAX_CHARS) {
        Some((end, _)) => format!("`{}...`", &line[..end]),
        None => format!("`{line}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn reply(line: &str) -> Value {
        match handle(line) {
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

    const HELLO: &str = r#"{"type":"hello","protocol":1,"name":"rust","version":"0.1.0","features":["append","incr","cas","crash"]}"#;

    #[test]
    fn hello_answers_protocol_1() {
        let expected: Value = serde_json::from_str(HELLO).unwrap();
        assert_eq!(reply(r#"{"type":"hello","protocol":1}"#), expected);
        // R-PROTO-5: asked for another version, it still says the one it speaks.
        assert_eq!(reply(r#"{"type":"hello","protocol":2}"#), expected);
        // R-PROTO-4: unknown fields are ignored.
        assert_eq!(
            reply(r#"{"type":"hello","protocol":1,"later":[1]}"#),
            expected
        );
    }

    #[test]
    fn shutdown_exits_without_a_reply() {
        assert_eq!(handle(r#"{"type":"shutdown"}"#), Action::Exit);
    }

    #[test]
    fn garbage_and_unknown_types_get_error_replies() {
        // R-PROTO-8: the request's id when it has one, else null.
        for (line, id) in [
            ("not json", Value::Null),
            ("", Value::Null),
            ("[1,2]", Value::Null),
            (r#"{"type":"dance","id":"7"}"#, json!("7")),
            (r#"{"id":"8"}"#, json!("8")),
            (r#"{"type":"run","id":"9"}"#, json!("9")),
            (
                r#"{"type":"run","id":10,"trace":false,"scenario":{}}"#,
                Value::Null,
            ),
        ] {
            let r = reply(line);
            assert_eq!(r["type"], "error", "{line}");
            assert_eq!(r["id"], id, "{line}");
            assert!(r["message"].as_str().is_some_and(|m| !m.is_empty()));
        }
    }

    #[test]
    fn unknown_op_and_bad_values_get_error_replies() {
        let cluster = json!({"nodes": 3, "leader": 1});
        for (step, rule) in [
            (json!({"op": "frobnicate", "key": "a"}), "steps[0].op"),
            (
                json!({"op": "put", "key": "a", "value": "abc"}),
                "steps[0].value",
            ),
            (
                json!({"op": "put", "key": "a", "value": "zz"}),
                "steps[0].value",
            ),
            (json!({"op": "put", "key": "a"}), "steps[0].value"),
            (
                json!({"op": "cas", "key": "a", "value": "00"}),
                "steps[0].expected",
            ),
            (
                json!({"op": "cas", "key": "a", "expected": "0", "value": "00"}),
                "steps[0].expected",
            ),
            (
                json!({"op": "incr", "key": "a", "delta": "01"}),
                "steps[0].delta",
            ),
            (
                json!({"op": "incr", "key": "a", "delta": 5}),
                "cannot understand",
            ),
            (json!({"op": "crash", "node": 1}), "R-CRASH-1"),
            (json!({"op": "snapshot", "nodes": [4]}), "R-NODE-1"),
            (
                json!({"op": "snapshot", "nodes": "all"}),
                "cannot understand",
            ),
        ] {
            let r = run_request(json!({"cluster": cluster, "steps": [step]}), false);
            assert_eq!(r["type"], "error", "{step}");
            assert_eq!(r["id"], "r1", "{step}");
            let message = r["message"].as_str().unwrap();
            assert!(message.contains(rule), "{step}: {message}");
        }
        let r = run_request(
            json!({"cluster": {"nodes": 4, "leader": 5}, "steps": []}),
            false,
        );
        assert!(r["message"].as_str().unwrap().contains("R-CLUSTER-2"));
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
    fn incr_noop_still_advances_last_applied_on_the_wire() {
        // R-INCR-3 through the protocol: the 3-byte value stays, but last_applied is 2.
        let scenario = json!({"cluster": {"nodes": 1, "leader": 1}, "steps": [
            {"op": "put", "key": "n", "value": "010203"},
            {"op": "incr", "key": "n", "delta": "18446744073709551615"},
            {"op": "snapshot", "nodes": [1]},
        ]});
        let r = run_request(scenario, false);
        let bytes = protocol::decode_hex(r["snapshots"][0]["hex"].as_str().unwrap()).unwrap();
        let decoded = snapshot::decode(&bytes).unwrap();
        assert_eq!(decoded.header.last_included_index, 2);
        assert_eq!(decoded.pairs, [("n".to_string(), vec![1, 2, 3])]);
    }

    #[test]
    fn keys_travel_as_utf8_in_byte_order() {
        let scenario = json!({"cluster": {"nodes": 1, "leader": 1}, "steps": [
            {"op": "put", "key": "\u{1F600}", "value": ""},
            {"op": "put", "key": "\u{FFFD}", "value": ""},
            {"op": "snapshot", "nodes": [1]},
        ]});
        let r = run_request(scenario, false);
        let bytes = protocol::decode_hex(r["snapshots"][0]["hex"].as_str().unwrap()).unwrap();
        let keys: Vec<String> = snapshot::decode(&bytes)
            .unwrap()
            .pairs
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(keys, ["\u{FFFD}", "\u{1F600}"]);
    }
}
