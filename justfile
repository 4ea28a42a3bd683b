# seam-carver: build, test, run natively and as WASI, and check every engine agrees.
# `just --list` shows these recipes with their arguments.

# Cargo's target directory: CARGO_TARGET_DIR when set, as cargo itself does.
target := env_var_or_default("CARGO_TARGET_DIR", "target")
module := target / "wasm32-wasip1/release/seam-carver.wasm"
native := target / "release/seam-carver"
job_tool := target / "release/bacalhau-job"

# List the recipes.
default:
    @just --list

# Build the native release binary ($CARGO_TARGET_DIR or target/, release/seam-carver).
build:
    cargo build --release -p seam-carver-cli

# Build the WASI module (wasm32-wasip1/release/seam-carver.wasm) and print its size.
build-wasi:
    cargo build --release -p seam-carver-cli --target wasm32-wasip1
    @ls -l {{module}} | awk '{print "module: " $NF " (" $5 " bytes)"}'

# Run every test: unit, differential, parity, golden (native, wasmtime, node, wazero), CLI, Bacalhau specs, the page in Chromium.
test:
    cargo test

# Carve natively: `just run`, `just run photos/ --width 80%` (default input: inputs/).
run *ARGS="inputs": build
    {{native}} {{ARGS}}

# Carve with the wasmtime CLI as Bacalhau would: `just run-wasi photos/ --width 80%` (the face model is mounted at /model: `--protect-faces --face-model /model/seeta_fd_frontal_v1.0.bin`).
run-wasi INPUT="inputs" *ARGS="": build-wasi
    #!/usr/bin/env bash
    set -euo pipefail
    wasmtime=$(tools/ensure-wasmtime.sh)
    input="{{INPUT}}"
    if [ -d "$input" ]; then dir="$input"; target=/inputs; else dir=$(dirname "$input"); target="/inputs/$(basename "$input")"; fi
    mkdir -p outputs
    "$wasmtime" run --dir "$dir::/inputs" --dir outputs::/outputs --dir crates/seam-carver/model::/model \
      {{module}} "$target" -o /outputs {{ARGS}}

# Serve the browser page (web/) on localhost:PORT with the WASI module: carve in the browser, byte-identical to the CLI.
web PORT="8000": build-wasi
    tools/ensure-web-deps.sh
    node web/serve.mjs {{PORT}}

# Run the page's browser test alone (Chromium via playwright-core; part of `cargo test` too).
web-test: build-wasi
    tools/ensure-web-deps.sh
    CHROMIUM="$(tools/ensure-chromium.sh)" node web/test/browser.mjs

# Check native, wasmtime, node and wazero (as on Bacalhau) write identical bytes: `just verify ../shared/images -- --seams imageproc`.
verify *IMAGES="golden/inputs":
    tools/verify-engines.sh {{IMAGES}}

# Write Bacalhau job specs and submit them: `just submit photos/ https://x.org/a.jpg -- --width 80%`.
submit *ARGS: build-wasi
    cargo build --release -q -p seam-carver-cli --bin bacalhau-job
    tools/bacalhau-submit.sh {{ARGS}}

# Wait for jobs (default: the last submit), fetch them into results/ID/ and check them.
get *JOB_IDS:
    cargo build --release -q -p seam-carver-cli --bin bacalhau-job
    tools/bacalhau-get.sh {{JOB_IDS}}

# Re-run a fetched job's carve natively and compare every file: `just verify-results results/ID`.
verify-results DIR:
    cargo build --release -q -p seam-carver-cli --bin bacalhau-job
    {{job_tool}} verify {{DIR}} --spec {{DIR}}/job.json

# Remote sources come from the folder STAND_INS (files named as the URLs' last path elements).
# Run a job spec on wazero as a Bacalhau node would (tools/wazero-run), into DIR, and check it.
run-job SPEC DIR="" STAND_INS="":
    #!/usr/bin/env bash
    set -euo pipefail
    dir="{{DIR}}"; [ -n "$dir" ] || dir="results/dry-run-$(basename "{{SPEC}}" .json)"
    rm -rf "$dir"
    cargo build --release -q -p seam-carver-cli --bin bacalhau-job
    runner=$(tools/ensure-wazero-run.sh)
    flags=()
    [ -z "{{STAND_INS}}" ] || flags=(-stand-ins "{{STAND_INS}}")
    status=0
    "$runner" "${flags[@]}" "{{SPEC}}" "$dir" || status=$?
    [ -d "$dir" ] || exit "$status"
    cp "{{SPEC}}" "$dir/job.json"
    {{job_tool}} check "$dir"

