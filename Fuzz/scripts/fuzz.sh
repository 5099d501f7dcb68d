#!/usr/bin/env bash
# Runs the fuzz targets (built by `make fuzz-build`), one after another, each for SECONDS
# on a scratch copy of its committed corpus, and fails if any of them leaves an artifact
# (a crash, leak, timeout or out-of-memory input).
#
# usage: Fuzz/scripts/fuzz.sh SECONDS TARGET...   (from the repository root)
set -uo pipefail
seconds=$1
shift
bin=Fuzz/.build/debug
runs=Fuzz/.build/runs
mkdir -p "$runs"
# Every run appends its figures here.
summary=$runs/summary.txt
failed=0

dictionary() {
  case "$1" in
    fuzz-verify) echo Fuzz/verify.dict ;;
    fuzz-easemob-mapper) echo Fuzz/easemob.dict ;;
    fuzz-wecom-mapper) echo Fuzz/wecom.dict ;;
  esac
}

for target in "$@"; do
  scratch=$runs/$target
  rm -rf "$scratch"
  mkdir -p "$scratch/corpus" "$scratch/artifacts" "$scratch/tmp"
  # New inputs go to the scratch copy; the committed corpus changes only by `make fuzz-merge`.
  if [ -d "Fuzz/corpus/$target" ]; then cp -R "Fuzz/corpus/$target/." "$scratch/corpus/"; fi
  seeds=$(find "$scratch/corpus" -type f | wc -l)
  echo "== $target: ${seconds}s from $seeds corpus inputs (log: $scratch/fuzz.log)"
  start=$(date -u +%FT%TZ)
  # The targets' temporary files (one per process) and any spill stay in the scratch dir.
  TMPDIR=$(realpath "$scratch/tmp") "$bin/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=1048576 \
    -dict="$(dictionary "$target")" -artifact_prefix="$scratch/artifacts/" -print_final_stats=1 \
    "$scratch/corpus" >"$scratch/fuzz.log" 2>&1
  status=$?
  artifacts=$(find "$scratch/artifacts" -type f | wc -l)
  last=$(grep -E '^#[0-9]+' "$scratch/fuzz.log" | tail -1)
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$scratch/fuzz.log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$scratch/fuzz.log")
  peak=$(sed -n 's/^stat::peak_rss_mb: *//p' "$scratch/fuzz.log")
  corpus=$(find "$scratch/corpus" -type f | wc -l)
  bytes=$(du -sb "$scratch/corpus" | cut -f1)
  {
    echo "$target  started $start, ${seconds}s, exit $status, artifacts $artifacts"
    echo "  executions ${executions:-?}, ${rate:-?} exec/s, peak rss ${peak:-?} MB"
    echo "  corpus $corpus inputs, $bytes bytes"
    echo "  last: $last"
  } | tee -a "$summary"
  if [ "$status" -ne 0 ] || [ "$artifacts" -ne 0 ]; then
    failed=1
    echo "  FINDING: see $scratch/artifacts and the end of $scratch/fuzz.log" | tee -a "$summary"
    ls -l "$scratch/artifacts" | tee -a "$summary"
  fi
done
exit $failed
