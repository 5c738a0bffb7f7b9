#!/usr/bin/python3
"""A CID-keyed CFF font whose CIDs are not its glyph ids draws its glyphs.

The font is made here: Noto Serif CJK SC cut down with fontTools to the
characters of one card. fontTools keeps each glyph's CID in the charset and
numbers the glyphs anew, so glyph 1 carries CID 1405 and so on (checked
below, so that the test cannot pass on an identity charset). The card is
built twice, with that font and with Noto Serif CJK SC itself as cjk_text:
the outlines are the same, so the rendered pages must match. Drawing glyph
ids as CIDs left the body text blank.

Usage: cid_charset.py PAPERBOOK OUTDIR
"""
import os
import shutil
import subprocess
import sys

try:
    from fontTools import subset
    from fontTools.ttLib import TTFont
except ImportError:
    print("skip: python3-fonttools not installed")
    sys.exit(77)

TTC = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
TEXT = ("这是一段中文摘要，用来检查字形是否正确：永和九年，岁在癸丑，暮春之初，"
        "会于会稽山阴之兰亭，修禊事也。群贤毕至，少长咸集。")


def sc_member():
    for i in range(10):
        f = TTFont(TTC, fontNumber=i, lazy=True)
        if f["name"].getDebugName(1) == "Noto Serif CJK SC":
            return i
    return -1


def render(pb, lib, font, out):
    with open(os.path.join(lib, "paperbook.yml"), "w", encoding="utf-8") as y:
        y.write("fonts:\n  cjk_text: \"%s\"\n" % font)
    pdf = out + ".pdf"
    r = subprocess.run([pb, "build", lib, "-q", "--no-cache", "-o", pdf],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stderr)
        sys.exit("FAIL: build with %s" % font)
    subprocess.run(["qpdf", "--check", pdf], check=True, capture_output=True)
    subprocess.run(["pdftoppm", "-r", "72", "-gray", "-f", "3", "-l", "3", pdf, out],
                   check=True)
    png = [f for f in os.listdir(os.path.dirname(out))
           if f.startswith(os.path.basename(out) + "-")][0]
    return os.path.join(os.path.dirname(out), png), pdf


def pixels(pgm):
    with open(pgm, "rb") as f:
        data = f.read()
    # pdftoppm -gray writes binary PGM: P5, width height, 255, bytes
    parts = data.split(b"\n", 3)
    w, h = map(int, parts[1].split())
    return w, h, parts[3]


def main():
    pb, out = sys.argv[1], sys.argv[2]
    if not os.path.exists(TTC):
        print("skip: %s not present" % TTC)
        return 77
    shutil.rmtree(out, ignore_errors=True)
    lib = os.path.join(out, "lib")
    os.makedirs(os.path.join(lib, "papers"))
    member = sc_member()
    if member < 0:
        sys.exit("FAIL: no Noto Serif CJK SC in %s" % TTC)
    font = TTFont(TTC, fontNumber=member)
    opts = subset.Options()
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    s = subset.Subsetter(opts)
    s.populate(text=TEXT + "测试论文")
    s.subset(font)
    top = font["CFF "].cff.topDictIndex[0]
    order = font.getGlyphOrder()
    moved = sum(1 for g, name in enumerate(order)
                if name.startswith("cid") and int(name[3:]) != g)
    if not hasattr(top, "ROS") or moved < len(order) // 2:
        sys.exit("FAIL: the test font is not CID-keyed with CIDs apart from glyph ids")
    os.makedirs(os.path.join(lib, "fonts"))
    font.save(os.path.join(lib, "fonts", "cut.otf"))
    sub = "fonts/cut.otf"  # the library's own font, named relative to it
    print("test font: %d glyphs, %d with a CID other than their glyph id" % (len(order), moved))
    with open(os.path.join(lib, "papers", "a.md"), "w", encoding="utf-8") as c:
        c.write("---\ntitle: \"测试论文\"\nyear: 2024\ncategory: [Test]\n---\n" + TEXT + "\n")
    a, pdf_a = render(pb, lib, sub, os.path.join(out, "cut"))
    b, _ = render(pb, lib, "Noto Serif CJK SC", os.path.join(out, "noto"))
    text = subprocess.run(["pdftotext", pdf_a, "-"], capture_output=True,
                          text=True).stdout.replace("\n", "")
    fail = 0
    if "永和九年" not in text:
        print("FAIL: the text does not extract")
        fail = 1
    wa, ha, pa = pixels(a)
    wb, hb, pb_ = pixels(b)
    if (wa, ha) != (wb, hb):
        sys.exit("FAIL: page sizes differ")
    ink_a = sum(1 for v in pa if v < 128)
    ink_b = sum(1 for v in pb_ if v < 128)
    diff = sum(1 for x, y in zip(pa, pb_) if abs(x - y) > 64)
    print("ink: cut font %d px, Noto %d px; %d px differ" % (ink_a, ink_b, diff))
    if ink_b == 0 or ink_a < ink_b * 0.95:
        print("FAIL: the cut font's page has less ink (glyphs missing)")
        fail = 1
    if diff > ink_b * 0.02:
        print("FAIL: the pages differ: wrong glyphs drawn")
        fail = 1
    if not fail:
        print("CID-keyed font with its own charset: same page as Noto Serif CJK SC")
    return fail


if __name__ == "__main__":
    sys.exit(main())
