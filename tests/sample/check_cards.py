#!/usr/bin/env python3
"""Checks that the project's sample library is well formed.

    check_cards.py LIBRARY_ROOT

Standard library only (no YAML package): the front matter is read with a
small reader for the subset docs/card-format.md uses (scalars, quoted
scalars, flow lists, block lists, one level of nested mapping, lists of
{label, url} mappings). Checks:

  * every papers/**/*.md starts with front matter that has a title;
  * every figure (figure:/figures:) and every local deck (links: slide:)
    exists under the library root;
  * every figure is really PNG, JPEG or WebP, sniffed from its bytes
    (the extension may lie on purpose);
  * dates are ISO (YYYY-MM-DD), years are numbers;
  * at least 12 cards over at least 4 top categories;
  * every file in Images/ and Slide/ other than the generator scripts is
    either referenced or is a deck listed as deliberately unreferenced.

Prints one line per problem (file:line: message) and exits 1 if any.
"""

import os
import re
import sys

MIN_CARDS = 12
MIN_CATEGORIES = 4
GENERATORS = {"Images/make-figures.sh", "Slide/make-decks.py"}
# Decks no card mentions, on purpose (the slide index must list them).
UNREFERENCED_OK = {"Slide/组会分享模板.pdf"}

problems = []


def problem(path, line, msg):
    problems.append("%s:%d: %s" % (path, line, msg))


def unquote(s):
    s = s.strip()
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "\"'":
        return s[1:-1]
    return s


def strip_comment(s):
    """Removes a trailing ` # comment` outside quotes."""
    quote = None
    for i, c in enumerate(s):
        if quote:
            if c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        elif c == "#" and (i == 0 or s[i - 1] in " \t"):
            return s[:i].rstrip()
    return s.rstrip()


def flow_list(s):
    """[a, "b, c", d] -> ['a', 'b, c', 'd']"""
    inner = s.strip()[1:-1]
    items, cur, quote = [], "", None
    for c in inner:
        if quote:
            cur += c
            if c == quote:
                quote = None
        elif c in "\"'":
            quote = c
            cur += c
        elif c == ",":
            items.append(cur)
            cur = ""
        else:
            cur += c
    if cur.strip():
        items.append(cur)
    return [unquote(i) for i in items if i.strip()]


def value(s):
    s = s.strip()
    if s.startswith("[") and s.endswith("]"):
        return flow_list(s)
    return unquote(s)


