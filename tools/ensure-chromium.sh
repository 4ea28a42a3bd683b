#!/usr/bin/env bash
# Prints the path of a Chromium for the browser test, installing Debian's `chromium`
# with apt-get when it is missing and we are root; otherwise fails saying how to get it.
set -euo pipefail
if [ -n "${CHROMIUM:-}" ]; then
  echo "$CHROMIUM"
  exit 0
fi
if command -v chromium >/dev/null 2>&1; then
  command -v chromium
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's chromium for the browser test..." >&2
  if ! apt-get install -y -qq chromium >/dev/null 2>&1; then
    apt-get update -qq >/dev/null 2>&1
    apt-get install -y -qq chromium >/dev/null
  fi
  command -v chromium
  exit 0
fi
echo "Chromium is missing: install Debian's chromium (sudo apt-get install chromium) or set CHROMIUM to a Chromium binary" >&2
exit 1
