#!/usr/bin/env python3
"""Nothing for the machine printed for the reader, and one voice (issue 23,
items 4 and 5). From the real corpus, with and without `lang: zh` in a
paperbook.yml of a copy of the library (links to the corpus' files), builds
the archive with both appendices and a session's handout, and reads them
back with pdftotext:

- no task-list residue ("[x]", "[ ]") and no source position ("name.md:15");
- English (default): no label doubled in Chinese ("Contents · 目录",
  "Talks · 报告", "2024年12月 · December 2024"), months as "December 2024";
- zh: the same labels in Chinese only, dates set solid ("2024年12月" with no
  space inside), no English apparatus words ("Contents", "Appendix",
  "papers", "Figure online").

usage: one_voice.py PAPERBOOK CORPUS OUTDIR      exit 0, 1, 77 no corpus
"""
import os
import re
import shutil
import subprocess
import sys

# the labels that used to be doubled (venue · presenter meta lines are not labels)
DOUBLED = re.compile(r"(Contents|Talks|Write-ups|Best questioner|Notes|Presenters|References|"
                     r"not read|read|presented|no record|skimmed, no card|Slide decks|"
                     r"sessions by presenter|Paper Reading Booklet|Paper digest|Reading session|What's new|"
                     r"Session|Planned session|Deck|Last session [\d-]+|Uncategorized|"
                     r"Weeks × presenters|Papers per month|Top venues|papers, .* sessions held)"
                     r" · [\u4e00-\u9fff]|年\d+月 · [A-Z][a-z]+ \d{4}|scan the code to see it")
MACHINE = re.compile(r"\[[xX ]\]|\.md:\d+")
EN_WORDS = ("Contents", "Appendix", "papers", "Figure online", "Talks", "Write-ups",
            "Presenters", "made with")


def text(pdf):
    return subprocess.run(["pdftotext", "-enc", "UTF-8", pdf, "-"], capture_output=True,
                          text=True, check=True).stdout


def build(pb, lib, out, name, zh):
    if zh:
        with open(os.path.join(lib, "paperbook.yml"), "w") as f:
            f.write("lang: zh\n")
    elif os.path.exists(os.path.join(lib, "paperbook.yml")):
        os.unlink(os.path.join(lib, "paperbook.yml"))
    cache = ["--cache-dir", os.path.join(out, "cache"), "-q"]
    arch = os.path.join(lib, "Archived", "2024论文精读归档.md")
    mins = os.path.join(lib, "每周小会纪要.md")
    book = os.path.join(out, name + "-booklet.pdf")
    hand = os.path.join(out, name + "-handout.pdf")
    subprocess.run([pb, "build", arch, mins, "--appendix", "presenters", "--appendix", "slides",
                    *cache, "-o", book], cwd=lib, check=False)
    subprocess.run([pb, "handout", arch, mins, "--date", "2024-12-29", *cache, "-o", hand],
                   cwd=lib, check=False)
    return {p: text(p) for p in (book, hand)}


def main():
    pb, corpus, out = sys.argv[1:4]
    if not os.path.isfile(os.path.join(corpus, "Archived", "2024论文精读归档.md")):
        print("skip: corpus not present")
        return 77
    shutil.rmtree(out, ignore_errors=True)
    lib = os.path.join(out, "lib")
    os.makedirs(lib)
    for f in ("Archived", "Images", "Slide", "每周小会纪要.md"):
        if os.path.exists(os.path.join(corpus, f)):
            os.symlink(os.path.abspath(os.path.join(corpus, f)), os.path.join(lib, f))
    fails = []
    for zh in (False, True):
        name = "zh" if zh else "en"
        for pdf, t in build(pb, lib, out, name, zh).items():
            base = os.path.basename(pdf)
            for m in MACHINE.finditer(t):
                fails.append(f"{base}: machine text {t[max(0, m.start() - 20):m.end() + 10]!r}")
            for m in DOUBLED.finditer(t):
                fails.append(f"{base}: doubled label {t[max(0, m.start() - 10):m.end() + 20]!r}")
            if zh:
                for w in EN_WORDS:
                    if re.search(r"\b%s\b" % w, t):
                        fails.append(f"{base}: English apparatus word {w!r} under lang: zh")
                if "booklet" in base and "2024年12月" not in t:
                    fails.append(f"{base}: no solid date 2024年12月")
                for m in re.finditer(r"\d{4} 年|年 \d{1,2} 月|\d 月", t):
                    fails.append(f"{base}: date not solid {t[m.start() - 5:m.end() + 5]!r}")
            elif "booklet" in base and "December 2024" not in t:
                fails.append(f"{base}: no English month heading")
    for f in fails[:40]:
        print("FAIL:", f)
    print(f"{len(fails)} findings")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
