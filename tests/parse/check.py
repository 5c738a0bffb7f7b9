#!/usr/bin/env python3
"""Assertions on the readers' model dump (tests/parse.cmake).

    check.py DUMPDRV FIXTURES TEST [CORPUS]

Runs the dump driver on a fixture (or the real corpus) and checks the JSON
and the warnings. Exit 0 = pass, 1 = fail, 77 = skipped (corpus absent)."""
import json
import os
import re
import subprocess
import sys
import tempfile

FAILS = []


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL:", what)


def dump(drv, args, cwd=None):
    p = subprocess.run([drv] + args, capture_output=True, cwd=cwd)
    if p.returncode < 0:
        print("dump driver died with signal", -p.returncode)
        sys.exit(1)
    err = p.stderr.decode("utf-8", "replace")
    if "Sanitizer" in err or "runtime error:" in err:
        print(err[-3000:])
        print("sanitizer report for", args)
        sys.exit(1)
    try:
        return json.loads(p.stdout.decode("utf-8")), err, p.returncode
    except ValueError as e:
        print("invalid JSON:", e)
        sys.exit(1)


def by_line(d):
    return {int(e["source"].rsplit(":", 1)[1]): e for e in d["entries"]}


def link(e, kind):
    return [l for l in e["links"] if l["kind"] == kind]


