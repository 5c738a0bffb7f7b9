#!/usr/bin/env python3
"""Bad-input corpus runner: paperbook must never crash, hang or lose the
last good PDF, and must say what is wrong with file:line.

usage: run.py --bin PAPERBOOK --work DIR --case NAME     one case of cases.txt
       run.py --bin PAPERBOOK --work DIR --all           every case
       run.py --bin PAPERBOOK --work DIR --special kill|diskfull
       run.py --list                                      case names
       run.py ... --case A,B,C --valgrind                 cases under valgrind

cases.txt (beside this script) has one case a line:

    name | generator [arg ...] | command | exit | expectation [&& expectation ...]

The generator (a function gen_<name> below) makes a tiny library in a
fresh directory at test time (big inputs are generated, never committed).
The command is paperbook's arguments; {lib} is the library, {out} the
output PDF ({lib}/out.pdf). An expectation is a substring of stdout+stderr
(placeholders expanded); a leading ! means it must not appear.

Every case fails on a crash (a signal, exit status >= 128, a sanitizer
report), on a hang (timeout, 20 s unless the generator says otherwise) and
on a wrong exit status. When the command writes {out}, a previous good PDF
is put there first: a failed build must leave it byte-identical, a
successful one must replace it with a complete PDF; neither may leave a
temporary file beside it.

Exit status: 0 passed, 1 failed, 77 skipped (a case that needs something
this machine lacks says why)."""
import argparse
import os
import random
import re
import shutil
import signal
import stat
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
SEEDS = os.path.join(HERE, "..", "fuzz", "seeds")
SKIP = 77
NOBODY = 65534

CARD_A = """---
title: "A good paper"
presenter: 张三
date: 2024-01-05
category: CV
links:
  paper: https://arxiv.org/abs/1
figures: [Images/f.png]
---
Summary text with a [link](https://example.org).
"""


class Skip(Exception):
    pass


# ---- small file makers ------------------------------------------------------

def write(path, data, mode="wb"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, mode) as f:
        f.write(data)


def seed(name):
    with open(os.path.join(SEEDS, "image", name), "rb") as f:
        return f.read()


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(
        ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(width, height, color_type=2, depth=8, idat=None, extra_chunks=b""):
    """A PNG with the given header; idat defaults to black rows."""
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color_type]
    if idat is None:
        row = b"\0" * (1 + (width * channels * depth + 7) // 8)
        idat = zlib.compress(row * height, 9)
    body = b"\x89PNG\r\n\x1a\n" + png_chunk(
        b"IHDR", struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, 0))
    if color_type == 3:
        body += png_chunk(b"PLTE", b"\0\0\0\xff\xff\xff")
    body += extra_chunks
    for i in range(0, len(idat), 1 << 20):
        body += png_chunk(b"IDAT", idat[i:i + (1 << 20)])
    return body + png_chunk(b"IEND", b"")


def inflating(nbytes):
    """Deflate data that inflates to nbytes zero bytes (about nbytes/1000)."""
    co = zlib.compressobj(9)
    block = bytes(1 << 20)
    parts = [co.compress(block) for _ in range(nbytes >> 20)]
    parts.append(co.compress(bytes(nbytes & ((1 << 20) - 1))))
    parts.append(co.flush())
    return b"".join(parts)


def card(title, fields="", body="Body.\n"):
    return "---\ntitle: %s\n%s---\n%s" % (title, fields, body)


