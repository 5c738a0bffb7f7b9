#!/usr/bin/env python3
"""The smaller findings of issue 20 (hole 9), each on a library made here:

  - an error printed by `dump`, `dump --format csl-json` or `build --format
    bib` (a bibliography that cannot be read) means exit 1, as for build;
  - no two BibTeX entries get the same key, also when a suffixed key meets
    another entry's own key (smith2020foo, smith2020foob ... smith2020foobbbb);
  - a 390 KB paragraph in the LaTeX export is written on lines TeX can read
    (each under its 200,000-byte buffer);
  - minutes without a year heading date no session in the year -1: each is
    skipped with a warning at its file:line;
  - a javascript: or file: link in the minutes gets a warning at its
    file:line and is not kept as text.

usage: exports_small.py PAPERBOOK WORKDIR"""
import os
import re
import shutil
import subprocess
import sys

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def card(title, date="2024-01-05", extra="", body="Body."):
    return ("---\ntitle: %s\npresenter: 张三\ndate: %s\n%s---\n%s\n" % (title, date, extra, body))


def library(work, name, cards, files=None):
    lib = os.path.join(work, name)
    shutil.rmtree(lib, ignore_errors=True)
    os.makedirs(os.path.join(lib, "papers"))
    for i, c in enumerate(cards):
        with open(os.path.join(lib, "papers", "c%02d.md" % i), "w", encoding="utf-8") as f:
            f.write(c)
    for n, t in (files or {}).items():
        with open(os.path.join(lib, n), "w", encoding="utf-8") as f:
            f.write(t)
    return lib


def run(pb, args):
    p = subprocess.run([pb] + args, capture_output=True, timeout=300)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def main():
    pb, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    os.makedirs(work, exist_ok=True)
    # exit status of the exports
    lib = library(work, "exit", [card("A paper")], {"paperbook.yml": "bibliography: nothere.bib\n"})
    for args in (["dump", lib], ["dump", lib, "--format", "csl-json"],
                 ["build", lib, "--format", "bib", "-o", os.path.join(lib, "x.bib")]):
        rc, out, err = run(pb, args)
        check(rc == 1 and "nothere.bib: error:" in err,
              "%s: an error means exit 1 (exit %d)" % (" ".join(args[:1] + args[2:]), rc))
    # unique BibTeX keys
    titles = ["Foo A", "Foo B", "Foob C", "Foobb D", "Foobbb E", "Foobbbx4 F", "Foobbbb G"]
    lib = library(work, "keys", [card(t, extra="authors: [John Smith]\nyear: 2020\n")
                                 for t in titles])
    bib = os.path.join(lib, "x.bib")
    rc, out, err = run(pb, ["build", lib, "--format", "bib", "-o", bib])
    keys = re.findall(r"^@\w+\{([^,]+),$", open(bib, encoding="utf-8").read(), re.M) \
        if os.path.exists(bib) else []
    check(len(keys) == len(titles) and len(set(keys)) == len(keys),
          "BibTeX keys unique (%s)" % ", ".join(keys))
    rc, out, err = run(pb, ["dump", lib, "--format", "csl-json"])
    ids = re.findall(r'"id": "([^"]+)"', out)
    check(ids == keys, "CSL-JSON ids are the BibTeX keys")
    # a 390 KB paragraph in the LaTeX export
    long_text = " ".join(["word%d" % i for i in range(50000)]) + "\n\n" + "长" * 130000
    lib = library(work, "tex", [card("Long", body=long_text)])
    rc, out, err = run(pb, ["build", lib, "--format", "tex", "-o", os.path.join(lib, "t"),
                            "--no-cache"])
    tex_path = os.path.join(lib, "t", "booklet.tex")
    longest = max(len(l.encode()) for l in open(tex_path, encoding="utf-8")) \
        if os.path.exists(tex_path) else -1
    size = os.path.getsize(tex_path) if os.path.exists(tex_path) else 0
    check(0 < longest < 200000 and size > 700000,
          "LaTeX export: longest line %d bytes (of %d)" % (longest, size))
    check(all(w in open(tex_path, encoding="utf-8").read().replace("%\n", "")
              for w in ("word0 word1", "word49999")) if size else False,
          "LaTeX export: the text is all there, the line ends invisible")
    # minutes without a year heading
    minutes = ("# 每周小会纪要\n\n- 1.5 张三\n  - 张三 - 分享了论文\n"
               "- 12.29 李四\n  - 李四 - 分享了论文\n")
    lib = library(work, "minutes", [card("A paper")], {"每周小会纪要.md": minutes})
    rc, out, err = run(pb, ["dump", lib])
    check('"-001' not in out and '"date": "-' not in out, "no session dated in the year -1")
    check("每周小会纪要.md:5: warning: session 12.29 has no year" in err,
          "the second session without a year: a warning at its line")
    # dangerous links in the minutes
    minutes = ("# 每周小会纪要\n\n### 2024年\n\n- 1.5 张三\n"
               "  - 张三 - 分享了 [paper](javascript:alert(1)) 和 [deck](file:///etc/passwd)\n")
    lib = library(work, "minutes-links", [card("A paper")], {"每周小会纪要.md": minutes})
    rc, out, err = run(pb, ["dump", lib])
    check("每周小会纪要.md:6: warning: link 'javascript:alert(1)'" in err and
          "每周小会纪要.md:6: warning: link 'file:///etc/passwd'" in err,
          "minutes: javascript: and file: links warned at file:line")
    check("javascript:" not in out and "file:///" not in out,
          "minutes: the refused targets are not kept as text")
    if failures:
        print("exports_small: %d failure(s)" % len(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
