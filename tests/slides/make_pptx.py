#!/usr/bin/env python3
"""Builds the small slide library the slides-pptx test scans.

usage: make_pptx.py ROOT THUMB.jpeg

ROOT/Slide/ gets a 3-slide deck with a thumbnail, a deck whose slide count
is only in docProps/app.xml and whose thumbnail is over the 5 MB limit, a
truncated (corrupt) deck, an HTML and a PDF "deck", a dotfile and a
subdirectory (both to be skipped)."""
import os
import sys
import zipfile

root, thumb = sys.argv[1], sys.argv[2]
slide_dir = os.path.join(root, "Slide")
os.makedirs(os.path.join(slide_dir, "sub"), exist_ok=True)

CT = ('<?xml version="1.0" encoding="UTF-8"?>'
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="xml" ContentType="application/xml"/>'
      '<Default Extension="jpeg" ContentType="image/jpeg"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/package/2006/'
        'relationships/metadata/thumbnail" Target="docProps/thumbnail.jpeg"/></Relationships>')


def app_xml(n):
    return ('<?xml version="1.0" encoding="UTF-8"?><Properties '
            'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            '<Application>Microsoft Office PowerPoint</Application>'
            '<Slides>%d</Slides></Properties>' % n)


TITLES = {1: ("ctrTitle", ["Visual Prompt Tuning"]),
          2: ("title", ["Method &amp; &lt;results&gt;", "方法"])}


def slide_xml(i):
    shapes = ""
    if i in TITLES:
        kind, paras = TITLES[i]
        shapes = ('<p:sp><p:nvSpPr><p:cNvPr id="2" name="Title"/><p:nvPr><p:ph type="%s"/>'
                  '</p:nvPr></p:nvSpPr><p:txBody>%s</p:txBody></p:sp>'
                  % (kind, "".join("<a:p><a:r><a:t>%s</a:t></a:r></a:p>" % p for p in paras)))
    return ('<?xml version="1.0" encoding="UTF-8"?><p:sld xmlns:p="http://schemas.openxmlformats.org/'
            'presentationml/2006/main" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/'
            'main"><!-- slide %d --><p:cSld><p:spTree>%s</p:spTree></p:cSld></p:sld>' % (i, shapes))


def write_deck(path, nslides, app_slides, thumb_bytes):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("_rels/.rels", RELS)
        z.writestr("docProps/app.xml", app_xml(app_slides))
        z.writestr("ppt/presentation.xml", "<p:presentation/>")
        for i in range(1, nslides + 1):
            z.writestr("ppt/slides/slide%d.xml" % i, slide_xml(i))
            # relationship parts are not slides and must not be counted
            z.writestr("ppt/slides/_rels/slide%d.xml.rels" % i, "<Relationships/>")
        if thumb_bytes is not None:
            z.writestr("docProps/thumbnail.jpeg", thumb_bytes)


with open(thumb, "rb") as f:
    jpeg = f.read()

good = os.path.join(slide_dir, "[Visual-Prompt-Tuning]-张伟-20241206.pptx")
write_deck(good, 3, 3, jpeg)

# Slide count only in app.xml; a thumbnail over the limit (it compresses to
# almost nothing, so only the declared size can catch it).
big = jpeg[:3] + bytes(6 * 1024 * 1024)
write_deck(os.path.join(slide_dir, "2024-10-18_CLIP_王晓明.pptx"), 0, 7, big)

# A deck cut short in the middle: no central directory.
with open(good, "rb") as f:
    data = f.read()
with open(os.path.join(slide_dir, "2024.11.1 李华-扫盲贴.pptx"), "wb") as f:
    f.write(data[: len(data) // 2])

with open(os.path.join(slide_dir, "20240531_多模态对齐.html"), "w") as f:
    f.write("<html><body>slides</body></html>\n")
with open(os.path.join(slide_dir, "组会分享模板.pdf"), "wb") as f:
    f.write(b"%PDF-1.4\n%%EOF\n")
with open(os.path.join(slide_dir, ".DS_Store"), "wb") as f:
    f.write(b"\0\0\0\1Bud1")
