#!/usr/bin/env python3
"""Sessions from the minutes (src/read/read_minutes.c, src/model/sessions.c).

    check.py PAPERBOOK FIXTURES TEST [CORPUS]

TEST is "fixture" (tests/sessions/lib, written for these tests), "dates"
(tests/sessions/dates: which heads are sessions, and of which day) or
"corpus" (the real group's 每周小会纪要.md, skipped when ../shared is
absent); also "appendix", "handout", "heads". Exit 0 pass, 1 fail, 77
skipped."""
import json
import os
import re
import subprocess
import sys

FAILS = []


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL:", what)


def run(pb, args, cwd):
    p = subprocess.run([pb] + args, capture_output=True, cwd=cwd)
    err = p.stderr.decode("utf-8", "replace")
    if p.returncode < 0 or "Sanitizer" in err or "runtime error:" in err:
        print(err[-3000:])
        print("crashed or sanitizer report:", args)
        sys.exit(1)
    return p.stdout.decode("utf-8"), err, p.returncode


def sessions(pb, args, cwd):
    out, err, _ = run(pb, ["dump"] + args, cwd)
    return json.loads(out), err


def summary(s):
    return (s["date"], s["presenters"],
            [(a["name"], a["note"]) for a in s.get("absent", [])],
            s.get("best_questioners", []))


def test_fixture(pb, fx):
    lib = os.path.join(fx, "lib")
    # found by its name in the library directory
    d, err = sessions(pb, ["."], lib)
    check(d["sessions_held"] == 3 and d["sessions_planned"] == 3,
          "3 held + 3 planned, got %d + %d" % (d["sessions_held"], d["sessions_planned"]))
    S = {(s["date"], s["planned"]): s for s in d["sessions"]}
    s = S[("2025-01-10", False)]
    check(summary(s) == ("2025-01-10", ["甲", "乙"], [("丙", "请假")], ["丁", "甲"]),
          "1.10 roll: %r" % (summary(s),))
    check(s["source"] == "小组纪要.md:5" and s["roll_source"] == "小组纪要.md:9", "file:line of head and roll")
    t = s["talks"]
    check([x["presenter"] for x in t] == ["甲", "乙"], "talks with and without '- ' and ' - '")
    check(t[0]["text"] == "讲了一篇关于检索增强的论文", "talk text: %r" % t[0]["text"])
    check([l["kind"] for l in t[0]["links"]] == ["paper", "slide"], "paper + Google Slides deck")
    check(t[1]["links"][0].get("local") == "Slide/20250110_检索.html", "htmlpreview deck joined to Slide/: %r" % t[1]["links"])
    w = s["writeups"]
    check([(x["author"], x["done"], x["title"]) for x in w] == [("甲", True, "检索增强笔记"), ("乙", False, "近期工作")],
          "write-ups: %r" % [(x["author"], x["done"], x["title"]) for x in w])
    check(w[1]["url"] == "https://zhuanlan.zhihu.com/p/2" and w[1]["note"] == "未收到投稿", "full-width close paren, note")
    s = S[("2025-01-03", False)]
    check(s["presenters"] == ["丙", "丁"], "head names one, two spoke: %r" % s["presenters"])
    check(s["absent"] == [] and s["roll_source"] and s["best_questioners"] == [], "'无' and an empty best questioner")
    check(s["talks"][0]["links"][0]["url"] == "https://openreview.net/forum?id=x", "【GNN】(url)")
    s = S[("2024-12-27", False)]
    check(summary(s) == ("2024-12-27", ["丁"], [("甲", None), ("乙", None)], ["丙"]), "year turns back at 12.27: %r" % (summary(s),))
    check(s["talks"][0]["presenter"] == "丁", "nameless talk of a one-presenter session")
    check([(k[0], S[k]["presenters"]) for k in S if k[1]] ==
          [("2025-01-17", ["甲", "丙"]), ("2025-01-24", ["乙", "丁"]), ("2025-01-31", ["戊"])], "rota")
    # check: every line it could not place, with file:line
    out, err, rc = run(pb, ["check", "."], lib)
    warn = sorted(re.findall(r"^(小组纪要\.md:\d+): warning", err, re.M))
    check(warn == ["小组纪要.md:17", "小组纪要.md:22", "小组纪要.md:31"], "unplaced lines: %r" % warn)
    check("6 sessions in the minutes (3 held, 3 planned)" in out, "check counts: " + out)
    # as a command-line input, and through `minutes:` of the config
    d, _ = sessions(pb, ["小组纪要.md"], lib)
    check(d["sessions_held"] == 3, "minutes named on the command line")


