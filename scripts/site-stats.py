#!/usr/bin/env python3
"""Size figures of a rendered site, for `make bench`.

    scripts/site-stats.py SITE_DIR

Prints one line of key=value pairs: files, total bytes, the largest HTML page, the
largest token shard, and what single-word queries load to show their first page of
results (what search.js fetches): the token's shard, the document shards of its first
20 hits, meta.js and members.js. It reports that for the commonest token and the worst
over every token of the index.
"""
import json
import os
import sys

RESULTS_SHOWN = 20


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
    meta_text = open(os.path.join(site, "search", "meta.js"), encoding="utf-8").read()
    meta = json.loads(meta_text[meta_text.index("(") + 1 : meta_text.rindex(")")])
    per = meta.get("documentsPerShard", 64)
    fixed = sum(os.path.getsize(os.path.join(site, "search", n)) for n in ("meta.js", "members.js"))
    doc_sizes = {}

    def first_page_shards(postings):
        numbers, running = [], 0
        for delta in postings.split(",")[:RESULTS_SHOWN]:
            running += int(delta, 36)
            numbers.append(running)
        return sorted({n // per for n in numbers})

    def doc_bytes(shards):
        total = 0
        for s in shards:
            if s not in doc_sizes:
                doc_sizes[s] = os.path.getsize(os.path.join(site, "search", "d", f"{s}.js"))
            total += doc_sizes[s]
        return total

    token_size = os.path.getsize(os.path.join(token_dir, shard_name))
    doc_shards = first_page_shards(payload(os.path.join(token_dir, shard_name))[token])
    loaded = token_size + doc_bytes(doc_shards) + fixed
    worst = (0, "", 0)
    for size, name in shards:
        for other, postings in payload(os.path.join(token_dir, name)).items():
            some = first_page_shards(postings)
            cost = size + doc_bytes(some) + fixed
            if cost > worst[0]:
                worst = (cost, other, len(some))
    print(
        f"files={files} bytes={total} largest_page={largest_page[0]} largest_page_name={largest_page[1]} "
        f"largest_token_shard={shards[0][0]} commonest_token={json.dumps(token)} commonest_postings={count} "
        f"query_loads={loaded} query_doc_shards={len(doc_shards)} "
        f"worst_query_loads={worst[0]} worst_query_token={json.dumps(worst[1])} worst_query_doc_shards={worst[2]}"
    )


if __name__ == "__main__":
    main(sys.argv[1])
