#!/usr/bin/env python3
"""End-to-end checks of a paperbook PDF with real PDF tools.

Builds nothing itself: given the PDF and the `paperbook dump` JSON of the same
library, it asserts what a reader would see:
  - qpdf --check passes;
  - pdftotext finds every card title, and prints no ToUnicode warning;
  - `mutool show PDF outline` lists every category (with cards) and every paper;
  - every Paper/Code/Blog link of every card is a URI link annotation;
  - every local, embeddable figure is an image (pdfimages -list);
  - no Chinese glyph is blank: each CJK character's cell has ink when the
    pages are rendered (pdftoppm), found through pdftotext -bbox.
Exit 0 when all hold, 1 with a message per failure.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
import urllib.parse

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


CURLY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def norm(s):
    """Text compared without whitespace, soft hyphens or compatibility forms."""
    s = unicodedata.normalize("NFKC", s or "")
    # titles are set with educated quotes (pages and bookmarks)
    s = s.translate(CURLY)
    # pdftotext drops a hyphen that ends a line ("Audio-" + "Visual"), so
    # hyphens are not compared either.
    return re.sub(r"[\s\u00ad\-\u2010]+", "", s)


def is_cjk(ch):
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF


def is_fullwidth(ch):
    """Han characters and full-width punctuation: all one em wide."""
    o = ord(ch)
    return is_cjk(ch) or 0x3000 <= o <= 0x303F or 0xFF01 <= o <= 0xFF60 or o in (0x201C, 0x201D)


def check_qpdf(pdf):
    r = run(["qpdf", "--check", pdf])
    if r.returncode != 0:
        fail("qpdf --check: " + (r.stdout + r.stderr)[-800:])


def check_text(pdf, data):
    r = run(["pdftotext", "-enc", "UTF-8", pdf, "-"])
    if "ToUnicode" in r.stderr or "Syntax Error" in r.stderr:
        fail("pdftotext warnings: " + r.stderr[:500])
    text = norm(r.stdout)
    missing = [e["title"] for e in data["entries"] if e["title"] and norm(e["title"]) not in text]
    if missing:
        fail("%d titles not found by pdftotext, e.g. %r" % (len(missing), missing[:3]))
    return r.stdout


def walk_categories(cats, out):
    for c in cats:
        out.append(c)
        walk_categories(c.get("children", []), out)


def has_cards(c):
    return bool(c["entries"]) or bool(c["references"]) or any(has_cards(k) for k in c["children"])


def check_outline(pdf, data, group_by):
    r = run(["mutool", "show", pdf, "outline"])
    if r.returncode != 0:
        fail("mutool show outline failed: " + r.stderr[:300])
        return
    outline = norm(r.stdout)
    if group_by == "category":
        cats = []
        walk_categories(data["categories"], cats)
        for c in cats:
            if has_cards(c) and norm(c["name"]) not in outline:
                fail("category %r missing from the outline" % c["name"])
    missing = [e["title"] for e in data["entries"] if e["title"] and norm(e["title"]) not in outline]
    if missing:
        fail("%d papers missing from the outline, e.g. %r" % (len(missing), missing[:3]))


def pdf_uris(pdf):
    with tempfile.TemporaryDirectory() as d:
        q = os.path.join(d, "q.pdf")
        run(["qpdf", "--qdf", "--object-streams=disable", pdf, q])
        raw = open(q, "rb").read().decode("latin-1")
    uris = set()
    for m in re.finditer(r"/URI\s*\(((?:\\.|[^\\)])*)\)", raw):
        s = re.sub(r"\\(.)", r"\1", m.group(1))
        uris.add(urllib.parse.unquote(s))
    launches = re.findall(r"/S\s*/Launch", raw)
    return uris, len(launches)


def check_links(pdf, data):
    uris, _ = pdf_uris(pdf)
    want = 0
    missing = []
    for e in data["entries"]:
        for l in e["links"]:
            if l["kind"] in ("paper", "code", "blog") and l["url"] and not l.get("local"):
                url = l["url"].strip()
                if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url):
                    continue
                want += 1
                if urllib.parse.unquote(url) not in uris:
                    missing.append(url)
    if missing:
        fail("%d of %d Paper/Code/Blog links are not URI annotations, e.g. %r"
             % (len(missing), want, missing[:3]))
    return want


def sniff(path):
    try:
        head = open(path, "rb").read(16)
    except OSError:
        return None
    if head.startswith(b"\x89PNG"):
        return "png"
    if head.startswith(b"\xff\xd8"):
        return "jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:4] in (b"GIF8",):
        return "gif"
    return None


def check_images(pdf, data, root):
    paths = set()
    for e in data["entries"]:
        for f in e["figures"]:
            p = f.get("path")
            if p and sniff(p if os.path.isabs(p) else os.path.join(root, p) if not os.path.exists(p) else p):
                paths.add(os.path.realpath(p) if os.path.exists(p) else p)
    r = run(["pdfimages", "-list", pdf])
    rows = [l for l in r.stdout.splitlines()[2:] if l.strip()]
    images = [l for l in rows if l.split()[2] == "image"]
    if len(images) < len(paths):
        fail("%d embeddable local figures but only %d images in the PDF" % (len(paths), len(images)))
    return len(paths), len(images)


def read_pgm(path):
    data = open(path, "rb").read()
    parts = data.split(maxsplit=4)
    assert parts[0] == b"P5", "expected binary PGM"
    w, h, maxval = int(parts[1]), int(parts[2]), int(parts[3])
    pixels = parts[4] if len(parts) > 4 else b""
    return w, h, pixels[-w * h:]


def check_cjk_ink(pdf, max_pages):
    """Each CJK character of pure-CJK words must leave ink in its cell."""
    with tempfile.TemporaryDirectory() as d:
        bbox = os.path.join(d, "b.html")
        run(["pdftotext", "-bbox", pdf, bbox])
        html = open(bbox, encoding="utf-8", errors="replace").read()
        pages = re.split(r"<page ", html)[1:]
        dpi = 100
        scale = dpi / 72.0
        checked = blank = 0
        examples = []
        word_re = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
        with_cjk = []
        for pno, page in enumerate(pages, start=1):
            words = re.findall(word_re, page)
            cjk_words = [w for w in words if w[4] and all(is_fullwidth(c) for c in w[4])
                         and any(is_cjk(c) for c in w[4])]
            if cjk_words:
                with_cjk.append((pno, cjk_words))
        # Pages spread over the whole document, at most max_pages of them.
        if len(with_cjk) > max_pages:
            step = len(with_cjk) / max_pages
            with_cjk = [with_cjk[int(i * step)] for i in range(max_pages)]
        for pno, cjk_words in with_cjk:
            base = os.path.join(d, "p%d" % pno)
            run(["pdftoppm", "-f", str(pno), "-l", str(pno), "-r", str(dpi), "-gray", "-singlefile", pdf, base])
            w, h, px = read_pgm(base + ".pgm")
            for x0, y0, x1, y1, word in cjk_words:
                x0, y0, x1, y1 = (float(v) * scale for v in (x0, y0, x1, y1))
                n = len(word)
                cw = (x1 - x0) / n
                for i, ch in enumerate(word):
                    if not is_cjk(ch):
                        continue
                    cx0 = int(x0 + i * cw + cw * 0.1)
                    cx1 = int(x0 + (i + 1) * cw - cw * 0.1)
                    ink = 0
                    for yy in range(max(0, int(y0)), min(h, int(y1) + 1)):
                        row = px[yy * w:(yy + 1) * w]
                        ink += sum(1 for v in row[max(0, cx0):min(w, cx1 + 1)] if v < 150)
                    checked += 1
                    if ink == 0:
                        blank += 1
                        if len(examples) < 5:
                            examples.append("%s (page %d)" % (ch, pno))
        if blank:
            fail("%d of %d CJK characters are blank when rendered, e.g. %s" % (blank, checked, ", ".join(examples)))
        return checked


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pdf")
    ap.add_argument("dump")
    ap.add_argument("--root", default=".")
    ap.add_argument("--group-by", default="category")
    ap.add_argument("--ink-pages", type=int, default=8)
    a = ap.parse_args()
    data = json.load(open(a.dump, encoding="utf-8"))
    if not os.path.exists(a.pdf):
        print("FAIL: no PDF at", a.pdf)
        return 1
    check_qpdf(a.pdf)
    check_text(a.pdf, data)
    check_outline(a.pdf, data, a.group_by)
    nlinks = check_links(a.pdf, data)
    nfig, nimg = check_images(a.pdf, data, a.root)
    ncjk = check_cjk_ink(a.pdf, a.ink_pages)
    print("checked: %d cards, %d links, %d figures (%d images), %d CJK glyph cells"
          % (len(data["entries"]), nlinks, nfig, nimg, ncjk))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
