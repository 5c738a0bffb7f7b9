#!/usr/bin/env python3
"""Citation records on the real corpus (issue 24, items 1-3).

Usage: cite_test.py PAPERBOOK CORPUS WORKDIR

1. Keys stay: the corpus (REPORT.md, the check-in log, the minutes) is
   copied, exported with build --format bib, then cards are inserted at the
   top, in the middle and at the end of the check-in log and in REPORT.md
   (new papers, and one paper read again); exported again, every paper of
   the first export keeps its key, and no two papers share one.
2. One entry per paper: a paper read twice is one entry whose note names
   both sessions (BibTeX and CSL-JSON).
3. The group's .bib (bibliography: in paperbook.yml) is kept as written: an
   @inproceedings with volume, pages, publisher and its own key comes out
   with the same type, key and fields; bibtex (plain.bst) reads the export,
   and python3-bibtexparser reads back the same fields.
Exit 77 (skipped) without the corpus."""
import json
import os
import re
import shutil
import subprocess
import sys

LOG = "Archived/2024论文精读归档.md"


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=180)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def tkey(t):
    return re.sub(r"[^0-9a-z]", "", (t or "").lower())


def export(pb, lib, work, name):
    out = os.path.join(work, name + ".bib")
    rc, _, err = run([pb, "build", lib, "-q", "--format", "bib", "-o", out])
    if rc not in (0,):
        fail("build --format bib: %d %s" % (rc, err))
    text = open(out, encoding="utf-8").read()
    entries = {}
    for m in re.finditer(r"^@(\w+)\{([^,]+),\n(.*?)^\}", text, re.M | re.S):
        body = m.group(3)
        t = re.search(r"^  title = \{(.*)\},$", body, re.M)
        title = re.sub(r"[{}]", "", t.group(1)) if t else ""
        note = re.search(r"^  note = \{(.*)\},$", body, re.M)
        entries[m.group(2)] = {"type": m.group(1), "title": title, "body": body,
                               "note": note.group(1) if note else None}
    if len(entries) != len(re.findall(r"^@", text, re.M)):
        fail("%s: two entries share a key" % name)
    return text, entries


