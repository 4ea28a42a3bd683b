#!/usr/bin/env bash
# Installs the browser page's npm packages (web/package-lock.json: the WASI shim and
# playwright-core) unless they are already there.
set -euo pipefail
cd "$(dirname "$0")/../web"
if [ -f node_modules/@bjorn3/browser_wasi_shim/package.json ] && [ -f node_modules/playwright-core/package.json ]; then
  exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "npm (Node.js 20+) is needed for the browser page" >&2; exit 1; }
npm ci --no-audit --no-fund --loglevel=error