# Regenerate the README gallery (docs/gallery/, from inputs/coffee.png) and print its energy table.
gallery:
    cargo run --release -q --example gallery -- inputs/coffee.png docs/gallery

# Rewrite the golden files and snapshots after a deliberate change (review the diff!).
bless:
    SEAM_CARVER_BLESS=1 INSTA_UPDATE=always cargo test --test tests golden::
    git status --short golden tests/snapshots

# The Python package built into a virtual environment ($CARGO_TARGET_DIR/python), with seam-carving 1.1.0 beside it.
python:
    PROFILE=release tools/ensure-python.sh
    @echo "ready: ${CARGO_TARGET_DIR:-target}/python/bin/python -c 'import seam_carver; help(seam_carver.resize)'"

# Speed table: ms per seam per megapixel for the reference, imageproc, ours native and wasm, ImageMagick. Sections alone: `just bench cores` (speed, batch, cores, faces, thin, python).
bench *sections:
    #!/usr/bin/env bash
    set -euo pipefail
    if ! convert -version 2>/dev/null | grep -q lqr && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "installing ImageMagick (with liblqr) for the comparison row..." >&2
      apt-get install -y -qq imagemagick >/dev/null || echo "could not install ImageMagick; its row is left out" >&2
    fi
    cargo build --release -q -p seam-carver-cli
    sections=({{sections}})
    rust=()
    python=$([ ${#sections[@]} = 0 ] && echo yes || echo no)
    for s in "${sections[@]}"; do
      if [ "$s" = python ]; then python=yes; else rust+=("$s"); fi
    done
    if [ ${#sections[@]} = 0 ] || [ ${#rust[@]} -gt 0 ]; then
      cargo bench -p seam-carver-cli -- "${rust[@]}"
    fi
    if [ "$python" = yes ]; then
      PROFILE=release tools/ensure-python.sh
      "${CARGO_TARGET_DIR:-target}/python/bin/python" crates/seam-carver-py/bench.py
    fi

# Quality tables: every method (the example, ours backward, forward and salient, liblqr) on the photos and generated hard cases (outline measures, pictures in docs/quality/), then the object benchmark's tuning and validation sets (objects kept, per-case verdicts against liblqr, both axes in every order), and its large removals against plain scaling (--extreme).
quality *IMAGES:
    #!/usr/bin/env bash
    set -euo pipefail
    if ! convert -version 2>/dev/null | grep -q lqr && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "installing ImageMagick (with liblqr) for the liblqr column..." >&2
      apt-get install -y -qq imagemagick >/dev/null || echo "could not install ImageMagick; its column is left empty" >&2
    fi
    images=({{IMAGES}})
    if [ ${#images[@]} -eq 0 ]; then
      images=(inputs/coffee.png)
      for f in ../shared/images/*.png ../shared/images/*.jpg; do
        [ -e "$f" ] && [ "$(basename "$f")" != coffee.png ] && images+=("$f")
      done
    fi
    cargo run --release -q --example quality -- --gallery docs/quality "${images[@]}"
    cargo run --release -q --example objects -- --set tuning
    cargo run --release -q --example objects -- --set validation
    cargo run --release -q --example objects -- --set tuning --extreme
    cargo run --release -q --example objects -- --set validation --extreme

# Fuzz decode-and-carve (or TARGET=job_spec) for SECONDS with cargo-fuzz, on the stable toolchain (no nightly needed: RUSTC_BOOTSTRAP lets it take libFuzzer's flags; no sanitizer, the code is safe Rust).
fuzz TARGET="decode_carve" SECONDS="600":
    command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
    mkdir -p fuzz/corpus/{{TARGET}}
    if [ "{{TARGET}}" = decode_carve ]; then cp golden/inputs/* fuzz/corpus/decode_carve/; fi
    cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run -s none -O {{TARGET}} corpus/{{TARGET}} -- -max_total_time={{SECONDS}} -rss_limit_mb=4096 -print_final_stats=1

# Formatting, clippy and rustdoc with warnings as errors, and shellcheck on the scripts (as CI).
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings
    RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --workspace
    RUSTDOCFLAGS="-D warnings -D missing_docs" cargo doc --no-deps -p seam-carver --lib
    shellcheck tools/*.sh .ci/run tests/fixtures/fake-bacalhau
