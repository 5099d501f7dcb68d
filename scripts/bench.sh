#!/usr/bin/env bash
# Body of `make bench`: time chatbundle pack/verify against tar+gzip, tar+pigz
# and gzip -dc|sha256sum on the same synthetic Easemob corpus, in one run.
#
#   scripts/bench.sh [--messages N] [--conversations G] [--media-share S] [--work DIR]
#                    [--text-messages T] [--baselines-only] [--keep-outputs] [--bin PATH]
#
# Defaults: 200000 messages, 200 conversations, media share 0.05, WORK=bench-data/.
# A second, text-only scenario packs T (default 1000000) and T/4 messages with no
# media, where message count is what grows; --text-messages 0 skips it.
# --baselines-only skips building and running chatbundle (to test this script
# before the binary works); --bin uses that chatbundle instead of building one
# with swift build -c release. Outputs (GBs at the defaults) are deleted at the
# end unless --keep-outputs. The table goes to stdout and to WORK/last-run.md.
# shellcheck disable=SC2016 # bash -c scripts take "$1" etc. as arguments on purpose
set -euo pipefail
shopt -s inherit_errexit # so a failure inside $(...) stops the script too

messages=200000
conversations=200
media_share=0.05
text_messages=1000000
work=""
baselines_only=0
keep_outputs=0
bin=""

die() { echo "bench.sh: $*" >&2; exit 1; }
usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
  case $1 in
    --messages) messages=${2:?}; shift 2 ;;
    --conversations) conversations=${2:?}; shift 2 ;;
    --media-share) media_share=${2:?}; shift 2 ;;
    --work) work=${2:?}; shift 2 ;;
    --text-messages) text_messages=${2:?}; shift 2 ;;
    --baselines-only) baselines_only=1; shift ;;
    --keep-outputs) keep_outputs=1; shift ;;
    --bin) bin=${2:?}; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
[[ $messages =~ ^[0-9]+$ && $messages -ge 4 ]] || die "--messages must be an integer >= 4"
[[ $conversations =~ ^[0-9]+$ && $conversations -ge 3 ]] || die "--conversations must be an integer >= 3"

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=${work:-$repo/bench-data}
mkdir -p "$work"
work=$(cd "$work" && pwd)
gen=$repo/scripts/gen-easemob-corpus.py

# ---- tools: the baselines need pigz and GNU time (bash's `time` has no peak RSS)
missing=()
command -v pigz >/dev/null 2>&1 || missing+=(pigz)
[[ -x /usr/bin/time ]] || missing+=(time)
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    # Package lists may be absent on a fresh machine; update only if needed.
    apt-get install -y "${missing[@]}" || { apt-get update && apt-get install -y "${missing[@]}"; }
  else
    die "missing ${missing[*]}: run 'apt-get install -y ${missing[*]}' as root, or run this script as root"
  fi
fi
for t in python3 tar gzip sha256sum; do command -v "$t" >/dev/null || die "missing tool: $t"; done

# ---- corpora: regenerate only when parameters or the generator changed
ensure_corpus() { # N [MEDIA_SHARE] -> prints the corpus dir
  local n=$1 share=${2:-$media_share}
  local dir="$work/corpus-m$1-c$conversations-s$share"
  local want
  want="messages=$n conversations=$conversations media_share=$share gen=$(sha256sum "$gen" | cut -c1-16)"
  if [[ -f $dir/.complete && $(cat "$dir/.complete") == "$want" ]]; then
    echo "corpus: reusing $dir" >&2
  else
    echo "corpus: generating $dir" >&2
    rm -rf "$dir"
    python3 "$gen" --messages "$n" --conversations "$conversations" --media-share "$share" --out "$dir" >&2 ||
      die "corpus generation failed"
    echo "$want" >"$dir/.complete" # written last: a killed run leaves no stamp
  fi
  echo "$dir"
}
big=$(ensure_corpus "$messages")
small_messages=$((messages / 4))
small=$(ensure_corpus "$small_messages")

# ---- chatbundle release build
if ((!baselines_only)) && [[ -n $bin ]]; then
  [[ -x $bin ]] || die "--bin $bin is not an executable"
