#!/usr/bin/env python3
"""The text layer, checked on a real build with real PDF tools.

usage: text_layer.py PAPERBOOK WORKDIR

- a card with U+2000B, a thumbs-up emoji, a full-width letter, a combining
  accent and an "ffi" ligature round-trips through pdftotext exactly;
- pdffonts lists only embedded subset CID fonts with ToUnicode maps, the
  Chinese ones from Noto Serif CJK SC and Noto Sans CJK SC, no AR PL or
  WenQuanYi face; qpdf --check is clean and poppler prints no warning;
- in the card's heading, the advance from "A" to "V" read back from the page
  content (Tm, Tc, TJ numbers and the fonts' /W widths) is shorter than the
  width of "A" by a kern of at least 0.2 pt;
- a character no installed font draws gets one warning naming file:line;
- a font named in paperbook.yml that is not installed stops the build with
  an error naming it.
Exits 77 (skipped) when a tool is missing."""
import os
import re
import shutil
import subprocess
import sys
import zlib

failures = []
BODY = "罕字\U0002000B与表情\U0001F44D全角\uFF21 cafe\u0301 office 中文。"
TITLE = "AVATAR Typography 排版"


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)
    return cond


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, **kw)


def make_library(root, body, config=None):
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(os.path.join(root, "papers", "t"))
    with open(os.path.join(root, "papers", "t", "card.md"), "w", encoding="utf-8") as f:
        f.write('---\ntitle: "%s"\nyear: 2024\ncategory: [Test]\npresenter: 张三\n'
                "date: 2024-11-01\n---\n%s\n" % (TITLE, body))
    if config:
        with open(os.path.join(root, "paperbook.yml"), "w", encoding="utf-8") as f:
            f.write(config)


# ---- a small reader for what paperbook writes (qpdf --qdf output) --------

def objects(qdf):
    out = {}
    for m in re.finditer(rb"\n(\d+) 0 obj\n(.*?)\nendobj", qdf, re.S):
        out[int(m.group(1))] = m.group(2)
    return out


def stream_of(obj):
    m = re.search(rb"stream\n(.*)\nendstream", obj, re.S)
    return m.group(1) if m else b""


def tounicode(cmap):
    table = {}
    for m in re.finditer(rb"<([0-9A-Fa-f]{4})> <([0-9A-Fa-f]*)>", cmap):
        hexs = m.group(2).decode()
        table[int(m.group(1), 16)] = bytes.fromhex(hexs).decode("utf-16-be")
    return table


def widths(w):
    """A /W array [c [w1 w2 ...] ...] as a dict."""
    table = {}
    for m in re.finditer(rb"(\d+)\s*\[([^\]]*)\]", w):
        first = int(m.group(1))
        for i, v in enumerate(m.group(2).split()):
            table[first + i] = float(v)
    return table


def fonts_of(objs):
    """Per Type0 font object number: (ToUnicode table, /W table)."""
    fonts = {}
    for num, o in objs.items():
        if b"/Subtype /Type0" not in o:
            continue
        tu = re.search(rb"/ToUnicode (\d+) 0 R", o)
        desc = re.search(rb"/DescendantFonts \[\s*(\d+) 0 R", o)
        if not tu or not desc:
            continue
        cid = objs[int(desc.group(1))]
        wm = re.search(rb"/W (\d+) 0 R", cid)
        wtext = objs[int(wm.group(1))] if wm else re.search(rb"/W (\[.*\])", cid, re.S).group(1)
        fonts[num] = (tounicode(stream_of(objs[int(tu.group(1))])), widths(wtext))
    return fonts


def glyph_positions(content, resources, fonts):
    """Every glyph shown: (text, x, advance as drawn without spacing, size)."""
    out = []
    font = size = None
    tc = 0.0
    x = 0.0
    toks = re.findall(rb"\[[^\]]*\]|<[0-9A-Fa-f]*>|/[^\s/\[<(]+|-?[\d.]+|[A-Za-z*']+", content)
    stack = []
    for t in toks:
        if t[:1] in b"-0123456789." and re.match(rb"^-?[\d.]+$", t):
            stack.append(float(t))
        elif t[:1] in b"/[<":
            stack.append(t)
        else:
            op = t
            if op == b"Tf":
                font = fonts.get(resources.get(stack[-2][1:]))
                size = stack[-1]
            elif op == b"Tc":
                tc = stack[-1]
            elif op == b"Tm":
                x = stack[-2]
            elif op == b"TJ" and font:
                tu, w = font
                for part in re.findall(rb"<[0-9A-Fa-f]*>|-?[\d.]+", stack[-1]):
                    if part.startswith(b"<"):
                        h = part[1:-1].decode()
                        for i in range(0, len(h), 4):
                            gid = int(h[i:i + 4], 16)
                            adv = w.get(gid, 1000.0) * size / 1000.0
                            out.append((tu.get(gid, "?"), x, adv, size))
                            x += adv + tc
                    else:
                        x -= float(part) * size / 1000.0
            stack = []
    return out