def pdftext(pdf):
    return subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True).stdout.decode("utf-8", "replace")


def page_pixels(pdf, page):
    """(width, height, bytes) of a page rendered at 40 dpi as RGB."""
    raw = subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", "40", pdf],
                         capture_output=True).stdout
    parts = raw.split(b"\n", 3)
    w, h = map(int, parts[1].split())
    return w, h, parts[3]


def colour_pixels(pdf, page):
    w, h, px = page_pixels(pdf, page)
    return sum(1 for i in range(0, len(px) - 2, 3)
               if max(px[i], px[i + 1], px[i + 2]) - min(px[i], px[i + 1], px[i + 2]) > 24)


def test_appendix(pb, fx, work):
    lib = os.path.join(fx, "lib")
    out = {}
    for mode in ("colour", "print"):
        pdf = os.path.join(work, "appendix-%s.pdf" % mode)
        lay = pdf + ".layout"
        args = ["build", "Archived/log.md", "--appendix", "presenters", "-o", pdf, "--dump-layout", lay]
        if mode == "print":
            args.append("--print")
        o, err, rc = run(pb, args, lib)
        check(rc == 0, "appendix build (%s): %s" % (mode, err[-500:]))
        out[mode] = (pdf, open(lay, encoding="utf-8").read())
    pdf, lay = out["colour"]
    text = pdftext(pdf)
    pages = text.split("\f")
    ov = [i + 1 for i, p in enumerate(pages) if "Weeks × presenters" in p]
    check(len(ov) == 1, "one calendar picture: %r" % ov)
    for want in ("Papers per month", "Top venues", "Talks (1)", "Write-ups (1)",
                 "Best questioner (1)", "讲了一篇关于检索增强的论文", "6 papers, 1 weeks not read, 3 sessions held"):
        check(want in text, "appendix shows " + want)
    # the pictures are vector boxes: 4 presenters x 3 weeks of cells, 5 legend
    # keys, 5 + 1 presented marks, 2 month bars, 5 venue bars
    rects = len(re.findall(r"^\s*rect ", lay, re.M))
    check(rects == 30, "30 rectangles in the pictures, got %d" % rects)
    # presenters run on (issue 23): 甲 乙 丙 丁 each have a heading, no page of their own
    heads = [i for i, p in enumerate(pages) if re.search(r"^\s*[甲乙丙丁] — \d+ papers", p, re.M)]
    nheads = sum(len(re.findall(r"^\s*[甲乙丙丁] — \d+ papers", p, re.M)) for p in pages)
    check(nheads == 4 and len(set(heads)) < 4, "four presenters run on: %r" % heads)
    # colour on screen, none in print mode (gray levels and patterns only)
    check(colour_pixels(pdf, ov[0]) > 50, "the colour calendar has colour")
    ppdf = out["print"][0]
    pp = [i + 1 for i, p in enumerate(pdftext(ppdf).split("\f")) if "Weeks × presenters" in p]
    check(len(pp) == 1 and colour_pixels(ppdf, pp[0]) == 0, "the print calendar is gray only")


