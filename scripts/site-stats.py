#!/usr/bin/env python3
"""Size figures of a rendered site, for `make bench`.

    scripts/site-stats.py SITE_DIR

Prints one line of key=value pairs: files, total bytes, the largest HTML page, the
largest token shard, and what the costliest single-word query loads: for the token
with the longest posting list, its token shard plus the document shards of the first
50 hits (what search.js fetches to show a page of results), plus meta.js and members.js.
"""
import json
import os
import sys

DOCS_PER_SHARD = 64
RESULTS_SHOWN = 50


def payload(path):
    text = open(path, encoding="utf-8").read()
    start = text.index(",") + 1  # after the shard name or number
    return json.loads(text[start : text.rindex(")")])


def main(site):
    files = total = 0
    largest_page = (0, "")
    for root, _, names in os.walk(site):
        for name in names:
            path = os.path.join(root, name)
            size = os.path.getsize(path)
            files += 1
            total += size
            if name.endswith(".html") and size > largest_page[0]:
                largest_page = (size, os.path.relpath(path, site))
    token_dir = os.path.join(site, "search", "t")
    shards = sorted(((os.path.getsize(os.path.join(token_dir, n)), n) for n in os.listdir(token_dir)), reverse=True)
    best = (0, None, None)  # (postings, token, shard file)
    for size, name in shards[:16]:  # the longest lists live in the largest shards
        for token, postings in payload(os.path.join(token_dir, name)).items():
            count = postings.count(",") + 1
            if count > best[0]:
                best = (count, token, name)
    count, token, shard_name = best
    postings = payload(os.path.join(token_dir, shard_name))[token].split(",")
    numbers, running = [], 0
    for delta in postings[:RESULTS_SHOWN]:
        running += int(delta, 36)
        numbers.append(running)
    doc_shards = sorted({n // DOCS_PER_SHARD for n in numbers})
    loaded = os.path.getsize(os.path.join(token_dir, shard_name))
    loaded += sum(os.path.getsize(os.path.join(site, "search", "d", f"{s}.js")) for s in doc_shards)
    loaded += sum(os.path.getsize(os.path.join(site, "search", n)) for n in ("meta.js", "members.js"))
    print(
        f"files={files} bytes={total} largest_page={largest_page[0]} largest_page_name={largest_page[1]} "
        f"largest_token_shard={shards[0][0]} commonest_token={json.dumps(token)} commonest_postings={count} "
        f"query_loads={loaded} query_doc_shards={len(doc_shards)}"
    )


if __name__ == "__main__":
    main(sys.argv[1])
