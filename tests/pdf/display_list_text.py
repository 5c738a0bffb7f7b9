#!/usr/bin/env python3
"""The display list and the drawn text agree, read back by two PDF readers.

usage: display_list_text.py PAPERBOOK WORKDIR LIBRARY [ARCHIVE.md]

The layout shapes every run once and the PDF back end only encodes the
glyphs (issue 21). A library (and the corpus archive when given) is built
with --dump-layout; then, page by page:
- the characters of the layout's text items (white space aside) are the
  characters poppler (pdftotext -raw) and MuPDF (mutool stext) extract, as
  multisets: a glyph run whose clusters or glyphs do not match its text
  gives a wrong or missing ToUnicode entry and a difference here;
- every text item starts and ends where the layout put it: MuPDF finds the
  item's first character at its (x, baseline) and its last character's
  right edge at x + width (less the character spacing after it) within
  0.05 pt, so the glyphs' advances as drawn are those the layout measured.
Exits 77 (skipped) when a tool is missing."""
import collections
import html
import os
import re
import shutil
import subprocess
import sys

TOL = 0.05  # points
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)
    return cond


def read_dump(path):
    """Per page: page height and [(x, y, width, text)] of the text items, the
    width without the character spacing after the last character."""
    pages, height = [], 0.0
    item = re.compile(r'^  text (\S+) (\S+) (\S+) \S+ face=\S+ size=\S+ tc=(\S+) "(.*)"$')
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("doc "):
                height = float(line.split()[1].split("x")[1])
            elif line.startswith("page "):
                pages.append([])
            else:
                m = item.match(line)
                if m:
                    pages[-1].append((float(m.group(1)), float(m.group(2)),
                                      float(m.group(3)) - float(m.group(4)), m.group(5)))
    return height, pages


def chars(s):
    return collections.Counter(c for c in s if not c.isspace())


def is_fullwidth_mark(c):
    return 0x3000 <= ord(c) <= 0x303F or 0xFF00 <= ord(c) <= 0xFF65


def stext_pages(pdf):
    """Per page: [(x, y from the top, right edge, character)] as MuPDF
    extracts them."""
    out = subprocess.run(["mutool", "draw", "-q", "-F", "stext", "-o", "-", pdf],
                         capture_output=True, check=True).stdout.decode("utf-8")
    pages = []
    for page in re.split(r"<page ", out)[1:]:
        got = []
        for m in re.finditer(r'<char quad="([^"]+)" x="([^"]+)" y="([^"]+)"[^>]*? '
                             r'c="((?:[^"]|&quot;)*)"', page):
            q = [float(v) for v in m.group(1).split()]
            x, y = float(m.group(2)), float(m.group(3))
            # the right edge at the baseline (a slanted, fake italic quad
            # leans): between the upper and the lower right corners
            (urx, ury), (lrx, lry) = (q[2], q[3]), (q[6], q[7])
            right = lrx + (urx - lrx) * (y - lry) / (ury - lry) if ury != lry else urx
            got.append((x, y, right, html.unescape(m.group(4))))
        pages.append(got)
    return pages


def compare(name, pdf, dump):
    height, items = read_dump(dump)
    # -raw: in reading order poppler joins a word hyphenated at a line end
    text = subprocess.run(["pdftotext", "-q", "-raw", pdf, "-"], capture_output=True,
                          check=True).stdout.decode("utf-8").split("\f")
    mu = stext_pages(pdf)
    check(len(mu) == len(items), "%s: MuPDF reads %d pages, the layout made %d"
          % (name, len(mu), len(items)))
    bad_poppler, bad_mupdf, misplaced, placed, ends = [], [], [], 0, 0
    for p, its in enumerate(items):
        want = chars("".join(t for _, _, _, t in its))
        if chars(text[p] if p < len(text) else "") != want:
            bad_poppler.append(p + 1)
        got = mu[p] if p < len(mu) else []
        if chars("".join(c for _, _, _, c in got)) != want:
            bad_mupdf.append(p + 1)
        at, end = collections.defaultdict(list), collections.defaultdict(list)
        for x, y, right, c in got:
            at[c].append((x, y))
            end[c].append((right, y))
        for x, y, w, t in its:
            top = height - y
            first, last = t[:1], t[-1:]
            if first and not first.isspace():
                placed += 1
                if not any(abs(gx - x) <= TOL and abs(gy - top) <= TOL for gx, gy in at[first]):
                    misplaced.append("page %d: %r starts off %.2f,%.2f" % (p + 1, t[:20], x, y))
            # the last glyph ends where the layout's width says (/W widths
            # and TJ numbers as drawn): the advances are the layout's
            # (a full-width mark ending a line counts half its width there)
            if last and not last.isspace() and w > 0 and not is_fullwidth_mark(last):
                ends += 1
                if not any(abs(gr - (x + w)) <= TOL and abs(gy - top) <= TOL
                           for gr, gy in end[last]):
                    misplaced.append("page %d: %r ends off %.2f" % (p + 1, t[-20:], x + w))
    check(not bad_poppler, "%s: pdftotext extracts the layout's characters on every page%s"
          % (name, " (differs on pages %s)" % bad_poppler[:10] if bad_poppler else ""))
    check(not bad_mupdf, "%s: MuPDF extracts the layout's characters on every page%s"
          % (name, " (differs on pages %s)" % bad_mupdf[:10] if bad_mupdf else ""))
    check(placed > 0 and ends > 0 and not misplaced,
          "%s: %d text runs start and %d end where the layout put them%s"
          % (name, placed, ends, "; not: " + "; ".join(misplaced[:5]) if misplaced else ""))


def main():
    if len(sys.argv) < 4:
        print(__doc__)
        return 2
    pb, work, library = sys.argv[1:4]
    archive = sys.argv[4] if len(sys.argv) > 4 else None
    for tool in ("pdftotext", "mutool"):
        if not shutil.which(tool):
            print("skip: %s not installed" % tool)
            return 77
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    jobs = [("sample", [library])]
    if archive and os.path.isfile(archive):
        jobs.append(("archive", [archive, "--appendix", "presenters"]))
    for name, args in jobs:
        pdf, dump = os.path.join(work, name + ".pdf"), os.path.join(work, name + ".layout")
        r = subprocess.run([pb, "build", *args, "-q", "--no-cache", "-o", pdf, "--dump-layout",
                            dump], capture_output=True, env=env)
        if not check(r.returncode == 0, "%s builds" % name):
            print(r.stderr.decode("utf-8", "replace"))
            continue
        compare(name, pdf, dump)
    print("all ok" if not failures else "%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