def test_handout(pb, fx, work):
    lib = os.path.join(fx, "lib")
    pdf = os.path.join(work, "handout.pdf")
    o, err, rc = run(pb, ["handout", "--date", "2025-01-10", "Archived/log.md", "-o", pdf], lib)
    check(rc == 0, "handout --date: " + err[-400:])
    t = pdftext(pdf)
    check("Presenters: 甲、乙" in t and ".md:" not in t, "presenters from the minutes, no file:line")
    check("Slide/20250110_检索.html" in t and "docs.google.com/presentation/d/AAA" in t, "their decks")
    check("Last session 2025-01-03" in t and "(none written" in t, "previous session's best questioner")
    for title in ("Dense Passage Retrieval", "Attention Is All You Need", "Retrieval-Augmented Generation"):
        check(title in t, "latest reading " + title)
    check("REALM" not in t, "only the two latest readings of each presenter")
    png = os.path.join(work, "handout")
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "150", "-png", pdf, png])
    z = subprocess.run(["zbarimg", "-q", "--raw", png + "-1.png"], capture_output=True).stdout.decode()
    check("https://docs.google.com/presentation/d/AAA/edit" in z, "deck URL as a QR code: %r" % z)
    # --next: the first session from today on (SOURCE_DATE_EPOCH 2025-01-15)
    env = dict(os.environ, SOURCE_DATE_EPOCH="1736899200")
    p = subprocess.run([pb, "handout", "--next", "Archived/log.md", "-o", pdf], cwd=lib, env=env,
                       capture_output=True)
    t = pdftext(pdf)
    check(p.returncode == 0 and "Planned session" in t and "甲、丙" in t, "--next takes 1.17 from the rota")
    check("Best questioner: 丁、甲" in t and "近期工作 — 乙 (pending); 未收到投稿" in t, "previous session's write-ups")
    # past the minutes' last session: the error names the minutes' file:line
    p = subprocess.run([pb, "handout", "--next", "--today", "2099-01-01", "Archived/log.md", "-o", pdf],
                       cwd=lib, capture_output=True)
    err = p.stderr.decode("utf-8", "replace")
    check(p.returncode == 2 and re.search(r"小组纪要\.md:30: error: the minutes have no session on or "
                                          r"after 2099-01-01 \(the last is 2025-01-31\)", err),
          "--next past the last session names the minutes: " + err[-300:])
    # without minutes: as before (a library with none), and --next says why not
    bare = os.path.join(work, "bare")
    os.makedirs(bare, exist_ok=True)
    with open(os.path.join(bare, "log.md"), "w", encoding="utf-8") as f:
        f.write(open(os.path.join(lib, "Archived", "log.md"), encoding="utf-8").read())
    o, err, rc = run(pb, ["handout", "--date", "2025-01-05", "log.md", "-o", pdf], bare)
    t = pdftext(pdf)
    check(rc == 0 and "Attention Is All You Need" in t and "来自纪要" not in t, "no minutes: the day's cards only")
    o, err, rc = run(pb, ["handout", "--next", "log.md", "-o", pdf], bare)
    check(rc == 2 and "needs the minutes' rota" in err, "--next without minutes: " + err[-300:])


def test_heads(pb, fx, work):
    """Check-in heads read as people write them (src/read/read_checkins.c)."""
    d, err = sessions(pb, ["log.md"], os.path.join(fx, "heads"))
    A = {a["presenter"]: a for a in d["absences"]}
    N = {a["presenter"]: a for a in d["notes"]}
    E = {e["presenter"]: e for e in d["entries"]}
    check(set(A) == {"甲", "乙"}, "absences: %r" % sorted(A))
    check(A["甲"]["note"] == "未精读，本周赶实验", "struck-out word: %r" % A["甲"]["note"])
    check(set(N) == {"丙", "丁"}, "notes (several papers skimmed): %r" % sorted(N))
    check("VLN 的几篇综述" in N["丙"]["note"], "the note keeps its body: %r" % N["丙"]["note"])
    check(set(E) == {"戊"} and E["戊"]["title"] == "Deep Residual Learning", "one card: %r" % sorted(E))
    notes = re.findall(r"^log\.md:(\d+): note: (.*)$", err, re.M)
    lines = [int(n[0]) for n in notes]
    check(lines == [5, 10, 12], "check says which unsure heads it read as which: %r" % notes)