def test_checkins(drv, fx):
    d, err, _ = dump(drv, ["--root", fx + "/lib", fx + "/lib/Archived/checkins.md"])
    E = by_line(d)
    A = {int(a["source"].rsplit(":", 1)[1]): a for a in d["absences"]}
    check(d["entries_count"] == 28, "28 entries, got %d" % d["entries_count"])
    check(d["absences_count"] == 7, "7 absences, got %d" % d["absences_count"])
    check(d["categories"] == [], "check-ins make no categories")
    for e in d["entries"]:
        check(re.search(r"checkins\.md:\d+$", e["source"]) is not None, "file:line " + e["source"])
        check(e["category"] == [], "no category for " + e["title"])
    # title with its own dash, link on the title, remote figure, summary label removed
    e = E[5]
    check(e["date"] == "2024-12-29" and e["presenter"] == "乙", "date/presenter line 5")
    check(e["title"].startswith("Visual Autoregressive Modeling- Scalable"), "dash in title")
    check(link(e, "paper")[0]["url"] == "https://arxiv.org/abs/2404.02905", "link on title")
    check(e["figures"][0]["path"] is None and e["figures"][0]["url"].startswith("https://raw."), "remote figure stays remote")
    check(e["figures"][0]["width"] == 512, "img width")
    check(e["summary"][0]["text"].startswith("VAR 把图像"), "summary label removed: " + e["summary"][0]["text"])
    # presenter without brackets, venue with link, blob URL into own repo, 论文框架 label
    e = E[10]
    check(e["presenter"] == "程浩" and e["venue"] == "COLM" and e["year"] == 2024, "bare presenter + venue")
    check(e["figures"][0]["path"] and e["figures"][0]["path"].endswith("Images/a.png"), "github blob URL resolves locally")
    check(e["summary"][0]["text"] == "一段话。", "framework label + summary")
    e = E[16]
    check((e["venue"], e["year"], e["note"]) == ("CVPR", 2025, "投稿"), "CVPR2025投稿")
    check(e["figures"][0]["path"] and e["figures"][0]["path"].endswith("Images/my fig.png"), "percent-encoded ?raw=true URL resolves")
    e = E[19]
    check(e["date"] == "2024-12-01", "2024.12.1 normalised")
    check((e["venue"], e["year"], e["note"]) == ("arXiv", 2024, "preprint"), "arxiv 2024 preprint")
    check(e["figures"][0]["path"] and e["figures"][0]["path"].endswith("webp-named.png"), "markdown image local")
    check((E[22]["venue"], E[22]["year"]) == ("TMM", 2023), "[ 2023 TMM]")
    check((E[24]["venue"], E[24]["year"]) == ("NeurIPS", 2024), "[Neurlps24]")
    check(E[26]["venue"] is None and link(E[26], "paper"), "[paper] is a link label, not a venue")
    check(E[28]["title"] == "SPOC: Imitating Shortest Paths in Simulation Enables Effective Navigation", "title over two lines")
    check(E[28]["presenter"] == "庚", "presenter '庚]' unified")
    check((E[31]["venue"], E[31]["year"]) == ("EMNLP", 2023) and link(E[31], "paper"), "(EMNLP2023) after the title")
    check((E[33]["venue"], E[33]["year"], E[33]["note"]) == ("ICLR", 2025, "under review"), "under review")
    check(E[33]["summary"] and E[33]["summary"][0]["text"] == "探究合成字幕数据集。", "trailing backslash")
    check((E[36]["venue"], E[36]["year"]) == ("ECCV", 2024) and not E[36]["links"], "[Title]() ECCV2024")
    check((E[38]["venue"], E[38]["year"]) == ("CVPR", 2022), "-CVPR 2022 bare venue")
    check((E[40]["venue"], E[40]["year"], E[40]["note"]) == ("ICRA", 2024, "在投"), "(ICRA2024在投)")
    check(link(E[42], "paper") and link(E[42], "paper")[0]["url"] == "https://openaccess.thecvf.com/b.pdf", "bare URL after title")
    check(E[44]["title"] == "Emotion-LLaMA: Multimodal Emotion Recognition" and E[44]["venue"] == "arXiv", "bare title with dashes")
    check(E[46]["presenter"] == "陈银" and E[46]["title"] == "Cluster-Guided Contrastive Learning" and E[46]["venue"] == "TIP", "[陈银】 and bare title")
    check(E[48]["date"] == "2024-04-01" and E[48]["presenter"] == "程浩" and E[48]["venue"] == "NeurIPS", "no brackets at all")
    check(E[50]["title"] == "Label-Guided Fusion for Facial Expression Recognition", "title closed with ')'")
    check((E[52]["venue"], E[52]["year"]) == ("ACM MM", 2023) and link(E[52], "paper")[0]["url"] == "https://doi.org/10.1145/3581783.3613797", "MM ’23 and 'https: //'")
    check((E[54]["venue"], E[54]["year"]) == ("CVPR", 2022), "][CVPR2022] without dash")
    check(link(E[56], "paper")[0]["url"] == "https://arxiv.org/pdf/2211.15055", "[https://...] bracket URL")
    check(len(link(E[58], "blog")) == 1 and E[58]["venue"] == "arXiv", "second link [知乎]")
    check(E[60]["venue"] == "CVPR Workshop" and E[60]["year"] == 2024, "CVPRW2024")
    check(E[62]["venue"] is None and len(link(E[62], "blog")) == 1, "link line after head; ieee.org is a label")
    check(E[74]["date"] is None and (E[74]["venue"], E[74]["year"]) == ("ACL", 2022), "[待补充] date")
    check(all(f["path"] is None for f in E[79]["figures"]) and len(E[79]["figures"]) == 3, "escaping and missing figures refused")
    check(E[79]["summary"][0]["text"] == "red and blink text", "HTML removed")
    check("\ufffd" in E[84]["title"] and "\x01" not in E[84]["title"], "invalid UTF-8 replaced, control removed")
    e = E[85]
    check(link(e, "slide") and link(e, "slide")[0].get("local") == "Slide/talk.pptx", "htmlpreview slide URL → local deck")
    check([b["text"] for b in e["summary"]] == ["只贴出模型架构", "正文。"], "hard-break backslashes dropped: %s" % [b["text"] for b in e["summary"]])
    # absences
    check(A[3]["note"] == "未精度" and A[3]["presenter"] == "甲", "未精度 absence")
    check(A[65]["note"] == "参会，未精读", "参会，未精读")
    check(A[66]["note"] == "生病未精读", "生病未精读")
    check(A[67]["note"] == "本周外出暂无打卡" and A[67]["date"] == "2024-12-09", "暂无打卡")
    check(A[69]["note"] == "赶实验改代码，未精读" and A[69]["presenter"] == "程浩", "bracketed absence")
    check(A[71]["note"] == "未精读，修改论文", "absence reason on the next line")
    for w in [":84:29: warning", ":28: warning: presenter", ":46: warning: presenter", ":74: warning: entry has no date",
              ":77: warning: text outside", "leaves the library root", "resolves outside the library root",
              "Images/missing.png' not found", "<blink>"]:
        check(w in err, "warning " + w)
    check(err.count("<blink>") == 1, "one warning per unknown element")