def read_front_matter(path):
    """Returns (dict key -> (value, line), body) or None if absent."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if not lines or lines[0].strip() != "---":
        problem(path, 1, "no front matter (the file must start with ---)")
        return None
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        problem(path, 1, "front matter is not closed by ---")
        return None
    fm = {}
    key = None  # current top-level key whose value is a block
    for i in range(1, end):
        raw = lines[i]
        text = strip_comment(raw)
        if not text.strip():
            continue
        lineno = i + 1
        indent = len(text) - len(text.lstrip(" "))
        body = text.strip()
        if "\t" in raw[:indent + 1]:
            problem(path, lineno, "tab in indentation")
        if indent == 0:
            m = re.match(r"^([A-Za-z_][\w-]*)\s*:(.*)$", body)
            if not m:
                problem(path, lineno, "cannot read this front matter line")
                key = None
                continue
            key, rest = m.group(1), m.group(2).strip()
            if key in fm:
                problem(path, lineno, "duplicate key '%s'" % key)
            fm[key] = (value(rest) if rest else None, lineno)
            continue
        if key is None:
            problem(path, lineno, "indented line without a key")
            continue
        cur, kline = fm[key]
        if body.startswith("- "):  # block list item
            item = body[2:].strip()
            if cur is None:
                cur = []
            if not isinstance(cur, list):
                problem(path, lineno, "list item under a mapping")
                continue
            m = re.match(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$", item)
            if m and not item.startswith(("http:", "https:")):
                cur.append({m.group(1): value(m.group(2))})
            else:
                cur.append(value(item))
        else:
            m = re.match(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$", body)
            if not m:
                problem(path, lineno, "cannot read this front matter line")
                continue
            if isinstance(cur, list) and cur and isinstance(cur[-1], dict):
                cur[-1][m.group(1)] = value(m.group(2))  # continues "- label: ..."
            else:
                if cur is None:
                    cur = {}
                if not isinstance(cur, dict):
                    problem(path, lineno, "mapping entry under a list")
                    continue
                cur[m.group(1)] = (value(m.group(2)), lineno)
        fm[key] = (cur, kline)
    return fm, "\n".join(lines[end + 1:])


def sniff(path):
    with open(path, "rb") as f:
        head = f.read(16)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    return "unknown"


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
    os.chdir(root)
    cards = []
    for dirpath, dirnames, filenames in os.walk("papers"):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith(".md"):
                cards.append(os.path.join(dirpath, name))
    cards.sort()
    referenced = set()
    categories = set()
    paths = set()
    for card in cards:
        got = read_front_matter(card)
        if got is None:
            continue
        fm, body = got
        title, tline = fm.get("title", (None, 1))
        if not title or not isinstance(title, str):
            problem(card, tline, "no title")
        if not body.strip():
            problem(card, len(open(card, encoding="utf-8").read().split("\n")), "empty summary")
        for key in fm:
            if key not in {"title", "venue", "year", "note", "category", "presenter", "date",
                           "links", "figures", "figure", "tags"}:
                problem(card, fm[key][1], "key '%s' is not in docs/card-format.md" % key)

        year, yline = fm.get("year", (None, 0))
        if year is not None and not re.fullmatch(r"(19|20)\d\d", str(year)):
            problem(card, yline, "year '%s' is not a year" % year)
        date, dline = fm.get("date", (None, 0))
        if date is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(date)):
            problem(card, dline, "date '%s' is not ISO YYYY-MM-DD" % date)

        cat, cline = fm.get("category", (None, 0))
        if isinstance(cat, str):
            cat = [c.strip() for c in cat.split("/")]
        if not cat or not isinstance(cat, list) or not cat[0]:
            problem(card, cline or 1, "no category")
        else:
            categories.add(cat[0])
            paths.add(" / ".join(cat))

        figs, fline = fm.get("figures", (None, 0))
        if figs is None:
            figs, fline = fm.get("figure", (None, 0))
        if isinstance(figs, str):
            figs = [figs]
        for fig in figs or []:
            if not isinstance(fig, str):
                problem(card, fline, "figure entry is not a path")
                continue
            referenced.add(fig)
            if not os.path.isfile(fig):
                problem(card, fline, "figure '%s' does not exist" % fig)
                continue
            kind = sniff(fig)
            if kind not in ("PNG", "JPEG", "WebP"):
                problem(card, fline, "figure '%s' is %s, not PNG/JPEG/WebP" % (fig, kind))

        links, lline = fm.get("links", (None, 0))
        entries = []
        if isinstance(links, dict):
            entries = [(k, v, ln) for k, (v, ln) in links.items()]
        elif isinstance(links, list):
            for item in links:
                if not isinstance(item, dict) or "url" not in item:
                    problem(card, lline, "a links list item needs label and url")
                    continue
                entries.append((item.get("label", ""), item["url"], lline))
        elif links is not None:
            problem(card, lline, "links should be a mapping or a list")
        for kind, url, ln in entries:
            if re.match(r"^[a-z]+://", url):
                continue
            referenced.add(url)
            if not os.path.isfile(url):
                problem(card, ln, "%s '%s' does not exist" % (kind, url))
            elif kind.lower() == "slide" and not url.startswith("Slide/"):
                problem(card, ln, "deck '%s' is not under Slide/" % url)

    for folder in ("Images", "Slide"):
        for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
            rel = folder + "/" + name
            if rel in GENERATORS or rel in referenced or rel in UNREFERENCED_OK:
                continue
            problem(rel, 0, "not referenced by any card")
    for rel in UNREFERENCED_OK:
        if not os.path.isfile(rel):
            problem(rel, 0, "the deliberately unreferenced deck is missing")

    if len(cards) < MIN_CARDS:
        problem("papers", 0, "%d cards, need at least %d" % (len(cards), MIN_CARDS))
    if len(categories) < MIN_CATEGORIES:
        problem("papers", 0, "%d top categories, need at least %d" % (len(categories), MIN_CATEGORIES))

    for p in problems:
        print(p)
    print("%d cards, %d top categories (%s), %d category paths, %d local files referenced"
          % (len(cards), len(categories), ", ".join(sorted(categories)), len(paths),
             len(referenced)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
