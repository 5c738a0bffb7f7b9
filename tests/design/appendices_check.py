#!/usr/bin/env python3
"""Checks of the archive with both appendices (see appendices.sh).

usage: appendices_check.py ARCHIVE.pdf DUMP.json MAX_PAGES MIN_MEAN QUOTED.pdf TITLE
exit 0 when all hold, 1 otherwise."""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
import pagefill  # noqa: E402

CURLY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def outline(pdf):
    text = subprocess.run(["mutool", "show", pdf, "outline"], capture_output=True,
                          check=True).stdout.decode("utf-8", "replace")
    out = []
    for line in text.splitlines():
        m = re.match(r'^[|+\-]\t*"(.*)"\t', line)
        if m:
            out.append(re.sub(r"\\(.)", r"\1", m.group(1)))
    return out


def quotes_kept(pdf, titles):
    """Outline entries of titles with straight quotes that still have one."""
    bad, seen = [], 0
    entries = outline(pdf)
    for t in titles:
        if '"' not in t and "'" not in t:
            continue
        match = [e for e in entries if e.translate(CURLY) == " ".join(t.split()).translate(CURLY)]
        if not match:
            bad.append("no outline entry for " + t)
            continue
        seen += 1
        bad += ["straight quote in the outline: " + e for e in match if '"' in e or "'" in e]
    return bad, seen


def main():
    pdf, dump, max_pages, min_mean, quoted, title = sys.argv[1:7]
    fails = []
    fill, _, _ = pagefill.fills(pdf)
    mean = sum(fill) / len(fill) if fill else 0
    low = [i + 1 for i, v in enumerate(fill) if v < 0.25]
    print("archive with both appendices: %d pages, mean fill %.4f, min %.4f, under 25%%: %s"
          % (len(fill), mean, min(fill) if fill else 0, low or "none"))
    if len(fill) > int(max_pages):
        fails.append("%d pages, more than %s" % (len(fill), max_pages))
    if mean < float(min_mean):
        fails.append("mean fill %.4f under %s" % (mean, min_mean))
    if low:
        fails.append("pages under 25%% full: %s" % low)
    lib = json.load(open(dump, encoding="utf-8"))
    titles = [e.get("title") or "" for e in lib.get("entries", [])]
    bad, seen = quotes_kept(pdf, titles)
    bad2, seen2 = quotes_kept(quoted, [title])
    print("outline: %d archive titles and %d fixture title with straight quotes checked"
          % (seen, seen2))
    fails += bad + bad2
    spaced = [e for e in outline(pdf) if e != " ".join(e.split())]
    print("outline: %d entries with doubled, leading or trailing white space" % len(spaced))
    fails += ["white space as written in the outline: %r" % e for e in spaced[:5]]
    if not seen2:
        fails.append("the fixture's title is not in its outline")
    for f in fails:
        print("FAIL:", f)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
