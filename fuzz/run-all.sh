#!/usr/bin/env bash
# Runs every fuzz target for a fixed time, one after the other, and prints
# one Markdown table row per target (the table in docs/fuzzing.md comes from
# this script). Needs cargo-fuzz and a nightly compiler, or a stable one with
# RUSTC_BOOTSTRAP=1 (set here).
#
#   fuzz/run-all.sh [SECONDS] [TARGET...]    default: 600 s, all five targets
#
# Seed first with fuzz/seed.sh. Logs go to fuzz/logs/TARGET.log; a crash
# stops that target's run, its input is in fuzz/artifacts/TARGET/, and the
# row says so. Runs at low priority so the machine stays usable.
set -uo pipefail
cd "$(dirname "$0")"
SECONDS_PER_TARGET=${1:-600}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(front_matter markdown links cadence diagnostics urls)
# Inputs larger than a few pages find nothing new and slow every run down.
declare -A MAX_LEN=([front_matter]=16384 [markdown]=16384 [links]=32768 [cadence]=16384 [diagnostics]=8192 [urls]=1024)
export RUSTC_BOOTSTRAP=1
mkdir -p logs

echo "| target | seconds | executions | exec/s | coverage (edges) | features | corpus | peak RSS | result |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
for target in "${TARGETS[@]}"; do
  log=logs/$target.log
  mkdir -p "corpus/$target"
  before=$(find "corpus/$target" -type f | wc -l)
  nice -n 10 cargo fuzz run -O "$target" -- \
    -max_total_time="$SECONDS_PER_TARGET" -max_len="${MAX_LEN[$target]:-16384}" \
    -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 >"$log" 2>&1
  status=$?
  after=$(find "corpus/$target" -type f | wc -l)
  stat() { grep -m1 "^stat::$1:" "$log" | awk '{print $2}'; }
  last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
  cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
  ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
  if [ "$status" = 0 ]; then
    result="no crash"
  else
    result="crash: $(grep -m1 -o "artifacts/$target/[a-z]*-[0-9a-f]*" "$log" || echo "exit $status, see $log")"
  fi
  echo "| $target | $SECONDS_PER_TARGET | $(stat number_of_executed_units) | $(stat average_exec_per_sec) | $cov | $ft | $before -> $after | $(stat peak_rss_mb) MB | $result |"
done
