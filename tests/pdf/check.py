#!/usr/bin/env python3
"""Checks the PDF back end with real PDF tools.

usage: check.py PDF_TEST FONTDIR WORKDIR [CORPUS_DIR]

Runs the pdf_test program (a hand-built pb_doc written with pb_pdf_write)
and asserts on the result with qpdf, poppler (pdffonts, pdftotext, pdfinfo,
pdftoppm) and mutool: structure, embedded subset fonts, text extraction
without ToUnicode warnings, the Chinese outline, link annotations (URI,
GoTo, Launch), no blank CJK glyphs (also for every CJK character of the
reading group's cards when CORPUS_DIR exists), reproducible bytes and
atomic writes.
Exits 77 (skipped) when a tool is missing."""
import os
import re
import resource
import shutil
import signal
import stat
import subprocess
import sys

SENTENCE = "论文简述：VAR，将图像的自回归学习重新定义为从粗到细的“next-scale prediction”"
EPOCH = "1700000000"
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)
    return cond


def run(cmd, env=None, preexec=None, check_rc=True):
    p = subprocess.run(cmd, capture_output=True, env=env, preexec_fn=preexec)
    if check_rc and p.returncode != 0:
        print("command failed:", cmd, p.returncode, p.stderr.decode(errors="replace"))
    return p


TEST_IMAGE = None


def write_pdf(prog, fontdir, out, grid=None, preexec=None, extra_args=()):
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    if TEST_IMAGE:
        env["PB_TEST_IMAGE"] = TEST_IMAGE
    cmd = [prog, fontdir, out] + ([grid] if grid else []) + list(extra_args)
    return run(cmd, env=env, preexec=preexec, check_rc=False)


def read_pgm(path):
    data = open(path, "rb").read()
    # P5 header: magic, width, height, maxval, each separated by whitespace
    fields = []
    pos = 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        start = pos
        while not data[pos:pos + 1].isspace():
            pos += 1
        fields.append(data[start:pos])
    pos += 1
    assert fields[0] == b"P5", fields[0]
    w, h = int(fields[1]), int(fields[2])
    return w, h, data[pos:pos + w * h]


def ink(pixels, w, box, dpi):
    x0, y0, x1, y1 = (int(round(v * dpi / 72.0)) for v in box)
    dark = 0
    for y in range(y0, y1):
        row = pixels[y * w + x0:y * w + x1]
        dark += sum(1 for b in row if b < 128)
    return dark


def check_grid(pdf, grid, work, name):
    """Renders the grid pages and checks that each cell has ink."""
    dpi = 100
    cells = [l.split() for l in open(grid, encoding="utf-8")]
    pages = sorted(set(int(c[2]) for c in cells))
    prefix = os.path.join(work, name)
    run(["pdftoppm", "-r", str(dpi), "-gray", "-f", str(pages[0]), "-l", str(pages[-1]), pdf,
         prefix])
    rendered = {}
    for f in os.listdir(work):
        m = re.fullmatch(re.escape(name) + r"-0*(\d+)\.pgm", f)
        if m:
            rendered[int(m.group(1))] = read_pgm(os.path.join(work, f))
    check(sorted(rendered) == pages, "%s: grid pages rendered (%d)" % (name, len(pages)))
    blank = []
    for c in cells:
        if int(c[2]) not in rendered:
            continue
        w, h, px = rendered[int(c[2])]
        box = tuple(float(v) for v in c[3:7])
        if ink(px, w, box, dpi) < 12:
            blank.append("%s(%s,p%s)" % (c[0], "text" if c[1] == "0" else "sans", c[2]))
    check(not blank, "%s: no blank CJK glyph among %d" % (name, len(cells)) +
          (": " + " ".join(blank[:40]) if blank else ""))
    # the checker itself must see an empty area as empty
    w, h, px = rendered[pages[0]]
    check(ink(px, w, (300.0, 800.0, 324.0, 828.0), dpi) == 0, "%s: empty area has no ink" % name)
    return len(cells)


