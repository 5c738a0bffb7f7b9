#!/usr/bin/env python3
"""The slide index of the sample library, read back from the PDF: every PDF
deck with its page count and a rendered picture on the index pages
(pdfimages -list), entries aligned whether or not they have a picture, and
deck links that open: GoToR to local PDF decks, never a Launch action for
them, and with a repository URL set each deck linked to its page there.

usage: slide_index.py PAPERBOOK SAMPLE_ROOT OUT_DIR"""
import os
import re
import shutil
import subprocess
import sys

fails = 0
REMOTE = "https://docs.google.com/presentation/d/1TboboQMHXjPTiplZEZXLOhjKiql68sTc/edit"


def fail(msg):
    global fails
    print("FAIL: " + msg)
    fails += 1


def run(*args, **kw):
    r = subprocess.run(list(args), capture_output=True, text=True, **kw)
    if r.returncode != 0:
        print(r.stdout + r.stderr)
        raise SystemExit("command failed: %s" % " ".join(args))
    return r


def index_pages(pdf):
    """(first page of the slide index, number of pages, text by page)."""
    text = run("pdftotext", "-layout", pdf, "-").stdout
    pages = text.split("\f")
    for i, p in enumerate(pages):
        if re.search(r"^\s*Appendix: slide decks\s*$", p, re.M) and "Contents" not in p:
            return i + 1, len(pages), pages
    raise SystemExit("FAIL: no slide index in %s" % pdf)


def qdf(pdf, out):
    run("qpdf", "--qdf", "--object-streams=disable", pdf, out)
    with open(out, "rb") as f:
        return f.read().decode("latin-1")


def build(pb, lib, out, cache):
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    run(pb, "build", "-q", lib, "--appendix", "slides", "--cache-dir", cache, "-o", out, env=env)


def check_sample(pb, root, out):
    pdf = os.path.join(out, "slide-index.pdf")
    build(pb, root, pdf, os.path.join(out, "slide-index-cache"))
    first, npages, pages = index_pages(pdf)
    text = "\n".join(pages[first - 1:])
    # the index may run on below the appendix before it: read from its head
    text = text[re.search(r"^\s*Appendix: slide decks\s*$", text, re.M).start():]
    decks = sorted(f for f in os.listdir(os.path.join(root, "Slide"))
                   if not f.startswith(".") and not f.endswith(".py"))
    pdf_decks = [d for d in decks if d.endswith(".pdf")]
    if not pdf_decks:
        fail("the sample has no PDF deck")
    for d in pdf_decks:
        n = run("pdfinfo", os.path.join(root, "Slide", d)).stdout
        pages_n = int(re.search(r"^Pages:\s+(\d+)", n, re.M).group(1))
        want = "%d page%s" % (pages_n, "" if pages_n == 1 else "s")
        entry = text[text.find(d):text.find(d) + 400] if d in text else ""
        if not entry:
            fail("%s not in the slide index" % d)
        elif want not in entry:
            fail("%s: %r not shown" % (d, want))
    # Pictures: one image per deck with a thumbnail; the PDF decks' are PNG
    # renders (pdfimages says "image", not "jpeg", for them).
    rows = run("pdfimages", "-list", "-f", str(first), pdf).stdout.splitlines()[2:]
    kinds = [r.split()[2] for r in rows if r.split()]
    encs = [r.split()[8] for r in rows if r.split()]
    print("slide index pages %d-%d: %d images (%s)" % (first, npages, len(kinds), " ".join(encs)))
    if kinds.count("image") < len(decks) - 1:  # the HTML one needs a browser
        fail("%d images on the slide index pages for %d decks" % (kinds.count("image"), len(decks)))
    if encs.count("image") < len(pdf_decks):
        fail("%d rendered (flate) images, want one per PDF deck (%d)" %
             (encs.count("image"), len(pdf_decks)))
    # Alignment: every entry's name starts at the same x (pdftotext -bbox).
    xs = name_positions(pdf, first, decks)
    if len(set(xs.values())) > 1:
        fail("deck names at different x: %s" % xs)
    if "Unmatched:" in text:
        fail("the 'Unmatched:' heading is back")
    body = qdf(pdf, os.path.join(out, "slide-index.qdf"))
    gotor = len(re.findall(r"/S /GoToR", body))
    launch_pdf = re.findall(r"/S /Launch[^>]*?\.pdf", body, re.S)
    print("GoToR actions: %d, Launch actions to PDFs: %d" % (gotor, len(launch_pdf)))
    if gotor < len(pdf_decks):
        fail("%d GoToR actions for %d PDF decks" % (gotor, len(pdf_decks)))
    for d in pdf_decks:
        if ("/Launch" in body) and re.search(r"/S /Launch\s+/F <<[^>]*%s" % re.escape(d), body):
            fail("%s linked with a Launch action" % d)


