#!/usr/bin/env bash
# Waits for jobs to finish, downloads their results into results/ID/ and checks them:
#   bacalhau job describe ID --output json   (polled until .Job.State.StateType is terminal)
#   bacalhau job get ID --output-dir results/ID
# then exitCode must be 0 and every file must match the job's manifest.json. A job that
# is not finished after BACALHAU_WAIT_SECONDS (default 3600; a job can sit Queued when no
# node accepts it) is reported with its state and left; the others are still fetched.
# JOBS_DIR and RESULTS_DIR override jobs/ and results/.
#
#   tools/bacalhau-get.sh [JOB_ID...]     (default: the jobs of the last submit)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v bacalhau >/dev/null 2>&1; then
  echo "error: the bacalhau CLI is not installed: curl -sL https://get.bacalhau.org/install.sh | bash" >&2
  exit 1
fi
jobs=${JOBS_DIR:-jobs}
results=${RESULTS_DIR:-results}
ids=("$@")
if [ ${#ids[@]} -eq 0 ]; then
  [ -s "$jobs/last" ] || { echo "error: no job id given and no $jobs/last from a submit" >&2; exit 2; }
  mapfile -t ids < "$jobs/last"
fi
job_tool=${BACALHAU_JOB:-${CARGO_TARGET_DIR:-target}/release/bacalhau-job}
poll=${BACALHAU_POLL_SECONDS:-5}
wait_limit=${BACALHAU_WAIT_SECONDS:-3600}
status=0
for id in "${ids[@]}"; do
  started=$(date +%s)
  while true; do
    state=$(bacalhau job describe "$id" --output json |
      python3 -c 'import json, sys; print(json.load(sys.stdin)["Job"]["State"]["StateType"])')
    case "$state" in
      Completed|Failed|Stopped|Cancelled) break ;;
    esac
    if [ $(( $(date +%s) - started )) -ge "$wait_limit" ]; then
      echo "error: job $id is still $state after ${wait_limit} s; not fetched." >&2
      echo "  See why with: bacalhau job describe $id   (Queued: no node accepted it yet)" >&2
      echo "  Fetch it later with: just get $id" >&2
      status=1
      continue 2
    fi
    echo "job $id: $state" >&2
    sleep "$poll"
  done
  out="$results/$id"
  mkdir -p "$out"
  bacalhau job get "$id" --output-dir "$out"
  spec=$(awk -v id="$id" '$1 == id {print $2}' "$jobs/submitted" 2>/dev/null | tail -n 1)
  [ -n "$spec" ] && [ -f "$spec" ] && cp "$spec" "$out/job.json"
  echo "job $id: $state"
  if ! "$job_tool" check "$out"; then status=1; fi
done
exit $status
