#!/usr/bin/env bash
# gofmt -l prints the files it would change and still exits 0, so turn its output into a failure.
set -euo pipefail
cd "$(dirname "$0")/../adapters/go"
unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then
  echo "gofmt would change: $unformatted" >&2
  exit 1
fi
go vet ./...
