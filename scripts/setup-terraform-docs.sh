#!/usr/bin/env bash
# Builds terraform-docs into .tools/terraform-docs, at the version scripts/terraform-docs/go.mod
# pins (go.sum pins every dependency by hash), from the Go module proxy. Needs `go` 1.23 or later
# on PATH; about 90 s and 200 MB of module cache the first time. A no-op while the binary reports
# the pinned version. Used by `npm run check:terraform-docs`; nothing else needs it.
set -euo pipefail
cd "$(dirname "$0")/.."

module=scripts/terraform-docs
version=$(awk '$1 == "require" && $2 == "github.com/terraform-docs/terraform-docs" { print $3 }' "$module/go.mod")
binary=.tools/terraform-docs

if [[ -x "$binary" ]] && "$binary" --version | grep -q " $version "; then
  echo "setup-terraform-docs: terraform-docs $version is built"
  exit 0
fi
if ! command -v go > /dev/null; then
  echo "setup-terraform-docs: 'go' is not on PATH: building terraform-docs $version needs Go 1.23 or later" >&2
  exit 1
fi
mkdir -p .tools
go build -C "$module" -o "$PWD/$binary" github.com/terraform-docs/terraform-docs
echo "setup-terraform-docs: built $("$binary" --version)"
