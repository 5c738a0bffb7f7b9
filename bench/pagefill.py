#!/usr/bin/env python3
"""Page fill of a PDF, measured from the PDF alone (any tool's PDF).

Text lines come from `pdftotext -bbox-layout`, figures from `mutool trace`
(the box each image is drawn into). Running heads and page numbers are left
out: a line in the top or bottom tenth of the page that is only a number or
a roman numeral, or whose text recurs on at least a fifth of the pages.

The text block is the document's own: its top is the median top of the
content over the pages, its foot the 95th percentile of the content's foot.
A page's fill is how far down that block its content reaches (0 = empty,
1 = down to the foot), so a page whose content stops a third of the way
down counts as a third full whatever the cause.

Usage: pagefill.py FILE.pdf [--pages] [--json] [--skip N]
  --skip N  leave out the first N pages (cover, contents) from the mean.
Prints the mean fill, the number of pages and the pages under 25 %.
"""
import collections
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

ROMAN = re.compile(r"^[ivxlcdm]+$", re.I)
TRANSFORM = re.compile(r'transform="([^"]+)"')
PAGE = re.compile(r'<page number="(\d+)"')


def text_lines(pdf):
    out = subprocess.run(["pdftotext", "-bbox-layout", pdf, "-"], capture_output=True,
                         check=True).stdout.decode("utf-8", "replace")
    out = re.sub(r"<!DOCTYPE[^>]*>", "", out)
    out = out.replace(' xmlns="http://www.w3.org/1999/xhtml"', "")
    root = ET.fromstring(out)
    pages = []
    for page in root.iter("page"):
        h = float(page.get("height"))
        lines = []
        for line in page.iter("line"):
            words = " ".join((w.text or "") for w in line.iter("word")).strip()
            lines.append((float(line.get("yMin")), float(line.get("yMax")), words))
        pages.append((h, lines))
    return pages


def images(pdf, npages):
    boxes = [[] for _ in range(npages)]
    proc = subprocess.run(["mutool", "trace", pdf], capture_output=True)
    page = -1
    for raw in proc.stdout.decode("utf-8", "replace").splitlines():
        m = PAGE.search(raw)
        if m:
            page = int(m.group(1)) - 1
            continue
        if "<fill_image" not in raw or not 0 <= page < npages:
            continue
        t = TRANSFORM.search(raw)
        if not t:
            continue
        a, b, c, d, e, f = (float(v) for v in t.group(1).split())
        ys = [f, f + b, f + d, f + b + d]
        boxes[page].append((min(ys), max(ys)))
    return boxes


def fills(pdf):
    pages = text_lines(pdf)
    imgs = images(pdf, len(pages))
    counts = collections.Counter()
    for _, lines in pages:
        for t in {w for _, _, w in lines}:
            counts[t] += 1
    recurring = {t for t, n in counts.items() if n >= max(3, len(pages) / 5)}
    spans = []
    for i, (h, lines) in enumerate(pages):
        ys = []
        for y0, y1, t in lines:
            edge = y1 < h * 0.1 or y0 > h * 0.9
            if edge and (t.isdigit() or ROMAN.match(t) or t in recurring):
                continue
            ys.append((y0, y1))
        ys += imgs[i]
        spans.append((min(y for y, _ in ys), max(y for _, y in ys)) if ys else None)
    tops = sorted(s[0] for s in spans if s)
    feet = sorted(s[1] for s in spans if s)
    if not tops:
        return [], 0, 0
    top = tops[len(tops) // 2]
    foot = feet[min(len(feet) - 1, int(len(feet) * 0.95))]
    out = []
    for s in spans:
        out.append(0.0 if not s else max(0.0, min(1.0, (s[1] - top) / (foot - top))))
    return out, top, foot


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        return 2
    skip = 0
    if "--skip" in args:
        k = args.index("--skip")
        skip = int(args[k + 1])
        del args[k:k + 2]
    pdf = [a for a in args if not a.startswith("--")][0]
    f, top, foot = fills(pdf)
    body = f[skip:]
    mean = sum(body) / len(body) if body else 0
    low = [i + 1 for i, v in enumerate(f) if i >= skip and v < 0.25]
    if "--json" in args:
        print(json.dumps({"pages": len(f), "mean": round(mean, 4), "top": top, "foot": foot,
                          "fill": [round(v, 4) for v in f], "under_25": low}))
        return 0
    if "--pages" in args:
        for i, v in enumerate(f):
            print(f"page {i + 1}: {v:.2f}")
    print(f"{pdf}: {len(f)} pages, mean fill {mean:.3f} (pages {skip + 1}-), "
          f"under 25%: {low if low else 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
