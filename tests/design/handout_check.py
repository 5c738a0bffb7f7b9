#!/usr/bin/env python3
"""Handout checks (issue 13): at most MAX pages, every card whole on one
page (so on one sheet two-up), each card's QR codes decode (zbarimg) on the
page of its title to exactly its links, and a cut summary ends with "…".

  handout_check.py PDF DUMP.json DATE MAXPAGES
"""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile


def squash(s):
    # quotes compare as straight ones: the handout educates them (issue 23)
    s = (s or "").translate(str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"',
                                           "\u201d": '"'}))
    return re.sub(r"\s+", "", s)


def main():
    pdf, dump, date, maxpages = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    lib = json.load(open(dump, encoding="utf-8"))
    cards = [e for e in lib["entries"] if e.get("date") == date]
    pages = subprocess.run(["pdftotext", pdf, "-"], capture_output=True,
                           check=True).stdout.decode("utf-8", "replace").split("\f")
    pages = [squash(p) for p in pages if p.strip()]
    fails = []
    if len(pages) > maxpages:
        fails.append(f"{len(pages)} pages, more than {maxpages}")
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", pdf, os.path.join(d, "p")],
                       check=True)
        decoded = []
        for png in sorted(glob.glob(os.path.join(d, "p*.png"))):
            r = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", png],
                               capture_output=True, text=True)
            decoded.append({x.strip() for x in r.stdout.splitlines() if x.strip()})
    for e in cards:
        title = squash(e["title"])[:30]
        text = "".join(b.get("text", "") for b in e.get("summary", []))
        start = squash(text)[:12]
        where = [i for i, p in enumerate(pages) if title in p]
        if len(where) != 1:
            fails.append(f"title of {e['title'][:40]} on pages {where}")
            continue
        page = where[0]
        if start and start not in pages[page]:
            fails.append(f"summary of {e['title'][:40]} not on its title's page {page + 1}")
        urls = {l["url"].strip() for l in e["links"]
                if l.get("url") and re.match(r"^https?://", l["url"]) and not l.get("local")}
        if page < len(decoded) and not urls <= decoded[page]:
            fails.append(f"QR codes of {e['title'][:40]} not all on page {page + 1}: "
                         f"missing {sorted(urls - decoded[page])}")
    print(f"handout {os.path.basename(pdf)}: {len(cards)} cards, {len(pages)} pages, "
          f"{sum(len(x) for x in decoded)} QR codes decoded")
    for f in fails:
        print("FAIL " + f)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