def test_report(drv, fx):
    d, err, _ = dump(drv, ["--root", fx + "/lib", fx + "/lib/REPORT.md"])
    check(d["entries_count"] == 2, "2 cards")
    names = [c["name"] for c in d["categories"]]
    check(names == ["Deep Learning", "CV", "Multimodality"], "empty NLP / Embodied AI dropped, TOC ignored: %s" % names)
    dl = d["categories"][0]
    kids = {c["name"]: c for c in dl["children"]}
    check(set(kids) == {"PETL: parameters effective transfer learning", "MoE, Mixture of Experts"}, "reference categories")
    petl = kids["PETL: parameters effective transfer learning"]["references"]
    check(len(petl) == 2 and petl[0]["kind"] == "item", "相关链接 list kept, label dropped")
    pfigs = kids["PETL: parameters effective transfer learning"]["figures"]
    check([f["path"].endswith(x) for f, x in zip(pfigs, ["a.png", "Images/my fig.png"])] == [True, True],
          "reference figures kept as the category's figures: %s" % pfigs)
    check(kids["MoE, Mixture of Experts"]["references"][0]["links"] == ["https://mp.weixin.qq.com/s/c"], "一些参考链接")
    cv = d["categories"][1]["children"][0]
    check(cv["name"] == "Facial expression recognition" and cv["color"] == "Green", "font colour → category colour")
    s = d["entries"][0]
    check((s["title"], s["venue"], s["year"], s["note"]) == ("Siamese Masked Autoencoders", "NeurIPS", 2023, "Oral"), "SiamMAE venue split")
    check([l["kind"] for l in s["links"]] == ["paper", "code", "slide"] and s["links"][2].get("local") == "Slide/talk.pptx", "typed links, local slide")
    check(s["category"] == ["CV", "Facial expression recognition"] and s["source"].endswith("REPORT.md:38"), "category path, file:line")
    a = d["entries"][1]
    check(a["title"] == "Align before Fuse: Vision and Language Representation Learning with Momentum Distillation", "title over two lines")
    check((a["venue"], a["year"]) == ("NeurIPS", 2021), "ALBEF venue")
    check([b["kind"] for b in a["summary"]] == ["item", "item"] and a["summary"][0]["text"].endswith("them."), "summary bullets with lazy lines")
    check("blockquote before the first heading" in err, "preamble noted")


def test_cards(drv, fx):
    d, err, _ = dump(drv, ["--root", fx + "/lib", fx + "/lib/papers"])
    check(d["entries_count"] == 2, "2 cards (broken and front-matter-less skipped)")
    b, s = d["entries"]
    check(b["source"].endswith("papers/b.md:1") and s["source"].endswith("papers/cv/siammae.md:1"), "sorted path order")
    check(b["category"] == ["NLP", "LLM"] and b["date"] == "2024-03-05", "category string, date normalised")
    check([l["kind"] for l in b["links"]] == ["paper", "code"], "links as a list")
    check(b["figures"][0]["path"].endswith("Images/my fig.png"), "figure key, percent-encoded")
    check((s["venue"], s["year"], s["note"], s["presenter"], s["date"]) == ("NeurIPS", 2023, "Oral", "陈银", "2023-10-20"), "card fields")
    check(s["tags"] == ["self-supervised", "video"], "tags")
    check(s["links"][2]["local"] == "Slide/talk.pptx", "slide link local")
    kinds = [(x["kind"], x["depth"], x["ordinal"]) for x in s["summary"]]
    check(kinds == [("para", 0, 0), ("item", 1, 0), ("item", 2, 1), ("item", 1, 0)], "summary blocks %s" % kinds)
    check(s["summary"][0]["links"] == ["https://example.org"], "link span")
    d2, _, _ = dump(drv, ["--root", fx + "/lib", fx + "/lib/papers/cv/siammae.md"])
    check(d2["entries_count"] == 1 and d2["entries"][0]["presenter"] == "陈银", "a card named as a file is read as a card")
    for w in ["year 'soon'", "unknown key 'colour'", "broken.md:3:1: error: YAML", "readme.md:1: warning: no YAML"]:
        check(w in err, "diagnostic " + w)