def main():
    prog, fontdir, work = sys.argv[1:4]
    for tool in ("qpdf", "pdffonts", "pdftotext", "pdfinfo", "pdftoppm", "mutool"):
        if not shutil.which(tool):
            print("skipped: %s not installed" % tool)
            return 77
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    out = os.path.join(work, "out.pdf")
    grid = os.path.join(work, "grid.txt")
    global TEST_IMAGE
    png = os.path.join(os.path.dirname(os.path.abspath(fontdir)), "Images", "clip.png")
    TEST_IMAGE = png if os.path.exists(png) else None

    p = p_first = write_pdf(prog, fontdir, out, grid)
    if not check(p.returncode == 0 and os.path.exists(out), "pdf_test writes a PDF"):
        print(p.stderr.decode(errors="replace"))
        return 1
    print("     PDF size: %d bytes" % os.path.getsize(out))

    # structure
    p = run(["qpdf", "--check", out], check_rc=False)
    check(p.returncode == 0, "qpdf --check passes")

    # fonts: every font embedded, subset, with a ToUnicode map
    p = run(["pdffonts", out])
    rows = p.stdout.decode().splitlines()[2:]
    check(len(rows) >= 5, "pdffonts lists the fonts (%d)" % len(rows))
    for row in rows:
        cols = row.split()
        check(cols[-5:-2] == ["yes", "yes", "yes"] and re.match(r"^[A-Z]{6}\+", cols[0]),
              "font embedded+subset+unicode: " + cols[0])

    # text extraction, and no warning about the ToUnicode CMap
    p = run(["pdftotext", "-enc", "UTF-8", out, "-"])
    text = p.stdout.decode()
    err = p.stderr.decode()
    check("ToUnicode" not in err and "Invalid" not in err and "rror" not in err,
          "pdftotext prints no warning (%r)" % err.strip()[:200])
    for s in (SENTENCE, "第一章 图像生成 Image Generation", "粗体 Bold text 加粗", "斜体 Italic text",
              "Sans fake italic 无衬线", "mono: int main(void) { return 0; } → 代码",
              "图像缺失 Images/missing.png", "Images/does-not-exist.png", "测试网格 CJK grid"):
        check(s in text, "pdftotext finds %r" % s)

    # figures: the missing one is a placeholder with its path (checked
    # above); the real one an image, unless the figure encoder is a stub
    stub = "figures: stub" in p_first.stdout.decode()
    if TEST_IMAGE and not stub and shutil.which("pdfimages"):
        lst = run(["pdfimages", "-list", out]).stdout.decode().splitlines()[2:]
        check(len([l for l in lst if l.split()[2:3] == ["image"]]) == 1,
              "one figure drawn as an image")
    elif TEST_IMAGE:
        check("Images/clip.png" in text, "figure encoder is a stub: placeholder drawn instead")

    # the renderer draws at the widths the layout measured: a reader's word
    # boxes (from the PDF's /W widths) end where pb_fonts_advance said
    bbox = run(["pdftotext", "-bbox", "-f", "1", "-l", "1", out, "-"]).stdout.decode()
    for m in re.finditer(r"^line-end (\S+) ([\d.]+)$", p_first.stdout.decode(), re.M):
        word, want = m.group(1), float(m.group(2))
        xs = [float(b.group(1)) for b in re.finditer(
            r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</word>', bbox)
            if b.group(2).endswith(word)]
        check(any(abs(x - want) < 0.01 for x in xs),
              "measured width = drawn width: %r ends at %.3f (reader: %s)" % (word, want, xs))

    # document info
    p = run(["pdfinfo", out])
    info = p.stdout.decode()
    check(re.search(r"^Title:\s+论文小册 Paper Booklet$", info, re.M) is not None, "info Title")
    check(re.search(r"^Author:\s+读书会 Reading Group$", info, re.M) is not None, "info Author")
    check(re.search(r"^Keywords:\s+VAR, 自回归$", info, re.M) is not None, "info Keywords")
    check(re.search(r"^Producer:\s+paperbook$", info, re.M) is not None, "info Producer")
    check(re.search(r"^CreationDate:.*2023", info, re.M) is not None, "info CreationDate")
    check(re.search(r"^Pages:\s+2$", info, re.M) is not None, "two pages")

    # outline: Chinese titles, two levels
    p = run(["mutool", "show", out, "outline"])
    outline = p.stdout.decode().splitlines()
    titles = {}
    for line in outline:
        m = re.match(r'^([|+\-\s]*)"(.*)"', line)
        if m:
            titles[m.group(2)] = len(m.group(1).replace(" ", "\t").expandtabs(1))
    for t in ("第一章 图像生成", "论文简述：VAR", "测试网格", "附录 Appendix"):
        check(t in titles, "outline has %r" % t)
    if "第一章 图像生成" in titles and "论文简述：VAR" in titles:
        check(titles["论文简述：VAR"] > titles["第一章 图像生成"], "outline nests level 2 under level 1")

    # links and page labels, from the uncompressed object dump
    qdf = run(["qpdf", "--qdf", "--object-streams=disable", out, "-"]).stdout.decode("latin-1")
    check(qdf.count("/Subtype /Link") == 4, "four link annotations")
    check(qdf.count("/Border [\n") + qdf.count("/Border [ 0 0 0 ]") >= 4 and
          len(re.findall(r"/Border \[\s*0\s+0\s+0\s*\]", qdf)) == 4, "links have no border")
    check("/URI (https://arxiv.org/abs/2404.02905)" in qdf, "URI link to arxiv")
    check("/URI (https://example.org/%E5%8D%9A%E5%AE%A2/a%20b)" in qdf,
          "non-ASCII URI percent-encoded")
    check("/S /GoToR" in qdf and "/S /Launch" not in qdf, "GoToR (never Launch) for the PDF deck")
    check("javascript" not in qdf and "file:" not in qdf and "evil.sh" not in qdf and
          "etc/x.pdf" not in qdf, "links the link policy refuses are not in the PDF")
    uf = re.search(r"/UF <([0-9a-fA-F]+)>", qdf)
    check(uf is not None and bytes.fromhex(uf.group(1)).decode("utf-16") == "Slide/VAR 论文.pdf",
          "GoToR file spec names Slide/VAR 论文.pdf")
    objs = {int(m.group(1)): " ".join(m.group(2).split())
            for m in re.finditer(r"\n(\d+) 0 obj\n(.*?)\nendobj", qdf, re.S)}
    page2 = re.search(r"%% Page 2\n%%[^\n]*\n(\d+) 0 obj", qdf)
    ok = False
    for o in objs.values():
        m = re.search(r"/Dest (\d+) 0 R", o)
        if "/Subtype /Link" in o and m:
            d = objs.get(int(m.group(1)), "")
            ok = ok or (page2 is not None and re.fullmatch(
                r"\[ %s 0 R /XYZ null 781\.89\d* null \]" % page2.group(1), d) is not None)
    check(ok, "page link: GoTo destination on page 2 at y, zoom kept")
    check("/PageLabels" in qdf and re.search(r"/S /r", qdf) is not None,
          "page labels (roman, then decimal)")

    # no blank CJK glyphs: every cell of the grid page has ink
    ncells = check_grid(out, grid, work, "grid")
    check(ncells >= 60, "grid has every test character (%d cells)" % ncells)

    # every CJK character of the reading group's cards, in both CJK faces
    corpus = sys.argv[4] if len(sys.argv) > 4 else ""
    if corpus and os.path.isdir(corpus):
        chars = set()
        for root, _, files in os.walk(corpus):
            for f in files:
                if f.endswith(".md"):
                    chars.update(open(os.path.join(root, f), encoding="utf-8",
                                      errors="replace").read())
        cfile = os.path.join(work, "chars.txt")
        with open(cfile, "w", encoding="utf-8") as f:
            f.write("".join(sorted(c for c in chars if ord(c) >= 0x2E80)))
        big = os.path.join(work, "corpus.pdf")
        bgrid = os.path.join(work, "corpus-grid.txt")
        p = write_pdf(sys.argv[1], fontdir, big, bgrid, extra_args=[cfile])
        if check(p.returncode == 0, "corpus characters: PDF written (%d bytes)" %
                 (os.path.getsize(big) if os.path.exists(big) else 0)):
            check(run(["qpdf", "--check", big], check_rc=False).returncode == 0,
                  "corpus characters: qpdf --check passes")
            n = check_grid(big, bgrid, work, "corpus")
            print("     %d corpus grid cells" % n)
    else:
        print("skip corpus characters: %s not found" % (corpus or "no corpus given"))

    # reproducible output
    out2 = os.path.join(work, "out2.pdf")
    write_pdf(prog, fontdir, out2)
    check(open(out, "rb").read() == open(out2, "rb").read(),
          "SOURCE_DATE_EPOCH gives byte-identical output")

    # atomic writes: a failed write leaves the previous file as it was
    keepdir = os.path.join(work, "keep")
    os.makedirs(keepdir)
    keep = os.path.join(keepdir, "booklet.pdf")
    with open(keep, "wb") as f:
        f.write(b"%PDF-previous booklet\n")
    os.chmod(keep, 0o640)
    previous = open(keep, "rb").read()

    def small_files():
        # a 48 KB file size limit (the fonts' temporary files are smaller,
        # the PDF is not) makes the write fail like a full disk
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (49152, 49152))

    p = write_pdf(prog, fontdir, keep, preexec=small_files)
    err = p.stderr.decode()
    check(p.returncode != 0, "write fails when the disk is 'full'")
    check(open(keep, "rb").read() == previous, "previous file untouched after a failed write")
    # libharu reports a failed fwrite; a failed final flush (fclose, which
    # libharu ignores) is caught by pb_pdf_write's completeness check
    check(re.search("^" + re.escape(keep) + r": error: cannot write PDF: "
                    r"(File too large|the file came out incomplete)", err, re.M) is not None,
          "error names the file and the reason (%r)" % err.strip()[-200:])
    check(os.listdir(keepdir) == ["booklet.pdf"], "no temporary file left behind")

    if os.geteuid() != 0:
        os.chmod(keepdir, 0o555)
        p = write_pdf(prog, fontdir, keep)
        os.chmod(keepdir, 0o755)
        check(p.returncode != 0 and open(keep, "rb").read() == previous,
              "read-only directory: write fails, previous file untouched")

    missing = os.path.join(work, "no-such-dir", "booklet.pdf")
    p = write_pdf(prog, fontdir, missing)
    check(p.returncode != 0 and missing in p.stderr.decode(),
          "missing directory: write fails with the path in the message")

    p = write_pdf(prog, fontdir, keep)
    check(p.returncode == 0 and open(keep, "rb").read() == open(out, "rb").read(),
          "successful write replaces the previous file")
    check(stat.S_IMODE(os.stat(keep).st_mode) == 0o640, "replacement keeps the file's mode")
    check(os.listdir(keepdir) == ["booklet.pdf"], "no temporary file left behind")

    # writing through a symbolic link replaces the file it points to
    link = os.path.join(work, "link.pdf")
    os.symlink(os.path.join("keep", "booklet.pdf"), link)
    with open(keep, "wb") as f:
        f.write(previous)
    p = write_pdf(prog, fontdir, link)
    check(p.returncode == 0 and os.path.islink(link) and
          open(keep, "rb").read() == open(out, "rb").read(),
          "write through a symlink replaces its target and keeps the link")

    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
