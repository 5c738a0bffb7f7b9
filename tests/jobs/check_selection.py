#!/usr/bin/env python3
"""Checks a digest or handout PDF holds exactly the papers it should.

usage: check_selection.py PDF DUMP.json --since D --until D   (digest)
       check_selection.py PDF DUMP.json --date D [--qr]        (handout)

The outline of the PDF must list exactly the titles of the entries whose
date falls in the window. With --qr, every page is rendered and every QR code
decoded with zbarimg: the decoded links must be exactly the URL links of
those entries."""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile


QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def norm(s):
    # bookmarks and pages set titles with educated quotes
    return re.sub(r"[\s\-\u00ad]+", "", (s or "").translate(QUOTES))


def outline_titles(pdf):
    out = subprocess.run(["mutool", "show", pdf, "outline"], capture_output=True, text=True).stdout
    titles = []
    for line in out.splitlines():
        m = re.search(r'"(.*)"\s+#', line) or re.search(r'^[\s|+-]*"?(.*?)"?\s+#\d', line)
        if m:
            titles.append(m.group(1))
    return out, titles


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pdf")
    ap.add_argument("dump")
    ap.add_argument("--since")
    ap.add_argument("--until")
    ap.add_argument("--date")
    ap.add_argument("--qr", action="store_true")
    a = ap.parse_args()
    data = json.load(open(a.dump, encoding="utf-8"))
    if a.date:
        want = [e for e in data["entries"] if e["date"] == a.date]
    else:
        want = [e for e in data["entries"] if e["date"] and a.since <= e["date"] <= (a.until or "9999")]
    other = [e for e in data["entries"] if e not in want]
    raw, _ = outline_titles(a.pdf)
    outline = norm(raw)
    fails = 0
    for e in want:
        if norm(e["title"]) not in outline:
            print("FAIL: missing from the outline:", e["title"])
            fails += 1
    want_titles = {norm(e["title"]) for e in want}
    for e in other:
        t = norm(e["title"])
        # A title that is part of a wanted one cannot be told apart.
        if t and t in outline and not any(t in w for w in want_titles):
            print("FAIL: should not be there:", e["title"], e["date"])
            fails += 1
    text = subprocess.run(["pdftotext", a.pdf, "-"], capture_output=True, text=True).stdout
    if not want:
        print("FAIL: the window holds no papers; the test is wrong")
        fails += 1
    if a.qr:
        urls = set()
        for e in want:
            for l in e["links"]:
                if l["url"] and re.match(r"^https?://", l["url"]) and not l.get("local"):
                    urls.add(l["url"].strip())
        with tempfile.TemporaryDirectory() as d:
            subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", a.pdf, os.path.join(d, "p")], check=True)
            decoded = set()
            for png in sorted(glob.glob(os.path.join(d, "p*.png"))):
                r = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", png],
                                   capture_output=True, text=True)
                decoded.update(x.strip() for x in r.stdout.splitlines() if x.strip())
        if decoded != urls:
            print("FAIL: QR codes decode to", sorted(decoded - urls), "missing", sorted(urls - decoded))
            fails += 1
        else:
            print("qr: %d codes decode to the %d links" % (len(decoded), len(urls)))
    print("%s: %d papers expected, %d checked against the rest; %d pages of text"
          % (os.path.basename(a.pdf), len(want), len(other), text.count("\f")))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
