#!/usr/bin/env python3
"""A card title keeps its first lines (issue 23, item 7): no page of the
LaTeX export's PDF ends with a card's title (its meta and link lines at
most) while the card's text goes on on the next page.

Each page's text lines come from pdftotext -bbox-layout, its figures from
mutool trace (bench/pagefill.py). On every page the last card title is
found; when nothing but a short tail (under TAIL characters: meta line,
links; a figure's placeholder does not count) follows it there, no figure is drawn below
it, and the next page does not start with another card's title (the card
ended there), the title is stranded at the page foot. Pages with dot
leaders are the contents and are left out.

usage: title_feet.py BOOKLET.pdf TITLES.txt    exit 0 / 1"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
import pagefill  # noqa: E402

TAIL = 60  # characters without spaces: a meta line and links, not two lines of text


def norm(s):
    s = s.translate(str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}))
    return re.sub(r"\s+", "", s)


def main():
    pdf, titles_file = sys.argv[1:3]
    pages = pagefill.text_lines(pdf)
    imgs = pagefill.images(pdf, len(pages))
    titles = [norm(t) for t in open(titles_file, encoding="utf-8").read().splitlines()]
    titles = [t for t in titles if len(t) >= 12]
    body = []  # per page: (text, [(offset where a line ends, its yMax)])
    for h, lines in pages:
        lines = sorted((ln for ln in lines if h * 0.08 < ln[0] < h * 0.94), key=lambda ln: ln[0])
        text, ends, note, in_note = "", [], 0, False
        for y0, y1, words in lines:
            # a figure's placeholder (its note and the URL's turnover lines)
            # is part of the card's head, not its text
            if "not included" in words or "not shown" in words:
                in_note = True
            elif in_note and (" " in words.strip() or re.search(r"[^\x00-\x7f]", words)):
                in_note = False
            text += norm(words)
            if in_note:
                note += len(norm(words))
            ends.append((len(text), y1, note))
        body.append((text, ends))
    stranded = []
    for i in range(len(body) - 1):
        text, ends = body[i]
        last, where = None, -1
        for k in titles:
            at = text.rfind(k)
            if at > where:
                last, where = k, at
        if last is None or "........" in text:
            continue  # no card, or a contents page (dot leaders)
        end = where + len(last)
        y, note = next(((y1, n) for off, y1, n in ends if off >= end), (0, 0))
        tail = len(text) - end - (ends[-1][2] - note)
        below = any(top > y for top, _ in imgs[i])
        nxt = body[i + 1][0]
        if tail < TAIL and not below and not any(nxt.startswith(k) for k in titles):
            stranded.append((i + 1, last, tail))
    for p, k, tail in stranded[:20]:
        print("FAIL: page %d ends with the card title %s (%d characters after it)" % (p, k[:60], tail))
    print("%d card titles stranded at a page foot" % len(stranded))
    return 1 if stranded else 0


if __name__ == "__main__":
    sys.exit(main())