def test_robust(drv, fx):
    with tempfile.TemporaryDirectory() as t:
        files = {
            "empty.md": b"",
            "longline.md": b"> [2024-1-1]-[a]-[" + b"x" * (1 << 20) + b"\n" + b"y" * (1 << 20) + b"\n",
            "quotes.md": b"## A\n" + b">" * 200 + b" Title (CVPR 2020)\n" + b">" * 200 + b"> summary\n",
            "deepquote.md": b"## A\n> T (CVPR 2020)\n>> " + b"> " * 5000 + b"x\n",
            "links.md": b"## A\n> T (CVPR 2020)\n> " + b", ".join(b"[P](https://x.org/%d)" % i for i in range(10000)) + b"\n",
            "brackets.md": b"> [2024-1-1]-[a]-" + b"[" * 100000 + b"\n> [2024-1-2]-[b]-" + b"(" * 100000 + b"\n",
            "binary.md": bytes((i * 7919 + 13) % 256 for i in range(200000)),
            "nul.md": b"> [2024-1-1]-[a]-[T\x00itle](https://x)\n",
            "checkin_binary.md": b"> [2024-1-1]-[a]-[T]\n" + bytes(range(256)) * 100,
            "unclosed.md": b"<!--\n## A\n> T (X 2020)\n",
            "tags.md": b"## A\n> T <img src=\"" + b"a" * 100000 + b"\n",
        }
        for name, data in files.items():
            with open(os.path.join(t, name), "wb") as f:
                f.write(data)
        for name in files:
            d, err, rc = dump(drv, ["--root", t, os.path.join(t, name)])
            check(isinstance(d["entries"], list), "dump of " + name)
        d, err, rc = dump(drv, ["--root", t, os.path.join(t, "links.md")])
        check(len(d["entries"][0]["links"]) == 10000, "10,000 links kept")
        d, err, rc = dump(drv, ["--root", t, os.path.join(t, "binary.md")])
        check("more lines with invalid UTF-8" in err or err.count("invalid UTF-8") <= 11, "binary warnings capped")
        os.makedirs(os.path.join(t, "papers"))
        for i, body in enumerate([b"---\n---\n", b"---\n- a\n- b\n---\n", b"---\ntitle: &a [*a]\n---\n",
                                  b"---\ntitle: x\nlinks: 3\nfigures: {a: b}\n---\n", b"---\n" + b"[" * 10000 + b"\n---\n"]):
            with open(os.path.join(t, "papers", "c%d.md" % i), "wb") as f:
                f.write(body)
        d, err, rc = dump(drv, ["--root", t, os.path.join(t, "papers")])
        check(isinstance(d["entries"], list), "odd YAML cards")


def test_resolve(drv, fx):
    """Figures by URL into the library's own repository (named by
    .git/config), into other repositories, and by paths that leave the root."""
    with tempfile.TemporaryDirectory() as t:
        lib = os.path.join(t, "lib")
        os.makedirs(os.path.join(lib, ".git"))
        os.makedirs(os.path.join(lib, "Images"))
        with open(os.path.join(lib, ".git", "config"), "w") as f:
            f.write('[core]\n\tbare = false\n[remote "origin"]\n\turl = git@github.com:Foo/Bar.git\n')
        for n in ["a.png", "b c.png"]:
            with open(os.path.join(lib, "Images", n), "wb") as f:
                f.write(b"\x89PNG")
        with open(os.path.join(t, "outside.png"), "wb") as f:
            f.write(b"\x89PNG")
        os.symlink(os.path.join(t, "outside.png"), os.path.join(lib, "Images", "link.png"))
        with open(os.path.join(lib, "log.md"), "w") as f:
            f.write("> [2024-1-1]-[a]-[T1](https://x.org)\n"
                    "> <img src=\"https://github.com/foo/bar/blob/main/Images/a.png\">\n"
                    "> <img src=\"https://raw.githubusercontent.com/Foo/Bar/main/Images/b%20c.png\">\n"
                    "> <img src=\"https://github.com/Foo/Bar/blob/main/Images/b%20c.png?raw=true\">\n"
                    "> <img src=\"https://github.com/Other/Repo/blob/main/Images/a.png\">\n"
                    "> <img src=\"https://github.com/Foo/Bar/blob/main/Images/gone.png\">\n"
                    "> ![x](Images%2Fb%20c.png)\n"
                    "> ![x](../outside.png)\n"
                    "> ![x](Images/link.png)\n"
                    "> [2024-1-2]-[b]-[T2](https://x.org)\n")
        d, err, _ = dump(drv, ["--root", lib, os.path.join(lib, "log.md")])
        f = d["entries"][0]["figures"]
        check(len(f) == 8, "8 figures")
        check(f[0]["path"] and f[0]["path"].endswith("Images/a.png"), "blob URL of own repo (case-insensitive)")
        check(f[1]["path"] and f[1]["path"].endswith("Images/b c.png"), "raw.githubusercontent URL, percent-encoded")
        check(f[2]["path"] and f[2]["path"].endswith("Images/b c.png"), "?raw=true")
        check(f[3]["path"] is None and f[3]["url"].startswith("https://github.com/Other"), "other repository stays remote")
        check(f[4]["path"] is None and f[4]["url"], "missing own file stays remote")
        check("'Images/gone.png' is in the library's repository" in err, "missing own file reported")
        check(f[5]["path"] and f[5]["path"].endswith("Images/b c.png"), "Images%2F path")
        check(f[6]["path"] is None and "leaves the library root" in err, "../ refused")
        check(f[7]["path"] is None and "resolves outside the library root" in err, "symlink out refused")
        d, err, _ = dump(drv, ["--root", lib, "--allow-outside", os.path.join(lib, "log.md")])
        f = d["entries"][0]["figures"]
        check(f[6]["path"] is not None and f[7]["path"] is not None, "allow_outside lets them through")


