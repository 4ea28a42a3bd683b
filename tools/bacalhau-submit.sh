#!/usr/bin/env bash
# Writes job specs for the inputs and submits each with
#   bacalhau job run --wait=false --id-only SPEC
# recording "ID SPEC" lines in jobs/submitted and the ids of this submission in jobs/last
# (JOBS_DIR overrides jobs/).
#
#   tools/bacalhau-submit.sh [INPUT_OR_URL...] [-- CARVER_OPTIONS...]
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- inputs
jobs=${JOBS_DIR:-jobs}
dir="$jobs/$(date -u +%Y%m%dT%H%M%SZ)"
job_tool=${BACALHAU_JOB:-${CARGO_TARGET_DIR:-target}/release/bacalhau-job}
specs=$("$job_tool" spec --out-dir "$dir" "$@")
if ! command -v bacalhau >/dev/null 2>&1; then
  echo "error: the bacalhau CLI is not installed, so nothing was submitted." >&2
  echo "  Install it (v1.7 or newer): curl -sL https://get.bacalhau.org/install.sh | bash" >&2
  echo "  The specs are ready in $dir; try one locally with: just run-job $dir/job-1.json" >&2
  exit 1
fi
: > "$jobs/last"
for spec in $specs; do
  id=$(bacalhau job run --wait=false --id-only "$spec")
  echo "$id $spec" >> "$jobs/submitted"
  echo "$id" >> "$jobs/last"
  echo "submitted $spec as job $id"
done
echo "fetch the results with: just get"