def name_positions(pdf, first, decks):
    xml = run("pdftotext", "-bbox", "-f", str(first), pdf, "-").stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>',
                       xml)
    xs = {}
    for d in decks:
        head = d.split(" ")[0]
        for x, w in words:
            if w == head or (w and head.startswith(w) and len(w) > 6):
                xs[d] = round(float(x))
                break
    return xs


def check_repo_links(pb, root, out):
    """With repo_url set, decks link to their page in the repository; a PDF
    deck keeps a GoToR link to the local copy."""
    lib = os.path.join(out, "slide-index-lib")
    shutil.rmtree(lib, ignore_errors=True)
    shutil.copytree(os.path.join(root, "papers"), os.path.join(lib, "papers"))
    shutil.copytree(os.path.join(root, "Slide"), os.path.join(lib, "Slide"))
    with open(os.path.join(lib, "paperbook.yml"), "w") as f:
        f.write("title: decks\nrepo_url: https://github.com/example/decks\n")
    # A card whose deck is on Google Slides: a remote deck with a QR code.
    with open(os.path.join(lib, "papers", "remote-deck.md"), "w") as f:
        f.write('---\ntitle: "A remote talk"\npresenter: 周婷\ndate: 2024-11-29\n'
                "links:\n  slide: %s\n---\nText.\n" % REMOTE)
    pdf = os.path.join(out, "slide-index-repo.pdf")
    build(pb, lib, pdf, os.path.join(out, "slide-index-cache"))
    body = qdf(pdf, os.path.join(out, "slide-index-repo.qdf"))
    uris = re.findall(r"/URI \((https://github\.com/example/decks/blob/HEAD/Slide/[^)]*)\)", body)
    decks = [f for f in os.listdir(os.path.join(lib, "Slide")) if not f.endswith(".py")]
    print("repository links: %d for %d decks" % (len(uris), len(decks)))
    if len(uris) < len(decks):
        fail("%d deck links into the repository, want %d" % (len(uris), len(decks)))
    if not re.search(r"/S /GoToR", body):
        fail("no GoToR link to a local PDF deck beside the repository links")
    # The remote deck: listed, linked, and its QR code reads back.
    first, npages, pages = index_pages(pdf)
    if REMOTE not in body:
        fail("the remote deck is not linked")
    png = os.path.join(out, "slide-index-qr")
    run("pdftoppm", "-r", "150", "-png", "-f", str(first), "-l", str(npages), pdf, png)
    found = False
    for f in sorted(os.listdir(out)):
        if f.startswith("slide-index-qr") and f.endswith(".png"):
            r = subprocess.run(["zbarimg", "-q", "--raw", os.path.join(out, f)], capture_output=True,
                               text=True)
            found = found or REMOTE in r.stdout
    print("remote deck QR code read back: %s" % found)
    if not found:
        fail("no QR code of %s on the slide index pages" % REMOTE)


def main():
    pb, root, out = sys.argv[1:4]
    os.makedirs(out, exist_ok=True)
    check_sample(pb, root, out)
    check_repo_links(pb, root, out)
    print("slide index: %s" % ("ok" if not fails else "%d failures" % fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
