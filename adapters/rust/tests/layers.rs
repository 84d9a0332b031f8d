//! The file map of adapters/README.md, read from the README itself so that the port cannot drift
//! from it unnoticed: the same files, each holding the functions and types of its row in the
//! row's order, and imports along the README's arrows, with no circle. A SPEC change then lands
//! at the same place in every port.

use std::fs;
use std::path::{Path, PathBuf};

/// The table's rows below `main`, top to bottom.
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

/// Uses the README's arrows leave out, and why Rust needs each (none today: the README lists every use
/// the three ports share; a use only Rust needs goes here, with its reason).
const ALSO_USED: [(&str, &str, &str); 0] = [];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn source(module: &str) -> String {
    fs::read_to_string(src().join(format!("{module}.rs")))
        .unwrap_or_else(|e| panic!("{module}.rs: {e}"))
}

/// adapters/README.md with its lines joined, as a sentence may wrap.
fn readme() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The words of `text` between backticks.
fn quoted(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// The file map: each file with the names of its row, in the row's order.
fn file_map() -> Vec<(String, Vec<String>)> {
    let readme = readme();
    let mut lines = readme
        .lines()
        .skip_while(|line| !(line.starts_with("| file |") && line.contains("in this order")));
    assert!(
        lines.next().is_some(),
        "adapters/README.md has no file map table"
    );
    lines
        .skip(1) // The |---| line.
        .take_while(|line| line.starts_with('|'))
        .map(|row| {
            let cells: Vec<&str> = row.split('|').collect();
            let [file] = &quoted(cells[1])[..] else {
                panic!("a file map row names one file: {row}")
            };
            let names = quoted(cells[3]).into_iter().map(str::to_owned).collect();
            ((*file).to_owned(), names)
        })
        .collect()
}

/// The README's import arrows, `a` uses `b`, from its sentence "`main` uses `protocol`;
/// `protocol` uses ...".
fn readme_uses() -> Vec<(String, String)> {
    let readme = readme().replace('\n', " ");
    let (_, arrows) = readme
        .split_once("with no circle:")
        .expect("adapters/README.md states its import arrows after \"with no circle:\"");
    let (arrows, _) = arrows.split_once('.').expect("a sentence");
    arrows
        .split(';')
        .flat_map(|clause| {
            assert!(clause.contains(" uses "), "not an import arrow: {clause}");
            let [user, used @ ..] = &quoted(clause)[..] else {
                panic!("not an import arrow: {clause}")
            };
            used.iter()
                .map(|used| (user.to_string(), used.to_string()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The code of a source file before its unit tests (tests may use anything).
fn code(source: &str) -> &str {
    source.split("#[cfg(test)]").next().unwrap_or_default()
}

/// The modules a source file names as `crate::x` or `rsm_adapter::x` in its code.
fn used_modules(source: &str) -> Vec<&'static str> {
    let code = code(source);
    // A path this scan would not see, so there is none.
    for hidden in ["crate::{", "rsm_adapter::{", "super::"] {
        assert!(
            !code.contains(hidden),
            "`{hidden}`: name each module's path"
        );
    }
    LAYERS
        .into_iter()
        .filter(|module| {
            [format!("crate::{module}"), format!("rsm_adapter::{module}")]
                .iter()
                .any(|path| {
                    code.match_indices(path.as_str()).any(|(at, _)| {
                        // `crate::store` must not match `crate::store_x`.
                        let next = code[at + path.len()..].chars().next();
                        !next.is_some_and(is_ident)
                    })
                })
        })
        .collect()
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether `line` defines `name`: a function, a type, or a type re-exported with `pub use`.
fn defines(line: &str, name: &str) -> bool {
    let line = line.trim_start();
    let reexport = line.starts_with("pub use ") && line.ends_with(&format!("::{name};"));
    let line = line.strip_prefix("pub ").unwrap_or(line);
    let line = line.strip_prefix("const ").unwrap_or(line);
    let after = |keyword: &str| {
        line.strip_prefix(keyword)
            .and_then(|rest| rest.strip_prefix(name))
            .map(|rest| rest.chars().next())
    };
    matches!(after("fn "), Some(Some('(' | '<')))
        || ["struct ", "enum ", "type "]
            .iter()
            .any(|keyword| after(keyword).is_some_and(|next| !next.is_some_and(is_ident)))
        || reexport
}

#[test]
fn the_files_are_the_file_map() {
    let mut files: Vec<String> = fs::read_dir(src())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    let rows: Vec<String> = file_map().into_iter().map(|(file, _)| file).collect();
    let mut expected: Vec<String> = rows.iter().map(|file| format!("{file}.rs")).collect();
    expected.push("lib.rs".into());
    expected.sort();
    assert_eq!(files, expected, "the file map of adapters/README.md");
    assert_eq!(rows[0], "main");
    assert_eq!(rows[1..], LAYERS, "LAYERS is the table's order");
}

#[test]
fn each_file_holds_its_row_in_order() {
    for (file, names) in file_map() {
        let source = source(&file);
        let lines: Vec<&str> = code(&source).lines().collect();
        let mut from = 0;
        for name in &names {
            // The first definition after the previous name's: `Cluster::new` comes after
            // `Cluster`, not `InvalidStep::new` before it.
            let at = lines[from..]
                .iter()
                .position(|line| defines(line, name))
                .unwrap_or_else(|| {
                    panic!("{file}.rs: no `{name}` after the names before it in {names:?}")
                });
            from += at + 1;
        }
    }
}

#[test]
fn imports_follow_the_readmes_arrows() {
    let arrows = readme_uses();
    for (user, used) in &arrows {
        assert!(
            *user == "main" || LAYERS.contains(&user.as_str()),
            "{user} is not in the file map"
        );
        assert!(LAYERS.contains(&used.as_str()), "{used} is not in the map");
    }
    for (user, used, why) in ALSO_USED {
        assert!(
            !arrows.contains(&(user.into(), used.into())),
            "the README now lists {user} using {used} ({why}): drop it from ALSO_USED"
        );
    }
    for module in std::iter::once("main").chain(LAYERS) {
        let mut expected: Vec<&str> = arrows
            .iter()
            .filter(|(user, _)| user == module)
            .map(|(_, used)| used.as_str())
            .chain(
                ALSO_USED
                    .iter()
                    .filter(|(user, _, _)| *user == module)
                    .map(|(_, used, _)| *used),
            )
            .collect();
        expected.sort_unstable();
        let mut used = used_modules(&source(module));
        used.sort_unstable();
        assert_eq!(
            used, expected,
            "{module}: the README's arrows and ALSO_USED, exactly"
        );
    }
}

#[test]
fn imports_have_no_circle() {
    // Peel off modules that use nothing left; a circle is what can never be peeled.
    let mut left: Vec<(&str, Vec<&str>)> = std::iter::once("main")
        .chain(LAYERS)
        .map(|module| (module, used_modules(&source(module))))
        .collect();
    while let Some(leaf) = left.iter().position(|(_, uses)| {
        uses.iter()
            .all(|used| !left.iter().any(|(module, _)| module == used))
    }) {
        left.remove(leaf);
    }
    assert_eq!(left, [], "these modules use each other in a circle");
}
