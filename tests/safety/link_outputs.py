#!/usr/bin/env python3
"""Every output passes the one link policy, taken from the plan (issue 20,
hole 8). A library whose cards link javascript:, file:/// and vbscript:
targets (one of them the paper link), with base_url set and a deck in
Slide/, is written as LaTeX, BibTeX, CSL-JSON, a plan dump, a digest's
.txt and .eml; scan_links.py then finds no forbidden link in any of them,
the paper link of BibTeX and CSL-JSON is the plan's (the https one), and
the LaTeX export links the deck under base_url as the PDF's plan does.
The library's refs.bibtex (not .bib: the scan takes every .bib for an
output) gives both papers a url field and \\url/\\href targets of its own
(java<TAB>script:, javascript:, file:): the BibTeX export copies none of
them as a link. A summary naming javascript: and
FILE:/// is text in the digest's .txt and mail, not something a mail client
would link.

usage: link_outputs.py PAPERBOOK SCAN_LINKS.PY WORKDIR"""
import json
import os
import shutil
import subprocess
import sys

CARDS = {
    "a.md": """---
title: Hostile links
presenter: 张三
date: 2024-01-05
links:
  paper: javascript:alert(1)
  code: file:///etc/passwd
  blog: vbscript:msgbox(1)
---
Body: see javascript:alert(5) and FILE:///etc/passwd.
""",
    "b.md": """---
title: A second paper
presenter: 李四
date: 2024-01-06
links:
  paper: JaVaScRiPt:alert(2)
  project: https://example.org/good
  slide: Slide/2024.1.6 李四-talk.pptx
---
Body.
""",
}
BASE = "https://example.org/library"
BIB = r"""@misc{h1, title={Hostile links}, url={java	script:alert(3)},
  howpublished={\url{javascript:alert(4)}}}
@misc{h2, title={A second paper}, url={\href{javascript:x}{y}},
  note={see \href{file:///etc/passwd}{the notes}}}
"""


def main():
    pb, scan, work = (os.path.abspath(a) for a in sys.argv[1:4])
    shutil.rmtree(work, ignore_errors=True)
    lib, out = os.path.join(work, "lib"), os.path.join(work, "out")
    os.makedirs(os.path.join(lib, "papers"))
    os.makedirs(os.path.join(lib, "Slide"))
    os.makedirs(out)
    for n, t in CARDS.items():
        with open(os.path.join(lib, "papers", n), "w", encoding="utf-8") as f:
            f.write(t)
    with open(os.path.join(lib, "Slide", "2024.1.6 李四-talk.pptx"), "wb") as f:
        f.write(b"PK\x05\x06" + b"\0" * 18)
    with open(os.path.join(lib, "refs.bibtex"), "w") as f:
        f.write(BIB)
    with open(os.path.join(lib, "paperbook.yml"), "w") as f:
        f.write("base_url: %s\nbibliography: refs.bibtex\n" % BASE)
    env = dict(os.environ, SOURCE_DATE_EPOCH="0")
    runs = [
        ["build", lib, "--format", "tex", "-o", os.path.join(out, "tex"), "--no-cache"],
        ["build", lib, "--format", "bib", "-o", os.path.join(out, "x.bib")],
        ["digest", lib, "--since", "2024-01-01", "--text", "--mail", os.path.join(out, "d.eml"),
         "--from", "g@example.org", "-o", os.path.join(out, "d.pdf"), "--no-cache"],
    ]
    problems = []
    for r in runs:
        p = subprocess.run([pb] + r, capture_output=True, env=env, timeout=120)
        if p.returncode not in (0, 1):
            problems.append("%s: exit %d: %s" % (r[0], p.returncode, p.stderr.decode()[-300:]))
    for name, args in (("x.csl.json", ["--format", "csl-json"]), ("plan.json", ["--plan"])):
        p = subprocess.run([pb, "dump", lib] + args, capture_output=True, env=env, timeout=120)
        with open(os.path.join(out, name), "wb") as f:
            f.write(p.stdout)
    s = subprocess.run([sys.executable, scan, out], capture_output=True, text=True)
    print(s.stdout.strip())
    if s.returncode != 0:
        problems.append("forbidden links in the outputs (above)")
    with open(os.path.join(out, "x.csl.json"), encoding="utf-8") as f:
        csl = json.load(f)
    if any("URL" in it for it in csl):
        problems.append("CSL-JSON has a URL though no card has a web paper link: %s" %
                        [it.get("URL") for it in csl])
    with open(os.path.join(out, "x.bib"), encoding="utf-8") as f:
        if "url =" in f.read():
            problems.append("BibTeX has a url though no card has a web paper link")
    with open(os.path.join(out, "tex", "booklet.tex"), encoding="utf-8") as f:
        tex = f.read()
    want = "\\href{%s/Slide/2024.1.6\\%%20\\%%E6\\%%9D\\%%8E" % BASE
    if want not in tex:
        problems.append("the LaTeX export does not link the deck under base_url (%r)" % want)
    for p in problems:
        print("FAIL " + p)
    if not problems:
        print("ok   every output under the one link policy")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
