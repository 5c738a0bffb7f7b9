#!/usr/bin/env python3
"""Page design checks on real PDFs (issue 13).

  design_check.py fill PDF [--min-mean X]
      no page under 25 % full unless it ends a chapter and its content could
      not have fitted in the space left on the page before; optionally a
      minimum mean fill (bench/pagefill.py measures it).
  design_check.py details PDF LAYOUT
      meta-line separators, running heads (booklet title on the right, none
      on chapter openings), Contents first in the outline, A³lign in text and
      outline, presenter
      appendix in one date order with hanging indents (the 2024 archive
      built with --appendix presenters).
  design_check.py fixture PDF LAYOUT
      (tests/design/fixture.sh's library) ~~struck~~ text printed without
      tildes and crossed by a line; x$_t$ as xₜ; the cover's date range
      leaves out the one misdated card.
  design_check.py digest PDF
      the digest's list keeps "— 张宇, 2024-12-07" on one line.
  design_check.py print COLOUR.pdf PRINT.pdf
      every figure of the print PDF is gray, and the file is smaller.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "bench"))
import pagefill  # noqa: E402

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def run(*cmd):
    return subprocess.run(cmd, capture_output=True, check=True).stdout.decode("utf-8", "replace")


def outline(pdf):
    """(level, title, page) of each bookmark."""
    marks = []
    for line in run("mutool", "show", pdf, "outline").splitlines():
        m = re.match(r'^[|+-](\t*)"(.*)"\t#page=(\d+)', line)
        if m:
            marks.append((len(m.group(1)), m.group(2), int(m.group(3))))
    return marks


def page_texts(pdf):
    return run("pdftotext", pdf, "-").split("\f")


def check_fill(pdf, min_mean):
    fills, top, foot = pagefill.fills(pdf)
    span = foot - top
    marks = outline(pdf)
    openings = sorted({p for lvl, _, p in marks if lvl == 1})
    first = openings[1] if len(openings) > 1 else 1  # after the contents
    n = len(fills)
    bad = []
    for p in range(first, n + 1):
        f = fills[p - 1]
        if f >= 0.25:
            continue
        ends_chapter = p == n or (p + 1) in openings
        room_before = 1 - fills[p - 2] if p >= 2 and p not in openings else 0
        # "could not fit": its content and the gap before it (about 30 pt)
        # need more than the room left on the page before.
        if not (ends_chapter and f + 30 / span > room_before):
            bad.append((p, round(f, 2), round(room_before, 2)))
    check(not bad, f"{os.path.basename(pdf)}: no avoidable page under 25% full {bad or ''}")
    mean = sum(fills) / n
    print(f"     mean fill {mean:.3f} over {n} pages")
    if min_mean is not None:
        check(mean >= min_mean, f"mean fill {mean:.3f} >= {min_mean}")


def layout_pages(path):
    pages, cur = [], None
    for line in open(path, encoding="utf-8"):
        if line.startswith("page "):
            cur = []
            pages.append(cur)
        elif cur is not None and line.startswith("  "):
            cur.append(line.strip())
    return pages


TEXT = re.compile(r'^text ([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+) face=\d+ size=([\d.]+) '
                  r'tc=[-\d.]+ "(.*)"$')


def texts(items):
    out = []
    for it in items:
        m = TEXT.match(it)
        if m:
            out.append((float(m.group(1)), float(m.group(2)), float(m.group(5)), m.group(6)))
    return out


def check_details(pdf, layout):
    text = run("pdftotext", pdf, "-")
    pages = page_texts(pdf)
    # meta line: venue year · presenter · date
    good = re.findall(r"(?:19|20)\d\d · \S+ · 20\d\d-\d\d-\d\d", text)
    run_together = re.findall(r"(?:19|20)\d\d\s+[\u4e00-\u9fff]{2,4} · 20\d\d-\d\d-\d\d", text)
    check(len(good) >= 50 and not run_together,
          f"meta lines separated by ' · ' ({len(good)}; run together: {run_together[:2]})")
    marks = outline(pdf)
    check(marks and marks[0][1].startswith("Contents"), "Contents is the first bookmark")
    check("A³lign-DFER" in text, "A$^3$lign set as A³lign-DFER in the text")
    check(any("A³lign-DFER" in t for _, t, _ in marks), "... and in the outline")
    check("$^3$" not in text, "no $^3$ left in the text")
    lp = layout_pages(layout)
    openings = {p for lvl, _, p in marks if lvl == 1 and not _.startswith("Contents")}
    title = "Paper Reading Booklet"
    heads_ok, bare_ok = True, True
    first = min(openings)
    for i, items in enumerate(lp, start=1):
        if i < first:
            continue
        top = [t for t in texts(items) if t[1] > 790]
        if i in openings:
            bare_ok = bare_ok and not top
        else:
            right = [t for t in top if t[0] > 300]
            heads_ok = heads_ok and any(title in t[3] for t in right)
    check(bare_ok, "no running head on chapter openings")
    check(heads_ok, "booklet title in the right running head of the other pages")
    # presenter appendix
    app = [p for lvl, t, p in marks if lvl == 1 and t.startswith("Appendix: sessions")]
    check(bool(app), "presenter appendix present")
    if not app:
        return
    # With the minutes, the appendix also holds the group's pictures (before
    # the first presenter) and, after each presenter's list, their talks,
    # write-ups and best-questioner weeks under subheads at the left margin:
    # only the lists (under a presenter's heading, until such a subhead) are
    # checked here; tests/sessions checks the rest.
    dates, hang_ok, order_ok, sections, in_list = [], True, True, 0, False
    date_re = re.compile(r"^\d{4}-\d\d-\d\d$")
    for items in lp[app[0] - 1:]:
        for x, y, size, t in texts(items):
            if y > 790 or y < 60:
                continue
            if size >= 12:
                if dates:
                    order_ok = order_ok and dates == sorted(dates)
                dates = []
                sections += 1
                in_list = size >= 14
                continue
            if abs(x - 62) < 0.5:
                in_list = False
            if not in_list:
                continue
            if date_re.match(t) and abs(x - 74) < 0.5:
                dates.append(t)
            elif t == "undated" and abs(x - 74) < 0.5:
                pass
            elif size < 10 and x < 131.5:
                hang_ok = False
    order_ok = order_ok and dates == sorted(dates)
    check(sections > 3 and order_ok, f"appendix: one date order, oldest first ({sections} sections)")
    check(hang_ok, "appendix: wrapped lines hang under the text column")


def check_fixture(pdf, layout):
    text = run("pdftotext", pdf, "-")
    cover = text.split("\f")[0]
    check("2025-03-01 — 2025-03-29" in cover and "2024-01-12" not in cover,
          "cover date range leaves out the lone misdated card")
    check("state xₜ and" in text, "x$_t$ set as xₜ")
    check("~~" not in text and "withdrawn" in text, "struck words printed without tildes")
    ok = False
    for items in layout_pages(layout):
        # the word may come in runs split at kerning pairs ("withd", "ra", "wn")
        words = [t for t in texts(items) if len(t[3]) >= 2 and t[3] in "withdrawn"]
        lines = [list(map(float, it.split()[1:5])) for it in items if it.startswith("line ")]
        for x, y, size, _ in words:
            for lx, ly, lw, lh in lines:
                if lh == 0 and y < ly < y + size * 0.6 and lx >= x - 1 and lw > 4:
                    ok = True
    check(ok, "a line crosses the struck words")


def check_digest(pdf):
    lines = run("pdftotext", pdf, "-").splitlines()
    whole = [l for l in lines if re.search(r"— \S+, 20\d\d-\d\d-\d\d", l)]
    split = [l for l in lines if re.match(r"^\s*(?:20\d\d-\d\d-\d\d$|\S+, 20\d\d-)", l)]
    check(len(whole) >= 20 and not split,
          f"digest list: '— name, date' never split ({len(whole)} whole, split: {split[:2]})")


def check_print(colour, printed):
    listing = run("pdfimages", "-list", printed).splitlines()[2:]
    kinds = [l.split()[5] for l in listing if l.split() and l.split()[2] == "image"]
    check(kinds and all(k == "gray" for k in kinds),
          f"print: all {len(kinds)} figures gray ({sorted(set(kinds))})")
    a, b = os.path.getsize(colour), os.path.getsize(printed)
    check(b < a, f"print PDF smaller than colour: {b / 1e6:.2f} MB < {a / 1e6:.2f} MB")


def main():
    args = sys.argv[1:]
    what = args[0]
    if what == "fill":
        mean = float(args[args.index("--min-mean") + 1]) if "--min-mean" in args else None
        check_fill(args[1], mean)
    elif what == "details":
        check_details(args[1], args[2])
    elif what == "fixture":
        check_fixture(args[1], args[2])
    elif what == "digest":
        check_digest(args[1])
    elif what == "print":
        check_print(args[1], args[2])
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
