#!/usr/bin/env python3
"""Compares the outline (bookmarks) of a PDF with a list of titles.

    outline.py [--exact] PDF TITLES.txt
    outline.py --same PDF OTHER.pdf

Every title (one per line) must appear among the outline entries that
`mutool show PDF outline` lists; whitespace runs count as one space, or,
with --exact, a title's runs must be one space in the outline too (the
bookmarks show a title as the pages set it). Prints the
missing ones; exit status 0 when none is missing. With --same, both PDFs
must have the same outline entries (titles and levels, as multisets)."""
import re
import subprocess
import sys


EXACT = False


QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def norm(s):
    # quotes compare as straight ones: the exports educate them (issue 23)
    s = s.translate(QUOTES)
    return re.sub(r"\s+", " ", s).strip()


def norm_entry(s):
    s = s.translate(QUOTES)
    return s.strip() if EXACT else norm(s)


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


def outline_levels(pdf):
    text = subprocess.run(["mutool", "show", pdf, "outline"], check=True,
                          capture_output=True).stdout.decode("utf-8", "replace")
    entries = []
    for line in text.splitlines():
        m = re.match(r'^([|+\-])(\t*)"(.*)"\t', line)
        if m:
            entries.append((len(m.group(2)), unquote(m.group(3)).translate(QUOTES)))
    return entries


def same(a, b):
    from collections import Counter
    ea, eb = Counter(outline_levels(a)), Counter(outline_levels(b))
    only_a, only_b = ea - eb, eb - ea
    print(f"outline: {sum(ea.values())} entries in {a}, {sum(eb.values())} in {b}")
    for (lvl, t), n in list(only_a.items())[:10]:
        print(f"  only in {a}: level {lvl} {t!r}")
    for (lvl, t), n in list(only_b.items())[:10]:
        print(f"  only in {b}: level {lvl} {t!r}")
    return 1 if only_a or only_b else 0


def outline(pdf):
    text = subprocess.run(["mutool", "show", pdf, "outline"], check=True,
                          capture_output=True).stdout.decode("utf-8", "replace")
    entries = []
    for line in text.splitlines():
        m = re.match(r'^[\s|+\-]*"(.*)"\t', line)
        if m:
            entries.append(unquote(m.group(1)))
    return entries


def main():
    global EXACT
    args = sys.argv[1:]
    if args and args[0] == "--same":
        return same(args[1], args[2])
    if args and args[0] == "--exact":
        EXACT = True
        args = args[1:]
    pdf, titles_path = args[0], args[1]
    have = outline(pdf)
    have_set = set(norm_entry(h) for h in have)
    with open(titles_path, encoding="utf-8") as f:
        titles = [norm(t) for t in f.read().splitlines() if t.strip()]
    missing = [t for t in titles if t not in have_set]
    print(f"outline: {len(have)} entries, {len(titles)} titles expected, {len(missing)} missing")
    for t in missing[:20]:
        print(f"  missing: {t!r}")
    return 1 if missing or not titles else 0


if __name__ == "__main__":
    sys.exit(main())
