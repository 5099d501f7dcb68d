#!/usr/bin/env python3
"""Size figures of a rendered site, for `make bench`.

    scripts/site-stats.py SITE_DIR

Prints one line of key=value pairs: files, total bytes, the largest HTML page, the
largest token shard and posting-list piece, and what single-word queries load to show
their first page of results, oldest or newest first, as search.js fetches it: the
token's shard, the pieces its first 20 hits are in (a long list is stored in pieces of
about 32 KB), the document shards of those hits, meta.js and members.js. It reports that
for the commonest token and the worst over every token of the index and both orders.
"""
import json
import os
import sys

RESULTS_SHOWN = 20


def payload(path):
    text = open(path, encoding="utf-8").read()
    start = text.index(",") + 1  # after the shard name or number
    return json.loads(text[start : text.rindex(")")])


def decode(text):
    numbers, running = [], 0
    for delta in text.split(","):
        running += int(delta, 36)
        numbers.append(running)
    return numbers


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
    search = os.path.join(site, "search")
    token_dir = os.path.join(search, "t")
    piece_dir = os.path.join(search, "p")
    shards = sorted(((os.path.getsize(os.path.join(token_dir, n)), n) for n in os.listdir(token_dir)), reverse=True)
    pieces = os.listdir(piece_dir) if os.path.isdir(piece_dir) else []
    largest_piece = max((os.path.getsize(os.path.join(piece_dir, n)) for n in pieces), default=0)
    meta_text = open(os.path.join(search, "meta.js"), encoding="utf-8").read()
    meta = json.loads(meta_text[meta_text.index("(") + 1 : meta_text.rindex(")")])
    per = meta.get("documentsPerShard", 64)
    fixed = sum(os.path.getsize(os.path.join(search, n)) for n in ("meta.js", "members.js"))
    doc_sizes = {}

    def doc_bytes(numbers):
        total = 0
        for s in sorted({n // per for n in numbers}):
            if s not in doc_sizes:
                doc_sizes[s] = os.path.getsize(os.path.join(search, "d", f"{s}.js"))
            total += doc_sizes[s]
        return total

    def first_page(value, newest):
        """(bytes of pieces loaded, the first hits shown) for one order."""
        if isinstance(value, str):
            numbers = decode(value)
            return 0, (numbers[::-1] if newest else numbers)[:RESULTS_SHOWN]
        loaded, hits = 0, []
        order = range(len(value["r"]) - 1, -1, -1) if newest else range(len(value["r"]))
        for k in order:
            path = os.path.join(piece_dir, f"{value['p']}.{k}.js")
            loaded += os.path.getsize(path)
            numbers = decode(payload(path))
            hits += numbers[::-1] if newest else numbers
            if len(hits) >= RESULTS_SHOWN:
                break
        return loaded, hits[:RESULTS_SHOWN]

    def count(value):
        return value.count(",") + 1 if isinstance(value, str) else value["n"]

    commonest = (0, None, None, 0)  # (postings, token, value, shard size)
    worst = (0, "", 0, "")  # (bytes, token, document shards, order)
    for size, name in shards:
        for token, value in payload(os.path.join(token_dir, name)).items():
            if count(value) > commonest[0]:
                commonest = (count(value), token, value, size)
            for newest in (False, True):
                piece_bytes, hits = first_page(value, newest)
                cost = size + piece_bytes + doc_bytes(hits) + fixed
                if cost > worst[0]:
                    worst = (cost, token, len({n // per for n in hits}), "newest" if newest else "oldest")
    postings, token, value, size = commonest
    piece_bytes, hits = first_page(value, False)
    loaded = size + piece_bytes + doc_bytes(hits) + fixed
    print(
        f"files={files} bytes={total} largest_page={largest_page[0]} largest_page_name={largest_page[1]} "
        f"largest_token_shard={shards[0][0]} pieces={len(pieces)} largest_piece={largest_piece} "
        f"commonest_token={json.dumps(token)} commonest_postings={postings} "
        f"query_loads={loaded} query_doc_shards={len({n // per for n in hits})} "
        f"worst_query_loads={worst[0]} worst_query_token={json.dumps(worst[1])} "
        f"worst_query_doc_shards={worst[2]} worst_query_order={worst[3]}"
    )


if __name__ == "__main__":
    main(sys.argv[1])
