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


def unescape(s):
    s = s.strip()
    while s.startswith("{") and s.endswith("}"):
        s = s[1:-1]
    s = s.replace("\\textbraceleft{}", "{").replace("\\textbraceright{}", "}")
    s = s.replace("\\textasciitilde{}", "~").replace("\\textasciicircum{}", "^")
    s = s.replace("\\textbackslash{}", "\\")
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
    if len(keys) != len(entries) or len(set(keys)) != len(keys):
        fail("%d entries, %d distinct keys, %d cards" % (len(keys), len(set(keys)), len(entries)))
    with open(os.path.join(work, "all.aux"), "w") as f:
        f.write("\\citation{*}\n\\bibdata{out}\n\\bibstyle{plain}\n")
    p = subprocess.run(["bibtex", "all"], cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    log = p.stdout.decode("utf-8", "replace")
    if p.returncode != 0 or "error" in log.lower() or "Warning--" in log:
        fail("bibtex: rc %d\n%s" % (p.returncode, log))
    bbl = open(os.path.join(work, "all.bbl"), encoding="utf-8", errors="replace").read()
    if bbl.count("\\bibitem") != len(entries):
        fail("bibtex wrote %d items, want %d" % (bbl.count("\\bibitem"), len(entries)))
    print("bibtex: %d entries, no error, no warning" % len(entries))

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
    for b, e, c in zip(back, entries, csl):
        if unescape(b["title"]) != (e["title"] or "(untitled)"):
            fail("round trip title: %r != %r" % (unescape(b["title"]), e["title"]))
        want = e.get("biblio", {}).get("authors", [])
        got = [unescape(a) for a in split_names(b["author"])] if "author" in b else []
        if got != want:
            fail("round trip authors of %s: %r != %r" % (b["ID"], got, want))
        note = "Presented"
        if e["presenter"]:
            note += " by " + e["presenter"]
        if e["date"]:
            note += " on " + e["date"]
        if (e["presenter"] or e["date"]) and b.get("note") != note:
            fail("round trip note of %s: %r != %r" % (b["ID"], b.get("note"), note))
        if c["title"] != (e["title"] or "(untitled)"):
            fail("CSL title of %s" % c["id"])
    print("bibtexparser: %d entries read back with the same keys, titles, authors and notes"
          % len(back))
    return 0


if __name__ == "__main__":
    sys.exit(main())
