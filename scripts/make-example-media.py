#!/usr/bin/env python3
"""Regenerate examples/easemob/: a small synthetic Easemob (环信) history export.

Everything is fixed content: no clock, no randomness, gzip mtime 0 and no
file name in the gzip header, so two runs produce byte-identical files on
the same zlib. Python standard library only.

    python3 scripts/make-example-media.py            # (re)write examples/easemob/
    python3 scripts/make-example-media.py --check    # exit 1 if files on disk differ

The people, school and chat contents are invented. See examples/easemob/README.md.
"""

from __future__ import annotations

import argparse
import base64
import csv
import datetime as dt
import gzip
import hashlib
import io
import json
import struct
import sys
import uuid
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "examples" / "easemob"

BEIJING = dt.timezone(dt.timedelta(hours=8))
MEDIA_BASE = "https://a1.easemob.com/exampleorg/homeschool/chatfiles/"

# ---------------------------------------------------------------- identities

GROUP = "259184062558209"     # Easemob group ids are long decimal strings
CHATROOM = "262141932740609"
PEOPLE = [
    ("t_wangfang", "王芳老师（班主任）"),
    ("t_zhaolei", "赵磊老师（体育）"),
    ("p_chenjing", "陈静（陈子涵妈妈）"),
    ("p_liuqiang", "刘强（刘思远爸爸）"),
    ("p_zhoumin", "周敏（周可欣妈妈）"),
    ("p_sunli", "孙丽（孙浩然妈妈）"),
    ("p_emily", "Emily Zhang（张一诺妈妈）"),
    (GROUP, "三年级二班家长群"),
    (CHATROOM, "三年级运动会彩排直播间"),
]

# ---------------------------------------------------------------- ids & times


def bj(hour: int, minute: int, second: int, ms: int = 0) -> int:
    """Epoch milliseconds (UTC) of a Beijing wall-clock time on 2025-03-10."""
    t = dt.datetime(2025, 3, 10, hour, minute, second, ms * 1000, tzinfo=BEIJING)
    return int(t.timestamp()) * 1000 + ms


_msg_seq = 0


def next_msg_id(ts: int) -> str:
    # 13-digit ms timestamp + 5 digits = 18 digits, above 2^53 like real ids,
    # so a parser that goes through a double would visibly corrupt them.
    global _msg_seq
    _msg_seq += 1
    return f"{ts}{(_msg_seq * 7919 + 10417) % 100000:05d}"


def chatfile_uuid(ts: int, n: int = 0) -> str:
    # Real chatfiles ids are time-based (v1) UUIDs; derive one from the
    # message time so they look and sort like the real thing.
    t100ns = ts * 10_000 + 0x01B21DD213814000 + n
    return str(
        uuid.UUID(
            fields=(
                t100ns & 0xFFFFFFFF,
                (t100ns >> 32) & 0xFFFF,
                ((t100ns >> 48) & 0x0FFF) | 0x1000,
                0x80 | 0x2D,
                0x5C,
                0x6F545C50CA23,
            )
        )
    )


def secret_for(name: str) -> str:
    # 48 url-safe chars, the shape of Easemob share secrets.
    return base64.urlsafe_b64encode(hashlib.sha256(name.encode()).digest() * 2).decode()[:48]


# ---------------------------------------------------------------- media makers


def png(width: int, height: int, pixel) -> bytes:
    """Encode an RGB PNG; pixel(x, y) -> (r, g, b)."""
    raw = bytearray()
    for y in range(height):
        raw.append(0)  # filter: none
        for x in range(width):
            raw.extend(pixel(x, y))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(bytes(raw), 9))
        + chunk(b"IEND", b"")
    )


def noise(x: int, y: int, salt: int) -> int:
    """Cheap integer hash in 0..255; deterministic on every platform."""
    h = (x * 374761393 + y * 668265263 + salt * 2147483647) & 0xFFFFFFFF
    h = ((h ^ (h >> 13)) * 1274126177) & 0xFFFFFFFF
    return (h ^ (h >> 16)) & 0xFF


