#!/usr/bin/env bash
# Makes the virtual environment the Python tests run in (VENV, by default
# $CARGO_TARGET_DIR/python): the test requirements from PyPI once, then seam_carver
# itself, built by maturin from crates/seam-carver-py into it (incrementally, in the
# cargo target folder).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
venv="${1:-$target/python}"
requirements="$root/crates/seam-carver-py/tests/requirements.txt"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
stamp="$venv/.requirements"
if ! cmp -s "$requirements" "$stamp"; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
  cp "$requirements" "$stamp"
fi
# The package as a user installs it (pip with maturin as the build backend), built with
# cargo's dev profile (PROFILE=release for the speed a user gets, as `just bench` does):
# it reuses what `cargo test` compiled, where a release build with LTO takes minutes.
profile="${PROFILE:-dev}"
PATH="$venv/bin:$PATH" CARGO_TARGET_DIR="$target" "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  --no-build-isolation --force-reinstall --no-deps --config-settings=build-args="--profile $profile" \
  "$root/crates/seam-carver-py"