def check_kerning(pdf, work):
    qdf = os.path.join(work, "qdf.pdf")
    if not check(run(["qpdf", "--qdf", "--object-streams=disable", pdf, qdf]).returncode in (0, 3),
                 "qpdf --qdf"):
        return
    data = open(qdf, "rb").read()
    objs = objects(data)
    fonts = fonts_of(objs)
    best = None
    for o in objs.values():
        if b"/Type /Page" not in o or b"/Contents" not in o:
            continue
        res = {}
        fm = re.search(rb"/Font\s*<<(.*?)>>", o, re.S)
        if fm:
            for name, num in re.findall(rb"/(\S+) (\d+) 0 R", fm.group(1)):
                res[name] = int(num)
        cm = re.search(rb"/Contents (\d+) 0 R", o)
        content = stream_of(objs[int(cm.group(1))])
        g = glyph_positions(content, res, fonts)
        for i in range(len(g) - 1):
            if g[i][0] == "A" and g[i + 1][0] == "V" and g[i][3] >= 11:
                best = (g[i + 1][1] - g[i][1], g[i][2])
                break
        if best:
            break
    if check(best is not None, "heading: the glyphs A and V found in the page content"):
        dist, width = best
        check(dist < width - 0.2,
              "heading: A to V advances %.2f pt, less than A's width %.2f pt (kerned)" %
              (dist, width))


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    pb, work = sys.argv[1], sys.argv[2]
    for tool in ("qpdf", "pdffonts", "pdftotext"):
        if not shutil.which(tool):
            print("skip: %s missing" % tool)
            return 77
    os.makedirs(work, exist_ok=True)
    lib = os.path.join(work, "lib")
    make_library(lib, BODY)
    pdf = os.path.join(work, "text.pdf")
    p = run([pb, "build", lib, "-o", pdf])
    err = p.stderr.decode(errors="replace")
    if not check(p.returncode == 0, "build succeeds"):
        print(err)
        return 1
    check("no installed font" not in err, "every character of the card has a font: " + err[-300:])

    t = run(["pdftotext", "-enc", "UTF-8", pdf, "-"])
    text = t.stdout.decode("utf-8", errors="replace")
    check(BODY in text, "pdftotext gives the body exactly (U+2000B, emoji, full width, "
          "combining accent, ffi): %r" % [l for l in text.splitlines() if "cafe" in l])
    check(TITLE in text, "pdftotext gives the heading exactly")
    check(t.stderr.decode(errors="replace").strip() == "",
          "poppler prints no warning: " + t.stderr.decode(errors="replace")[:200])
    q = run(["qpdf", "--check", pdf])
    check(q.returncode == 0, "qpdf --check clean")

    lines = run(["pdffonts", pdf]).stdout.decode().splitlines()[2:]
    names = [l.split()[0] for l in lines]
    check(all(re.match(r"^[A-Z]{6}\+", n) for n in names), "every font is a subset: %s" % names)
    check(all(" CID " in l and "Identity-H" in l and re.search(r"yes\s+yes\s+yes", l)
              for l in lines), "every font is an embedded CID font with ToUnicode")
    check(any("NotoSerifCJKsc-Regular" in n for n in names), "body Chinese in Noto Serif CJK SC")
    check(any("NotoSansCJKsc-Bold" in n for n in names), "heading Chinese in Noto Sans CJK SC Bold")
    check(not any(re.search(r"UMing|WenQuanYi|AR ?PL", n) for n in names),
          "no AR PL or WenQuanYi face")
    check_kerning(pdf, work)

    # a character no font has: one warning with file:line, a visible mark
    make_library(lib, "私用\U0010FFFD字符\U0010FFFD。")
    p = run([pb, "build", lib, "-o", os.path.join(work, "missing.pdf")])
    err = p.stderr.decode(errors="replace")
    check(p.returncode == 0 and
          len(re.findall(r"card\.md:\d+: warning: no installed font draws U\+10FFFD", err)) == 1,
          "one warning with file:line for a character no font draws: " + err[-300:])

    # a configured font that is not installed
    make_library(lib, BODY, "fonts:\n  body: No Such Font Family\n")
    p = run([pb, "build", lib, "-o", os.path.join(work, "nofont.pdf")])
    err = p.stderr.decode(errors="replace")
    check(p.returncode == 2 and "No Such Font Family" in err and "error" in err,
          "a missing configured font stops the build naming it: " + err[-300:])

    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
