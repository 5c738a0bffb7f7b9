#!/usr/bin/python3
"""The LaTeX export sets Chinese in the SC members of Noto CJK (issue 23,
item 7). pdffonts names every member of Noto CJK's collections after the
JP one (their CFF table is shared), so the name proves nothing; the glyph
ids do: each Chinese character drawn in a Noto CJK font must have the glyph
the SC member's cmap gives it, not a different one from the JP member.

usage: cjk_sc.py BOOKLET.pdf [MEMBER]   (MEMBER: SC by default; TC to see
the check fail)                exit 0, 1, 77 no fontTools or Noto CJK"""
import re
import subprocess
import sys

try:
    from fontTools.ttLib import TTFont
except ImportError:
    print("skip: fontTools missing")
    sys.exit(77)


def member_cmaps(member):
    out = {}
    for style in ("Serif", "Sans"):
        path = "/usr/share/fonts/opentype/noto/Noto%sCJK-Regular.ttc" % style
        try:
            n = 0
            while True:
                f = TTFont(path, fontNumber=n, lazy=True)
                fam = f["name"].getDebugName(1) or ""
                if fam.endswith(" " + member):
                    cm = f.getBestCmap()
                    out[style] = {u: f.getGlyphID(g) for u, g in cm.items() if u >= 0x3400}
                    break
                n += 1
        except Exception:
            pass
    return out


def main():
    pdf = sys.argv[1]
    member = sys.argv[2] if len(sys.argv) > 2 else "SC"
    want, jp = member_cmaps(member), member_cmaps("JP")
    if not want or not jp:
        print("skip: Noto CJK collections not found")
        return 77
    trace = subprocess.run(["mutool", "draw", "-q", "-F", "trace", "-o", "-", pdf],
                           capture_output=True, text=True).stdout
    font, checked, bad = "", 0, []
    for line in trace.splitlines():
        m = re.search(r'<span .*?font="([^"]+)"', line)
        if m:
            font = m.group(1)
            continue
        m = re.search(r'<g unicode="(.)" glyph="(\d+)"', line)
        if not m or "CJK" not in font:
            continue
        u, gid = ord(m.group(1)), int(m.group(2))
        style = "Sans" if "Sans" in font else "Serif"
        w, j = want[style].get(u), jp[style].get(u)
        if w is None or w == j:
            continue  # the same glyph in both members: proves nothing
        checked += 1
        if gid != w:
            bad.append("%s U+%04X in %s: glyph %d, %s has %d" % (chr(u), u, font, gid, member, w))
    for b in bad[:10]:
        print("FAIL:", b)
    print("%d characters whose %s and JP glyphs differ checked; %d not %s" % (checked, member, len(bad), member))
    if not checked:
        print("note: no character tells the members apart")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