def corpus_or_skip(corpus):
    if not corpus or not os.path.isdir(corpus):
        print("corpus not found (%s); skipped" % corpus)
        sys.exit(77)


def test_corpus_archive(drv, fx, corpus):
    corpus_or_skip(corpus)
    d, err, _ = dump(drv, ["--root", corpus, os.path.join(corpus, "Archived", "2024论文精读归档.md")])
    check(d["entries_count"] == 201, "201 paper entries, got %d" % d["entries_count"])
    check(d["absences_count"] == 37, "37 absences, got %d" % d["absences_count"])
    for e in d["entries"] + d["absences"]:
        check(re.search(r"\.md:\d+$", e["source"]) is not None and not e["source"].endswith(":0"), "file:line " + e["source"])
    for e in d["entries"]:
        check(bool(e["title"]) and e["presenter"] is not None, "title and presenter at " + e["source"])
    presenters = {e["presenter"] for e in d["entries"]} | {a["presenter"] for a in d["absences"]}
    check(not any("[" in p or "]" in p or "】" in p for p in presenters), "presenters unified: %s" % presenters)
    figs = [f for e in d["entries"] for f in e["figures"]]
    local = [f for f in figs if f["path"]]
    check(len(figs) == 179 and len(local) == 78, "figures: %d, local %d" % (len(figs), len(local)))
    for name in ["You Only Look One-level Feature (1).png", "vln-prompt.png", "NR-DFERNet.png"]:
        check(re.search(r"'Images/%s' is in the library's repository \(https://github\.com/readingpapers/report\) "
                        r"but missing from this copy" % re.escape(name), err, re.I), "missing own figure reported: " + name)
    for name in ["Class activation regularizationen.png", "FaceDancer.png", "StyleSwin.png", "Visual Prompt Multi-Modal Tracking.png",
                 "Face Transformer.png", "MobileFaceSwap.png", "VITDet.png", "BlendFace：Re-designing Identity Encoders for Face-Swapping.png"]:
        check(any(f["path"].endswith("Images/" + name) for f in local), "WebP/percent-encoded figure local: " + name)
    check("\x02" not in json.dumps(d, ensure_ascii=False), "control character removed")
    check(":411:77: warning" in err, "control character reported at 411:77")


def test_corpus_report(drv, fx, corpus):
    corpus_or_skip(corpus)
    d, err, _ = dump(drv, ["--root", corpus, os.path.join(corpus, "REPORT.md")])
    check([e["title"][:20] for e in d["entries"]] == ["Siamese Masked Autoe", "Align before Fuse: V"], "SiamMAE and ALBEF")
    dl = {c["name"]: c for c in d["categories"][0]["children"]}
    for n in ["PETL: parameters effective transfer learning", "MTL，multi-task learning", "MoE, Mixture of Experts"]:
        check(n in dl and dl[n]["references"], "references of " + n)
    pfigs = dl["PETL: parameters effective transfer learning"]["figures"]
    check([os.path.basename(f["path"] or "") for f in pfigs] == ["aim-adapter.png", "lst-adapter.png", "mam-adapter.png"],
          "PETL figures kept")
    check([c["name"] for c in d["categories"]] == ["Deep Learning", "CV", "Multimodality"], "empty chapters dropped")
    check(all(f["path"] for e in d["entries"] for f in e["figures"]), "card figures local")


def main():
    drv, fx, test = sys.argv[1], sys.argv[2], sys.argv[3]
    corpus = sys.argv[4] if len(sys.argv) > 4 else None
    fn = globals()["test_" + test]
    if test.startswith("corpus"):
        fn(drv, fx, corpus)
    else:
        fn(drv, fx)
    if FAILS:
        print("%d check(s) failed" % len(FAILS))
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
