#!/usr/bin/env bash
# actionlint over .github/workflows, so the CI workflow a project copies cannot rot unseen. It is a Go
# program: built once with `go install` from the Go module proxy, pinned, into .build/tools (per version, so
# changing the pin builds the new one).
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=v1.7.12
bin=".build/tools/actionlint-$VERSION"
if [ ! -x "$bin" ]; then
  command -v go >/dev/null || { echo "scripts/lint_workflows.sh: go is not installed; actionlint $VERSION is built with go install" >&2; exit 2; }
  mkdir -p .build/tools
  # Installed beside and renamed into place: a build killed halfway leaves no half a binary at $bin.
  tmp=$(mktemp -d "$PWD/.build/tools/install.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  GOBIN="$tmp" go install "github.com/rhysd/actionlint/cmd/actionlint@$VERSION"
  mv "$tmp/actionlint" "$bin"
fi
"$bin" -no-color .github/workflows/*.yml
