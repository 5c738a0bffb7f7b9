#!/usr/bin/env python3
"""Book-quality checks of the LaTeX export's PDF (issue 23, item 7):
every card title stands whole on one page (never split across a page
break), and running heads are set as the chapters are written (not in
capitals).

The chapter names are the PDF outline's top level (mutool show outline).

usage: book_checks.py BOOKLET.pdf TITLES.txt    exit 0 / 1"""
import re
import subprocess
import sys


def norm(s):
    # TeX sets ' and " as curly quotes (and the export educates them):
    # compare quotes as straight ones
    s = s.translate(str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}))
    return re.sub(r"\s+", "", s)


def main():
    pdf, titles = sys.argv[1:3]
    pages = subprocess.run(["pdftotext", "-enc", "UTF-8", pdf, "-"], capture_output=True,
                           text=True, check=True).stdout.split("\f")
    flat = [norm(p) for p in pages]
    fails = []
    split = 0
    for t in open(titles, encoding="utf-8").read().splitlines():
        k = norm(t)
        if len(k) < 12 or not any(k[:12] in p for p in flat):
            continue  # a title the export rewrites (escapes, dropped characters)
        if not any(k in p for p in flat):
            split += 1
            fails.append("title split across pages: " + t[:70])
    outline = subprocess.run(["mutool", "show", pdf, "outline"], capture_output=True,
                             text=True).stdout
    names = re.findall(r'^[|+-]\t"(.*)"\t', outline, re.M)
    upper = 0
    for i, p in enumerate(pages):
        lines = [ln.strip() for ln in p.splitlines() if ln.strip()]
        if not lines:
            continue
        head = re.sub(r"\s*\d+$", "", lines[0]).strip()
        for c in names:
            if norm(c.upper()) in (norm(head), norm(lines[0])) and c != c.upper():
                upper += 1
                fails.append("page %d: running head in capitals: %s" % (i + 1, head))
    for f in fails[:20]:
        print("FAIL:", f)
    print("%d titles split across pages, %d running heads in capitals" % (split, upper))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
