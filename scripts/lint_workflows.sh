#!/usr/bin/env bash
# The CI workflows a project copies cannot rot unseen: actionlint checks .github/workflows for mistakes
# (syntax, expressions, shell), zizmor for security (actions pinned by commit, no credentials left in the
# workspace, no template injection, no excessive permissions). Both are pinned and installed once into
# .build/tools, per version, so changing a pin installs the new one: actionlint, a Go program, with
# `go install` from the Go module proxy; zizmor, a Rust program shipped as a Python wheel, with pip.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .build/tools

ACTIONLINT=v1.7.12
actionlint=".build/tools/actionlint-$ACTIONLINT"
if [ ! -x "$actionlint" ]; then
  command -v go >/dev/null || { echo "scripts/lint_workflows.sh: go is not installed; actionlint $ACTIONLINT is built with go install" >&2; exit 2; }
  # Installed beside and renamed into place: a build killed halfway leaves no half a binary at $actionlint.
  tmp=$(mktemp -d "$PWD/.build/tools/install.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  GOBIN="$tmp" go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT"
  mv "$tmp/actionlint" "$actionlint"
  rm -rf "$tmp"
fi

ZIZMOR=1.33.1
zizmor=".build/tools/zizmor-$ZIZMOR/bin/zizmor"
if [ ! -x "$zizmor" ]; then
  python3 -m pip --version >/dev/null 2>&1 || { echo "scripts/lint_workflows.sh: python3 with pip is not installed; zizmor $ZIZMOR is installed with pip" >&2; exit 2; }
  # The wheel holds one native binary and no Python code: installed with --target into a directory of its
  # own (no virtual environment needed), the same way beside and renamed into place.
  tmp=$(mktemp -d "$PWD/.build/tools/install.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --only-binary :all: --target "$tmp/zizmor" "zizmor==$ZIZMOR"
  mv "$tmp/zizmor" ".build/tools/zizmor-$ZIZMOR"
  rm -rf "$tmp"
fi

"$actionlint" -no-color .github/workflows/*.yml
# --offline: the audits that need GitHub's API (known-vulnerable actions, impostor commits) would need a token
# and the network. Each pin says its version in a comment beside the commit.
"$zizmor" --offline --no-progress --color never .github/workflows/