elif ((!baselines_only)); then
  command -v swift >/dev/null || die "swift not found; use --baselines-only to run just the baselines"
  (cd "$repo" && swift build -c release) >&2 || die "swift build -c release failed"
  bin="$(cd "$repo" && swift build -c release --show-bin-path)/chatbundle"
  [[ -x $bin ]] || die "chatbundle binary not found at $bin"
fi

out=$work/run
rm -rf "$out"
mkdir -p "$out"
if ((!keep_outputs)); then trap 'rm -rf "$out"' EXIT; fi

declare -A secs rss size
# measure KEY OUTPUT-FILE-OR-- CMD...: run CMD under GNU time, record wall
# seconds, peak RSS (of the largest process, for pipelines) and output size.
measure() {
  local key=$1 output=$2
  shift 2
  echo "run: $key" >&2
  if ! /usr/bin/time -f '%e %M' -o "$out/.time" "$@" >"$out/.stdout" 2>"$out/.stderr"; then
    cat "$out/.stderr" >&2
    die "step '$key' failed: $*"
  fi
  local s r
  read -r s r <"$out/.time"
  secs[$key]=$s rss[$key]=$r
  if [[ $output == - ]]; then
    size[$key]=""
  else
    [[ -s $output ]] || die "step '$key' exited 0 but wrote no $output (is that command implemented yet?)"
    size[$key]=$(stat -c %s "$output")
  fi
}
# GNU time needs a program, not a shell pipeline: pipelines below run under
# bash -c with pipefail, so a failing tar is not hidden behind a working gzip.

# Warm the page cache so the first timed step is not penalised for cold reads.
tar -cf - -C "$big" export media >/dev/null
tar -cf - -C "$small" export media >/dev/null

if ((!baselines_only)); then
  measure pack "$out/pack.tar.gz" "$bin" pack --source easemob "$big/export" --media "$big/media" -o "$out/pack.tar.gz"
  measure verify - "$bin" verify "$out/pack.tar.gz"
fi
measure gzip "$out/base.tar.gz" bash -c 'set -o pipefail; tar -cf - -C "$1" export media | gzip -6 >"$2"' _ "$big" "$out/base.tar.gz"
measure pigz "$out/base-pigz.tar.gz" bash -c 'set -o pipefail; tar -cf - -C "$1" export media | pigz -6 >"$2"' _ "$big" "$out/base-pigz.tar.gz"
# Verify's floor: inflate and hash every byte once. Without a bundle, use the tar+gzip output.
sha_in=$out/pack.tar.gz
((baselines_only)) && sha_in=$out/base.tar.gz
measure sha - bash -c 'set -o pipefail; gzip -dc "$1" | sha256sum >/dev/null' _ "$sha_in"

if ((!baselines_only)); then
  measure pack_small "$out/pack-small.tar.gz" "$bin" pack --source easemob "$small/export" --media "$small/media" -o "$out/pack-small.tar.gz"
  measure verify_small - "$bin" verify "$out/pack-small.tar.gz"
fi

# ---- text-only scenario: message count grows, media do not
if ((!baselines_only)) && ((text_messages > 0)); then
  text_big=$(ensure_corpus "$text_messages" 0)
  text_small=$(ensure_corpus "$((text_messages / 4))" 0)
  tar -cf - -C "$text_big" export >/dev/null
  measure text_pack "$out/text.tar.gz" "$bin" pack --source easemob "$text_big/export" -o "$out/text.tar.gz"
  measure text_verify - "$bin" verify "$out/text.tar.gz"
  measure text_gzip "$out/text-base.tar.gz" bash -c 'set -o pipefail; tar -cf - -C "$1" export | gzip -6 >"$2"' _ "$text_big" "$out/text-base.tar.gz"
  measure text_sha - bash -c 'set -o pipefail; gzip -dc "$1" | sha256sum >/dev/null' _ "$out/text.tar.gz"
  # What the bundle carries, as the standard tools handle it (issue 16's references): its
  # tar stream, decompressed once untimed, compressed by pigz and by gzip; read back and
  # hashed by tar; its message lines parsed by jq and by CPython's json.
  gzip -dc "$out/text.tar.gz" >"$out/text-payload.tar"
  measure text_payload_pigz "$out/text-payload.pigz" bash -c 'pigz -6 <"$1" >"$2"' _ "$out/text-payload.tar" "$out/text-payload.pigz"
  measure text_payload_gzip "$out/text-payload.gz" bash -c 'gzip -6 <"$1" >"$2"' _ "$out/text-payload.tar" "$out/text-payload.gz"
  measure text_tar_sha - bash -c 'set -o pipefail; tar -xzOf "$1" | sha256sum >/dev/null' _ "$out/text.tar.gz"
  tar -xOf "$out/text-payload.tar" --wildcards '*/conversations/*.ndjson' >"$out/text-messages.ndjson"
  text_ndjson_bytes=$(stat -c %s "$out/text-messages.ndjson")
  rm -f "$out/text-payload.tar" "$out/text-payload.pigz" "$out/text-payload.gz"
  if command -v jq >/dev/null; then
    measure text_jq - bash -c 'jq -c . <"$1" >/dev/null' _ "$out/text-messages.ndjson"
  fi
  measure text_python_json - python3 -c 'import json, sys
