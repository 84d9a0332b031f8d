//! The file map of adapters/README.md, in its order: each module uses only modules below it, so
//! there is no import circle and a SPEC change lands in the same file in every port. The README
//! names one use that goes the other way, `run` using `scenario` (the scenario it runs); that
//! one is allowed, and `scenario` in turn uses nothing above `run`.

use std::fs;
use std::path::Path;

/// Top to bottom. `main` is above them all.
const LAYERS: [&str; 8] = [
    "protocol",
    "scenario",
    "run",
    "cluster",
    "state_machine",
    "store",
    "snapshot",
    "crc32c",
];

/// Uses that adapters/README.md lists although they go up the table.
const LISTED_UPWARD: [(&str, &str); 1] = [("run", "scenario")];

/// The modules a source file names as `crate::x` or `rsm_adapter::x`, in its code before the
/// unit tests (tests may use anything).
fn used_modules(source: &str) -> Vec<&'static str> {
    let code = source.split("#[cfg(test)]").next().unwrap_or_default();
    LAYERS
        .into_iter()
        .filter(|module| {
            [format!("crate::{module}"), format!("rsm_adapter::{module}")]
                .iter()
                .any(|path| {
                    code.match_indices(path.as_str()).any(|(at, _)| {
                        // `crate::store` must not match `crate::store_x`.
                        let next = code[at + path.len()..].chars().next();
                        !next.is_some_and(|c| c.is_alphanumeric() || c == '_')
                    })
                })
        })
        .collect()
}

#[test]
fn dependencies_point_down_the_file_map() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files: Vec<String> = fs::read_dir(&src)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    let mut expected: Vec<String> = LAYERS.iter().map(|m| format!("{m}.rs")).collect();
    expected.extend(["lib.rs".into(), "main.rs".into()]);
    expected.sort();
    assert_eq!(files, expected, "the file map of adapters/README.md");

    for (rank, module) in LAYERS.iter().enumerate() {
        let source = fs::read_to_string(src.join(format!("{module}.rs"))).unwrap();
        for used in used_modules(&source) {
            let used_rank = LAYERS.iter().position(|m| *m == used).unwrap();
            assert!(
                used_rank > rank || LISTED_UPWARD.contains(&(module, used)),
                "{module} uses {used}, which is not below it in adapters/README.md"
            );
        }
    }
    // `main` hands stdin and stdout to `protocol::serve` and knows nothing else.
    let main = fs::read_to_string(src.join("main.rs")).unwrap();
    assert_eq!(used_modules(&main), ["protocol"]);
}
