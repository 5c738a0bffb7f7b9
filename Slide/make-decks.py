#!/usr/bin/env python3
"""Regenerates the sample library's slide decks (Slide/).

Written for the paperbook sample library; the build never runs this.

    python3 Slide/make-decks.py

Standard library only, except that the .pptx thumbnail (a JPEG) is drawn
with ImageMagick's `convert`, as the figures in Images/ are.  The file names
are deliberately the messy ones people write (date formats, separators,
Chinese names, brackets), because paperbook's slide index has to read date,
presenter and topic from them:

    2024.10.18-CLIP-王晓明.pdf                  date-topic-presenter
    2024.11.1 李华-扫盲贴.pdf                   unpadded date, space, presenter-topic
    [Visual-Prompt-Tuning]-张伟-20241206.pptx   [topic]-presenter-yyyymmdd
    20241220_多模态对齐.html                    yyyymmdd_topic, no presenter
    组会分享模板.pdf                            no date, no presenter (no card uses it)

The PDFs are written directly (one page per slide, Helvetica text, a few
coloured bars); ImageMagick's PDF writer is disabled by the usual Debian
security policy, and a hand-written PDF keeps the text extractable.  Every
output is byte-for-byte reproducible: no timestamps other than fixed ones.
"""

import os
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------- PDF ----

PAGE_W, PAGE_H = 800, 600  # points, 4:3 like a projector slide


def _pdf_string(text):
    """A PDF literal string for WinAnsi text (ASCII here)."""
    text.encode("ascii")  # the decks' text is ASCII on purpose
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def _page_content(slide, number, total, footer):
    """Content stream for one slide: dict(title=..., lines=[...])."""
    ops = []
    # title bar and footer rule
    ops.append("0.16 0.33 0.60 rg 0 520 800 80 re f")
    ops.append("0.85 0.88 0.93 rg 40 48 720 2 re f")
    ops.append("BT /F2 34 Tf 1 1 1 rg 40 548 Td %s Tj ET" % _pdf_string(slide["title"]))
    y = 460
    for line in slide.get("lines", []):
        size = 22
        x = 60
        if line.startswith("- "):
            ops.append("0.16 0.33 0.60 rg %d %d 8 8 re f" % (x, y + 5))
            line = line[2:]
            x += 22
        elif line.startswith("  "):
            size, x = 18, 100
            line = line.strip()
        ops.append("BT /F1 %d Tf 0.12 0.12 0.12 rg %d %d Td %s Tj ET"
                   % (size, x, y, _pdf_string(line)))
        y -= 44 if size == 22 else 34
    for i, (label, frac, rgb) in enumerate(slide.get("bars", [])):
        by = 150 - i * 40
        ops.append("%s rg 260 %d %d 24 re f" % (rgb, by, int(440 * frac)))
        ops.append("BT /F1 16 Tf 0.2 0.2 0.2 rg 60 %d Td %s Tj ET" % (by + 6, _pdf_string(label)))
    ops.append("BT /F1 12 Tf 0.4 0.4 0.4 rg 40 24 Td %s Tj ET" % _pdf_string(footer))
    ops.append("BT /F1 12 Tf 0.4 0.4 0.4 rg 720 24 Td %s Tj ET"
               % _pdf_string("%d / %d" % (number, total)))
    return "\n".join(ops).encode("ascii")


def write_pdf(path, title, author, date, slides, footer):
    """A small, valid PDF 1.4 with one page per slide."""
    objects = []  # index i holds object number i + 1

    def add(body):
        objects.append(body)
        return len(objects)

    catalog = add(None)
    pages = add(None)
    font1 = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    font2 = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
    kids = []
    for n, slide in enumerate(slides, 1):
        stream = _page_content(slide, n, len(slides), footer)
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(add((
            "<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] "
            "/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> /Contents %d 0 R >>"
            % (pages, PAGE_W, PAGE_H, font1, font2, content)).encode("ascii")))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages
    objects[pages - 1] = ("<< /Type /Pages /Kids [%s] /Count %d >>"
                          % (" ".join("%d 0 R" % k for k in kids), len(kids))).encode("ascii")

    def utf16(text):  # document info strings may be Chinese
        return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"

    pdfdate = b"(D:" + date.replace("-", "").encode("ascii") + b"090000Z)"
    info = add(b"<< /Title " + utf16(title) + b" /Author " + utf16(author)
               + b" /Creator (paperbook Slide/make-decks.py) /CreationDate " + pdfdate + b" >>")

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for num, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += (b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, catalog, info, xref))
    with open(path, "wb") as f:
        f.write(out)


