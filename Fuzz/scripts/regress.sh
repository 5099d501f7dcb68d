#!/usr/bin/env bash
# Replays every committed crash fixture (Fuzz/crashes/<target>/*) once through its target:
# each must now run cleanly. Built by `make fuzz-build`; run from the repository root.
set -euo pipefail
count=0
for dir in Fuzz/crashes/*/; do
  [ -d "$dir" ] || continue
  target=$(basename "$dir")
  mapfile -t inputs < <(find "$dir" -type f ! -name '*.md' | sort)
  [ ${#inputs[@]} -gt 0 ] || continue
  echo "== $target: ${#inputs[@]} fixtures"
  "Fuzz/.build/debug/$target" -timeout=10 -rss_limit_mb=2048 "${inputs[@]}"
  count=$((count + ${#inputs[@]}))
done
echo "replayed $count crash fixtures, all clean"
