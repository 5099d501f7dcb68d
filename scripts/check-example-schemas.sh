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
"$bin" pack --quiet --source wecom examples/wecom/messages.jsonl --media examples/wecom/media \
  --people examples/wecom/people.csv -o "$work/wecom.tar.gz"
python3 scripts/check-schemas.py "$work/wecom.tar.gz"
