#!/usr/bin/env bash
# Measures what each image codec and each build setting costs the WASI module, in bytes
# and in wazero compile time under Bacalhau's runtime settings (best of 5), and prints a
# Markdown table. Builds a copy of HEAD in a temporary folder (nothing here changes);
# slow: a full release build per row.
#
#   tools/module-sizes.sh
set -euo pipefail
cd "$(dirname "$0")/.."
runner=$(tools/ensure-wazero-run.sh)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git archive HEAD | tar -x -C "$work"
all='"png", "jpeg", "bmp", "gif", "tiff", "pnm", "tga", "qoi", "ico", "webp"'
target="$work/target"
printf '| variant | bytes | wazero compile s |\n| --- | ---: | ---: |\n'
row() { # NAME FEATURES CARGO_CONFIG...
  local name=$1 features=$2; shift 2
  sed -i "s/^image = .*/image = { version = \"0.25.10\", default-features = false, features = [$features] }/" "$work/Cargo.toml"
  local config=()
  for c in "$@"; do config+=(--config "$c"); done
  (cd "$work" && cargo build -q --release --target wasm32-wasip1 --bin seam-carver "${config[@]}" --target-dir "$target") >&2
  local module="$target/wasm32-wasip1/release/seam-carver.wasm"
  cp "$module" "$work/$name.wasm"
  printf '| %s | %s | %s |\n' "$name" "$(stat -c %s "$module")" "$("$runner" -compile "$module")"
}
row "all codecs (opt-level 3, lto, codegen-units 1)" "$all"
row "opt-level s" "$all" 'profile.release.opt-level="s"'
row "opt-level z" "$all" 'profile.release.opt-level="z"'
row "opt-level 2" "$all" 'profile.release.opt-level=2'
row "panic = abort" "$all" 'profile.release.panic="abort"'
row "without webp" "${all/, \"webp\"/}"
row "without tiff" "${all/, \"tiff\"/}"
row "without gif" "${all/, \"gif\"/}"
row "png and jpeg only" '"png", "jpeg"'
row "png only" '"png"'
if command -v wasm-opt >/dev/null 2>&1; then
  for level in O3 Os Oz; do
    wasm-opt "-$level" --enable-simd --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int \
      --enable-mutable-globals "$work/all codecs (opt-level 3, lto, codegen-units 1).wasm" -o "$work/opt.wasm"
    printf '| all codecs + wasm-opt -%s | %s | %s |\n' "$level" "$(stat -c %s "$work/opt.wasm")" "$("$runner" -compile "$work/opt.wasm")"
  done
fi
