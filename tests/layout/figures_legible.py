#!/usr/bin/env python3
"""Figures keep a legible size (issue 23, item 2): every figure of the 2024
archive's booklet and of a digest is printed at the full measure, or at its
natural width at 150 ppi when that is smaller; the page breaker never
shrinks one to fit a page. The only figures allowed narrower are those the
height cap (FIGURE_MAX_FRACTION of the text block) makes narrower, and they
must then stand exactly at that cap.

Sizes come from the PDF (`pdfimages -list`: pixels and ppi, so the printed
width is pixels * 72 / ppi); the measure and the text block from the
layout dump (the card rules span the measure; the page box and margins).

usage: figures_legible.py PAPERBOOK CORPUS OUTDIR     exit 0, 1, 77 no corpus
"""
import os
import re
import subprocess
import sys

MIN_PPI = 150.0
HEIGHT_CAP = 0.42  # FIGURE_MAX_FRACTION in src/layout/layout.c


def measure_of(dump):
    widths = {}
    for line in open(dump, encoding="utf-8"):
        m = re.match(r"\s+line \S+ \S+ (\S+) ", line)
        if m:
            widths[m.group(1)] = widths.get(m.group(1), 0) + 1
    return float(max(widths, key=widths.get))


def check(pdf, dump, text_h):
    measure = measure_of(dump)
    out = subprocess.run(["pdfimages", "-list", pdf], capture_output=True, text=True,
                         check=True).stdout.splitlines()[2:]
    bad, n = [], 0
    for row in out:
        f = row.split()
        if f[2] != "image":
            continue  # soft masks
        n += 1
        page, wpx, hpx, xppi = int(f[0]), int(f[3]), int(f[4]), float(f[12])
        w = wpx * 72.0 / xppi
        h = w * hpx / wpx
        want = min(measure, wpx * 72.0 / MIN_PPI)
        if w >= want * 0.985 - 0.5:  # pdfimages rounds ppi to an integer
            continue
        if abs(h - HEIGHT_CAP * text_h) < 1.5:
            continue  # as tall as a figure may be
        bad.append(f"{os.path.basename(pdf)} p.{page}: {wpx}x{hpx} px printed {w:.1f} pt wide "
                   f"({w / want:.0%} of the rule's {want:.1f} pt)")
    return n, bad


def main():
    pb, corpus, out = sys.argv[1:4]
    archive = os.path.join(corpus, "Archived", "2024论文精读归档.md")
    if not os.path.isfile(archive):
        print("skip: corpus not present")
        return 77
    os.makedirs(out, exist_ok=True)
    runs = {
        "booklet": ["build", archive],
        "digest": ["digest", archive, "--since", "2024-10-01", "--until", "2024-12-31"],
    }
    total, bad = 0, []
    for name, args in runs.items():
        pdf, dump = os.path.join(out, name + ".pdf"), os.path.join(out, name + ".dump")
        subprocess.run([pb, *args, "-q", "--cache-dir", os.path.join(out, "cache"), "-o", pdf,
                        "--dump-layout", dump], check=False)
        head = open(dump, encoding="utf-8").readline()
        ph = float(re.search(r"x([\d.]+)", head).group(1))
        text_h = ph - 68.0 - 62.0  # MARGIN_TOP, MARGIN_BOTTOM
        n, b = check(pdf, dump, text_h)
        total += n
        bad += b
    for b in bad:
        print("FAIL:", b)
    print(f"{total} figures checked; {len(bad)} below the rule (full measure or 150 ppi)")
    return 1 if bad or not total else 0


if __name__ == "__main__":
    sys.exit(main())
