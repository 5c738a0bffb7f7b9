#!/usr/bin/env python3
"""The 2024 archive of the real reading group, enriched from a BibTeX file
that this test writes (no network), then exported.

Usage: archive_test.py PAPERBOOK CORPUS WORKDIR

The BibTeX file has an entry for three cards in four, under titles written
differently from the card (upper case, a trailing venue tag, full-width
punctuation), with authors in TeX (accents, braces, "Last, First"),
Chinese names, an @string venue, and one near-miss title for a card that
has no entry. Checks:
  - every matched card has exactly the entry's authors (decoded), marked
    "bibtex:refs.bib" in paperbook dump; no other card has authors;
  - the booklet shows the authors under the titles (pdftotext);
  - build --format bib writes one entry per card with unique keys, which
    bibtex (plain.bst, \\citation{*}) reads with no error and no warning,
    and which python3-bibtexparser reads back with the same keys, titles,
    authors and notes as the dump (and dump --format csl-json).
Exit 77 (skipped) without the corpus or bibtex."""
import json
import os
import re
import shutil
import subprocess
import sys

ARCHIVE = "Archived/2024论文精读归档.md"


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def run(cmd, **kw):
    # the library's inputs: names the archive in ../shared, outside the
    # library: only the command line may allow that (issue 17)
    if os.path.basename(cmd[0]) == "paperbook" and len(cmd) > 1 and not cmd[1].startswith("-"):
        cmd = cmd[:2] + ["--allow-outside"] + cmd[2:]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=180, **kw)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def key(title):
    return re.sub(r"[^0-9a-z]", "", title.lower())


FULLWIDTH = {":": "：", ",": "，", "(": "（", ")": "）", "?": "？", "!": "！"}

# (TeX as written in the .bib, as it must come out)
NAMES = [
    ("M{\\\"u}ller, J{\\'e}r{\\^o}me", "Jérôme Müller"),
    ("Ashish Vaswani", "Ashish Vaswani"),
    ("陈银", "陈银"),
    ("{\\L}ukasz Kaiser", "Łukasz Kaiser"),
    ("{Google Research and Friends}", "Google Research and Friends"),
    ("van der Berg, Anna", "Anna van der Berg"),
    ("张 雪松", "张 雪松"),
    ("O'Neil, Mary-Kate", "Mary-Kate O'Neil"),
]


def tex_title(t):
    out = []
    for ch in t:
        if ch in "&%$#_":
            out.append("\\" + ch)
        elif ch in "{}":
            out.append("")
        elif ch == "\\":
            out.append("")
        else:
            out.append(ch)
    return "".join(out)


def write_bib(entries, path):
    """Returns {title key: [expected author names]} and the near-miss key."""
    lines = ['@string{ venue = "Proceedings of the Reading Group" }', "% written by the test", ""]
    expected = {}
    near_miss = None
    n = 0
    for i, e in enumerate(entries):
        t = e["title"] or ""
        k = key(t)
        if not k or k in expected or len(k) < 8:
            continue
        n += 1
        if n % 4 == 0:
            if near_miss is None and " " in t:
                words = t.split(" ")
                words[-1] = words[-1] + "s"  # one letter more: another paper
                lines.append("@article{nearmiss, title = {%s}, author = {Nobody, Near},"
                             " journal = venue, year = 2020}" % tex_title(" ".join(words)))
                near_miss = k
            continue
        variant = n % 4
        if variant == 1:
            wt = t.upper()
        elif variant == 2:
            wt = t + " (CVPR 2023)"
        else:
            wt = "".join(FULLWIDTH.get(c, c) for c in t)
        names = [NAMES[(n + j) % len(NAMES)] for j in range(1 + n % 5)]
        expected[k] = [out for _, out in names]
        author = " and ".join(tex for tex, _ in names)
        lines.append("@inproceedings{e%d,\n  title = {%s},\n  author = {%s},\n"
                     "  booktitle = venue # \" 2024\",\n  year = {2024}\n}\n"
                     % (i, tex_title(wt), author))
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    return expected, near_miss


def papers(entries):
    """Cards of one paper: the same arXiv id, DOI or title key (union-find)."""
    up = list(range(len(entries)))

    def find(i):
        while up[i] != i:
            i = up[i]
        return i
    for field in ("arxiv", "doi", "title"):
        seen = {}
        for i, e in enumerate(entries):
            v = key(e["title"] or "") if field == "title" else \
                (e.get("biblio", {}).get(field) or "").lower()
            if not v or (field == "title" and len(v) < 4):
                continue
            if v in seen:
                j = seen[v]
                a, b = entries[i].get("biblio", {}), entries[j].get("biblio", {})
                if field == "title" and any(a.get(f) and b.get(f) and a[f].lower() != b[f].lower()
                                            for f in ("arxiv", "doi")):
                    continue
                up[find(i)] = find(j)
            else:
                seen[v] = i
    out = {}
    for i, e in enumerate(entries):
        out.setdefault(find(i), []).append(e)
    return list(out.values())