DATED = [("2024-11-10", 5), ("2024-11-03", 7), ("2024-10-27", 8), ("2024-10-20", 9),
         ("2024-10-13", 10), ("2024-10-06", 11), ("2024-09-30", 12), ("2024-02-29", 19),
         ("2023-12-29", 20)]
ROTA = [("2024-11-17", 25), ("2024-12-01", 26), ("2025-01-05", 27)]


def test_dates(pb, fx):
    """Which heads are sessions, and of which day (dates.c's PB_DATE_SESSION,
    the year from the heading and the order around New Year)."""
    d, err = sessions(pb, ["纪要.md"], os.path.join(fx, "dates"))
    got = [(s["date"], int(s["source"].rsplit(":", 1)[1])) for s in d["sessions"] if not s["planned"]]
    check(got == DATED, "held sessions by their heads: %r" % got)
    got = [(s["date"], int(s["source"].rsplit(":", 1)[1])) for s in d["sessions"] if s["planned"]]
    check(got == ROTA, "the rota, 1.5 in the next year: %r" % got)
    check("纪要.md:18: warning: 2.30 is not a date in 2024; session skipped" in err,
          "2.30 is a head, skipped in its year: " + err[-600:])
    for line, text in ((14, "9.311"), (15, "13.1"), (16, "9. "), (17, "9.29日甲")):
        check(re.search(r"纪要\.md:%d: warning: text after the session's checklist: '- %s" % (line, re.escape(text)),
                        err), "not a head: " + text)


HELD = [
    ("2024-10-24", ["张宇"], [], []),
    ("2024-10-11", ["徐赟博", "何艺超"], [], []),
    ("2024-05-31", ["陈银", "徐赟博"], [("何艺超", "请假")], ["聂建涛", "徐赟博"]),
    ("2024-05-24", ["聂建涛", "贾朋"], [], []),
    ("2024-05-17", ["于洋晨", "崔凯"], [("程浩", None)], ["陈银"]),
    ("2024-05-10", ["张宇", "程浩"], [], ["陈银"]),
    ("2024-04-26", ["徐赟博", "张雪松"], [], ["张雪松", "聂建涛"]),
    ("2024-04-19", ["陈银", "何艺超"], [], ["程浩"]),
    ("2024-04-12", ["聂建涛"], [], ["陈银"]),
    ("2024-04-05", ["崔凯", "王会雅"], [], []),
    ("2024-03-29", ["程浩"], [], ["陈银"]),
    ("2024-03-22", ["张宇", "张雪松"], [], ["程浩"]),
    ("2024-03-15", ["陈银"], [], []),
]
PLANNED = [
    ("2024-05-03", ["程浩", "张宇"]), ("2024-05-10", ["崔凯", "于洋晨"]),
    ("2024-05-17", ["聂建涛", "贾朋"]), ("2024-05-24", ["陈银", "何艺超"]),
    ("2024-05-31", ["张雪松", "徐赟博"]), ("2024-06-07", ["程浩", "张宇"]),
    ("2024-06-14", ["崔凯", "于洋晨"]), ("2024-06-21", ["聂建涛", "贾朋"]),
    ("2024-06-28", ["陈银", "何艺超"]), ("2024-07-05", ["张雪松", "徐赟博"]),
    ("2024-07-12", ["程浩", "张宇"]), ("2024-07-19", ["崔凯", "于洋晨"]),
    ("2024-07-28", ["聂建涛", "贾朋"]),
]