for line in open(sys.argv[1], "rb"): json.loads(line)' "$out/text-messages.ndjson"
  rm -f "$out/text-messages.ndjson"
  measure text_pack_small "$out/text-small.tar.gz" "$bin" pack --source easemob "$text_small/export" -o "$out/text-small.tar.gz"
  measure text_verify_small - "$bin" verify "$out/text-small.tar.gz"
  # render verifies in the same pass, so it is compared with verify and with the Python
  # static-site generator figure (about 6,000 messages/s on this machine, per issue 3).
  measure text_render "$out/text-site/index.html" "$bin" render "$out/text.tar.gz" -o "$out/text-site"
  measure text_render_small "$out/text-site-small/index.html" "$bin" render "$out/text-small.tar.gz" -o "$out/text-site-small"
  text_site_stats=$(python3 "$repo/scripts/site-stats.py" "$out/text-site")
  rm -rf "$out/text-site" "$out/text-site-small"
  # The exports, each verifying in the same pass; the small bundle shows whether memory grows.
  for size_key in "" _small; do
    bundle="$out/text$( [[ -z $size_key ]] || echo -small).tar.gz"
    measure "text_sqlite$size_key" "$out/text$size_key.sqlite" "$bin" export sqlite "$bundle" -o "$out/text$size_key.sqlite"
    measure "text_sql$size_key" "$out/text$size_key.sql" "$bin" export sql "$bundle" -o "$out/text$size_key.sql"
    measure "text_csv$size_key" "$out/text-csv$size_key/index.csv" "$bin" export csv "$bundle" -o "$out/text-csv$size_key"
    rm -rf "$out/text-csv$size_key" "$out/text$size_key.sql"
  done
  # Derivations: each bundle sliced in two halves by time, the halves merged back, and the
  # merge proven against them; the small bundle shows whether memory grows.
  for size_key in "" _small; do
    bundle="$out/text$( [[ -z $size_key ]] || echo -small).tar.gz"
    mid=$("$bin" inspect "$bundle" --json | python3 -c '
import json, sys
c = json.load(sys.stdin)["conversations"]
print((min(x["first_ts"] for x in c) + max(x["last_ts"] for x in c)) // 2)')
    measure "text_slice$size_key" "$out/early$size_key.tar.gz" "$bin" slice "$bundle" --until "$mid" -o "$out/early$size_key.tar.gz"
    "$bin" slice "$bundle" --since "$mid" -q -o "$out/late$size_key.tar.gz"
    measure "text_merge$size_key" "$out/merged$size_key.tar.gz" "$bin" merge "$out/late$size_key.tar.gz" "$out/early$size_key.tar.gz" -o "$out/merged$size_key.tar.gz"
    measure "text_prove$size_key" - "$bin" verify "$out/merged$size_key.tar.gz" --parent "$out/early$size_key.tar.gz" --parent "$out/late$size_key.tar.gz"
    # Redaction: phone and ID card patterns over every string (the corpus holds none) and a
    # regex that hits every "收到", so that many lines are rewritten; then its proof.
    measure "text_redact$size_key" "$out/redacted$size_key.tar.gz" "$bin" redact "$bundle" -o "$out/redacted$size_key.tar.gz" \
      --pattern phone --reason phone --pattern idcard --reason "ID card" --pattern 收到 --reason bench
    measure "text_redact_prove$size_key" - "$bin" verify "$out/redacted$size_key.tar.gz" --parent "$bundle"
    rm -f "$out/early$size_key.tar.gz" "$out/late$size_key.tar.gz" "$out/merged$size_key.tar.gz" \
      "$out/redacted$size_key.tar.gz" "$out/redacted$size_key.salts"
  done
  if command -v sqlite3 >/dev/null; then
    sqlite_rows=$(sqlite3 -readonly "$out/text.sqlite" 'SELECT count(*) FROM messages')
    sqlite_hits=$(sqlite3 -readonly "$out/text.sqlite" "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH '期中'")
  fi
  rm -f "$out/text.sqlite" "$out/text_small.sqlite"
fi
if ((!baselines_only)); then
  measure render "$out/site/index.html" "$bin" render "$out/pack.tar.gz" -o "$out/site"
  site_stats=$(python3 "$repo/scripts/site-stats.py" "$out/site")
  rm -rf "$out/site"
fi

# ---- report
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }           # KiB -> MiB
bytes_mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
ratio() { # a/b, or n/a when either is missing or b rounds to zero
  [[ -n ${1:-} && -n ${2:-} ]] || { echo n/a; return; }
  awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'
}
input_bytes() { du -sb "$1/export" "$1/media" | awk '{ s += $1 } END { print s }'; }
row() { # KEY LABEL
  local k=$1
  if [[ -z ${secs[$k]:-} ]]; then
    echo "| $2 | skipped | | |"
    return
  fi
  local sz=${size[$k]}
  [[ -n $sz ]] && sz="$(bytes_mib "$sz") MiB ($sz B)" || sz="-"
  echo "| $2 | ${secs[$k]} | $(mib "${rss[$k]}") | $sz |"
}

rev=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -n $(git -C "$repo" status --porcelain 2>/dev/null) ]] && rev="$rev (dirty)"
big_in=$(input_bytes "$big")
small_in=$(input_bytes "$small")
cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)

