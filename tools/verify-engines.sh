#!/usr/bin/env bash
# Carves the given images (files or directories) natively, on the wasmtime CLI, on
# Node's node:wasi and on wazero as a Bacalhau node runs it (tools/wazero-run, the
# images in a node folder), and fails naming every file whose bytes differ between
# engines. Honours CARGO_TARGET_DIR.
#
#   tools/verify-engines.sh IMAGE_OR_DIR... [-- CARVER_OPTIONS...]
set -euo pipefail
cd "$(dirname "$0")/.."
images=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do images+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
options=("$@")
[ ${#images[@]} -gt 0 ] || { echo "usage: $0 IMAGE_OR_DIR... [-- OPTIONS]" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/inputs"
for item in "${images[@]}"; do
  if [ -d "$item" ]; then
    find "$item" -maxdepth 1 -type f -exec cp {} "$work/inputs/" \;
  else
    cp "$item" "$work/inputs/"
  fi
done
echo "verify: $(find "$work/inputs" -type f | wc -l) input files, options: ${options[*]:-(defaults)}"
# The WASI legs have no built-in face model: with --protect-faces or --protect-skin they read it from
# /model, the folder a Bacalhau job downloads it into.
model_dir=crates/seam-carver/model
guest_options=("${options[@]}")
for option in "${options[@]}"; do
  if [ "$option" = "--protect-faces" ] || [ "$option" = "--protect-skin" ]; then
    guest_options+=(--face-model /model/seeta_fd_frontal_v1.0.bin)
    break
  fi
done

cargo build --quiet --release -p seam-carver-cli
cargo build --quiet --release -p seam-carver-cli --target wasm32-wasip1
target=${CARGO_TARGET_DIR:-target}
module=$target/wasm32-wasip1/release/seam-carver.wasm
wasmtime=$(tools/ensure-wasmtime.sh)
wazero=$(tools/ensure-wazero-run.sh)
# The job a node would run: the module and the images from node folders.
"$target/release/bacalhau-job" local-spec --module "$module" --inputs "$work/inputs" \
  --model "$model_dir" -- -q "${guest_options[@]}" > "$work/job.json"

status=0
run() {
  local engine=$1; shift
  mkdir -p "$work/$engine"
  local start
  start=$(date +%s.%N)
  "$@" > "$work/$engine.log" 2>&1 || { echo "  $engine exited with $?"; status=1; }
  printf '  %-9s %6.2f s\n' "$engine" "$(echo "$(date +%s.%N) - $start" | bc)"
}
run native "$target/release/seam-carver" "$work/inputs" -o "$work/native" -q "${options[@]}"
run wasmtime "$wasmtime" run --dir "$work/inputs::/inputs" --dir "$work/wasmtime::/outputs" \
  --dir "$model_dir::/model" "$module" /inputs -o /outputs -q "${guest_options[@]}"
run node node --no-warnings tools/node-wasi.mjs --dir "$model_dir::/model" "$module" \
  "$work/inputs" "$work/node" /inputs -o /outputs -q "${guest_options[@]}"
run wazero "$wazero" "$work/job.json" "$work/wazero-results"
# What the job published: its result path.
rmdir "$work/wazero"
ln -s wazero-results/outputs "$work/wazero"

for engine in wasmtime node wazero; do
  if ! diff -u --label native --label "$engine" "$work/native/manifest.json" "$work/$engine/manifest.json"; then
    echo "verify: $engine and native differ in the files marked above"
    status=1
  fi
done
if [ $status -eq 0 ]; then
  echo "verify: native, wasmtime, node and wazero wrote identical bytes ($(grep -c '": "' "$work/native/manifest.json") files)"
fi
exit $status
