#!/usr/bin/env bash
# Packs the example exports and checks the bundle against the JSON Schemas in spec/schemas,
# so the schemas and the code cannot drift apart unnoticed.
set -euo pipefail
bin="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$bin" pack --quiet --source easemob examples/easemob/export --media examples/easemob/media \
  --people examples/easemob/people.csv -o "$work/example.tar.gz"
python3 scripts/check-schemas.py "$work/example.tar.gz"
# Format 1.5: the example redacted (a marker, spans, a media reference removed, the lineage).
"$bin" redact --quiet "$work/example.tar.gz" -o "$work/redacted.tar.gz" --pattern phone --reason "phone" \
  --pattern idcard --reason "ID card" --message 174157446529738215 --reason "health" \
  --media 6e567b3a989b328cce0422be23d6d3afc0a06747c46cf6afa6dbc4d6a7241a62 --reason "homework"
python3 scripts/check-schemas.py "$work/redacted.tar.gz"
"$bin" pack --quiet --source wecom examples/wecom/messages.jsonl --media examples/wecom/media \
  --people examples/wecom/people.csv -o "$work/wecom.tar.gz"
python3 scripts/check-schemas.py "$work/wecom.tar.gz"
# Format 1.3: an Easemob callback log with a revision (feature message-revisions).
"$bin" pack --quiet --source easemob examples/easemob-webhooks/webhooks.jsonl \
  --people examples/easemob-webhooks/people.csv -o "$work/webhooks.tar.gz"
python3 scripts/check-schemas.py "$work/webhooks.tar.gz"
# The layout sources: Slack (a credential removed and counted), Telegram, Discord.
"$bin" pack --quiet --source slack examples/slack -o "$work/slack.tar.gz"
python3 scripts/check-schemas.py "$work/slack.tar.gz"
"$bin" pack --quiet --source telegram examples/telegram/DataExport_2025-03-10 -o "$work/telegram.tar.gz"
python3 scripts/check-schemas.py "$work/telegram.tar.gz"
"$bin" pack --quiet --source discord examples/discord -o "$work/discord.tar.gz"
python3 scripts/check-schemas.py "$work/discord.tar.gz"
# Format 1.2: custody, and coverage from WeCom seq numbers with two gaps.
python3 - "$work/seq.jsonl" <<'PY'
import json, sys
out = []
for number, line in enumerate(open("examples/wecom/messages.jsonl", encoding="utf-8")):
    record = json.loads(line)
    record["seq"] = number + 1 + (3 if number >= 3 else 0) + (1 if number >= 10 else 0)
    out.append(json.dumps(record, ensure_ascii=False))
open(sys.argv[1], "w", encoding="utf-8").write("\n".join(out) + "\n")
PY
"$bin" pack --quiet --source wecom "$work/seq.jsonl" --media examples/wecom/media --people examples/wecom/people.csv \
  --exported-by "IT department" --requested-by "Compliance" --purpose "audit" --reference "REQ-1" \
  -o "$work/custody.tar.gz"
python3 scripts/check-schemas.py "$work/custody.tar.gz"
