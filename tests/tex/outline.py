#!/usr/bin/env python3
"""Compares the outline (bookmarks) of a PDF with a list of titles.

    outline.py PDF TITLES.txt

Every title (one per line) must appear among the outline entries that
`mutool show PDF outline` lists; whitespace runs count as one space, as in
TeX. Prints the missing ones; exit status 0 when none is missing."""
import re
import subprocess
import sys


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


def unquote(s):
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            n = s[i + 1]
            out.append({"n": "\n", "t": "\t", "r": "\r"}.get(n, n))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def outline(pdf):
    text = subprocess.run(["mutool", "show", pdf, "outline"], check=True,
                          capture_output=True).stdout.decode("utf-8", "replace")
    entries = []
    for line in text.splitlines():
        m = re.match(r'^[\s|+\-]*"(.*)"\t', line)
        if m:
            entries.append(norm(unquote(m.group(1))))
    return entries


def main():
    pdf, titles_path = sys.argv[1], sys.argv[2]
    have = outline(pdf)
    have_set = set(have)
    with open(titles_path, encoding="utf-8") as f:
        titles = [norm(t) for t in f.read().splitlines() if t.strip()]
    missing = [t for t in titles if t not in have_set]
    print(f"outline: {len(have)} entries, {len(titles)} titles expected, {len(missing)} missing")
    for t in missing[:20]:
        print(f"  missing: {t!r}")
    return 1 if missing or not titles else 0


if __name__ == "__main__":
    sys.exit(main())