def unescape(s):
    s = s.strip()
    s = s.replace("\\textbraceleft{}", "\x01").replace("\\textbraceright{}", "\x02")
    s = s.replace("\\textasciitilde{}", "\x03").replace("\\textasciicircum{}", "\x04")
    s = s.replace("\\textbackslash{}", "\x05")
    s = s.replace("{", "").replace("}", "")  # brace protection
    s = s.replace("\x01", "{").replace("\x02", "}").replace("\x03", "~")
    s = s.replace("\x04", "^").replace("\x05", "\\")
    return re.sub(r"\\([&%$#_])", r"\1", s)


def split_names(field):
    """BibTeX's author list: " and " at brace depth 0."""
    names, depth, start, i = [], 0, 0, 0
    while i < len(field):
        c = field[i]
        depth += c == "{"
        depth -= c == "}"
        if depth == 0 and field.startswith(" and ", i):
            names.append(field[start:i])
            start = i = i + 5
            continue
        i += 1
    names.append(field[start:])
    return names


def bibtexparser_python():
    """An interpreter that has bibtexparser (Debian's python3-bibtexparser
    is for /usr/bin/python3), or None."""
    for py in (sys.executable, "/usr/bin/python3"):
        if py and os.path.exists(py) and subprocess.run(
                [py, "-c", "import bibtexparser"], stderr=subprocess.DEVNULL).returncode == 0:
            return py
    return None


