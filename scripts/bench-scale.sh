#!/usr/bin/env bash
# Body of `make bench-scale`: issue 16's scale run, on demand (not in CI). Packs, verifies
# and renders generated text-only Easemob histories of 1M and 10M messages and prints each
# step's time and peak RSS, the 10M/1M memory ratio (flat is about 1.0), and the 10M
# site's file count, largest page and worst one-word query.
#
#   scripts/bench-scale.sh [--messages N] [--work DIR] [--bin PATH]
#
# The corpora are generated in bounded memory (one hour of messages at a time) and reused
# while the generator is unchanged. 10M messages take about 6 GB of disk for the corpus,
# the bundle and the site, and most of an hour on a 2-core machine.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
messages=10000000
work=${TMPDIR:-/tmp}/chatbundle-bench-scale
bin=
while (($#)); do
  case $1 in
    --messages) messages=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    *) echo "bench-scale: unknown option $1" >&2; exit 2 ;;
  esac
done
die() { echo "bench-scale: $*" >&2; exit 1; }
mkdir -p "$work"
gen=$repo/scripts/gen-easemob-corpus.py
if [[ -z $bin ]]; then
  (cd "$repo" && swift build -c release --product chatbundle >&2) || die "release build failed"
  bin=$repo/.build/release/chatbundle
fi
[[ -x $bin ]] || die "--bin $bin is not an executable"

corpus() { # N -> prints the corpus dir
  local dir="$work/corpus-$1" want
  want="messages=$1 gen=$(sha256sum "$gen" | cut -c1-16)"
  if ! [[ -f $dir/.complete && $(cat "$dir/.complete") == "$want" ]]; then
    rm -rf "$dir"
    python3 "$gen" --messages "$1" --conversations 200 --media-share 0 --out "$dir" >&2 || die "generation failed"
    echo "$want" >"$dir/.complete"
  fi
  echo "$dir"
}

declare -A secs rss
step() { # KEY COMMAND...
  local key=$1
  shift
  echo "run: $key" >&2
  /usr/bin/time -f '%e %M' -o "$work/.time" "$@" >"$work/.stdout" 2>"$work/.stderr" || {
    cat "$work/.stderr" >&2
    die "step $key failed"
  }
  read -r secs[$key] rss[$key] <"$work/.time"
}

small=$((messages / 10))
for n in "$small" "$messages"; do
  dir=$(corpus "$n")
  rm -rf "$work/site-$n" "$work/bundle-$n.tar.gz"
  step "pack-$n" "$bin" pack --quiet --source easemob "$dir/export" -o "$work/bundle-$n.tar.gz"
  step "verify-$n" "$bin" verify "$work/bundle-$n.tar.gz"
  step "render-$n" "$bin" render "$work/bundle-$n.tar.gz" -o "$work/site-$n"
done
stats=$(python3 "$repo/scripts/site-stats.py" "$work/site-$messages")

echo "# chatbundle scale run"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit: $(git -C "$repo" rev-parse --short HEAD); $(nproc) CPUs"
echo
echo "| step | messages | seconds | messages/s | peak RSS MiB |"
echo "|---|---:|---:|---:|---:|"
for n in "$small" "$messages"; do
  for s in pack verify render; do
    k=$s-$n
    echo "| $s | $n | ${secs[$k]} | $(awk -v n="$n" -v t="${secs[$k]}" 'BEGIN{printf "%d", n/t}') | $(awk -v r="${rss[$k]}" 'BEGIN{printf "%.1f", r/1024}') |"
  done
done
echo
for s in pack verify render; do
  echo "- $s peak RSS $messages/$small: $(awk -v a="${rss[$s-$messages]}" -v b="${rss[$s-$small]}" 'BEGIN{printf "%.2f", a/b}') (about 1.0 is flat)"
done
echo "- bundle of $messages: $(stat -c %s "$work/bundle-$messages.tar.gz") bytes"
echo "- site of $messages: $stats"
rm -rf "$work/site-$small" "$work/site-$messages"
