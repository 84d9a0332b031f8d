#!/usr/bin/env bash
# npm run strength:rust: cargo-mutants over adapters/rust's state machine, snapshot codec and store, killed only
# by the golden vectors (adapters/rust/tests/goldens.rs; the mutated files and test are set in
# adapters/rust/.cargo/mutants.toml). Installs its pinned cargo-mutants into .build/tools the first time (a few
# minutes). Extra arguments go to cargo mutants (e.g. --list, -j 2). Output: .build/strength/mutants.out.
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
# Exit 2 from cargo-mutants means missed mutants: those are judged against the reviewed list below instead.
status=0
"$tool" mutants --output "$root/.build/strength" "$@" || status=$?
[ "$status" -eq 0 ] || [ "$status" -eq 2 ] || exit "$status"
# Every missed mutant must have its line in the reviewed list: "- FILE:LINE:COL `MUTATION`: reason".
unlisted=0
while IFS= read -r line; do
  where="${line%%: *}"
  what="${line#*: }"
  if ! grep -qF -- "- $where \`$what\`" "$root/selftest/strength/equivalent-rust.md"; then
    echo "strength:rust: missed and not reviewed: $line (add a vector that kills it, or a line to selftest/strength/equivalent-rust.md)" >&2
    unlisted=1
  fi
done < "$root/.build/strength/mutants.out/missed.txt"
[ "$unlisted" -eq 0 ] && echo "strength:rust: every missed mutant is reviewed in selftest/strength/equivalent-rust.md"
exit "$unlisted"