def deck_zip(path, slides=2, thumb=None, thumb_size=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        for i in range(1, slides + 1):
            z.writestr("ppt/slides/slide%d.xml" % i, "<p:sld/>")
        if thumb is not None:
            z.writestr("docProps/thumbnail.jpeg", thumb)
        if thumb_size is not None:
            z.writestr("docProps/thumbnail.jpeg", bytes(thumb_size))


# ---- generators: each makes lib (a fresh directory) -------------------------

def gen_base(lib):
    write(os.path.join(lib, "papers", "a.md"), CARD_A.encode())
    write(os.path.join(lib, "Images", "f.png"), png(4, 3))


def gen_figure(lib, kind):
    """The base library with Images/f.png replaced by a bad figure."""
    gen_base(lib)
    f = os.path.join(lib, "Images", "f.png")
    good = png(16, 16)
    slow = False
    if kind == "png-truncated":
        data = good[:60]
    elif kind == "png-idat-cut":
        data = good[:len(good) - 20]
    elif kind == "png-bad-crc":
        data = bytearray(good)
        i = data.find(b"IDAT")
        data[i + 4] ^= 0xFF
        data = bytes(data)
    elif kind == "png-garbage":
        data = b"\x89PNG\r\n\x1a\n" + bytes(random.Random(7).getrandbits(8) for _ in range(300))
    elif kind == "png-empty":
        data = b""
    elif kind == "png-zero-size":
        data = png(0, 0, idat=zlib.compress(b""))
    elif kind == "png-huge":
        data = png(100000, 100000, idat=zlib.compress(b"\0" * 1000))
    elif kind == "png-bad-depth":
        data = png(4, 4, color_type=2, depth=3)
    elif kind == "png-bomb":
        # 3000x3000 RGBA (within the pixel limit) whose IDAT inflates to
        # 1 GB: 1 MB on disk.
        data = png(3000, 3000, color_type=6, idat=inflating(1 << 30))
        slow = True
    elif kind == "png-bomb-interlaced":
        d = bytearray(png(2000, 2000, color_type=6, depth=16, idat=inflating(1 << 30)))
        # interlace method 1 (Adam7) in IHDR, CRC recomputed
        d[28] = 1
        d[29:33] = struct.pack(">I", zlib.crc32(bytes(d[12:29])) & 0xFFFFFFFF)
        data = bytes(d)
        slow = True
    elif kind == "jpeg-truncated":
        data = seed("base.jpg")[:150]
    elif kind == "jpeg-cut":
        j = seed("base.jpg")
        data = j[:len(j) - 60]
    elif kind == "jpeg-huge":
        j = bytearray(seed("base.jpg"))
        i = j.find(b"\xff\xc0")
        j[i + 5:i + 9] = struct.pack(">HH", 65500, 65500)
        data = bytes(j)
    elif kind == "jpeg-garbage":
        data = b"\xff\xd8\xff\xe0" + bytes(random.Random(3).getrandbits(8) for _ in range(400))
    elif kind == "webp-truncated":
        data = seed("lossy.webp")[:40]
    elif kind == "webp-corrupt":
        w = bytearray(seed("lossy.webp"))
        for i in range(30, len(w)):
            w[i] ^= 0x5A
        data = bytes(w)
    elif kind == "webp-lossless-corrupt":
        w = bytearray(seed("lossless.webp"))
        for i in range(25, len(w)):
            w[i] = 0xFF
        data = bytes(w)
    elif kind == "gif-truncated":
        data = seed("gif.gif")[:20]
    elif kind == "gif-corrupt":
        g = bytearray(seed("anim.gif"))
        for i in range(30, len(g) - 1):
            g[i] ^= 0xA5
        data = bytes(g)
    elif kind == "svg":
        data = seed("icon.svg")
    elif kind == "text":
        data = b"this is not an image at all\n"
    else:
        raise SystemExit("unknown figure kind " + kind)
    write(f, data)
    return {"timeout": 60} if slow else None


def gen_figure_dir(lib):
    gen_base(lib)
    os.remove(os.path.join(lib, "Images", "f.png"))
    os.makedirs(os.path.join(lib, "Images", "f.png"))


def gen_figure_missing(lib):
    gen_base(lib)
    os.remove(os.path.join(lib, "Images", "f.png"))


def gen_figure_outside(lib, how):
    gen_base(lib)
    outside = os.path.join(os.path.dirname(lib), "outside.png")
    write(outside, png(4, 3))
    a = os.path.join(lib, "papers", "a.md")
    if how == "relative":
        text = CARD_A.replace("Images/f.png", "../outside.png")
    elif how == "absolute":
        text = CARD_A.replace("Images/f.png", outside)
    elif how == "symlink":
        os.remove(os.path.join(lib, "Images", "f.png"))
        os.symlink(outside, os.path.join(lib, "Images", "f.png"))
        text = CARD_A
    elif how == "symlink-dir":
        shutil.rmtree(os.path.join(lib, "Images"))
        os.symlink(os.path.dirname(lib), os.path.join(lib, "Images"))
        text = CARD_A.replace("Images/f.png", "Images/outside.png")
    write(a, text.encode())


def gen_deck(lib, kind):
    gen_base(lib)
    d = os.path.join(lib, "Slide", "2024.1.5 张三-talk.pptx")
    if kind == "truncated":
        deck_zip(d, 3, thumb=seed("base.jpg"))
        with open(d, "rb") as f:
            data = f.read()
        write(d, data[:len(data) // 2])
    elif kind == "not-zip":
        write(d, b"PK\x03\x04 this is not really a zip file" * 10)
    elif kind == "bad-thumbnail":
        deck_zip(d, 2, thumb=b"\xff\xd8\xff garbage")
    elif kind == "thumbnail-bomb":
        deck_zip(d, 2, thumb_size=64 << 20)
    elif kind == "zip-bomb-entries":
        os.makedirs(os.path.dirname(d), exist_ok=True)
        with zipfile.ZipFile(d, "w", zipfile.ZIP_STORED) as z:
            for i in range(20000):
                z.writestr("ppt/slides/slide%d.xml" % i, "")
    elif kind == "empty":
        write(d, b"")


def pdf_file(objects):
    """A PDF from object bodies (1-based), with a correct xref table."""
    out = b"%PDF-1.7\n"
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def stream(data, extra=b""):
    z = zlib.compress(data, 9)
    return b"<< /Length %d /Filter /FlateDecode %s>>\nstream\n" % (len(z), extra) + z + b"\nendstream"


def pdf_page(media, content, resources=b"<< >>", extra_objects=()):
    return pdf_file([b"<< /Type /Catalog /Pages 2 0 R >>",
                     b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                     b"<< /Type /Page /Parent 2 0 R /MediaBox [%s] /Contents 4 0 R /Resources %s >>"
                     % (media, resources),
                     stream(content)] + list(extra_objects))


def gen_deckfile(lib, kind):
    """The base library with one bad deck of another kind than .pptx."""
    gen_base(lib)
    d = os.path.join(lib, "Slide")
    os.makedirs(d, exist_ok=True)
    no_browser = {"PAPERBOOK_BROWSER": "none"}
    if kind == "pdf-garbage":
        write(os.path.join(d, "2024.1.5 张三-talk.pdf"),
              b"%PDF-1.7\n" + bytes(random.Random(3).getrandbits(8) for _ in range(5000)))
    elif kind == "pdf-truncated":
        good = pdf_page(b"0 0 720 405", b"BT /F1 24 Tf 72 300 Td (Hello) Tj ET 0 0 1 rg 72 72 200 100 re f")
        write(os.path.join(d, "2024.1.5 张三-talk.pdf"), good[:len(good) // 2])
    elif kind == "pdf-huge-page":
        write(os.path.join(d, "2024.1.5 张三-talk.pdf"),
              pdf_page(b"0 0 200000 200000", b"0 0 1 rg 0 0 100000 100000 re f"))
    elif kind == "pdf-slow":
        # Forms nested 8 deep, each drawing the next 10 times: 10^8 paths.
        n = 8
        objs = []
        for i in range(n):
            this = 5 + i
            if i < n - 1:
                body = b"".join(b"q 0.9 0 0 0.9 %d 0 cm /X Do Q " % k for k in range(10))
                res = b"/Resources << /XObject << /X %d 0 R >> >> " % (this + 1)
            else:
                body, res = b"0 0 m 100 100 l S", b""
            objs.append(stream(body, b"/Type /XObject /Subtype /Form /BBox [0 0 720 405] " + res))
        write(os.path.join(d, "2024.1.5 张三-talk.pdf"),
              pdf_page(b"0 0 720 405", b"/X Do", b"<< /XObject << /X 5 0 R >> >>", objs))
        return {"env": {"PAPERBOOK_DECK_TIMEOUT": "2"}}
    elif kind == "pptx-slide-bomb":
        p = os.path.join(d, "2024.1.5 张三-talk.pptx")
        with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("ppt/slides/slide1.xml", b"<p:sld>" + b" " * (64 << 20) + b"</p:sld>")
            z.writestr("ppt/slides/slide2.xml", "<p:sld/>")
        return {"timeout": 60}
    elif kind == "pptx-malformed-xml":
        p = os.path.join(d, "2024.1.5 张三-talk.pptx")
        with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("ppt/slides/slide1.xml", '<?xml version="1.0"?>\n<p:sld xmlns:p="urn:p">\n'
                       '<p:sp><p:ph type="title"/><t>Unclosed</p:sld>')
            z.writestr("ppt/slides/slide2.xml", "\xff\xfe<not xml at all")
    elif kind == "pptx-entity-bomb":
        ents = '<!ENTITY a0 "xxxxxxxxxxxxxxxxxxxx">' + "".join(
            '<!ENTITY a%d "%s">' % (i, ("&a%d;" % (i - 1)) * 10) for i in range(1, 10))
        p = os.path.join(d, "2024.1.5 张三-talk.pptx")
        with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("ppt/slides/slide1.xml", '<?xml version="1.0"?><!DOCTYPE s [%s]>'
                       '<s><sp><ph type="title"/><t>&a9;</t></sp></s>' % ents)
    elif kind == "html-huge":
        with open(os.path.join(d, "20240105_talk.html"), "wb") as f:
            f.write(b"<html><head><title>Huge</title></head><body>")
            chunk = b"<section><h1>x</h1></section>" * 4096
            for _ in range((40 << 20) // len(chunk)):
                f.write(chunk)
        return {"timeout": 60}
    elif kind == "html-deep":
        write(os.path.join(d, "20240105_talk.html"),
              b"<html><title>Deep</title>" + b"<section><div>" * 100000 + b"x")
        return {"env": no_browser, "timeout": 60}
    elif kind == "html-binary":
        write(os.path.join(d, "20240105_talk.html"),
              bytes(random.Random(5).getrandbits(8) for _ in range(65536)))
        return {"env": no_browser}
    else:
        raise SystemExit("unknown deckfile kind " + kind)
    return None


def gen_card(lib, kind):
    gen_base(lib)
    p = os.path.join(lib, "papers", "b.md")
    if kind == "invalid-utf8":
        data = b'---\ntitle: "Bad \xff\xfe bytes \xc3"\n---\nBody \xe4\xb8 end \xed\xa0\x80.\n'
    elif kind == "nul-bytes":
        data = b"---\ntitle: Nul\n---\nBody\0with nul\0bytes.\n"
    elif kind == "nul-front-matter":
        data = b'---\ntitle: "Nu\0l"\n---\nBody.\n'
    elif kind == "long-line":
        data = card("Long", body="x" * (1 << 20) + "\n").encode()
    elif kind == "long-title":
        data = card("T" * 200000).encode()
    elif kind == "nested-quotes":
        body = "".join(">" * i + " level %d\n" % i for i in range(1, 201))
        data = card("Nested", body=body).encode()
    elif kind == "nested-lists":
        body = "".join("  " * i + "- item %d\n" % i for i in range(200))
        data = card("Lists", body=body).encode()
    elif kind == "links-inline":
        body = " ".join("[l%d](https://example.org/%d)" % (i, i) for i in range(10000))
        data = card("Links", body=body + "\n").encode()
    elif kind == "links-front":
        links = "links:\n" + "".join("  - https://example.org/%d\n" % i for i in range(10000))
        data = card("Links", links).encode()
    elif kind == "unclosed":
        data = b"---\ntitle: Unclosed\ndate: 2024-01-01\n"
    elif kind == "yaml-error":
        data = b'---\ntitle: "unterminated\ndate: 2024-01-01\n---\nBody.\n'
    elif kind == "wrong-types":
        data = card("[a, b]", "links: 5\ncategory: {x: y}\nyear: soon\n").encode()
    elif kind == "no-title":
        data = "---\npresenter: 张三\n---\nBody.\n".encode()
    elif kind == "bad-date":
        data = card("Dated", "date: next tuesday\n").encode()
    elif kind == "impossible-date":
        data = card("Dated", "date: 2024-02-30\n").encode()
    elif kind == "dup-title":
        data = card('"A Good Paper!"').encode()
    elif kind == "dup-link":
        data = card("Other", "links:\n  paper: https://arxiv.org/abs/1\n").encode()
    elif kind == "presenter-spaced":
        data = card("Second", 'presenter: "张 三"\ndate: 2024-01-12\n').encode()
    elif kind == "presenter-case":
        write(os.path.join(lib, "papers", "c.md"), card("Third", "presenter: Zhang San\n").encode())
        data = card("Fourth", "presenter: zhang  san\n").encode()
    elif kind == "missing-deck":
        data = card("Deck", "links:\n  slide: Slide/missing.pptx\n").encode()
    elif kind == "broken-relative-link":
        data = card("Rel", body="See [the notes](notes/missing.md) and [x](../x.pdf).\n").encode()
    elif kind == "empty-file":
        data = b""
    elif kind == "only-dashes":
        data = b"---\n"
    elif kind == "binary":
        data = bytes(random.Random(11).getrandbits(8) for _ in range(65536))
    elif kind == "deep-yaml":
        data = ("---\ntitle: Deep\nx: " + "[" * 5000 + "]" * 5000 + "\n---\n").encode()
    elif kind == "yaml-alias-bomb":
        y = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n"
        for i in range(1, 12):
            y += "a%d: &a%d [%s]\n" % (i, i, ", ".join(["*a%d" % (i - 1)] * 9))
        data = ("---\ntitle: Aliases\n" + y + "---\n").encode()
    else:
        raise SystemExit("unknown card kind " + kind)
    write(p, data)
    return {"timeout": 60} if kind in ("long-line", "long-title", "links-inline") else None


def gen_dir_named_card(lib):
    gen_base(lib)
    os.makedirs(os.path.join(lib, "papers", "x.md"))
    write(os.path.join(lib, "papers", "x.md", "inner.md"), card("Inside a directory").encode())


def gen_fifo_card(lib):
    gen_base(lib)
    os.mkfifo(os.path.join(lib, "papers", "fifo.md"))


def gen_dangling_card(lib):
    gen_base(lib)
    os.symlink("/nonexistent/card.md", os.path.join(lib, "papers", "dangling.md"))


def gen_symlink_loop(lib):
    gen_base(lib)
    os.symlink("..", os.path.join(lib, "papers", "loop"))


def gen_deep_dirs(lib):
    gen_base(lib)
    d = os.path.join(lib, "papers")
    for i in range(60):
        d = os.path.join(d, "d%d" % i)
    write(os.path.join(d, "deep.md"), card("Deep down").encode())


def need_nobody():
    if os.geteuid() != 0:
        return  # permissions apply to this user already
    if not shutil.which("setpriv"):
        raise Skip("running as root and setpriv is missing: permissions cannot be tested")


def open_up(lib):
    """Lets the unprivileged user read the library and write in it."""
    for dirpath, dirnames, filenames in os.walk(os.path.dirname(lib)):
        os.chmod(dirpath, 0o777)
        for n in filenames:
            p = os.path.join(dirpath, n)
            if not os.path.islink(p):
                os.chmod(p, 0o666)


def gen_unreadable(lib, what):
    need_nobody()
    gen_base(lib)
    write(os.path.join(lib, "papers", "u.md"), card("Unreadable").encode())
    open_up(lib)
    target = {"card": "papers/u.md", "figure": "Images/f.png"}[what]
    os.chmod(os.path.join(lib, target), 0)
    return {"nobody": True}


def gen_unwritable_out(lib):
    need_nobody()
    gen_base(lib)
    os.makedirs(os.path.join(lib, "ro"))
    open_up(lib)
    os.chmod(os.path.join(lib, "ro"), 0o555)
    return {"nobody": True}


def gen_config(lib, kind):
    gen_base(lib)
    c = os.path.join(lib, "paperbook.yml")
    if kind == "missing-font":
        write(c, b"fonts: {text: /nonexistent.ttf}\n")
    elif kind == "missing-font-name":
        write(c, b"fonts:\n  cjk_text: No Such Font Family Anywhere\n")
    elif kind == "not-a-font":
        write(os.path.join(lib, "fonts", "fake.ttf"), b"not a font\n" * 10)
        write(c, ("fonts: {text: %s/fonts/fake.ttf}\n" % lib).encode())
    elif kind == "wrong-types":
        write(c, b"title: [1, 2]\ndpi: many\nfonts: 3\ninputs: {a: b}\ncategory_order: 7\n")
    elif kind == "yaml-error":
        write(c, b'title: "unterminated\ngroup: x\n')
    elif kind == "unknown-key":
        write(c, b"title: T\ncolour: blue\n")
    elif kind == "list":
        write(c, b"- a\n- b\n")
    elif kind == "directory":
        os.makedirs(c)
    elif kind == "missing-input":
        write(c, b"inputs: [REPORT.md]\n")
    elif kind == "bad-paper":
        write(c, b"page_size: A0\n")
    elif kind == "bad-grouping":
        write(c, b"group_by: colour\n")
    elif kind == "invalid-utf8":
        write(c, b"title: \xff\xfe\n")


def gen_empty(lib):
    os.makedirs(os.path.join(lib, "papers"))


def gen_nothing(lib):
    os.makedirs(lib)


def gen_output_is_dir(lib):
    gen_base(lib)
    os.makedirs(os.path.join(lib, "adir"))


def gen_checkins(lib, kind):
    gen_base(lib)
    p = os.path.join(lib, "log.md")
    if kind == "bad-dates":
        data = ("# 论文精读\n\n[2024-13-45]-[张三]-[论文精读]\n\n"
                "> Title (NeurIPS 2023)\n> [Paper](https://arxiv.org/abs/2)\n\n"
                "[2024-02-30]-[李四]-[论文精读]\n\n> Another (ICML 2022)\n").encode()
    elif kind == "report-deep-headings":
        data = "".join("#" * (1 + i % 6) + " Heading %d\n\n> **T%d**\n\n" % (i, i)
                       for i in range(2000)).encode()
    write(p, data)


def gen_minutes(lib, kind):
    """The base library with weekly minutes, minutes.md, in its root (found
    by name) or, for "config-missing", named by paperbook.yml."""
    gen_base(lib)
    head = "### 2024年\n"
    if kind == "no-year":
        data = "- 5.31 甲 乙\n  甲-讲了一篇。\n".encode()
    elif kind == "impossible-date":
        data = (head + "- 2.30 甲\n  - [x] 缺席：无\n- 2.23 乙\n").encode()
    elif kind == "invalid-utf8":
        data = head.encode() + b"- 5.31 \xff\xfe\n  \xe4\xb8-x\n- 5.24 \xed\xa0\x80 \xc3\n"
    elif kind == "nul-bytes":
        data = head.encode() + b"- 5.31 a\0b\n  - [x] \0\xe7\xbc\xba\xe5\xb8\xad\0\n"
    elif kind == "unclosed":
        data = (head + "- 5.31 甲 （乙\n  甲-[paper(https://x.org/1 【ppt（https://y\n"
                "  - [x] 本周缺席成员：【丙（请假，最佳提问人：\n"
                "  - [ ] 本周知乎专栏投稿文章: [t](https://zhuanlan.zhihu.com/p/1\n").encode()
    elif kind == "brackets-1mb":
        data = (head + "- 5.31 甲\n  甲-" + "[" * (1 << 20) + "\n").encode()
    elif kind == "sessions-20000":
        days = ["%d.%d" % (m, d) for m in range(12, 0, -1) for d in range(28, 0, -1)]
        lines = [head]
        for i in range(20000):
            lines.append("- %s 甲%d 乙%d\n  甲%d-讲了[paper](https://arxiv.org/abs/%d)\n"
                         "  - [x] 缺席：无，最佳提问人：乙%d\n" % (days[i % len(days)], i % 300, i % 7, i % 300, i, i % 7))
        data = "".join(lines).encode()
    elif kind == "config-missing":
        write(os.path.join(lib, "paperbook.yml"), b"minutes: nope.md\n")
        return
    write(os.path.join(lib, "minutes.md"), data)


def gen_report(lib, kind):
    """A REPORT-style file, log.md, beside the base library."""
    gen_base(lib)
    if kind == "libharu-font-4096":
        # found by the pipeline fuzzer: with SOURCE_DATE_EPOCH=0 the sans
        # subset libharu rebuilt came to 4096 bytes (error 0x1033)
        data = b"# Mly\n>e(NIPS2021)\n<img src=,cvAL"
    write(os.path.join(lib, "log.md"), data)


# ---- safety (issue 17): links, outputs, confinement, bounded work -------------

sys.path.insert(0, os.path.join(HERE, "..", "safety"))

DANGEROUS = ["JaVaScRiPt:alert(1)", "java\tscript:alert(2)", "&#106;avascript:alert(3)",
             "%6Aavascript:alert(4)", "vbscript:msgbox(5)", "file:///etc/passwd",
             "data:text/html,<b>6</b>", "smb://host/share", "ms-settings:display",
             "\\\\host\\share", "//evil.example/x", " \x01javascript:alert(7)"]


def links_post(lib, out, expect_text):
    """After the build: no forbidden link in any PDF or .tex written, and
    the refused targets still printed as text when expect_text is set."""
    import scan_links
    problems = []
    for base, _, files in os.walk(lib):
        for f in files:
            p = os.path.join(base, f)
            if f.endswith(".pdf"):
                problems += ["%s: %s" % (p, b) for b in scan_links.scan(p)]
                if expect_text and f == os.path.basename(out):
                    t = subprocess.run(["pdftotext", p, "-"], capture_output=True).stdout
                    if b"msgbox(5)" not in t:
                        problems.append("%s: refused link not printed as text" % p)
            if f.endswith(".tex"):
                t = open(p, encoding="utf-8", errors="replace").read()
                for m in re.finditer(r"\\href\{([^}]*)\}", t):
                    u = m.group(1)
                    if not re.match(r"(https?|mailto):", u, re.I) and not (
                            u.lower().endswith(".pdf") and ":" not in u and "\\" not in u):
                        problems.append("%s: \\href{%s}" % (p, u))
    return problems


def gen_links(lib, kind):
    """Cards in every input format whose links use forbidden schemes."""
    gen_base(lib)
    write(os.path.join(lib, "Slide", "evil.sh"), b"#!/bin/sh\necho pwned\n")
    write(os.path.join(lib, "Slide", "deck.pdf"), b"%PDF-1.4\n%%EOF\n")
    d = [x.replace("\\t", "\t").replace("\\x01", "\x01") for x in DANGEROUS]
    yq = lambda x: '"%s"' % x.replace("\\", "\\\\").replace("\t", "\\t").replace("\x01", "\\x01")
    if kind in ("card", "print", "handout", "tex", "base-url"):
        fields = "presenter: 张三\ndate: 2024-01-05\nlinks:\n  - https://arxiv.org/abs/9\n"
        fields += "".join("  - %s\n" % yq(x) for x in d)
        fields += "  - Slide/evil.sh\n  - Slide/deck.pdf\n"
        body = "Body " + " ".join("[s%d](<%s>)" % (i, x.replace("\t", "").replace("\x01", ""))
                                  for i, x in enumerate(d)) + " [ok](mailto:a@b.org).\n"
        write(os.path.join(lib, "papers", "b.md"), card("Links", fields, body).encode())
    if kind == "tex":
        os.makedirs(os.path.join(lib, "tex"))
    if kind == "base-url":
        write(os.path.join(lib, "paperbook.yml"), b"base_url: 'javascript:alert(8)//'\n")
    if kind == "report":
        body = "# Links\n\n## CV\n\n> Dangerous links (NeurIPS 2023)  \n"
        body += "".join("> [L%d](<%s>),\n" % (i, x.replace("\t", "").replace("\x01", ""))
                        for i, x in enumerate(d))
        body += "> [Slide](Slide/evil.sh)\n>> summary [x](vbscript:msgbox(5)) text\n"
        write(os.path.join(lib, "log.md"), body.encode())
    if kind == "checkins":
        body = "## check-ins\n\n"
        for i, x in enumerate(d):
            body += ("> > [2024-12-%02d]-[乙]-[Paper %d](https://arxiv.org/abs/%d)\n"
                     "> > 论文简述：see [this](<%s>) and <%s>.\n>\n") % (
                         i + 1, i, i, x.replace("\t", "").replace("\x01", ""), x)
        body += "> > [2024-11-01]-[丙]-[Paper x]-[vbscript](vbscript:msgbox(5))\n"
        write(os.path.join(lib, "log.md"), body.encode())
    return {"post": lambda out: links_post(lib, out, kind == "print")}


def need_root():
    if os.geteuid() != 0:
        raise Skip("needs root (mknod)")


def gen_special_out(lib, kind):
    """An output path that is not a new name or a regular file in the
    library: the special file or the outside file must stay as it was."""
    gen_base(lib)
    case = os.path.dirname(lib)
    outside = os.path.join(case, "outside.pdf")
    write(outside, b"precious outside file\n")
    target = os.path.join(lib, "out.pdf")
    if kind == "chardev":
        need_root()
        os.mknod(os.path.join(lib, "dev"), 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    elif kind == "fifo":
        os.mkfifo(os.path.join(lib, "fifo"))
    elif kind == "socket":
        import socket
        sk = socket.socket(socket.AF_UNIX)
        sk.bind(os.path.join(lib, "sock"))
        sk.close()
    elif kind in ("symlink-outside", "symlink-outside-allowed"):
        os.symlink(outside, target)
    elif kind == "build-symlink-outside":
        os.makedirs(os.path.join(case, "elsewhere"))
        os.symlink(os.path.join(case, "elsewhere"), os.path.join(lib, "build"))
        write(os.path.join(case, "elsewhere", "paperbook.pdf"), b"precious\n")
    elif kind == "config-outside":
        write(os.path.join(lib, "paperbook.yml"), b"output: ../outside.pdf\n")
    elif kind == "config-absolute":
        write(os.path.join(lib, "paperbook.yml"), ("output: %s\n" % outside).encode())
    elif kind == "config-device":
        # never the real /dev/null: a broken build would replace it for
        # everyone on the machine
        need_root()
        os.mknod(os.path.join(lib, "dev"), 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        write(os.path.join(lib, "paperbook.yml"), b"output: dev\n")
    elif kind == "backup":
        write(os.path.join(lib, ".out.pdf.backup"), b"user's own\n")
        write(os.path.join(lib, ".out.pdf.pbtmp-"), b"user's own too\n")

    def post(out):
        problems = []
        with open(outside, "rb") as f:
            changed = f.read() != b"precious outside file\n"
        if changed != (kind == "symlink-outside-allowed"):
            problems.append("the file outside the library was %schanged" % ("" if changed else "not "))
        checks = {"chardev": ("dev", stat.S_ISCHR), "fifo": ("fifo", stat.S_ISFIFO),
                  "socket": ("sock", stat.S_ISSOCK), "symlink-outside": ("out.pdf", stat.S_ISLNK),
                  "build-symlink-outside": ("build", stat.S_ISLNK)}
        if kind in checks:
            name, test = checks[kind]
            if not test(os.lstat(os.path.join(lib, name)).st_mode):
                problems.append("%s is no longer what it was" % name)
        if kind == "build-symlink-outside":
            with open(os.path.join(case, "elsewhere", "paperbook.pdf"), "rb") as f:
                if f.read() != b"precious\n":
                    problems.append("the file behind build/ was changed")
        if kind == "config-device" and not stat.S_ISCHR(os.lstat(os.path.join(lib, "dev")).st_mode):
            problems.append("the device named by output: is no longer a device")
        if kind == "backup":
            for n in (".out.pdf.backup", ".out.pdf.pbtmp-"):
                if not os.path.exists(os.path.join(lib, n)):
                    problems.append("the user's %s was deleted" % n)
        return problems
    return {"post": post}


def gen_confine_input(lib, kind):
    """paperbook.yml names inputs outside the library or special files."""
    gen_base(lib)
    case = os.path.dirname(lib)
    write(os.path.join(case, "secret.md"),
          b"# S\n\n## CV\n\n> SECRETPAPER (NeurIPS 2023)\n> [Paper](https://x.org/1)\n")
    if kind in ("relative", "relative-allowed"):
        write(os.path.join(lib, "paperbook.yml"), b"inputs: [../secret.md]\n")
    elif kind == "absolute":
        write(os.path.join(lib, "paperbook.yml"), b"inputs: [/proc/self/environ]\n")
    elif kind == "symlink":
        os.symlink(os.path.join(case, "secret.md"), os.path.join(lib, "REPORT.md"))
        write(os.path.join(lib, "paperbook.yml"), b"inputs: [REPORT.md]\n")
    elif kind == "fifo":
        os.mkfifo(os.path.join(lib, "REPORT.md"))
        write(os.path.join(lib, "paperbook.yml"), b"inputs: [REPORT.md]\n")
    elif kind == "config-fifo":
        os.mkfifo(os.path.join(lib, "paperbook.yml"))
    elif kind == "cmdline-fifo":
        os.mkfifo(os.path.join(lib, "log.md"))

    def post(out):
        if os.path.exists(out):
            t = subprocess.run(["pdftotext", out, "-"], capture_output=True).stdout
            if (b"SECRETPAPER" in t or b"PATH=" in t) != (kind == "relative-allowed"):
                return ["SECRETPAPER typeset: %s" % (b"SECRETPAPER" in t)]
        return []
    return {"post": post, "timeout": 20}


def gen_bounded(lib, kind):
    """Inputs that once took minutes or gigabytes; run with a tight timeout."""
    gen_base(lib)
    br = "[" * 400000
    if kind == "bracket-report":
        write(os.path.join(lib, "log.md"),
              ("# R\n\n## CV\n\n> Title (NeurIPS 2023)\n> " + br + "\n").encode())
    elif kind == "bracket-checkins":
        write(os.path.join(lib, "log.md"),
              ("## c\n\n> > [2024-12-01]-[a]-[T](https://x.org)\n> > " + br +
               "\n>\n> > [2024-12-02]-[b]-" + br + "\n").encode())
    elif kind == "bracket-card":
        write(os.path.join(lib, "papers", "b.md"), card("Br", body=br + "\n").encode())
    elif kind == "yaml-150k":
        write(os.path.join(lib, "papers", "b.md"),
              ("---\ntitle: Deep\nx: " + "[" * 150000 + "]" * 150000 + "\n---\n").encode())
    elif kind == "config-yaml-150k":
        write(os.path.join(lib, "paperbook.yml"), ("x: " + "[" * 150000 + "\n").encode())
    elif kind == "line-10mb":
        write(os.path.join(lib, "papers", "b.md"), card("Long", body="x" * (10 << 20) + "\n").encode())
    elif kind == "presenters-40000":
        # 40,000 people, each with a week not read (a presenter of the
        # appendix) and a note (skimmed papers): the appendix once compared
        # every presenter with every absence and every note (n^2: 40 s)
        body = ["## c\n\n> > [2024-01-01]-[P]-[A paper](https://arxiv.org/abs/1)\n>\n"]
        for i in range(40000):
            d = "2024-%02d-%02d" % (1 + i % 12, 1 + i % 28)
            body.append("> > [%s]-[P%05d]-本周未精读\n>\n> > [%s]-[P%05d]-泛读了几篇\n>\n" % (d, i, d, i))
        write(os.path.join(lib, "log.md"), "".join(body).encode())
    return {"timeout": 20}


def gen_pages(lib, kind):
    """A booklet of more pages than libharu's page array holds (32,767):
    one card with 66,000 copies of a page-tall figure (two to a page, one
    image object) makes 33,003 pages. "limit" is 2,000 copies with the
    bound lowered to 100 pages. (Presenters in the appendix run on since
    issue 23, so they no longer make a page each.)"""
    n = 66000 if kind == "33000" else 2000
    want = n // 2 + 3
    os.makedirs(os.path.join(lib, "Images"), exist_ok=True)
    write(os.path.join(lib, "Images", "tall.png"), png(500, 700))
    body = "## c\n\n> **A long paper**\n>\n" + "> ![f](Images/tall.png)\n>\n" * n + "> The end of it.\n"
    write(os.path.join(lib, "REPORT.md"), body.encode())
    if kind == "limit":
        return {"env": {"PB_PDF_MAX_PAGES": "100"}, "timeout": 20}

    def post(out):
        problems = []
        info = subprocess.run(["pdfinfo", out], capture_output=True, text=True).stdout
        m = re.search(r"^Pages:\s+(\d+)", info, re.M)
        if not m or int(m.group(1)) != want:
            problems.append("pdfinfo: %s pages, want %d" % (m and m.group(1), want))
        # the page tree as qpdf reads it (a full qpdf --check passes too,
        # but takes 10 s more: checked by hand)
        q = subprocess.run(["qpdf", "--show-npages", out], capture_output=True, text=True)
        if q.returncode != 0 or q.stdout.strip() != str(want):
            problems.append("qpdf --show-npages: %s %s" % (q.stdout.strip(), q.stderr[-300:]))
        last = subprocess.run(["pdftotext", "-f", str(want), "-l", str(want), out, "-"],
                              capture_output=True, text=True).stdout
        # its folio: the cover and the contents are not numbered
        if str(want - 2) not in last.split():
            problems.append("the last page does not carry folio %d: %r" % (want - 2, last[:200]))
        return problems
    return {"post": post, "timeout": 60}


def gen_talk_decks(lib):
    """The minutes with a talk on 2024-01-05 and a talk on 2024-01-12, and
    decks in Slide/ for those days and another: each talk in the presenter
    appendix lists the decks of its own day (found by date in a sorted
    index), and no other."""
    gen_base(lib)
    for name in ("2024.1.5 张三-first.pptx", "2024.1.12 张三-second.pptx",
                 "2024.1.12 李四-other.pptx", "2024.1.19 张三-later.pptx"):
        deck_zip(os.path.join(lib, "Slide", name), slides=1)
    write(os.path.join(lib, "minutes.md"),
          ("### 2024年\n- 1.5 张三\n  张三-讲了[paper](https://arxiv.org/abs/1)\n"
           "- 1.12 张三\n  张三-讲了[paper](https://arxiv.org/abs/2)\n").encode())

    def post(out):
        t = subprocess.run(["pdftotext", out, "-"], capture_output=True, text=True).stdout
        t = re.sub(r"\s+", " ", t)
        want = ["[deck: Slide/2024.1.5 张三-first.pptx]", "[deck: Slide/2024.1.12 张三-second.pptx]"]
        problems = ["missing %r" % w for w in want if w not in t]
        problems += ["listed %r" % w for w in ("[deck: Slide/2024.1.12 李四-other.pptx]",
                                               "[deck: Slide/2024.1.19 张三-later.pptx]") if w in t]
        return problems
    return {"post": post, "timeout": 20}


def gen_low(lib, kind):
    """The small findings of issue 17."""
    gen_base(lib)
    if kind == "fifo-figure":
        os.remove(os.path.join(lib, "Images", "f.png"))
        os.mkfifo(os.path.join(lib, "Images", "f.png"))
    elif kind == "cr-only":
        write(os.path.join(lib, "log.md"),
              b"# R\r\r## CV\r\r> Old Mac paper (NeurIPS 2023)\r> [Paper](https://x.org/1)\r")
    return {"timeout": 20}


# ---- running ---------------------------------------------------------------

def parse_cases():
    cases = []
    with open(os.path.join(HERE, "cases.txt"), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = [p.strip() for p in line.split(" | ")]
            if len(parts) != 5:
                raise SystemExit("cases.txt:%d: want 5 fields separated by ' | '" % n)
            name, gen, cmd, code, expect = parts
            cases.append({"name": name, "gen": gen.split(), "cmd": cmd, "exit": int(code),
                          "expect": [e.strip() for e in expect.split(" && ") if e.strip()],
                          "line": n})
    return cases


GOOD_PDF = None
# --valgrind: every command under valgrind; errors or definite leaks give
# exit status 99, which no case expects.
WRAP = []


def good_pdf(binary, work):
    """A real booklet, built once, to stand for the previous good PDF."""
    global GOOD_PDF
    if GOOD_PDF:
        return GOOD_PDF
    path = os.path.join(work, "good.pdf")
    if not os.path.exists(path):
        # cases run in parallel: each makes its own, the first rename wins
        lib = os.path.join(work, "good-lib.%d" % os.getpid())
        shutil.rmtree(lib, ignore_errors=True)
        gen_base(lib)
        tmp = "%s.%d.pdf" % (path, os.getpid())
        r = subprocess.run([binary, "build", lib, "-o", tmp, "--no-cache", "-q"],
                           capture_output=True, timeout=60)
        if r.returncode != 0:
            raise SystemExit("cannot build the good PDF: " + r.stderr.decode(errors="replace"))
        os.rename(tmp, path)
        shutil.rmtree(lib, ignore_errors=True)
    with open(path, "rb") as f:
        GOOD_PDF = f.read()
    return GOOD_PDF


def crashed(rc, output):
    if rc < 0 or rc >= 128:
        return "killed by signal %d" % -rc if rc < 0 else "exit status %d" % rc
    for marker in ("AddressSanitizer", "LeakSanitizer", "runtime error:", "==ERROR:",
                   "Segmentation fault", "Aborted"):
        if marker in output:
            return "sanitizer or crash report (%s)" % marker
    return None


def stray_temps(directory, base):
    if not os.path.isdir(directory):
        return []
    # paperbook's own temporary files: ".NAME.pbtmp-XXXXXX"
    pat = re.compile(re.escape("." + base) + r"\.pbtmp-[A-Za-z0-9]{6}$")
    return [n for n in os.listdir(directory) if pat.match(n)]


def run_case(binary, work, c, verbose):
    name = c["name"]
    cdir = os.path.join(work, name)
    if os.path.exists(cdir):
        subprocess.run(["chmod", "-R", "u+rwX", cdir])
        shutil.rmtree(cdir)
    os.makedirs(cdir)
    lib = os.path.join(cdir, "lib")
    gen = globals().get("gen_" + c["gen"][0].replace("-", "_"))
    if not gen:
        return False, "unknown generator " + c["gen"][0]
    try:
        opts = gen(lib, *c["gen"][1:]) or {}
    except Skip as e:
        return None, str(e)
    out = os.path.join(lib, "out.pdf")
    fmt = {"lib": lib, "out": out, "case": cdir}
    args = [a.format(**fmt) for a in c["cmd"].split()]
    # The first argument naming {out} (after -o) is where a PDF goes.
    target = None
    if "-o" in args:
        target = args[args.index("-o") + 1]
        if (os.path.isdir(os.path.dirname(target)) and not os.path.isdir(target) and
                (not os.path.lexists(target) or stat.S_ISREG(os.lstat(target).st_mode))):
            write(target, good_pdf(binary, work))
            if opts.get("nobody"):
                os.chmod(target, 0o666)
    before = None
    if target and os.path.isfile(target) and not opts.get("keep_target"):
        with open(target, "rb") as f:
            before = f.read()
    cmd = [binary] + args
    if WRAP:
        cmd = WRAP + cmd
    if opts.get("nobody") and os.geteuid() == 0:
        cmd = ["setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY, "--clear-groups"] + cmd
    timeout = opts.get("timeout", 20) * float(os.environ.get("PB_TIMEOUT_SCALE", "1"))
    env = dict(os.environ, NO_COLOR="1", SOURCE_DATE_EPOCH="0")
    env.update(opts.get("env", {}))
    t0 = time.time()
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=timeout, env=env, cwd=cdir)
    except subprocess.TimeoutExpired:
        return False, "hang: no result after %d s" % timeout
    elapsed = time.time() - t0
    output = (r.stdout + r.stderr).decode("utf-8", errors="replace")
    if verbose:
        sys.stdout.write("$ %s\n%s[exit %d, %.1f s]\n" % (" ".join(cmd), output, r.returncode, elapsed))
    if WRAP and r.returncode == 99:
        return False, "valgrind found errors or leaks\n" + output
    why = crashed(r.returncode, output)
    if why:
        return False, "crash: " + why
    problems = []
    if r.returncode != c["exit"]:
        problems.append("exit status %d, expected %d" % (r.returncode, c["exit"]))
    for e in c["expect"]:
        neg = e.startswith("!")
        text = (e[1:] if neg else e).format(**fmt)
        if neg == (text in output):
            problems.append("%s %r" % ("unexpected" if neg else "missing", text))
    if target and before is not None:
        with open(target, "rb") as f:
            after = f.read()
        # exit 1 with "wrote": findings (an error in one card, a refused
        # input), the rest written; otherwise a failed build keeps the PDF
        wrote = "paperbook: wrote" in output
        if r.returncode != 0 and not wrote and after != before:
            problems.append("the previous PDF at %s was changed by a failed build" % target)
        if (r.returncode == 0 or wrote) and not (after.startswith(b"%PDF-") and
                                                  b"%%EOF" in after[-32:]):
            problems.append("%s is not a complete PDF" % target)
    if target:
        left = stray_temps(os.path.dirname(target) or ".", os.path.basename(target))
        if left:
            problems.append("temporary files left: %s" % ", ".join(left))
    if opts.get("post"):
        problems += opts["post"](target or out)
    if problems:
        return False, "; ".join(problems) + "\n--- output ---\n" + output
    return True, "%.1f s" % elapsed


# ---- special cases: SIGKILL mid-write, full disk ----------------------------

def big_library(lib, ncards):
    os.makedirs(os.path.join(lib, "papers"), exist_ok=True)
    rnd = random.Random(5)
    words = ("attention transformer 视觉 模型 learning graph token 预训练 diffusion "
             "benchmark 推理 dataset").split()
    for i in range(ncards):
        body = " ".join(rnd.choice(words) for _ in range(120))
        write(os.path.join(lib, "papers", "c%04d.md" % i),
              card('"Paper %d: %s"' % (i, " ".join(rnd.choice(words) for _ in range(6))),
                   "presenter: P%d\ndate: 2024-%02d-%02d\ncategory: [C%d, S%d]\n"
                   % (i % 17, 1 + i % 12, 1 + i % 28, i % 7, i % 5),
                   body + "\n\n- one\n- two\n").encode())


def special_kill(binary, work):
    """kill -9 at several moments of a big build: the old PDF stays."""
    lib = os.path.join(work, "kill", "lib")
    shutil.rmtree(os.path.dirname(lib), ignore_errors=True)
    big_library(lib, 2000)
    out = os.path.join(lib, "out.pdf")
    old = good_pdf(binary, work)
    # How long does a whole build take? Kill at fractions of it.
    t0 = time.time()
    r = subprocess.run([binary, "build", lib, "-o", os.path.join(lib, "full.pdf"), "-q"],
                       capture_output=True)
    full = time.time() - t0
    if r.returncode != 0:
        print(r.stderr.decode(errors="replace"))
        return False
    print("a full build of 2000 cards takes %.2f s" % full)
    ok = True
    midwrite = 0
    # while laying out (fractions of a whole build), then while writing:
    # at several delays after the temporary file appears
    plan = [("after", f * full) for f in (0.1, 0.5)] + [("writing", d) for d in
                                                        (0, 0.005, 0.02, 0.05, 0.1, 0.2)]
    for when, delay in plan:
        write(out, old)
        earlier = set(stray_temps(lib, "out.pdf"))
        p = subprocess.Popen([binary, "build", lib, "-o", out, "-q"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if when == "writing":
            while p.poll() is None and not set(stray_temps(lib, "out.pdf")) - earlier:
                time.sleep(0.001)
        time.sleep(delay)
        writing = bool(set(stray_temps(lib, "out.pdf")) - earlier)
        p.send_signal(signal.SIGKILL)
        rc = p.wait()
        with open(out, "rb") as f:
            now = f.read()
        killed = rc == -signal.SIGKILL
        midwrite += killed and writing
        state = ("killed while writing" if writing else "killed") if killed else "finished (exit %d)" % rc
        # A kill that lands after the rename (while the build cleans up)
        # leaves the new PDF, whole: the old one or a complete new one.
        replaced_whole = b"%%EOF" in now[-32:] and not set(stray_temps(lib, "out.pdf")) - earlier
        if killed and now != old and not replaced_whole:
            print("FAIL: killed: the previous PDF changed and the new one is not whole")
            ok = False
        elif not killed and not (rc == 0 and b"%%EOF" in now[-32:]):
            print("FAIL: finished with exit %d and %s incomplete" % (rc, out))
            ok = False
        left = stray_temps(lib, "out.pdf")
        print("%s %.3f s: %s; PDF %s; temp files left: %s" % (
            when, delay, state, "unchanged" if now == old else "replaced", left or "none"))
        for n in left:
            if not re.fullmatch(r"\.out\.pdf\.pbtmp-[A-Za-z0-9]{6}", n):
                print("FAIL: unexpected file %s" % n)
                ok = False
    if not midwrite:
        print("FAIL: no kill landed while the PDF was being written")
        ok = False
    # The next successful build removes what killed builds left behind.
    r = subprocess.run([binary, "build", lib, "-o", out, "-q"], capture_output=True)
    left = stray_temps(lib, "out.pdf")
    if r.returncode != 0 or left:
        print("FAIL: after a good build: exit %d, temp files %s" % (r.returncode, left))
        ok = False
    else:
        print("a successful build afterwards left no temporary file")
    return ok


def special_diskfull(binary, work):
    """A full file system (a 200 KB tmpfs, else RLIMIT_FSIZE): the old PDF
    stays, the exit status is non-zero and the message names the path."""
    base = os.path.join(work, "diskfull")
    if os.path.ismount(os.path.join(base, "mnt")):
        subprocess.run(["umount", os.path.join(base, "mnt")])
    shutil.rmtree(base, ignore_errors=True)
    lib = os.path.join(base, "lib")
    big_library(lib, 300)
    mnt = os.path.join(base, "mnt")
    os.makedirs(mnt)
    old = good_pdf(binary, work)
    mounted = False
    if os.geteuid() == 0 and shutil.which("mount") and not os.environ.get("PB_DISKFULL_ULIMIT"):
        m = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", mnt],
                           capture_output=True)
        mounted = m.returncode == 0
        if not mounted:
            print("mount -t tmpfs not permitted here (%s); using ulimit -f instead"
                  % m.stderr.decode(errors="replace").strip())
    else:
        print("not root (or PB_DISKFULL_ULIMIT set): using ulimit -f (RLIMIT_FSIZE) instead of a full tmpfs")
    try:
        out = os.path.join(mnt, "out.pdf")
        write(out, old)
        preexec = None
        if not mounted:
            # Room for the old PDF, not for the new one: writes past the
            # limit fail with EFBIG (SIGXFSZ ignored).
            def preexec():
                import resource
                signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
                resource.setrlimit(resource.RLIMIT_FSIZE, (len(old) + 4096, len(old) + 4096))
        else:
            # fill the rest of the tmpfs except about 60 KB
            st = os.statvfs(mnt)
            free = st.f_bavail * st.f_frsize
            write(os.path.join(mnt, "filler"), bytes(max(0, free - 60 * 1024)))
        r = subprocess.run([binary, "build", lib, "-o", out, "--no-cache"], capture_output=True,
                           preexec_fn=preexec, timeout=120)
        output = r.stderr.decode(errors="replace")
        print(output.strip())
        print("exit status %d" % r.returncode)
        with open(out, "rb") as f:
            now = f.read()
        ok = True
        if crashed(r.returncode, output):
            print("FAIL: crash")
            ok = False
        if r.returncode == 0:
            print("FAIL: the build claims success on a full disk")
            ok = False
        if now != old:
            print("FAIL: the previous PDF was changed")
            ok = False
        if out not in output:
            print("FAIL: the message does not name %s" % out)
            ok = False
        left = stray_temps(mnt, "out.pdf")
        if left:
            print("FAIL: temporary files left: %s" % left)
            ok = False
        return ok
    finally:
        if mounted:
            subprocess.run(["umount", mnt])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin")
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "pb-badinput"))
    ap.add_argument("--case")
    ap.add_argument("--all", action="store_true")
    ap.add_argument("--special", choices=["kill", "diskfull"])
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--valgrind", action="store_true",
                    help="run paperbook under valgrind (errors and definite leaks fail)")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    cases = parse_cases()
    if a.list:
        print("\n".join(c["name"] for c in cases))
        return 0
    os.makedirs(a.work, exist_ok=True)
    binary = os.path.abspath(a.bin)
    if a.special:
        ok = {"kill": special_kill, "diskfull": special_diskfull}[a.special](binary, a.work)
        print("PASS" if ok else "FAIL")
        return 0 if ok else 1
    if a.valgrind:
        if not shutil.which("valgrind"):
            print("skip: valgrind not installed")
            return SKIP
        WRAP[:] = ["valgrind", "--quiet", "--error-exitcode=99", "--leak-check=full",
                   "--show-leak-kinds=definite,indirect", "--errors-for-leak-kinds=definite,indirect",
                   "--trace-children=no"]
        os.environ["PB_TIMEOUT_SCALE"] = str(10 * float(os.environ.get("PB_TIMEOUT_SCALE", "1")))
    names = (a.case or "").split(",")
    todo = [c for c in cases if a.all or c["name"] in names]
    if len(todo) != (len(cases) if a.all else len(names)):
        print("no case named %s" % a.case)
        return 1
    failed = skipped = 0
    for c in todo:
        ok, msg = run_case(binary, a.work, c, a.verbose)
        if ok is None:
            skipped += 1
            print("SKIP %s: %s" % (c["name"], msg))
        elif ok:
            print("ok   %s (%s)" % (c["name"], msg))
        else:
            failed += 1
            print("FAIL %s (cases.txt:%d): %s" % (c["name"], c["line"], msg))
    if len(todo) > 1:
        print("%d cases: %d passed, %d failed, %d skipped"
              % (len(todo), len(todo) - failed - skipped, failed, skipped))
    if failed:
        return 1
    return SKIP if skipped == len(todo) else 0


if __name__ == "__main__":
    sys.exit(main())
