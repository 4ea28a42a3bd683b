#!/usr/bin/env bash
# Builds tools/wazero-run (Bacalhau's wasm executor, rebuilt on wazero) when it is
# missing or older than its sources, and prints the binary's path:
#   OUT (first argument), default $CARGO_TARGET_DIR/tools/wazero-run (target/ if unset).
# Installs Go if needed (tools/ensure-go.sh). With no Go module proxy reachable, wazero
# is taken from a vendored copy: $WAZERO_SRC, or ../shared/vendor/wazero beside the
# repository, through a `replace` in a temporary go.mod; without one, `go` fetches
# github.com/tetratelabs/wazero v1.12.0 as usual.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-${CARGO_TARGET_DIR:-target}/tools/wazero-run}
src=tools/wazero-run
if [ -x "$out" ] && [ -z "$(find "$src" -newer "$out" -type f | head -n 1)" ]; then
  echo "$out"
  exit 0
fi
go=$(tools/ensure-go.sh)
mkdir -p "$(dirname "$out")"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
vendored=${WAZERO_SRC:-../shared/vendor/wazero}
echo "building wazero-run..." >&2
if [ -f "$vendored/go.mod" ]; then
  vendored=$(cd "$vendored" && pwd)
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  cp "$src/go.mod" "$work/go.mod"
  echo "replace github.com/tetratelabs/wazero => $vendored" >> "$work/go.mod"
  (cd "$src" && GOFLAGS=-mod=mod GOPROXY=off GOSUMDB=off GOTOOLCHAIN=local \
    "$go" build -modfile "$work/go.mod" -o "$out" .) >&2
elif ! (cd "$src" && GOFLAGS=-mod=mod "$go" build -o "$out" .) >&2; then
  echo "error: could not build tools/wazero-run: no vendored wazero at $vendored, and the Go" >&2
  echo "  module proxy did not serve github.com/tetratelabs/wazero v1.12.0; point WAZERO_SRC" >&2
  echo "  at a copy of wazero's source" >&2
  exit 1
fi
echo "$out"
