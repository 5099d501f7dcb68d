#!/usr/bin/env bash
# Folds what the last `make fuzz` found (Fuzz/.build/runs/<target>/corpus) into the
# committed corpus, keeping only inputs that add coverage (libFuzzer -merge=1), and drops
# inputs over 1 MB. Run from the repository root after `make fuzz`.
set -euo pipefail
for target in "$@"; do
  found=Fuzz/.build/runs/$target/corpus
  committed=Fuzz/corpus/$target
  [ -d "$found" ] || continue
  fresh=Fuzz/.build/runs/$target/merged
  rm -rf "$fresh" && mkdir -p "$fresh"
  # Merging into an empty directory from the old and the new inputs minimizes both.
  dirs=("$found")
  [ -d "$committed" ] && dirs=("$committed" "$found")
  "Fuzz/.build/debug/$target" -merge=1 -timeout=10 -rss_limit_mb=2048 -max_len=1048576 "$fresh" "${dirs[@]}" \
    >"Fuzz/.build/runs/$target/merge.log" 2>&1
  find "$fresh" -type f -size +1M -delete
  rm -rf "$committed" && mkdir -p "$committed" && cp "$fresh"/* "$committed"/
  echo "$target: $(ls "$committed" | wc -l) inputs, $(du -sh "$committed" | cut -f1)"
done