CARD = ("> > [{date}]-[测试者]-[{title}]-[{venue}](https://example.org/{slug})\n"
        "> >\n> > 论文简述：测试卡片。\n\n")


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    pb, corpus, work = sys.argv[1:]
    if not os.path.exists(os.path.join(corpus, LOG)):
        print("SKIP: corpus not found at " + corpus)
        return 77
    shutil.rmtree(work, ignore_errors=True)
    lib = os.path.join(work, "lib")
    os.makedirs(os.path.join(lib, "Archived"))
    for f in ("REPORT.md", LOG, "每周小会纪要.md"):
        if os.path.exists(os.path.join(corpus, f)):
            shutil.copy(os.path.join(corpus, f), os.path.join(lib, f))

    _, before = export(pb, lib, work, "before")
    by_title = {tkey(e["title"]): k for k, e in before.items()}
    anon = sum(1 for k in before if k.startswith("anon"))
    print("before: %d entries, %d keys starting with 'anon'" % (len(before), anon))

    # 2. a paper read twice is one entry naming both sessions
    twice = [e for e in before.values() if e["note"] and " and by " in e["note"]]
    if not twice:
        fail("no entry names two sessions (the corpus has papers read twice)")
    sig = [e for e in before.values() if tkey(e["title"]).startswith("styleswin")]
    if len(sig) != 1 or "贾朋 on 2024-10-27" not in sig[0]["note"] or \
            "聂建涛 on 2024-11-10" not in sig[0]["note"]:
        fail("StyleSwin (read on 2024-10-27 and 2024-11-10) is not one entry naming both: %r" % sig)
    rc, out, err = run([pb, "dump", lib, "-q", "--format", "csl-json"])
    csl = json.loads(out)
    if sorted(c["id"] for c in csl) != sorted(before):
        fail("CSL-JSON ids differ from the BibTeX keys")
    cs = [c for c in csl if tkey(c["title"]).startswith("styleswin")]
    if len(cs) != 1 or " and by " not in cs[0].get("note", ""):
        fail("CSL-JSON: StyleSwin not one item naming both sessions: %r" % cs)
    print("one entry per paper: %d entries name several sessions" % len(twice))

    # 1. insert cards at the top, middle and end of the log and in REPORT.md
    path = os.path.join(lib, LOG)
    lines = open(path, encoding="utf-8").read().split("\n")
    starts = [i for i, l in enumerate(lines) if re.match(r"^>\s*>?\s*\[20\d\d-", l)]
    top, mid = starts[0], starts[len(starts) // 2]
    new_titles = ["Inserted Paper At The Top Of The Log", "Inserted Paper In The Middle",
                  "Inserted Paper At The End", "Inserted REPORT Card About Attention"]
    again = sig[0]["title"]  # StyleSwin read a third time
    lines[mid:mid] = CARD.format(venue="CVPR 2024", date="2024-06-10", title=new_titles[1], slug="m").split("\n")
    lines[mid:mid] = CARD.format(venue="CVPR 2022", date="2024-06-10", title=again, slug="again").split("\n")
    lines[top:top] = CARD.format(venue="CVPR 2024", date="2025-01-05", title=new_titles[0], slug="t").split("\n")
    lines += ["", CARD.format(venue="CVPR 2024", date="2023-03-01", title=new_titles[2], slug="e")]
    open(path, "w", encoding="utf-8").write("\n".join(lines))
    rp = os.path.join(lib, "REPORT.md")
    report = open(rp, encoding="utf-8").read()
    report = report.replace("## Multimodality\n&nbsp;\n",
                            "## Multimodality\n&nbsp;\n\n> %s (ICLR 2024)  \n> [Paper]"
                            "(https://example.org/r)\n>> 描述\n\n" % new_titles[3], 1)
    open(rp, "w", encoding="utf-8").write(report)

    _, after = export(pb, lib, work, "after")
    after_by_title = {tkey(e["title"]): k for k, e in after.items()}
    moved = [(t, k, after_by_title.get(t)) for t, k in by_title.items() if after_by_title.get(t) != k]
    if moved:
        fail("%d keys changed after inserting cards, e.g. %r" % (len(moved), moved[:5]))
    for t in new_titles:
        if tkey(t) not in after_by_title:
            fail("inserted card %r missing from the export" % t)
    if len(after) != len(before) + len(new_titles):
        fail("%d entries after, want %d" % (len(after), len(before) + len(new_titles)))
    k = by_title[tkey(again)]
    if "测试者 on 2024-06-10" not in (after[k]["note"] or ""):
        fail("the third reading is not in the note of %s: %r" % (k, after[k]["note"]))
    print("after inserting 4 new papers and a third reading: all %d keys unchanged" % len(before))

    # 3. the group's .bib kept as written
    st = [e for e in after.values() if tkey(e["title"]).startswith("styleswin")][0]
    bib = os.path.join(lib, "refs.bib")
    with open(bib, "w", encoding="utf-8") as f:
        f.write("@inproceedings{Zhang_2022_StyleSwin,\n"
                "  author = {Zhang, Bowen and Gu, Shuyang and Zhang, Bo},\n"
                "  title = {{StyleSwin}: Transformer-based {GAN} for High-resolution Image"
                " Generation},\n"
                "  booktitle = {Proceedings of the IEEE/CVF Conference on Computer Vision and"
                " Pattern Recognition (CVPR)},\n"
                "  volume = {1},\n  pages = {11304--11314},\n  publisher = {IEEE},\n"
                "  year = {2022}\n}\n")
    with open(os.path.join(lib, "paperbook.yml"), "w", encoding="utf-8") as f:
        f.write("inputs: [REPORT.md, \"%s\", 每周小会纪要.md]\nbibliography: refs.bib\n" % LOG)
    text, withbib = export(pb, lib, work, "withbib")
    e = withbib.get("Zhang_2022_StyleSwin")
    if not e or e["type"] != "inproceedings":
        fail("the group's @inproceedings{Zhang_2022_StyleSwin} did not come out as written: %r"
             % (e and e["type"]))
    for field in ("volume = {1}", "pages = {11304--11314}", "publisher = {IEEE}",
                  "booktitle = {Proceedings of the IEEE/CVF Conference",
                  "author = {Zhang, Bowen and Gu, Shuyang and Zhang, Bo}"):
        if "  " + field not in e["body"]:
            fail("field lost: %s\n%s" % (field, e["body"]))
    if "聂建涛" not in (e["note"] or ""):
        fail("the sessions note is missing from the group's entry")
    if any(k != "Zhang_2022_StyleSwin" and tkey(v["title"]).startswith("styleswin")
           for k, v in withbib.items()):
        fail("StyleSwin written twice")
    if not re.search(r"title = \{.*\{CLIP\}", text) or not re.search(r"\{3D\}", text):
        fail("title capitals (CLIP, 3D) not brace-protected")
    if not shutil.which("bibtex"):
        print("bibtex not installed: the bibtex run is skipped")
    else:
        with open(os.path.join(work, "t.aux"), "w") as f:
            f.write("\\citation{Zhang_2022_StyleSwin}\n\\citation{*}\n\\bibdata{withbib}\n"
                    "\\bibstyle{plain}\n")
        p = subprocess.run(["bibtex", "t"], cwd=work, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT)
        log = p.stdout.decode("utf-8", "replace")
        if p.returncode > 1 or "error message" in log:
            fail("bibtex: rc %d\n%s" % (p.returncode, log))
        bbl = open(os.path.join(work, "t.bbl"), encoding="utf-8", errors="replace").read()
        item = bbl[bbl.index("{Zhang_2022_StyleSwin}"):].split("\\bibitem")[0]
        for want in ("Bowen Zhang", "11304--11314", "IEEE", "volume~1", "{StyleSwin}"):
            if want not in item:
                fail("bibtex's item lacks %r:\n%s" % (want, item))
        if bbl.count("\\bibitem") != len(withbib):
            fail("bibtex wrote %d items, want %d" % (bbl.count("\\bibitem"), len(withbib)))
        print("bibtex (plain.bst): %d items, the group's entry with volume, pages, publisher"
              % len(withbib))
    py = None
    for cand in (sys.executable, "/usr/bin/python3"):
        if cand and os.path.exists(cand) and subprocess.run(
                [cand, "-c", "import bibtexparser"], stderr=subprocess.DEVNULL).returncode == 0:
            py = cand
            break
    if not py:
        fail("python3-bibtexparser is not installed (.ci/setup installs it)")
    prog = ("import json,sys,bibtexparser\nfrom bibtexparser.bparser import BibTexParser\n"
            "p=BibTexParser(common_strings=True)\np.ignore_nonstandard_types=False\n"
            "db=bibtexparser.load(open(sys.argv[1],encoding='utf-8'),parser=p)\n"
            "print(json.dumps(db.entries,ensure_ascii=False))")
    p = subprocess.run([py, "-c", prog, os.path.join(work, "withbib.bib")],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        fail("bibtexparser: " + p.stderr.decode())
    back = {b["ID"]: b for b in json.loads(p.stdout.decode("utf-8"))}
    z = back.get("Zhang_2022_StyleSwin")
    if len(back) != len(withbib) or not z or z["ENTRYTYPE"] != "inproceedings" or \
            z.get("volume") != "1" or z.get("pages") != "11304--11314" or \
            z.get("publisher") != "IEEE":
        fail("bibtexparser read back: %d entries, %r" % (len(back), z))
    print("bibtexparser: %d entries; the group's entry with its type, key and fields" % len(back))
    return 0


if __name__ == "__main__":
    sys.exit(main())
