#!/usr/bin/env python3
"""The presenter appendix and the slide index of a booklet, checked against
the model: every presenter with the right paper and absence counts, every
deck under Slide/ listed with the date and presenter read from its name.

usage: appendix_check.py PDF DUMP.json SLIDE_DIR"""
import collections
import json
import os
import re
import subprocess
import sys


def check_pictures(pdf, text, slides):
    """Every deck with a thumbnail in the model has an image on the slide
    index pages (pdfimages -list), from the heading's page to the end."""
    pages = text.split("\f")
    first = next((i + 1 for i, p in enumerate(pages) if "Appendix: slide decks" in p and
                  "Contents" not in p and "目录" not in p), None)
    if first is None:
        print("FAIL: no slide index heading")
        return 1
    out = subprocess.run(["pdfimages", "-list", "-f", str(first), pdf], capture_output=True,
                         text=True).stdout.splitlines()[2:]
    images = sum(1 for line in out if line.split() and line.split()[2] == "image")
    want = sum(1 for s in slides if s and s.get("thumbnail"))
    print("slide index from page %d: %d images for %d decks with a thumbnail" % (first, images, want))
    if images < want:
        print("FAIL: %d images on the slide index pages, want at least %d" % (images, want))
        return 1
    return 0


def main():
    pdf, dump, slide_dir = sys.argv[1:4]
    data = json.load(open(dump, encoding="utf-8"))
    text = subprocess.run(["pdftotext", "-raw", pdf, "-"], capture_output=True, text=True).stdout
    flat = re.sub(r"\s+", " ", text)
    fails = 0
    papers = collections.Counter(e["presenter"] for e in data["entries"] if e["presenter"])
    absent = collections.Counter(a["presenter"] for a in data["absences"] if a["presenter"])
    for who in sorted(set(papers) | set(absent)):
        want = "%s — %d papers, %d weeks not read" % (who, papers[who], absent[who])
        if want not in flat:
            print("FAIL: appendix lacks %r" % want)
            fails += 1
    total = "Group total: %d papers, %d weeks not read" % (sum(papers.values()), sum(absent.values()))
    if total not in flat:
        print("FAIL: appendix lacks %r" % total)
        fails += 1
    decks = sorted(f for f in os.listdir(slide_dir) if not f.startswith("."))
    by_path = {s["path"]: s for s in data["slides"]}
    for name in decks:
        s = by_path.get("Slide/" + name)
        if s is None:
            print("FAIL: deck %s missing from the model" % name)
            fails += 1
            continue
        if re.sub(r"\s+", "", name) not in re.sub(r"\s+", "", text):
            print("FAIL: deck %s missing from the slide index" % name)
            fails += 1
        if s["date"] and s["date"] not in flat:
            print("FAIL: date %s of %s not shown" % (s["date"], name))
            fails += 1
        # a page or slide count where the file has one, and a picture
        if s["slides"]:
            unit = "page" if name.lower().endswith(".pdf") else "slide"
            want = "%d %s%s" % (s["slides"], unit, "" if s["slides"] == 1 else "s")
            if want not in flat:
                print("FAIL: %s: %r not shown" % (name, want))
                fails += 1
        if not s.get("thumbnail") and "browser" not in (s.get("note") or ""):
            print("FAIL: %s has no picture (%s)" % (name, s.get("note")))
            fails += 1
    fails += check_pictures(pdf, text, [by_path.get("Slide/" + n) for n in decks])
    if "Unmatched:" in text:
        print("FAIL: the slide index still has the 'Unmatched:' heading")
        fails += 1
    print("appendix: %d presenters, %d decks checked" % (len(set(papers) | set(absent)), len(decks)))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