def blackboard_png() -> bytes:
    # Green board, wooden frame, a few rows of chalk "writing" (dashes).
    w, h = 200, 132

    def px(x, y):
        if x < 6 or y < 6 or x >= w - 6 or y >= h - 6:
            return (120 + noise(x, y, 1) % 6, 78, 40)
        row = (y - 14) // 22
        in_line = 0 <= row < 5 and 14 + row * 22 <= y < 20 + row * 22
        if in_line and 16 <= x < w - 30 - row * 17 and noise(x // 7, row, 2) > 60:
            return (236, 236, 226)
        n = noise(x, y, 3) % 3
        return (34 + n, 82 + n, 58 + n)

    return png(w, h, px)


def worksheet_png() -> bytes:
    # White maths worksheet with blue rules and red teacher ticks.
    w, h = 150, 200

    def px(x, y):
        if y % 16 == 0:
            return (150, 180, 230)
        if (x - 120) in range(0, 10) and abs((y % 48) - 20 - (x - 120)) <= 1:
            return (220, 30, 40)
        if 10 < x < 100 and (y % 16) in (7, 8, 9) and noise(x // 5, y // 16, 4) > 90:
            return (40, 40, 60)
        n = noise(x, y, 5) % 3
        return (250 - n, 250 - n, 246 - n)

    return png(w, h, px)


def thumb_png() -> bytes:
    # Video thumbnail: running track stripes on a green field.
    w, h = 160, 90

    def px(x, y):
        if y < 30:
            return (150, 200, 240)
        if (y - 30) // 10 % 2 == 0 and y < 70:
            return (196, 74, 52)
        n = noise(x, y, 6) % 10
        return (60 + n, 150 + n, 60)

    return png(w, h, px)


THUMB_SIZE = (160, 90)


def voice_wav(seconds: int = 2, rate: int = 8000) -> bytes:
    """8-bit mono PCM WAV: a warbling triangle tone, integer maths only."""
    samples = bytearray()
    for i in range(seconds * rate):
        period = 20 if (i // 2000) % 2 == 0 else 16  # 400 Hz / 500 Hz
        phase = i % period
        tri = phase * 4 * 40 // period if phase < period // 2 else (period - phase) * 4 * 40 // period
        env = min(i, seconds * rate - i, 800) / 800
        samples.append(128 + int((tri - 40) * env))
    data = bytes(samples)
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate, 1, 8)
    return (
        b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(data)) + b"WAVE"
        + b"fmt " + struct.pack("<I", len(fmt)) + fmt
        + b"data" + struct.pack("<I", len(data)) + data
    )


def placeholder_mp4() -> bytes:
    """NOT a playable video: an `ftyp` box plus a `free` box of text.

    No encoder (ffmpeg) is available where this example was made; the ftyp
    box makes content sniffers say video/mp4, the free box says what it is.
    """
    ftyp = b"isom" + struct.pack(">I", 0x200) + b"isomiso2avc1mp41"
    note = (
        "chatbundle example placeholder: this is not a playable video. "
        "It stands in for a 12-second clip of the Grade 3 sports-day rehearsal. "
    ).encode() * 12
    return struct.pack(">I", 8 + len(ftyp)) + b"ftyp" + ftyp + struct.pack(">I", 8 + len(note)) + b"free" + note


def notice_pdf() -> bytes:
    """One-page PDF 1.4 with Helvetica text and a correct xref table."""
    lines = [
        "Grade 3 Class 2 - Spring Outing Notice",
        "",
        "Date: Friday 14 March 2025",
        "Meet at the school east gate by 07:40; the bus leaves at 08:00.",
        "Please bring: packed lunch, water bottle, school uniform, yellow cap.",
        "Return to school at about 15:30.",
        "",
        "Please confirm in the class group chat by tonight.",
        "- Ms. Wang Fang, class teacher",
    ]
    text = ["BT", "/F1 12 Tf", "15 TL", "56 760 Td"]
    for line in lines:
        esc = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        text.append(f"({esc}) Tj T*")
    text.append("ET")
    stream = "\n".join(text).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def passwd_lookalike() -> bytes:
    # Harmless text. Only the *file name* in the record is hostile.
    return (
        "这不是系统文件，只是一份名字起得很奇怪的班级物品清单。\n"
        "This is not /etc/passwd; it is a class supplies list with a hostile file name.\n"
        "水彩笔 x1\n剪刀 x1\n胶棒 x2\n"
    ).encode("utf-8")


# ---------------------------------------------------------------- records


class Export:
    """Collects records and the media files they reference."""

    def __init__(self) -> None:
        self.hours: dict[str, list[dict]] = {}
        self.media: dict[str, bytes] = {}
        self.missing: list[str] = []

    def add(self, hour_key: str, ts: int, sender: str, chat_type: str, to: str,
            body: dict, ext: dict | None = None, msg_id: str | None = None) -> dict:
        payload: dict = {"bodies": [body]}
        if ext is not None:
            payload["ext"] = ext
        payload["from"] = sender
        payload["to"] = to
        rec = {
            "msg_id": msg_id or next_msg_id(ts),
            "timestamp": ts,
            "direction": "outgoing",
            "to": to,
            "from": sender,
            "chat_type": chat_type,
            "payload": payload,
        }
        self.hours.setdefault(hour_key, []).append(rec)
        return rec

    def attach(self, ts: int, content: bytes | None, n: int = 0) -> tuple[str, int]:
        """Register a media file; returns (url, file_length). None = deliberately absent."""
        u = chatfile_uuid(ts, n)
        if content is None:
            self.missing.append(u)
            return MEDIA_BASE + u, 0
        self.media[u] = content
        return MEDIA_BASE + u, len(content)


def txt(msg: str) -> dict:
    return {"msg": msg, "type": "txt"}


def quote(rec: dict, preview: str | None = None) -> dict:
    body = rec["payload"]["bodies"][0]
    return {
        "msgQuote": {
            "msgID": rec["msg_id"],
            "msgPreview": preview if preview is not None else body.get("msg", "")[:40],
            "msgSender": rec["payload"]["from"],
            "msgType": body.get("type", "txt"),
        }
    }


def build() -> Export:
    ex = Export()
    G, C, R = "groupchat", "chat", "chatroom"
    h09, h10, h11 = "2025031009", "2025031010", "2025031011"

    # ---- 09:00-10:00 Beijing: the gzip NDJSON hour file ----
    ex.add(h09, bj(9, 1, 12, 318), "t_wangfang", G, GROUP, txt(
        "各位家长早上好！本周五（3月14日）三年级二班春游，请大家今晚前在群里接龙确认。"), {})

    ts = bj(9, 2, 40, 77)
    url, n = ex.attach(ts, notice_pdf())
    ex.add(h09, ts, "t_wangfang", G, GROUP, {
        "file_length": n, "filename": "春游通知.pdf", "secret": secret_for(url),
        "type": "file", "url": url}, {})

    ex.add(h09, bj(9, 3, 5, 902), "p_chenjing", G, GROUP, txt("收到，谢谢王老师！陈子涵参加。"), {})
    emily_q = ex.add(h09, bj(9, 4, 10, 441), "p_emily", G, GROUP, txt(
        "Good morning Ms. Wang! Yinuo will join the spring outing. Do we need to pack lunch?"), {})
    ex.add(h09, bj(9, 5, 30, 5), "t_wangfang", G, GROUP, txt(
        "需要自带午餐和水。Yes, please pack lunch and a water bottle."), quote(emily_q))

    ts = bj(9, 7, 0, 660)
    img = blackboard_png()
    url, n = ex.attach(ts, img)
    ex.add(h09, ts, "t_wangfang", G, GROUP, {
        "file_length": n, "filename": "今日作业板书.png", "secret": secret_for(url),
        "size": {"height": 132, "width": 200}, "type": "img", "url": url}, {})

    ex.add(h09, bj(9, 8, 2, 120), "t_wangfang", G, GROUP, txt(
        "今日作业：\n1. 语文：抄写第5课生字，每个三遍\n2. 数学：练习册第12页\n3. 英语：朗读 Unit 2 三遍\n\n请家长检查后签字。"), {})

    ts = bj(9, 10, 15, 733)
    url, n = ex.attach(ts, voice_wav())
    ex.add(h09, ts, "p_zhoumin", G, GROUP, {
        "file_length": n, "filename": "语音留言.wav", "length": 2, "secret": secret_for(url),
        "type": "audio", "url": url}, {})

    ex.add(h09, bj(9, 12, 0, 250), "t_wangfang", G, GROUP, txt(
        "@刘强（刘思远爸爸） @孙丽（孙浩然妈妈） 两位家长还没有确认春游回执，请尽快回复。"),
        {"em_at_list": ["p_liuqiang", "p_sunli"]})
    ex.add(h09, bj(9, 13, 41, 9), "p_sunli", G, GROUP, txt("不好意思，刚看到，孙浩然参加。"), {})

    ex.add(h09, bj(9, 15, 0, 480), "t_wangfang", C, "p_liuqiang", txt(
        "刘思远爸爸您好，想和您沟通一下孩子最近数学作业的情况。"), {})
    ex.add(h09, bj(9, 16, 30, 12), "p_liuqiang", C, "t_wangfang", txt("王老师好，您说。"), {})

    ts = bj(9, 18, 4, 590)
    url, n = ex.attach(ts, worksheet_png())
    ex.add(h09, ts, "t_wangfang", C, "p_liuqiang", {
        "file_length": n, "filename": "数学练习册第11页.png", "secret": secret_for(url),
        "size": {"height": 200, "width": 150}, "type": "img", "url": url}, {})
    ex.add(h09, bj(9, 20, 47, 333), "p_liuqiang", C, "t_wangfang", txt(
        "明白了，进位加法还不熟练，我们晚上会陪他订正。"), {})

    ex.add(h09, bj(9, 30, 0, 0), "t_zhaolei", R, CHATROOM, txt(
        "运动会彩排直播马上开始，请各位家长准时观看。"), {})

    ts = bj(9, 31, 22, 145)
    thumb_url, _ = ex.attach(ts, thumb_png(), 1)
    url, n = ex.attach(ts, placeholder_mp4())
    ex.add(h09, ts, "t_zhaolei", R, CHATROOM, {
        "file_length": n, "filename": "运动会彩排.mp4", "length": 12, "secret": secret_for(url),
        "size": {"height": THUMB_SIZE[1], "width": THUMB_SIZE[0]},
        "thumb": thumb_url, "thumb_secret": secret_for(thumb_url),
        "type": "video", "url": url}, {})

    ex.add(h09, bj(9, 33, 3, 700), "p_emily", R, CHATROOM, txt("Go Class 2! 三年级二班加油！"), {})
    ex.add(h09, bj(9, 35, 18, 64), "p_chenjing", R, CHATROOM, {
        "v2:customExts": {"name": "flower", "count": "3", "to": "三年级二班"},
        "customExts": [{"name": "flower"}, {"count": "3"}, {"to": "三年级二班"}],
        "customEvent": "gift_flower", "type": "custom"}, {})

    # A control message with no "ext" at all: the key is optional.
    ex.add(h09, bj(9, 40, 0, 1), "t_wangfang", G, GROUP, {"action": "class_notice_refresh", "type": "cmd"})

    overlap = ex.add(h09, bj(9, 59, 59, 812), "p_zhoumin", G, GROUP, txt("老师，春游需要穿校服吗？"), {})

    # ---- 10:00-11:00: plain NDJSON; starts with an overlapping re-download ----
    ex.hours[h10] = [json.loads(json.dumps(overlap))]
    ex.add(h10, bj(10, 1, 6, 220), "t_wangfang", G, GROUP, txt(
        "要穿校服，并戴好小黄帽，方便老师清点人数。"), quote(overlap))
    ex.add(h10, bj(10, 3, 0, 555), "t_wangfang", G, GROUP, txt(
        "春游路线和注意事项见学校网站：https://www.example.edu.cn/notice/2025/spring-trip?class=3-2&lang=zh"), {})
    ex.add(h10, bj(10, 5, 9, 870), "p_liuqiang", C, "t_wangfang", txt("王老师，我到学校门口了。"), {})
    ex.add(h10, bj(10, 5, 31, 40), "p_liuqiang", C, "t_wangfang", {
        "addr": "北京市海淀区学院路示范小学东门 ", "lat": 39.99251, "lng": 116.35274, "type": "loc"}, {})
    ex.add(h10, bj(10, 6, 2, 199), "t_wangfang", C, "p_liuqiang", txt("好的，我马上下来接您。"), {})

    ex.add(h10, bj(10, 20, 11, 606), "p_sunli", G, GROUP, txt(
        "<script>alert(1)</script> 这段是从别的群复制过来的，怎么显示成这样了？"), {})
    ex.add(h10, bj(10, 21, 45, 17), "p_sunli", G, GROUP, txt(
        "<img src=x onerror=alert(1)> 再试一次 & \"双引号\" 'single' </div>"), {})

    ts = bj(10, 25, 0, 381)
    url, n = ex.attach(ts, passwd_lookalike())
    ex.add(h10, ts, "p_chenjing", G, GROUP, {
        "file_length": n, "filename": "../../etc/passwd", "secret": secret_for(url),
        "type": "file", "url": url}, {})

    # Merged forward: the attachment would hold the original messages.
    ts = bj(10, 30, 27, 904)
    first = ex.hours[h09]
    combined = {
        "title": "聊天记录",
        "messages": [
            {"msg_id": r["msg_id"], "from": r["payload"]["from"], "timestamp": r["timestamp"],
             "bodies": r["payload"]["bodies"]}
            for r in (first[0], first[1], first[2])
        ],
    }
    content = (json.dumps(combined, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    url, n = ex.attach(ts, content)
    ex.add(h10, ts, "t_wangfang", G, GROUP, {
        "combineLevel": 1, "file_length": n, "filename": f"{ts}{ts % 9973:04d}",
        "secret": secret_for(url), "subType": "sub_combine",
        "summary": "王芳老师:各位家长早上好！本周五（3月14日）三年级二班春游…\n王芳老师:[文件]\n陈静:收到，谢谢王老师！陈子涵参加。\n",
        "title": "聊天记录", "url": url}, {})

    # What a school must redact before a handover (README "Redaction"): an ID card number
    # (its check character valid) and a mobile number written 3-4-4, and a message about a
    # pupil's health posted to the group by mistake, which the teacher's reply quotes whole.
    # Their ids are fixed, so that adding them left every other id as it was.
    ex.add(h10, bj(10, 40, 3, 115), "p_sunli", G, GROUP, txt(
        "王老师，春游保险登记：孙浩然，身份证号 110105201603154513，紧急联系电话 139 1234 5678。"), {},
        msg_id="174157440311503416")
    health = ex.add(h10, bj(10, 41, 5, 297), "p_zhoumin", G, GROUP, txt(
        "王老师，私下跟您说一下：可欣上周在儿童医院确诊了轻度焦虑症，正在看心理医生，麻烦您多关照，先别告诉其他家长。"),
        {}, msg_id="174157446529738215")
    ex.add(h10, bj(10, 42, 7, 401), "t_wangfang", G, GROUP, txt("好的，收到，我们会多留意。这类情况建议私聊老师哦。"),
           quote(health, preview=health["payload"]["bodies"][0]["msg"]), msg_id="174157452740162514")

    ex.add(h10, bj(10, 45, 0, 90), "t_zhaolei", R, CHATROOM, txt("彩排结束，谢谢大家观看！"), {})

    # The one deliberately missing attachment (never downloaded / expired).
    ts = bj(10, 46, 30, 512)
    url, _ = ex.attach(ts, None)
    ex.add(h10, ts, "p_zhoumin", R, CHATROOM, {
        "file_length": 48213, "filename": "彩排合影.jpg", "secret": secret_for(url),
        "size": {"height": 960, "width": 1280}, "type": "img", "url": url}, {})

    # ---- 11:00-12:00: a JSON array, \u-escaped (incl. surrogate pairs) ----
    emily_q2 = ex.add(h11, bj(11, 2, 0, 700), "p_emily", G, GROUP, txt(
        "Thank you Ms. Wang. Quick question: will the bus leave at 8:00 sharp?"), {})
    ex.add(h11, bj(11, 3, 30, 1), "t_wangfang", G, GROUP, txt(
        "Yes, 8:00 sharp. 请7:40前到校。"), quote(emily_q2))
    ex.add(h11, bj(11, 10, 12, 345), "t_wangfang", C, "p_liuqiang", txt(
        "刘思远爸爸，今天辛苦您跑一趟，练习册已经交给思远带回家。"), {})
    ex.add(h11, bj(11, 12, 40, 808), "p_liuqiang", C, "t_wangfang", txt("不客气，王老师辛苦了🙏👍"), {})
    ex.add(h11, bj(11, 30, 0, 0), "t_wangfang", G, GROUP, txt(
        "@所有人 明天（3月11日）下午3点半在教室召开家长会，请准时参加。"), {"em_at_list": "all"})
    ex.add(h11, bj(11, 45, 21, 66), "p_chenjing", G, GROUP, txt("收到👌"), {})
    return ex


# ---------------------------------------------------------------- writing


def ndjson(records: list[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in records).encode("utf-8")


def gzip_bytes(data: bytes) -> bytes:
    # mtime=0 and no file name in the header keep the output reproducible.
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(data)
    return buf.getvalue()


def render(ex: Export) -> dict[str, bytes]:
    files: dict[str, bytes] = {
        "export/2025031009.gz": gzip_bytes(ndjson(ex.hours["2025031009"])),
        "export/2025031010.jsonl": ndjson(ex.hours["2025031010"]),
        "export/2025031011.json": (json.dumps(ex.hours["2025031011"], ensure_ascii=True, indent=2) + "\n").encode(),
    }
    for u, content in sorted(ex.media.items()):
        files[f"media/{u}"] = content
    people = io.StringIO()
    w = csv.writer(people, lineterminator="\n")
    w.writerow(["id", "name"])
    w.writerows(PEOPLE)
    files["people.csv"] = people.getvalue().encode("utf-8")
    return files


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--check", action="store_true", help="compare with files on disk, write nothing")
    args = ap.parse_args()

    ex = build()
    files = render(ex)
    assert len(ex.missing) == 1
    media_total = sum(len(v) for k, v in files.items() if k.startswith("media/"))
    assert media_total < 100_000, media_total

    bad = 0
    for rel, content in files.items():
        path = args.out / rel
        if args.check:
            if not path.is_file() or path.read_bytes() != content:
                print(f"differs: {path}", file=sys.stderr)
                bad += 1
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    # Stale media from an older version would silently become "present".
    media_dir = args.out / "media"
    if media_dir.is_dir():
        for p in sorted(media_dir.iterdir()):
            if f"media/{p.name}" not in files:
                print(f"unexpected file (not produced by this script): {p}", file=sys.stderr)
                bad += 1

    records = sum(len(v) for v in ex.hours.values())
    print(f"{'checked' if args.check else 'wrote'} {args.out}: {records} records in {len(ex.hours)} hour files, "
          f"{len(ex.media)} media files ({media_total} bytes), missing media: {ex.missing[0]}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
