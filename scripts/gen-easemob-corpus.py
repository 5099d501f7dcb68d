#!/usr/bin/env python3
"""Generate a large synthetic Easemob (环信) history export for benchmarks.

    python3 scripts/gen-easemob-corpus.py --messages 200000 --conversations 200 \
        --media-share 0.05 --out bench-data/corpus

Writes DIR/export/<yyyyMMddHH>.gz (Beijing-time hour files, gzip NDJSON, one
record per line, the record shape of the history API) and DIR/media/<uuid>
(the attachment of each media body, named by the last segment of its url).

Deterministic: everything comes from --seed (no clock, gzip mtime 0), so the
same arguments give the same bytes on the same zlib. Streams: messages are
generated in time order and written straight into the current hour file, so
memory depends on --conversations, not on --messages.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import gzip
import json
import math
import random
import sys
import time  # only for the progress line's elapsed seconds, never for data
import uuid
from pathlib import Path

BEIJING = dt.timezone(dt.timedelta(hours=8))
EPOCH_MS = int(dt.datetime(2025, 3, 1, tzinfo=BEIJING).timestamp()) * 1000
HOUR_MS = 3_600_000
MEDIA_BASE = "https://a1.easemob.com/benchorg/benchapp/chatfiles/"
UUID_EPOCH_OFFSET = 0x01B21DD213814000  # 100 ns ticks from 1582-10-15 to 1970-01-01

# Split of media messages among types, and size ranges in bytes. Sizes are
# drawn log-uniformly: small attachments are far more common than big ones.
MEDIA_MIX = [("img", 0.45), ("audio", 0.25), ("video", 0.10), ("file", 0.20)]
SIZES = {
    "img": (20_000, 400_000),
    "audio": (5_000, 60_000),
    "video": (500_000, 5_000_000),
    "thumb": (10_000, 40_000),
    "file": (10_000, 2_000_000),
}

ZH = [
    "老师好", "收到", "谢谢老师！", "明天几点到校？", "今天的作业是练习册第12页和第13页",
    "孩子今天有点发烧，请假一天", "好的，我们会注意的", "请家长在今晚八点前完成接龙",
    "春游的费用已经交给班长了", "有没有家长知道数学卷子第三题怎么做？", "下周一升旗仪式，请穿校服",
    "体育课改到周四下午", "午餐菜单已经更新，请大家查看", "辛苦了", "家长会改在周五下午三点半",
    "学校门口正在修路，接孩子请走东门", "请大家注意保管好孩子的水杯和雨伞", "这次期中考试整体不错",
    "语文老师说要背诵第七课", "我家孩子的跳绳找不到了，谁看到了吗？", "图书角需要家长捐书，每人两本",
    "明天降温，记得给孩子加衣服", "周末的社会实践活动报名截止到周三", "感谢各位家长的支持与配合",
    "今天课堂表现很好，表扬一下", "兴趣班的时间表发在群文件里了", "请检查孩子的口算本并签字",
    "班级群里请不要发广告", "好的👌", "哈哈哈", "👍", "🌸🌸🌸", "已经交了", "在的",
]
EN = [
    "Thanks!", "Got it.", "Good morning, everyone.", "Is school closed tomorrow because of the weather?",
    "Please remember to sign the homework book tonight.", "The field trip form is due on Wednesday.",
    "Could someone share the maths worksheet? We left ours at school.", "See you at the parents' meeting.",
    "The school bus will be ten minutes late today.", "Lunch menu for next week is in the group files.",
    "My son has a cold, he will stay at home today.", "Great job on the science fair, kids!",
    "Does anyone know where the lost and found box is?", "Reminder: PE kit on Thursdays.",
    "Sorry, wrong chat.", "OK", "lol", "Thank you, Ms. Wang!", "Happy birthday to Leo! 🎂",
]
TEXT_LINES = ZH + EN + [
    "学号,姓名,语文,数学,英语", "20250301,陈子涵,95,98,92", "20250302,刘思远,88,91,85",
    "# 班级活动记录", "- 时间：周五下午", "- 地点：操场", "Item,Qty,Price", "Notebook,2,3.50",
]


def log_uniform(rng: random.Random, lo: int, hi: int) -> int:
    return int(math.exp(rng.uniform(math.log(lo), math.log(hi))))


def chatfile_uuid(ts_ms: int, n: int) -> str:
    # Time-based (v1) like real chatfiles ids; n keeps them unique within a ms.
    t = ts_ms * 10_000 + UUID_EPOCH_OFFSET + n
    return str(uuid.UUID(fields=(t & 0xFFFFFFFF, (t >> 32) & 0xFFFF, ((t >> 48) & 0x0FFF) | 0x1000,
                                 0x80 | ((n >> 8) & 0x3F), n & 0xFF, 0x2E7C91A04B53)))


class Media:
    """Writes attachment files; content depends only on (seed, uuid)."""

    # Real-looking magic numbers so content sniffers classify the files.
    MAGIC = {
        "img": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", b"\xff\xd9"),
        "thumb": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", b"\xff\xd9"),
        "audio": (b"#!AMR\n", b""),
        "video": (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom", b""),
        "pdf": (b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n", b"\n%%EOF\n"),
        "zip": (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", b"PK\x05\x06" + bytes(18)),
    }

    def __init__(self, out: Path, seed: int, text_lines: list[str]):
        self.dir = out
        self.seed = seed
        self.text_lines = text_lines
        self.files = 0
        self.bytes = 0

    def write(self, u: str, kind: str, size: int, text_like: bool) -> None:
        rng = random.Random(f"{self.seed}:{u}")
        if text_like:
            data = self._text(rng, size)
        else:
            head, tail = self.MAGIC[kind]
            data = head + rng.randbytes(size - len(head) - len(tail)) + tail
        (self.dir / u).write_bytes(data)
        self.files += 1
        self.bytes += len(data)

    def _text(self, rng: random.Random, size: int) -> bytes:
        # Whole lines from a fixed pool: compresses like documents/CSV do.
        # Numbers vary per line so it compresses like real CSV/notes (~4x), not 15x.
        k = size // 24 + 1
        data = "\n".join(f"{line},{rng.randrange(100_000)},{rng.randrange(100)}"
                         for line in rng.choices(self.text_lines, k=k)).encode()
        while len(data) < size:
            data += data
        data = data[:size].decode("utf-8", "ignore").encode()  # don't end mid-character
        return data + b"\n" * (size - len(data))


ZH_EN = ZH + EN


def make_text(rng: random.Random) -> str:
    target = log_uniform(rng, 5, 300)
    r = rng.random()
    pool, sep, per = (ZH, "", 10) if r < 0.6 else (EN, " ", 25) if r < 0.9 else (ZH_EN, "", 15)
    # One choices() call that usually overshoots the target beats a loop of choice().
    text = sep.join(rng.choices(pool, k=target // per + 1))
    while len(text) < target:
        text += sep + rng.choice(pool)
    text = text[:target]
    return text[:-1] + "." if text.endswith(" ") else text


def main() -> int:
    ap = argparse.ArgumentParser(description="Generate a synthetic Easemob history export for benchmarks.")
    ap.add_argument("--messages", type=int, required=True)
    ap.add_argument("--conversations", type=int, required=True, help=">= 3: groups, one-to-one chats and chatrooms")
    ap.add_argument("--media-share", type=float, default=0.1, help="share of messages with an attachment")
    ap.add_argument("--text-file-share", type=float, default=0.5,
                    help="share of 'file' attachments that are compressible text (the rest are random bytes)")
    ap.add_argument("--days", type=float, default=30.0)
    ap.add_argument("--seed", type=int, default=20250301)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--force", action="store_true", help="delete an existing DIR/export and DIR/media first")
    args = ap.parse_args()
    if args.messages < 1 or args.conversations < 3 or not 0 <= args.media_share <= 1:
        ap.error("need --messages >= 1, --conversations >= 3, 0 <= --media-share <= 1")

    export_dir, media_dir = args.out / "export", args.out / "media"
    for d in (export_dir, media_dir):
        if d.exists() and any(d.iterdir()):
            if not args.force:
                ap.error(f"{d} is not empty (stale files would mix into the corpus); use --force")
            for p in d.iterdir():
                p.unlink()
        d.mkdir(parents=True, exist_ok=True)

    rng = random.Random(args.seed)
    started = time.monotonic()

    # ---- conversations: ~10% chatrooms, ~40% one-to-one, the rest groups
    G = args.conversations
    n_rooms = max(1, G // 10)
    n_chats = max(1, G * 4 // 10)
    n_groups = G - n_rooms - n_chats
    users = max(20, 3 * G)
    convs = []  # (chat_type, to-id or None for chat, members as user indices)
    for i in range(n_groups):
        k = min(users, log_uniform(rng, 4, 150))
        convs.append(("groupchat", str(250_000_000_000_000 + i * 7_919_017), rng.sample(range(users), k)))
    for _ in range(n_chats):
        convs.append(("chat", None, rng.sample(range(users), 2)))
    for i in range(n_rooms):
        k = min(users, log_uniform(rng, 30, 500))
        convs.append(("chatroom", str(260_000_000_000_000 + i * 6_700_417), rng.sample(range(users), k)))
    rng.shuffle(convs)
    # Zipf-ish activity: a few busy conversations, a long quiet tail.
    cum, acc = [], 0.0
    for rank in range(G):
        acc += 1.0 / (rank + 1) ** 0.8
        cum.append(acc)
    last = [None] * G  # last message per conversation, for replies

    media_kinds = [k for k, _ in MEDIA_MIX]
    media_cum = []
    acc = 0.0
    for _, w in MEDIA_MIX:
        acc += w
        media_cum.append(acc)
    media = Media(media_dir, args.seed, TEXT_LINES)

    mean_gap = args.days * 86_400_000 / args.messages
    ts = EPOCH_MS
    hour = None
    gz = raw = None
    buf: list[str] = []
    export_files = 0
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

    def close_hour() -> None:
        if gz is not None:
            gz.write("".join(buf).encode())
            buf.clear()
            gz.close()
            raw.close()

    for seq in range(args.messages):
        # Strictly increasing timestamps keep msg_ids unique and hour files ordered.
        ts += max(1, int(rng.expovariate(1.0 / mean_gap)))
        h = (ts + 8 * HOUR_MS) // HOUR_MS
        if h != hour:
            close_hour()
            hour = h
            name = dt.datetime.fromtimestamp(ts / 1000, BEIJING).strftime("%Y%m%d%H") + ".gz"
            raw = open(export_dir / name, "wb")
            # filename="" and mtime=0: reproducible gzip headers. Level 1: speed.
            gz = gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=1, mtime=0)
            export_files += 1

        ci = bisect.bisect_left(cum, rng.random() * cum[-1])
        chat_type, conv_to, members = convs[ci]
        if chat_type == "chat":
            a, b = members if rng.random() < 0.5 else members[::-1]
            sender, to = f"u{a:07d}", f"u{b:07d}"
        else:
            sender, to = f"u{rng.choice(members):07d}", conv_to
        msg_id = f"{ts}{seq % 100_000:05d}"  # 18 digits, > 2^53: must stay a string

        ext: dict = {}
        r = rng.random()
        if r < args.media_share:
            kind = media_kinds[bisect.bisect_left(media_cum, rng.random())]
            u = chatfile_uuid(ts, 0)
            url = MEDIA_BASE + u
            secret = f"{rng.getrandbits(288):072x}"[:48]
            if kind == "file":
                text_like = rng.random() < args.text_file_share
                size = log_uniform(rng, *SIZES["file"])
                fname = rng.choice(["作业要求.txt", "班级通讯录.csv", "活动记录.md"] if text_like
                                   else ["春游通知.pdf", "期中成绩.pdf", "照片合集.zip"])
                media.write(u, fname.rsplit(".", 1)[1], size, text_like)
                body = {"file_length": size, "filename": fname, "secret": secret, "type": "file", "url": url}
            else:
                size = log_uniform(rng, *SIZES[kind])
                media.write(u, kind, size, False)
                if kind == "img":
                    w, hgt = rng.choice([(1080, 1440), (1440, 1080), (750, 1334), (1280, 960)])
                    body = {"file_length": size, "filename": f"IMG_{msg_id[-8:]}.jpg", "secret": secret,
                            "size": {"height": hgt, "width": w}, "type": "img", "url": url}
                elif kind == "audio":
                    body = {"file_length": size, "filename": f"{msg_id[-10:]}.amr", "length": max(1, size // 1600),
                            "secret": secret, "type": "audio", "url": url}
                else:
                    tu = chatfile_uuid(ts, 1)
                    media.write(tu, "thumb", log_uniform(rng, *SIZES["thumb"]), False)
                    body = {"file_length": size, "filename": f"VID_{msg_id[-8:]}.mp4", "length": max(1, size // 250_000),
                            "secret": secret, "size": {"height": 480, "width": 360},
                            "thumb": MEDIA_BASE + tu, "thumb_secret": secret[::-1], "type": "video", "url": url}
        elif r < args.media_share + 0.006:
            body = {"addr": "北京市海淀区学院路示范小学 ", "lat": round(39.99 + rng.random() / 100, 5),
                    "lng": round(116.35 + rng.random() / 100, 5), "type": "loc"}
        elif r < args.media_share + 0.009:
            body = {"action": rng.choice(["TypingBegin", "class_notice_refresh"]), "type": "cmd"}
        elif r < args.media_share + 0.012:
            body = {"v2:customExts": {"name": "flower", "count": "1"},
                    "customExts": [{"name": "flower"}, {"count": "1"}], "customEvent": "gift_flower", "type": "custom"}
        else:
            body = {"msg": make_text(rng), "type": "txt"}
            prev = last[ci]
            if prev is not None and rng.random() < 0.03:
                ext["msgQuote"] = {"msgID": prev[0], "msgPreview": prev[2], "msgSender": prev[1], "msgType": prev[3]}
            if chat_type == "groupchat" and rng.random() < 0.02:
                ext["em_at_list"] = "all" if rng.random() < 0.2 else [f"u{m:07d}" for m in rng.sample(members, min(len(members), rng.randint(1, 3)))]
        btype = body.get("type", "txt")
        last[ci] = (msg_id, sender, body.get("msg", f"[{btype}]")[:20], btype)

        rec = {"msg_id": msg_id, "timestamp": ts, "direction": "outgoing", "to": to, "from": sender,
               "chat_type": chat_type, "payload": {"bodies": [body], "ext": ext, "from": sender, "to": to}}
        buf.append(dumps(rec) + "\n")
        if len(buf) >= 4096:  # batch writes: GzipFile.write per line is slow
            gz.write("".join(buf).encode())
            buf.clear()
    close_hour()

    export_bytes = sum(p.stat().st_size for p in export_dir.iterdir())
    print(f"messages={args.messages} conversations={G} (groupchat={n_groups} chat={n_chats} chatroom={n_rooms}) "
          f"media_files={media.files} media_bytes={media.bytes} export_files={export_files} "
          f"export_bytes={export_bytes} seconds={time.monotonic() - started:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
