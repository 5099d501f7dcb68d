#!/usr/bin/env bash
# Makes the raw seed inputs the committed corpora were minimized from, in DIR/<target>:
#   fuzz-verify          bundles packed from examples/ and ../shared/corpus (one signed),
#                        every VerifyFixtures bundle, and stored-block (gzip -0) copies of
#                        them, whose tar and JSON bytes a mutation reaches directly;
#   fuzz-*-mapper        the example export files whole and each of their records, and the
#                        single-record samples of ../shared/corpus.
# Then `Fuzz/.build/debug/<target> -merge=1 Fuzz/corpus/<target> DIR/<target>` keeps the
# inputs that add coverage. Needs `swift build --product chatbundle`; run from the root.
set -euo pipefail
out=$(realpath -m "$1")
bin=$(swift build --show-bin-path)/chatbundle
shared=../shared/corpus
mkdir -p "$out"/{fuzz-verify,fuzz-easemob-mapper,fuzz-wecom-mapper,fixtures,keys}
v=$out/fuzz-verify
"$bin" pack --source easemob examples/easemob/export --media examples/easemob/media \
  --people examples/easemob/people.csv -o "$v/easemob.tar.gz" >/dev/null
"$bin" pack --source wecom examples/wecom/messages.jsonl --media examples/wecom/media \
  --people examples/wecom/people.csv -o "$v/wecom.tar.gz" >/dev/null
if [ -d "$shared" ]; then
  "$bin" pack --source easemob "$shared/easemob/derived/2018112717_assembled_from_doc_snippets.jsonl" \
    -o "$v/shared-easemob.tar.gz" >/dev/null
  "$bin" pack --source wecom --skip-invalid --keep-first-duplicate "$shared/wecom/derived_all_samples.jsonl" \
    -o "$v/shared-wecom.tar.gz" >/dev/null
fi
rm -f "$out/keys/fuzz".*
"$bin" key new --output "$out/keys/fuzz" --name fuzz >/dev/null
"$bin" sign "$v/wecom.tar.gz" --key "$out/keys/fuzz.key" -o "$v/wecom-signed.tar.gz" >/dev/null
bash Fuzz/scripts/dump-verify-fixtures.sh "$out/fixtures" >/dev/null
cp "$out/fixtures"/* "$v/"
python3 - "$out" "$shared" <<'PY'
import glob, gzip, hashlib, os, sys, zlib
out, shared = sys.argv[1], sys.argv[2]
# Stored-block copies: the first gzip member recompressed at level 0, later members kept.
for path in sorted(glob.glob(out + "/fuzz-verify/*.tar.gz")):
    data = open(path, "rb").read()
    inflater = zlib.decompressobj(31)
    try:
        tar = inflater.decompress(data) + inflater.flush()
    except zlib.error:
        continue
    if inflater.eof:
        with open(path.replace(".tar.gz", "-stored.tar.gz"), "wb") as f:
            f.write(gzip.compress(tar, compresslevel=0, mtime=0) + inflater.unused_data)
def put(target, data):
    if data.strip():
        with open(f"{out}/{target}/{hashlib.sha1(data).hexdigest()[:16]}", "wb") as f:
            f.write(data)
def records(target, path):
    data = open(path, "rb").read()
    put(target, data)
    for line in (gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data).split(b"\n"):
        put(target, line)
for path in glob.glob("examples/easemob/export/*"):
    records("fuzz-easemob-mapper", path)
records("fuzz-wecom-mapper", "examples/wecom/messages.jsonl")
for line in open(shared + "/easemob/derived/2018112717_assembled_from_doc_snippets.jsonl", "rb").read().split(b"\n"):
    put("fuzz-easemob-mapper", line)
for path in glob.glob(shared + "/easemob/**/*.json*", recursive=True):
    if not path.endswith(".jsonl"):
        put("fuzz-easemob-mapper", open(path, "rb").read())
for path in glob.glob(shared + "/wecom/*.json"):
    put("fuzz-wecom-mapper", open(path, "rb").read())
PY
for target in fuzz-verify fuzz-easemob-mapper fuzz-wecom-mapper; do
  echo "$target: $(ls "$out/$target" | wc -l) seeds"
done