report=$out/report.md
{
  echo "# chatbundle benchmark"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit: $rev; machine: $(nproc) CPUs, ${cpu:-unknown CPU}"
  echo "- corpus: $messages messages, $conversations conversations, media share $media_share;" \
    "input $(bytes_mib "$big_in") MiB ($(find "$big/export" -type f | wc -l) hour files, $(find "$big/media" -type f | wc -l) media files)"
  ((baselines_only)) && echo "- **--baselines-only: chatbundle was not run; gzip -dc | sha256sum read the tar+gzip output**"
  echo "- page cache warm for all steps; peak RSS of a pipeline is that of its largest process"
  echo
  echo "| step | seconds | peak RSS MiB | output size |"
  echo "|---|---:|---:|---:|"
  row pack "chatbundle pack"
  row verify "chatbundle verify"
  row gzip "tar -cf - export media \| gzip -6"
  row pigz "tar -cf - export media \| pigz -6"
  row sha "gzip -dc OUT.tar.gz \| sha256sum"
  echo
  echo "| ratio | value |"
  echo "|---|---:|"
  echo "| pack / (tar+gzip) | $(ratio "${secs[pack]:-}" "${secs[gzip]}") |"
  echo "| pack / (tar+pigz) | $(ratio "${secs[pack]:-}" "${secs[pigz]}") |"
  echo "| verify / (gzip -dc \| sha256sum) | $(ratio "${secs[verify]:-}" "${secs[sha]}") |"
  echo "| pack output / tar+gzip output | $(ratio "${size[pack]:-}" "${size[gzip]}") |"
  echo "| (tar+pigz) / pack, issue 16 floor 1.0 | $(ratio "${secs[pigz]}" "${secs[pack]:-}") |"
  echo "| (gzip -dc \\| sha256sum) / verify, issue 16 floor 1.2 | $(ratio "${secs[sha]}" "${secs[verify]:-}") |"
  echo
  echo "Memory scaling (peak RSS should stay flat when the input is 4x larger):"
  echo
  echo "| corpus | messages | input MiB | pack peak RSS MiB | verify peak RSS MiB |"
  echo "|---|---:|---:|---:|---:|"
  for k in small big; do
    if [[ $k == small ]]; then n=$small_messages in=$small_in p=${rss[pack_small]:-} v=${rss[verify_small]:-}; else n=$messages in=$big_in p=${rss[pack]:-} v=${rss[verify]:-}; fi
    echo "| $k | $n | $(bytes_mib "$in") | $([[ -n $p ]] && mib "$p" || echo skipped) | $([[ -n $v ]] && mib "$v" || echo skipped) |"
  done
  echo
  echo "pack RSS big/small: $(ratio "${rss[pack]:-}" "${rss[pack_small]:-}"); verify RSS big/small: $(ratio "${rss[verify]:-}" "${rss[verify_small]:-}") (about 1.0 means memory does not grow with input)"
  if [[ -n ${secs[text_pack]:-} ]]; then
    per_second() { awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "n/a" }'; }
    echo
    echo "Text-only scenario: $text_messages messages, no media (input $(bytes_mib "$(du -sb "$text_big/export" | cut -f1)") MiB of hour files):"
    echo
    echo "| step | seconds | messages/s | peak RSS MiB | output size |"
    echo "|---|---:|---:|---:|---:|"
    for k in text_pack text_verify text_gzip text_sha; do
      case $k in
        text_pack) label="chatbundle pack" ;; text_verify) label="chatbundle verify" ;;
        text_gzip) label="tar -cf - export \\| gzip -6" ;; text_sha) label="gzip -dc OUT.tar.gz \\| sha256sum" ;;
      esac
      sz=${size[$k]}
      [[ -n $sz ]] && sz="$(bytes_mib "$sz") MiB" || sz="-"
      echo "| $label | ${secs[$k]} | $(per_second "$text_messages" "${secs[$k]}") | $(mib "${rss[$k]}") | $sz |"
    done
    echo
    echo "| ratio | value |"
    echo "|---|---:|"
    echo "| pack / (tar+gzip) | $(ratio "${secs[text_pack]}" "${secs[text_gzip]}") |"
    echo "| verify / (gzip -dc \\| sha256sum) | $(ratio "${secs[text_verify]}" "${secs[text_sha]}") |"
    echo
    echo "Against the standard tools on what the bundle carries (its tar stream, $(bytes_mib "$text_ndjson_bytes") MiB of message NDJSON); reference time / chatbundle time, higher is better:"
    echo
    echo "| reference | seconds | ratio | issue 16 floor |"
    echo "|---|---:|---:|---:|"
    echo "| pigz -6 of the tar stream / pack | ${secs[text_payload_pigz]} | $(ratio "${secs[text_payload_pigz]}" "${secs[text_pack]}") | 0.4 |"
    echo "| gzip -6 of the tar stream / pack | ${secs[text_payload_gzip]} | $(ratio "${secs[text_payload_gzip]}" "${secs[text_pack]}") | |"
    echo "| tar -xzOf \\| sha256sum / verify | ${secs[text_tar_sha]} | $(ratio "${secs[text_tar_sha]}" "${secs[text_verify]}") | 0.6 |"
    echo "| jq -c . of the NDJSON / verify | ${secs[text_jq]:-n/a} | $(ratio "${secs[text_jq]:-}" "${secs[text_verify]}") | |"
    echo "| CPython json.loads per line / verify | ${secs[text_python_json]} | $(ratio "${secs[text_python_json]}" "${secs[text_verify]}") | |"
    echo
    echo "| corpus | messages | pack peak RSS MiB | verify peak RSS MiB |"
    echo "|---|---:|---:|---:|"
    echo "| small | $((text_messages / 4)) | $(mib "${rss[text_pack_small]}") | $(mib "${rss[text_verify_small]}") |"
    echo "| big | $text_messages | $(mib "${rss[text_pack]}") | $(mib "${rss[text_verify]}") |"
    echo
    echo "pack RSS big/small: $(ratio "${rss[text_pack]}" "${rss[text_pack_small]}"); verify RSS big/small: $(ratio "${rss[text_verify]}" "${rss[text_verify_small]}")"
    echo
    echo "Render (verifies in the same pass) of the text-only bundles:"
    echo
    echo "| corpus | messages | seconds | messages/s | vs 6,000 msg/s | vs verify | peak RSS MiB |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    echo "| small | $((text_messages / 4)) | ${secs[text_render_small]} | $(per_second "$((text_messages / 4))" "${secs[text_render_small]}") | $(ratio "$(per_second "$((text_messages / 4))" "${secs[text_render_small]}")" 6000) | $(ratio "${secs[text_render_small]}" "${secs[text_verify_small]}") | $(mib "${rss[text_render_small]}") |"
    echo "| big | $text_messages | ${secs[text_render]} | $(per_second "$text_messages" "${secs[text_render]}") | $(ratio "$(per_second "$text_messages" "${secs[text_render]}")" 6000) | $(ratio "${secs[text_render]}" "${secs[text_verify]}") | $(mib "${rss[text_render]}") |"
    echo
    echo "render RSS big/small: $(ratio "${rss[text_render]}" "${rss[text_render_small]}")"
    echo
    echo "Site of the big text bundle: $text_site_stats"
    echo
    echo "Exports of the text-only bundles (each verifies the bundle in the same pass):"
    echo
    echo "| export | messages | seconds | messages/s | vs verify | peak RSS MiB | output size |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    for k in text_sqlite text_sqlite_small text_sql text_sql_small text_csv text_csv_small; do
      [[ -n ${secs[$k]:-} ]] || continue
      n=$text_messages v=${secs[text_verify]}
      [[ $k == *_small ]] && n=$((text_messages / 4)) v=${secs[text_verify_small]}
      case $k in text_sqlite*) label="export sqlite" ;; text_sql*) label="export sql" ;; text_csv*) label="export csv" ;; esac
      sz=${size[$k]}
      echo "| $label | $n | ${secs[$k]} | $(per_second "$n" "${secs[$k]}") | $(ratio "${secs[$k]}" "$v") | $(mib "${rss[$k]}") | $(bytes_mib "$sz") MiB |"
    done
    [[ -n ${sqlite_rows:-} ]] && echo && echo "SQLite file of the big bundle: $sqlite_rows message rows; MATCH '期中' finds $sqlite_hits messages."
    echo
    echo "Derivations of the text-only bundles: slice (the first half by time), merge (the two halves back into one), verify --parent (the merge proven against both halves), redact (phone, ID card and a regex hitting every \"收到\") and its verify --parent; every bundle verified in the same pass:"
    echo
    echo "| operation | bundle messages | seconds | messages/s | vs verify | peak RSS MiB |"
    echo "|---|---:|---:|---:|---:|---:|"
    for k in text_slice text_slice_small text_merge text_merge_small text_prove text_prove_small text_redact text_redact_small text_redact_prove text_redact_prove_small; do
      [[ -n ${secs[$k]:-} ]] || continue
      n=$text_messages v=${secs[text_verify]}
      [[ $k == *_small ]] && n=$((text_messages / 4)) v=${secs[text_verify_small]}
      case $k in text_slice*) label="slice" ;; text_merge*) label="merge" ;; text_prove*) label="verify --parent" ;;
        text_redact_prove*) label="verify --parent (redaction)" ;; text_redact*) label="redact" ;; esac
      echo "| $label | $n | ${secs[$k]} | $(per_second "$n" "${secs[$k]}") | $(ratio "${secs[$k]}" "$v") | $(mib "${rss[$k]}") |"
    done
    echo
    echo "slice RSS big/small: $(ratio "${rss[text_slice]:-}" "${rss[text_slice_small]:-}"); merge RSS big/small: $(ratio "${rss[text_merge]:-}" "${rss[text_merge_small]:-}"); verify --parent RSS big/small: $(ratio "${rss[text_prove]:-}" "${rss[text_prove_small]:-}"); redact RSS big/small: $(ratio "${rss[text_redact]:-}" "${rss[text_redact_small]:-}"); its proof: $(ratio "${rss[text_redact_prove]:-}" "${rss[text_redact_prove_small]:-}")"
  fi
  if [[ -n ${secs[render]:-} ]]; then
    echo
    echo "Render of the media-heavy bundle ($messages messages): ${secs[render]} s, peak RSS $(mib "${rss[render]}") MiB, $(ratio "${secs[render]}" "${secs[verify]}")x verify; site: $site_stats"
  fi
} >"$report"

cp "$report" "$work/last-run.md"
cat "$report"
echo >&2
echo "written: $work/last-run.md" >&2