# --------------------------------------------------------------- PPTX ----

NS_P = "http://schemas.openxmlformats.org/presentationml/2006/main"
NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
SLIDE_CX, SLIDE_CY = 9144000, 6858000  # 4:3, in EMU


def _esc(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _rels(items):
    body = "".join('<Relationship Id="%s" Type="%s" Target="%s"/>' % it for it in items)
    return XML_DECL + '<Relationships xmlns="%s">%s</Relationships>' % (PKG_REL, body)


def _sp(shape_id, name, x, y, cx, cy, paragraphs, size):
    paras = "".join(
        '<a:p><a:r><a:rPr lang="%s" sz="%d" dirty="0"/><a:t>%s</a:t></a:r></a:p>'
        % ("zh-CN" if any(ord(c) > 0x2e80 for c in p) else "en-US", size, _esc(p))
        for p in paragraphs)
    return (
        '<p:sp><p:nvSpPr><p:cNvPr id="%d" name="%s"/><p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr>'
        '<p:spPr><a:xfrm><a:off x="%d" y="%d"/><a:ext cx="%d" cy="%d"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/></p:spPr>'
        '<p:txBody><a:bodyPr wrap="square"><a:normAutofit/></a:bodyPr><a:lstStyle/>%s</p:txBody></p:sp>'
        % (shape_id, name, x, y, cx, cy, paras))


def _tree(shapes):
    return (
        '<p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>'
        '<p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/>'
        '<a:chOff x="0" y="0"/><a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr>%s</p:spTree></p:cSld>'
        % "".join(shapes))


def _slide_xml(title, lines):
    shapes = [_sp(2, "Title 1", 457200, 457200, 8229600, 1143000, [title], 3600)]
    if lines:
        shapes.append(_sp(3, "Content 2", 457200, 1828800, 8229600, 4572000, lines, 2400))
    return (XML_DECL + '<p:sld xmlns:a="%s" xmlns:r="%s" xmlns:p="%s">%s'
            '<p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>'
            % (NS_A, NS_R, NS_P, _tree(shapes)))


THEME = (XML_DECL +
    '<a:theme xmlns:a="%s" name="Plain"><a:themeElements>'
    '<a:clrScheme name="Plain">'
    '<a:dk1><a:srgbClr val="000000"/></a:dk1><a:lt1><a:srgbClr val="FFFFFF"/></a:lt1>'
    '<a:dk2><a:srgbClr val="1F3864"/></a:dk2><a:lt2><a:srgbClr val="E7E6E6"/></a:lt2>'
    '<a:accent1><a:srgbClr val="2A5599"/></a:accent1><a:accent2><a:srgbClr val="ED7D31"/></a:accent2>'
    '<a:accent3><a:srgbClr val="A5A5A5"/></a:accent3><a:accent4><a:srgbClr val="FFC000"/></a:accent4>'
    '<a:accent5><a:srgbClr val="5B9BD5"/></a:accent5><a:accent6><a:srgbClr val="70AD47"/></a:accent6>'
    '<a:hlink><a:srgbClr val="0563C1"/></a:hlink><a:folHlink><a:srgbClr val="954F72"/></a:folHlink>'
    '</a:clrScheme>'
    '<a:fontScheme name="Plain">'
    '<a:majorFont><a:latin typeface="Calibri"/><a:ea typeface=""/><a:cs typeface=""/></a:majorFont>'
    '<a:minorFont><a:latin typeface="Calibri"/><a:ea typeface=""/><a:cs typeface=""/></a:minorFont>'
    '</a:fontScheme>'
    '<a:fmtScheme name="Plain">'
    '<a:fillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
    '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:fillStyleLst>'
    '<a:lnStyleLst><a:ln w="6350"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln>'
    '<a:ln w="12700"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln>'
    '<a:ln w="19050"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln></a:lnStyleLst>'
    '<a:effectStyleLst><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle>'
    '<a:effectStyle><a:effectLst/></a:effectStyle></a:effectStyleLst>'
    '<a:bgFillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
    '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:bgFillStyleLst>'
    '</a:fmtScheme></a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/></a:theme>' % NS_A)

MASTER = (XML_DECL +
    '<p:sldMaster xmlns:a="%s" xmlns:r="%s" xmlns:p="%s">%s'
    '<p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" accent2="accent2" '
    'accent3="accent3" accent4="accent4" accent5="accent5" accent6="accent6" hlink="hlink" folHlink="folHlink"/>'
    '<p:sldLayoutIdLst><p:sldLayoutId id="2147483649" r:id="rId1"/></p:sldLayoutIdLst>'
    '</p:sldMaster>' % (NS_A, NS_R, NS_P, _tree([])))

LAYOUT = (XML_DECL +
    '<p:sldLayout xmlns:a="%s" xmlns:r="%s" xmlns:p="%s" type="blank" preserve="1">%s'
    '<p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>'
    % (NS_A, NS_R, NS_P, _tree([])))


def _thumbnail_jpeg(title, subtitle):
    """First-slide thumbnail, 256x192, drawn with ImageMagick."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "thumb.jpg")
        subprocess.run([
            "convert", "-size", "256x192", "xc:white",
            "-fill", "#2a5599", "-draw", "rectangle 0,0 256,52",
            "-font", "DejaVu-Sans-Bold", "-pointsize", "17", "-fill", "white",
            "-gravity", "NorthWest", "-annotate", "+12+16", title,
            "-font", "DejaVu-Sans", "-pointsize", "12", "-fill", "#222222",
            "-annotate", "+12+70", subtitle,
            "-fill", "#dfe7f3", "-draw", "rectangle 12,120 244,176",
            "-strip", "-quality", "80", "JPEG:" + out], check=True)
        with open(out, "rb") as f:
            return f.read()


def write_pptx(path, title, author, date, slides, thumb):
    """A minimal but complete .pptx: master, layout, theme, N slides, thumbnail."""
    n = len(slides)
    ct = [
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
        '<Default Extension="xml" ContentType="application/xml"/>',
        '<Default Extension="jpeg" ContentType="image/jpeg"/>',
        '<Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/>',
        '<Override PartName="/ppt/slideMasters/slideMaster1.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slideMaster+xml"/>',
        '<Override PartName="/ppt/slideLayouts/slideLayout1.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slideLayout+xml"/>',
        '<Override PartName="/ppt/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/>',
    ]
    ct += ['<Override PartName="/ppt/slides/slide%d.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slide+xml"/>' % i
           for i in range(1, n + 1)]
    ct += ['<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>',
           '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>']
    files = [("[Content_Types].xml", XML_DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">%s</Types>' % "".join(ct))]
    files.append(("_rels/.rels", _rels([
        ("rId1", REL + "/officeDocument", "ppt/presentation.xml"),
        ("rId2", PKG_REL + "/metadata/core-properties", "docProps/core.xml"),
        ("rId3", REL + "/extended-properties", "docProps/app.xml"),
        ("rId4", PKG_REL + "/metadata/thumbnail", "docProps/thumbnail.jpeg")])))
    sld_ids = "".join('<p:sldId id="%d" r:id="rId%d"/>' % (255 + i, i + 1) for i in range(1, n + 1))
    files.append(("ppt/presentation.xml", XML_DECL +
        '<p:presentation xmlns:a="%s" xmlns:r="%s" xmlns:p="%s" saveSubsetFonts="1">'
        '<p:sldMasterIdLst><p:sldMasterId id="2147483648" r:id="rId1"/></p:sldMasterIdLst>'
        '<p:sldIdLst>%s</p:sldIdLst>'
        '<p:sldSz cx="%d" cy="%d" type="screen4x3"/><p:notesSz cx="6858000" cy="9144000"/>'
        '</p:presentation>' % (NS_A, NS_R, NS_P, sld_ids, SLIDE_CX, SLIDE_CY)))
    prels = [("rId1", REL + "/slideMaster", "slideMasters/slideMaster1.xml")]
    prels += [("rId%d" % (i + 1), REL + "/slide", "slides/slide%d.xml" % i) for i in range(1, n + 1)]
    prels += [("rId%d" % (n + 2), REL + "/theme", "theme/theme1.xml")]
    files.append(("ppt/_rels/presentation.xml.rels", _rels(prels)))
    files.append(("ppt/slideMasters/slideMaster1.xml", MASTER))
    files.append(("ppt/slideMasters/_rels/slideMaster1.xml.rels", _rels([
        ("rId1", REL + "/slideLayout", "../slideLayouts/slideLayout1.xml"),
        ("rId2", REL + "/theme", "../theme/theme1.xml")])))
    files.append(("ppt/slideLayouts/slideLayout1.xml", LAYOUT))
    files.append(("ppt/slideLayouts/_rels/slideLayout1.xml.rels", _rels([
        ("rId1", REL + "/slideMaster", "../slideMasters/slideMaster1.xml")])))
    files.append(("ppt/theme/theme1.xml", THEME))
    for i, s in enumerate(slides, 1):
        files.append(("ppt/slides/slide%d.xml" % i, _slide_xml(s["title"], s.get("lines", []))))
        files.append(("ppt/slides/_rels/slide%d.xml.rels" % i, _rels([
            ("rId1", REL + "/slideLayout", "../slideLayouts/slideLayout1.xml")])))
    stamp = date + "T09:00:00Z"
    files.append(("docProps/core.xml", XML_DECL +
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        '<dc:title>%s</dc:title><dc:creator>%s</dc:creator><cp:lastModifiedBy>%s</cp:lastModifiedBy>'
        '<dcterms:created xsi:type="dcterms:W3CDTF">%s</dcterms:created>'
        '<dcterms:modified xsi:type="dcterms:W3CDTF">%s</dcterms:modified></cp:coreProperties>'
        % (_esc(title), _esc(author), _esc(author), stamp, stamp)))
    files.append(("docProps/app.xml", XML_DECL +
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        '<Application>Microsoft Office PowerPoint</Application><PresentationFormat>On-screen Show (4:3)</PresentationFormat>'
        '<Slides>%d</Slides><Notes>0</Notes><HiddenSlides>0</HiddenSlides></Properties>' % n))
    files.append(("docProps/thumbnail.jpeg", thumb))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=(2024, 12, 6, 9, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data.encode("utf-8") if isinstance(data, str) else data)


# --------------------------------------------------------------- HTML ----

HTML_DECK = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>多模态对齐 · 组会分享 2024-12-20</title>
<meta name="author" content="赵敏">
<meta name="date" content="2024-12-20">
<style>
  body { margin: 0; font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif; background: #eee; }
  section { width: 800px; height: 600px; margin: 24px auto; padding: 48px; box-sizing: border-box;
            background: white; box-shadow: 0 2px 8px #aaa; }
  h1, h2 { color: #2a5599; }
  .small { color: #666; font-size: 14px; }
</style>
</head>
<body>
<section>
  <h1>多模态对齐：从 CLIP 到 BLIP-2</h1>
  <p>组会分享 · 2024-12-20 · 赵敏</p>
  <p class="small">paperbook sample library — a deck written as one HTML page</p>
</section>
<section>
  <h2>为什么要"对齐"</h2>
  <ul>
    <li>图像特征和文本特征来自不同的编码器，不在同一个空间里</li>
    <li>CLIP：对比学习，把匹配的 image–text pair 拉近</li>
    <li>BLIP-2：冻结两端，只训练中间的 Q-Former 做桥接</li>
  </ul>
</section>
<section>
  <h2>Q-Former 的两阶段训练</h2>
  <ol>
    <li>Stage 1：ITC + ITM + ITG，学会抽取和文本相关的视觉信息</li>
    <li>Stage 2：query 输出经投影后作为 soft prompt 输入冻结的 LLM</li>
  </ol>
</section>
<section>
  <h2>讨论</h2>
  <p>对齐之后还缺什么？下次接着讲 LLaVA 的 visual instruction tuning。</p>
</section>
</body>
</html>
"""


# --------------------------------------------------------------- decks ----

def main():
    os.chdir(HERE)
    made = []

    name = "2024.10.18-CLIP-王晓明.pdf"
    write_pdf(name, "CLIP 论文分享", "王晓明", "2024-10-18", [
        {"title": "CLIP", "lines": [
            "Learning Transferable Visual Models",
            "From Natural Language Supervision (ICML 2021)",
            "", "Reading group, 2024-10-18", "Presenter: Wang Xiaoming"]},
        {"title": "Contrastive pre-training", "lines": [
            "- 400M image-text pairs from the web",
            "- image encoder + text encoder, shared space",
            "- symmetric cross-entropy over an N x N matrix"]},
        {"title": "Zero-shot classification", "lines": [
            "- prompt: \"a photo of a {label}\"",
            "- pick the closest text embedding",
            "  no ImageNet labels used for training"]},
        {"title": "Discussion", "lines": [
            "- prompt wording changes accuracy a lot",
            "- follow-ups: CoOp, CoCoOp (learned prompts)",
            "- next time: aligning with LLMs (BLIP-2)"]},
    ], "2024.10.18  CLIP")
    made.append(name)

    name = "2024.11.1 李华-扫盲贴.pdf"
    write_pdf(name, "扫盲贴：参数高效微调", "李华", "2024-11-01", [
        {"title": "PETL crash course", "lines": [
            "Parameter-efficient transfer learning",
            "", "Reading group, 2024-11-01", "Presenter: Li Hua"]},
        {"title": "Four families", "lines": [
            "- Adapter: small bottleneck modules",
            "- Prompt / Prefix: learnable tokens",
            "- LoRA: low-rank weight update",
            "- Side network: ladder side-tuning"]},
        {"title": "Which one to pick?", "lines": [
            "- tight GPU memory: LST or LoRA",
            "- many tasks, one model: prompts",
            "- no extra latency: merge LoRA weights"]},
    ], "2024.11.1  PETL")
    made.append(name)

    name = "组会分享模板.pdf"
    write_pdf(name, "组会分享模板", "Example Reading Group", "2024-09-01", [
        {"title": "Paper title (Venue Year)", "lines": [
            "Presenter / date", "", "Links: paper, code, blog"]},
        {"title": "Motivation", "lines": ["- what problem, why now"]},
        {"title": "Method", "lines": ["- one framework figure", "- the key idea in one sentence"]},
        {"title": "Time plan (20 min)", "bars": [
            ("Motivation", 0.15, "0.16 0.33 0.60"),
            ("Method", 0.45, "0.35 0.61 0.84"),
            ("Results", 0.25, "0.44 0.68 0.28"),
            ("Discussion", 0.15, "0.93 0.49 0.19")],
         "lines": ["- what would we try next?"]},
    ], "template")
    made.append(name)

    name = "[Visual-Prompt-Tuning]-张伟-20241206.pptx"
    write_pptx(name, "Visual Prompt Tuning", "张伟", "2024-12-06", [
        {"title": "Visual Prompt Tuning (ECCV 2022)", "lines": ["组会分享 · 2024-12-06 · 张伟"]},
        {"title": "Method: VPT-Shallow vs VPT-Deep", "lines": [
            "learnable prompt tokens + frozen ViT backbone",
            "Deep: new prompts at every layer"]},
        {"title": "Results and discussion", "lines": [
            "< 1% parameters tuned, beats full fine-tuning on most tasks",
            "prompt length has to be tuned per dataset"]},
    ], _thumbnail_jpeg("Visual Prompt Tuning", "ECCV 2022 - 2024-12-06"))
    made.append(name)

    name = "20241220_多模态对齐.html"
    with open(name, "w", encoding="utf-8") as f:
        f.write(HTML_DECK)
    made.append(name)

    for name in made:
        print("  %-45s %6d bytes" % (name, os.path.getsize(name)))


if __name__ == "__main__":
    sys.exit(main())
