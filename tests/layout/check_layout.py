#!/usr/bin/env python3
"""Checks a layout dump (`paperbook build --dump-layout`): every text run,
figure and placeholder lies inside the page's text block, the margins of
src/layout/layout.c (top 68, bottom 62, sides 62 pt); only the running head (its
baseline 22 pt above the text block, its rule 16 pt above) and the page
number (baseline 30 pt below) are in the margins' bands, and a remote
figure's QR code (filled rectangles) in the outer margin, inside the page
with 6 pt to spare and within the text block's height. No page is blank,
every outline mark points at an existing page, and text boxes on a page do
not overlap.

usage: check_layout.py DUMP"""
import re
import sys


def main():
    path = sys.argv[1]
    margin = 62.0  # MARGIN_SIDE
    top_margin, bottom_margin = 68.0, 62.0  # MARGIN_TOP, MARGIN_BOTTOM
    lines = open(path, encoding="utf-8").read().splitlines()
    m = re.match(r"doc ([\d.]+)x([\d.]+) pages=(\d+)", lines[0])
    pw, ph, npages = float(m.group(1)), float(m.group(2)), int(m.group(3))
    left, right = margin - 0.5, pw - margin + 0.5
    top, bottom = ph - top_margin, bottom_margin
    pages = {}
    cur = None
    marks = []
    for ln in lines[1:]:
        if ln.startswith("page "):
            cur = int(ln.split()[1])
            pages[cur] = []
        elif ln.startswith("mark "):
            marks.append(int(re.search(r"page=(\d+)", ln).group(1)))
        elif ln.startswith("  "):
            f = ln.split()
            pages[cur].append((f[0], float(f[1]), float(f[2]), float(f[3]), float(f[4]), ln))
    fails = []
    nitems = 0
    for p, items in pages.items():
        if not items:
            fails.append("page %d is blank" % p)
        texts = []
        for kind, x, y, w, h, raw in items:
            nitems += 1
            if kind in ("text", "image", "placeholder", "rect"):
                margin_qr = kind == "rect" and x >= right and x + w <= pw - 6
                if (x < left - 1e-6 or x + w > right + 1e-6) and not margin_qr:
                    fails.append("page %d: %s outside the text block (x %.2f..%.2f): %s" % (p, kind, x, x + w, raw.strip()[:90]))
                band = kind == "text" and (abs(y - (bottom - 30)) < 0.05 or abs(y - (top + 22)) < 0.05)
                # A text run's y is its baseline: descenders may reach 3 pt below.
                low = bottom - (3.0 if kind == "text" else 0.0)
                high = top if kind != "text" else top - 4.0
                if not band and (y < low - 1e-3 or y + (h if kind != "text" else 0) > high + 1e-3):
                    fails.append("page %d: %s outside the text block vertically (y %.2f..%.2f, block %.0f..%.0f): %s"
                                 % (p, kind, y, y + (h if kind != "text" else 0), bottom, top, raw.strip()[:90]))
            elif kind == "line" and not abs(y - (top + 16)) < 0.05:
                if y < bottom - 1e-3 or y > top + 1e-3:
                    fails.append("page %d: rule outside the text block vertically: %s" % (p, raw.strip()[:90]))
            if kind == "text" and w > 0:
                texts.append((x, y, w, raw))
        # Two runs on one baseline must not overlap (dot leaders are spread
        # to end where the page number starts).
        texts.sort(key=lambda t: (round(t[1], 1), t[0]))
        for a, b in zip(texts, texts[1:]):
            if abs(a[1] - b[1]) < 0.05 and a[0] + a[2] > b[0] + 0.6:
                fails.append("page %d: overlapping text at y %.2f: %r / %r" % (p, a[1], a[3].strip()[:60], b[3].strip()[:60]))
    for mp in marks:
        if mp < 1 or mp > npages:
            fails.append("outline mark to page %d of %d" % (mp, npages))
    for f in fails[:20]:
        print("FAIL:", f)
    print("layout: %d pages, %d boxes, %d outline marks, %d problems" % (npages, nitems, len(marks), len(fails)))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
