//! The golden vectors of SPEC.md section 8, read as data from `vectors/golden/`: every scenario
//! golden is run through the protocol and must give exactly its snapshots, every snapshot in it
//! is a decode input that must be accepted with the fields it was encoded from (section 4.1), and
//! every decode golden (`vectors/golden/decode/`) must get its verdict (the rule only, for a
//! rejection, as the runner compares it). `RSM_GOLDEN_DIR=/path/to/vectors/golden cargo test
//! --release --test goldens` checks another directory of goldens.

use std::fs;
use std::path::{Path, PathBuf};

use rsm_adapter::protocol::{Action, handle_line};
use rsm_adapter::scenario::parse_hex;
use rsm_adapter::snapshot::decode_snapshot;
use serde_json::{Value, json};

fn goldens() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    // RSM_GOLDEN_DIR checks another checkout's goldens, e.g. newer ones than this tree's.
    let root = std::env::var_os("RSM_GOLDEN_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../vectors/golden"),
        PathBuf::from,
    );
    let mut out = Vec::new();
    walk(&root, &mut out);
    out.sort();
    out
}

fn reply(request: &Value) -> Value {
    match handle_line(&request.to_string()) {
        Action::Reply(line) => serde_json::from_str(&line).unwrap(),
        Action::Exit => panic!("no reply"),
    }
}

#[test]
fn every_golden_passes() {
    let files = goldens();
    assert!(files.len() > 100, "the goldens are at ../../vectors/golden");
    let (mut scenarios, mut decodes, mut snapshots) = (0, 0, 0);
    for path in files {
        let golden: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        let name = golden["name"].as_str().unwrap().to_owned();
        if let Some(hex) = golden["hex"].as_str() {
            // A decode golden.
            decodes += 1;
            let r = reply(&json!({"type": "decode", "id": name, "hex": hex}));
            let expected = &golden["expected"];
            assert_eq!(r["type"], expected["type"], "{name}: {r}");
            if expected["type"] == "decoded" {
                assert_eq!(r["snapshot"], expected["snapshot"], "{name}");
            } else {
                assert_eq!(r["rule"], expected["rule"], "{name}: {r}");
            }
            continue;
        }
        scenarios += 1;
        for trace in [false, true] {
            let r = reply(
                &json!({"type": "run", "id": name, "name": name, "trace": trace,
                                  "scenario": golden["scenario"]}),
            );
            assert_eq!(r["snapshots"], golden["snapshots"], "{name}: {r}");
        }
        for entry in golden["snapshots"].as_array().unwrap() {
            snapshots += 1;
            let bytes = parse_hex(entry["hex"].as_str().unwrap()).unwrap();
            let decoded = decode_snapshot(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
            let again = decoded.encode();
            assert_eq!(
                again, bytes,
                "{name}: decode then encode gives the same bytes"
            );
        }
    }
    eprintln!("{scenarios} scenario goldens ({snapshots} snapshots), {decodes} decode goldens");
}