ROUNDTRIP = r"""
import json, sys
import bibtexparser
from bibtexparser.bparser import BibTexParser
p = BibTexParser(common_strings=True)
p.ignore_nonstandard_types = False
with open(sys.argv[1], encoding="utf-8") as f:
    db = bibtexparser.load(f, parser=p)
print(json.dumps([dict(e) for e in db.entries], ensure_ascii=False))
"""


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    pb, corpus, work = sys.argv[1:]
    archive = os.path.join(corpus, ARCHIVE)
    if not os.path.exists(archive):
        print("SKIP: corpus not found at " + corpus)
        return 77
    if not shutil.which("bibtex"):
        print("SKIP: bibtex is not installed (texlive-binaries)")
        return 77
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    cache = os.path.join(work, "cache")
    lib = os.path.join(work, "lib")
    os.makedirs(lib)
    with open(os.path.join(lib, "paperbook.yml"), "w", encoding="utf-8") as f:
        f.write("inputs: [%s]\n" % json.dumps(os.path.abspath(archive), ensure_ascii=False))
    rc, out, err = run([pb, "dump", lib, "--cache-dir", cache, "-q"])
    if rc != 0:
        fail("dump: %d %s" % (rc, err))
    plain = json.loads(out)["entries"]
    if any(e.get("biblio", {}).get("authors") for e in plain):
        fail("authors before any bibliography")
    expected, near_miss = write_bib(plain, os.path.join(lib, "refs.bib"))
    with open(os.path.join(lib, "paperbook.yml"), "a", encoding="utf-8") as f:
        f.write("bibliography: refs.bib\n")

    rc, out, err = run([pb, "dump", lib, "--cache-dir", cache, "-q"])
    if rc != 0 or err.strip():
        fail("dump with the bibliography: %d %s" % (rc, err))
    entries = json.loads(out)["entries"]
    matched = 0
    for e in entries:
        k = key(e["title"] or "")
        b = e.get("biblio", {})
        got = b.get("authors", [])
        if k in expected:
            if got != expected[k]:
                fail("%s: authors %r, want %r" % (e["source"], got, expected[k]))
            if b["sources"].get("authors") != "bibtex:refs.bib":
                fail("%s: authors not marked as from the bibliography: %r" % (e["source"], b))
            matched += 1
        elif got:
            fail("%s: authors on an unmatched card (near miss: %s): %r"
                 % (e["source"], k == near_miss, got))
    if near_miss is None or not any(key(e["title"] or "") == near_miss for e in entries):
        fail("the near-miss case was not set up")
    print("%d of %d cards matched, every one with its authors; the near miss did not match"
          % (matched, len(entries)))
    if matched < len(entries) // 2:
        fail("too few matches: %d" % matched)

    # The booklet: authors under the titles.
    pdf = os.path.join(work, "archive.pdf")
    rc, out, err = run([pb, "build", lib, "--cache-dir", cache, "-q", "-o", pdf])
    if rc != 0:
        fail("build: %d %s" % (rc, err))
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", pdf, "-"], stdout=subprocess.PIPE).stdout.decode()
        etal = sum(1 for v in expected.values() if len(v) > 3)
        if text.count("et al.") < etal:
            fail("booklet: %d 'et al.' lines, want at least %d" % (text.count("et al."), etal))
        if "Jérôme Müller" not in text or "陈银" not in text:
            fail("booklet: decoded author names missing")
        print("booklet: authors under the titles (%d 'et al.')" % text.count("et al."))

    # BibTeX out.
    bib = os.path.join(work, "out.bib")
    rc, out, err = run([pb, "build", lib, "--cache-dir", cache, "-q", "--format", "bib", "-o", bib])
    if rc != 0:
        fail("build --format bib: %d %s" % (rc, err))
    text = open(bib, encoding="utf-8").read()
    keys = re.findall(r"^@\w+\{([^,]+),$", text, re.M)
    groups = papers(entries)
    if len(keys) != len(groups) or len(set(keys)) != len(keys):
        fail("%d entries, %d distinct keys, %d papers (%d cards)"
             % (len(keys), len(set(keys)), len(groups), len(entries)))
    with open(os.path.join(work, "all.aux"), "w") as f:
        f.write("\\citation{*}\n\\bibdata{out}\n\\bibstyle{plain}\n")
    p = subprocess.run(["bibtex", "all"], cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    log = p.stdout.decode("utf-8", "replace")
    # a conference or journal paper with no author or year is typed by its
    # venue; plain.bst says the field is empty, which is all it may say
    bodies = dict(re.findall(r"^@\w+\{([^,]+),\n(.*?)^\}", text, re.M | re.S))
    warnings = re.findall(r"Warning--(.*)", log)
    for w in warnings:
        m = re.match(r"empty (author|year) in (\S+)", w)
        if not m or m.group(1) + " = {" in bodies.get(m.group(2), "author = {year = {"):
            fail("bibtex warning: %s\n%s" % (w, log))
    if p.returncode > 1 or "error" in log.lower():
        fail("bibtex: rc %d\n%s" % (p.returncode, log))
    bbl = open(os.path.join(work, "all.bbl"), encoding="utf-8", errors="replace").read()
    if bbl.count("\\bibitem") != len(groups):
        fail("bibtex wrote %d items, want %d" % (bbl.count("\\bibitem"), len(groups)))
    print("bibtex: %d entries, no error, %d warnings (all 'empty author/year')"
          % (len(groups), len(warnings)))

    rc, out, err = run([pb, "dump", lib, "--cache-dir", cache, "-q", "--format", "csl-json"])
    if rc != 0:
        fail("dump --format csl-json: %d %s" % (rc, err))
    csl = json.loads(out)
    if [c["id"] for c in csl] != keys:
        fail("CSL-JSON ids differ from the BibTeX keys")

    py = bibtexparser_python()
    if not py:
        fail("python3-bibtexparser is not installed (.ci/setup installs it)")
    p = subprocess.run([py, "-c", ROUNDTRIP, bib], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        fail("bibtexparser: " + p.stderr.decode())
    back = json.loads(p.stdout.decode("utf-8"))
    if [b["ID"] for b in back] != keys:
        fail("bibtexparser read %d entries / other keys" % len(back))
    group_of = {}
    for g in groups:
        for e in g:
            group_of[key(e["title"] or "")] = g
    # the group's entries (keys e<N>) keep their titles as written there
    refs = open(os.path.join(lib, "refs.bib"), encoding="utf-8").read()
    own, own_authors = {}, {}
    for k, t, a in re.findall(r"^@inproceedings\{(e\d+),\n  title = \{(.*)\},\n"
                              r"  author = \{(.*)\},$", refs, re.M):
        own[k], own_authors[k] = t, a
    card_of = {}
    for g in groups:
        for e in g:
            card_of[e["source"]] = g
    for b, c in zip(back, csl):
        if b["ID"] in own:
            if b["title"] != own[b["ID"]]:
                fail("%s: the group's title %r came out as %r" % (b["ID"], own[b["ID"]],
                                                                  b["title"]))
            i = int(b["ID"][1:])
            g = card_of[plain[i]["source"]]
        else:
            g = group_of.get(key(unescape(b["title"])))
            if not g or unescape(b["title"]) not in [e["title"] or "(untitled)" for e in g]:
                fail("round trip title: %r is no card's" % unescape(b["title"]))
        want = next((e["biblio"]["authors"] for e in g if e.get("biblio", {}).get("authors")), [])
        got = [unescape(a) for a in split_names(b["author"])] if "author" in b else []
        if b["ID"] in own:
            if b.get("author") != own_authors[b["ID"]]:
                fail("%s: the group's authors %r came out as %r"
                     % (b["ID"], own_authors[b["ID"]], b.get("author")))
        elif got != want:
            fail("round trip authors of %s: %r != %r" % (b["ID"], got, want))
        sessions = []
        for e in sorted((e for e in g if e["date"]), key=lambda e: e["date"]) + \
                [e for e in g if not e["date"]]:
            if not (e["presenter"] or e["date"]):
                continue
            s = (" by " + e["presenter"] if e["presenter"] else "") + \
                (" on " + e["date"] if e["date"] else "")
            if s not in sessions:
                sessions.append(s)
        note = None
        if sessions:
            note = "Presented" + sessions[0]
            for i, s in enumerate(sessions[1:], 1):
                note += ("," if i + 1 < len(sessions) else (", and" if len(sessions) > 2
                                                           else " and")) + s
        if b.get("note") != note:
            fail("round trip note of %s: %r != %r" % (b["ID"], b.get("note"), note))
        if b["ID"] not in own and unescape(c["title"]) != unescape(b["title"]):
            fail("CSL title of %s" % c["id"])
    print("bibtexparser: %d entries read back with the same keys, titles, authors and notes"
          % len(back))
    return 0


if __name__ == "__main__":
    sys.exit(main())
