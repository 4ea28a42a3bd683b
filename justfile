# seam-carver: build, test, run natively and as WASI, and check every engine agrees.
# `just --list` shows these recipes with their arguments.

module := "target/wasm32-wasip1/release/seam-carver.wasm"

# List the recipes.
default:
    @just --list

# Build the native release binary (target/release/seam-carver).
build:
    cargo build --release -p seam-carver

# Build the WASI module (target/wasm32-wasip1/release/seam-carver.wasm) and print its size.
build-wasi:
    cargo build --release -p seam-carver --target wasm32-wasip1
    @ls -l {{module}} | awk '{print "module: " $NF " (" $5 " bytes)"}'

# Run every test: unit, differential, parity, golden (native, wasmtime, node), CLI.
test:
    cargo test

# Carve natively: `just run`, `just run photos/ --width 80%` (default input: inputs/).
run *ARGS="inputs": build
    ./target/release/seam-carver {{ARGS}}

# Carve with the wasmtime CLI as Bacalhau would: `just run-wasi photos/ --width 80%`.
run-wasi INPUT="inputs" *ARGS="": build-wasi
    #!/usr/bin/env bash
    set -euo pipefail
    wasmtime=$(tools/ensure-wasmtime.sh)
    input="{{INPUT}}"
    if [ -d "$input" ]; then dir="$input"; target=/inputs; else dir=$(dirname "$input"); target="/inputs/$(basename "$input")"; fi
    mkdir -p outputs
    "$wasmtime" run --dir "$dir::/inputs" --dir outputs::/outputs {{module}} "$target" -o /outputs {{ARGS}}

# Check native, wasmtime and node write identical bytes: `just verify ../shared/images -- --seams imageproc`.
verify *IMAGES="golden/inputs":
    tools/verify-engines.sh {{IMAGES}}

# Write Bacalhau job specs and submit them: `just submit photos/ https://x.org/a.jpg -- --width 80%`.
submit *ARGS: build-wasi
    cargo build --release -q -p seam-carver --bin bacalhau-job
    tools/bacalhau-submit.sh {{ARGS}}

# Wait for jobs (default: the last submit), fetch them into results/ID/ and check them.
get *JOB_IDS:
    cargo build --release -q -p seam-carver --bin bacalhau-job
    tools/bacalhau-get.sh {{JOB_IDS}}

# Re-run a fetched job's carve natively and compare every file: `just verify-results results/ID`.
verify-results DIR:
    cargo build --release -q -p seam-carver --bin bacalhau-job
    ./target/release/bacalhau-job verify {{DIR}} --spec {{DIR}}/job.json

# Dry-run a job spec locally on wasmtime as Bacalhau's wasm executor would, then check it.
run-job SPEC DIR="": build-wasi
    #!/usr/bin/env bash
    set -euo pipefail
    dir="{{DIR}}"; [ -n "$dir" ] || dir="results/dry-run-$(basename "{{SPEC}}" .json)"
    rm -rf "$dir"
    cargo build --release -q -p seam-carver --bin bacalhau-job
    cargo run -q -p wasi-runner --bin run-job -- "{{SPEC}}" "$dir" || true
    cp "{{SPEC}}" "$dir/job.json"
    ./target/release/bacalhau-job check "$dir"

# Regenerate the README gallery (docs/gallery/, from inputs/coffee.png) and print its energy table.
gallery:
    cargo run --release -q --example gallery -- inputs/coffee.png docs/gallery

# Rewrite the golden files and snapshots after a deliberate change (review the diff!).
bless:
    SEAM_CARVER_BLESS=1 INSTA_UPDATE=always cargo test --test golden
    git status --short golden tests/snapshots

# Speed table: ms per seam per megapixel for the reference, imageproc, ours native and wasm, ImageMagick.
bench:
    #!/usr/bin/env bash
    set -euo pipefail
    if ! convert -version 2>/dev/null | grep -q lqr && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "installing ImageMagick (with liblqr) for the comparison row..." >&2
      apt-get install -y -qq imagemagick >/dev/null || echo "could not install ImageMagick; its row is left out" >&2
    fi
    cargo build --release -q -p seam-carver
    cargo bench -p seam-carver

# Fuzz decode-and-carve (or TARGET=job_spec) for SECONDS; needs nightly and cargo-fuzz.
fuzz TARGET="decode_carve" SECONDS="600":
    cargo +nightly --version >/dev/null 2>&1 || rustup toolchain install nightly --profile minimal
    command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
    mkdir -p fuzz/corpus/{{TARGET}}
    if [ "{{TARGET}}" = decode_carve ]; then cp golden/inputs/* fuzz/corpus/decode_carve/; fi
    cd fuzz && cargo +nightly fuzz run -O {{TARGET}} -- -max_total_time={{SECONDS}} -rss_limit_mb=2048

# Formatting and clippy, warnings as errors.
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings
