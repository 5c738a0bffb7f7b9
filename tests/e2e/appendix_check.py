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
    print("appendix: %d presenters, %d decks checked" % (len(set(papers) | set(absent)), len(decks)))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
