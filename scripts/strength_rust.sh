#!/usr/bin/env bash
# npm run strength:rust: cargo-mutants over adapters/rust's state machine, snapshot codec and store, killed only
# by the golden vectors (adapters/rust/tests/goldens.rs; the mutated files and test are set in
# adapters/rust/.cargo/mutants.toml). Installs its pinned cargo-mutants into .build/tools the first time (a few
# minutes). Extra arguments go to cargo mutants (e.g. --list, -j 2). Output: .build/strength/mutants.out. Ends with
# selftest/strength/check_rust.ts (npm run strength:rust:check reruns it alone on the last outcomes): it fails on
# a missed mutant that selftest/strength/equivalent-rust.md does not review, and on a reviewed one no longer missed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version=27.1.0
tool="$root/.build/tools/bin/cargo-mutants"
if ! { [ -x "$tool" ] && "$tool" mutants --version | grep -qx "cargo-mutants $version"; }; then
  cargo install cargo-mutants --locked --version "$version" --root "$root/.build/tools"
fi
mkdir -p "$root/.build/strength"
cd "$root/adapters/rust"
# cargo-mutants tests a copy of adapters/rust; the goldens test reads the repository's goldens from here.
export RSM_GOLDEN_DIR="$root/vectors/golden"
# Exit 2 from cargo-mutants means missed mutants, 3 timeouts (a mutant that hangs the goldens, counted as caught
# as StrykerJS counts its timeouts): the missed ones are judged against the reviewed list instead.
status=0
"$tool" mutants --output "$root/.build/strength" "$@" || status=$?
[ "$status" -eq 0 ] || [ "$status" -eq 2 ] || [ "$status" -eq 3 ] || exit "$status"
# Arguments that only list or explain leave no outcomes of their own to check.
case " $* " in *" --list"* | *" --help "* | *" -h "* | *" --version "* | *" -V "*) exit "$status" ;; esac
# Every missed mutant must have an entry in selftest/strength/equivalent-rust.md, keyed by cargo-mutants'
# description without line and column, and every entry must still match a missed mutant.
cd "$root"
exec "$root/node_modules/.bin/tsx" selftest/strength/check_rust.ts .build/strength/mutants.out/outcomes.json
