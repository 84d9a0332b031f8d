//! The golden vectors as a test of the port, and nothing else: the kill signal of `npm run
//! strength:rust` (cargo-mutants over the state machine, the snapshot codec and the store; README
//! "Measuring the corpus with mutation tools"). Every scenario golden under ../../vectors/golden
//! whose features the port lists (`protocol::FEATURES`, as the runner would skip the rest) is run
//! on its normalized scenario, and its snapshots must equal the golden's, step, node and hex.
//!
//! The decode goldens (vectors/golden/decode) join this test once the port decodes (feature
//! `decode`, SPEC.md 4.1): each one's verdict, the rule for a rejection and the fields for an
//! acceptance, against the golden's `expected`.

use std::fs;
use std::path::{Path, PathBuf};

use rsm_adapter::protocol::FEATURES;
use rsm_adapter::run::run_scenario;
use rsm_adapter::scenario::parse_scenario;
use serde_json::Value;

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// ../../vectors/golden, or `RSM_GOLDEN_DIR` when set: cargo-mutants builds a copy of this crate
/// elsewhere, and scripts/strength_rust.sh points it back at the repository's goldens.
fn golden_dir() -> PathBuf {
    std::env::var_os("RSM_GOLDEN_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../vectors/golden"),
        PathBuf::from,
    )
}

#[test]
fn scenario_goldens() {
    let golden = golden_dir();
    let mut files = Vec::new();
    json_files(&golden, &mut files);
    files.retain(|f| !f.starts_with(golden.join("decode")));
    files.sort();
    let (mut run, mut wrong) = (0, Vec::new());
    for file in &files {
        let g: Value = serde_json::from_str(&fs::read_to_string(file).unwrap()).unwrap();
        let name = g["name"].as_str().unwrap();
        let features = g["features"].as_array().unwrap();
        if !features
            .iter()
            .all(|f| FEATURES.contains(&f.as_str().unwrap()))
        {
            continue;
        }
        run += 1;
        let scenario = parse_scenario(&g["scenario"])
            .unwrap_or_else(|e| panic!("{name}: scenario not parsed: {e}"))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let ok = match run_scenario(scenario, false) {
            Ok(result) => {
                let got: Vec<Value> = result
                    .snapshots
                    .iter()
                    .map(|s| serde_json::to_value(s).unwrap())
                    .collect();
                got == *g["snapshots"].as_array().unwrap()
            }
            Err(_) => false,
        };
        if !ok {
            wrong.push(name.to_owned());
        }
    }
    assert!(run > 200, "only {run} scenario goldens run");
    assert!(
        wrong.is_empty(),
        "{} of {run} goldens differ: {wrong:?}",
        wrong.len()
    );
}