def test_corpus(pb, fx, corpus):
    if not corpus or not os.path.isfile(os.path.join(corpus, "每周小会纪要.md")):
        print("corpus not present; skipped")
        sys.exit(77)
    d, err = sessions(pb, ["每周小会纪要.md"], corpus)
    held = [summary(s) for s in d["sessions"] if not s["planned"]]
    planned = [(s["date"], s["presenters"]) for s in d["sessions"] if s["planned"]]
    check(len(held) == 13 and len(planned) == 13, "13 + 13 sessions, got %d + %d" % (len(held), len(planned)))
    for want, got in zip(HELD, held):
        check(tuple(want) == got, "held %s: want %r got %r" % (want[0], want, got))
    check(planned == PLANNED, "planned: %r" % planned)
    S = {s["date"]: s for s in d["sessions"] if not s["planned"]}
    check(S["2024-05-24"]["talks"][1]["presenter"] == "贾朋", "贾朋 spoke at 5.24")
    w = [x for s in d["sessions"] if not s["planned"] for x in s["writeups"]]
    check(len(w) == 17 and sum(1 for x in w if not x["done"]) == 2, "17 write-ups, 2 not done: %d" % len(w))
    check(all(x["author"] for x in w), "every write-up has its author")
    decks = [l for s in S.values() for t in s["talks"] for l in t["links"] if l["kind"] == "slide"]
    check(len(decks) == 21, "21 deck links, got %d" % len(decks))
    local = [l["local"] for l in decks if l.get("local")]
    check(local == ["Slide/20240531_多模态对齐.html"], "the htmlpreview deck is the local one: %r" % local)
    out, err, rc = run(pb, ["check", "每周小会纪要.md"], corpus)
    warn = re.findall(r"^每周小会纪要\.md:(\d+): warning: (.*)$", err, re.M)
    check([w[0] for w in warn if "rota plans" not in w[1]] == ["4"],
          "only line 4 cannot be placed: %r" % warn)
    # the rota's 5.10-5.31 (after the divider) against the sessions held on
    # those dates with other presenters (issue 24, item 8)
    rota = [(w[0], re.search(r"held that day \(每周小会纪要\.md:(\d+)\)", w[1]).group(1))
            for w in warn if "rota plans" in w[1]]
    check(rota == [("107", "39"), ("109", "30"), ("111", "20"), ("113", "15")],
          "the rota's four contradicted dates, each naming the held line: %r" % rota)
    check("26 sessions in the minutes (13 held, 13 planned)" in out, "check counts")
    # the handout of 5.31 from the archive: presenters and decks from the minutes
    pdf = os.path.join(os.getcwd(), "sessions-corpus", "handout-0531.pdf")
    out, err, rc = run(pb, ["handout", "--date", "2024-05-31", "Archived/2024论文精读归档.md", "-o", pdf], corpus)
    t = pdftext(pdf)
    check(rc == 0 and "Presenters: 陈银、徐赟博" in t and ".md:" not in t, "5.31 presenters from the minutes")
    check("Slide/20240531_多模态对齐.html" in t, "5.31 deck")
    check("Last session 2024-05-24" in t and "KAN: Kolmogorov" in t, "5.24 write-ups on the 5.31 handout")


def main():
    pb, fx, test = sys.argv[1:4]
    corpus = sys.argv[4] if len(sys.argv) > 4 else None
    work = os.path.join(os.getcwd(), "sessions-" + test)
    os.makedirs(work, exist_ok=True)
    # the fixtures are read where they are, in the source tree: their cache
    # goes to the build tree, not into tests/sessions/lib/build
    os.environ["PAPERBOOK_CACHE_DIR"] = os.path.join(work, "cache")
    if test == "fixture":
        test_fixture(pb, fx)
    elif test == "appendix":
        test_appendix(pb, fx, work)
    elif test == "dates":
        test_dates(pb, fx)
    elif test == "heads":
        test_heads(pb, fx, work)
    elif test == "handout":
        test_handout(pb, fx, work)
    elif test == "corpus":
        test_corpus(pb, fx, corpus)
    else:
        print("unknown test", test)
        return 1
    print("%d failure(s)" % len(FAILS))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
