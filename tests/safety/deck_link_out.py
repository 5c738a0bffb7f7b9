#!/usr/bin/env python3
"""A deck in Slide/ that is a symbolic link to a file outside the library
(a PDF, an HTML page, a .pptx of the user's), or a Slide/ that is itself a
link out, is not opened, titled nor rendered: a warning names the deck and
the booklet, its slide index and `dump` show nothing of the file. With
--allow-outside on the command line it is read (which shows the test can
see a title when there is one).

Usage: deck_link_out.py PAPERBOOK OUTDIR
"""
import os
import shutil
import subprocess
import sys


def tiny_pdf(path, title):
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 300] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        None,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Title (" + title.encode() + b") >>",
    ]
    text = b"BT /F1 24 Tf 20 150 Td (" + title.encode() + b" page) Tj ET"
    objs[3] = b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream"
    out = bytearray(b"%PDF-1.4\n")
    offs = []
    for i, o in enumerate(objs):
        offs.append(len(out))
        out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1, xref)
    with open(path, "wb") as f:
        f.write(out)


def run(pb, args, env):
    return subprocess.run([pb] + args, env=env, capture_output=True, text=True, timeout=240)


def pdftext(pdf):
    return subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True).stdout


def main():
    pb, out = sys.argv[1], os.path.abspath(sys.argv[2])
    shutil.rmtree(out, ignore_errors=True)
    lib, outside = os.path.join(out, "lib"), os.path.join(out, "outside")
    for d in ("papers", "Slide"):
        os.makedirs(os.path.join(lib, d))
    os.makedirs(os.path.join(outside, "decks"))
    with open(os.path.join(lib, "papers", "a.md"), "w") as f:
        f.write('---\ntitle: "A Paper"\nyear: 2024\ncategory: [Test]\n---\nA summary.\n')
    tiny_pdf(os.path.join(outside, "private.pdf"), "PRIVATEPDFTITLE")
    with open(os.path.join(outside, "private.html"), "w") as f:
        f.write("<html><head><title>PRIVATEHTMLTITLE</title></head><body><h1>x</h1></body></html>")
    tiny_pdf(os.path.join(lib, "Slide", "2024.06.01-own.pdf"), "OWNDECKTITLE")
    os.symlink(os.path.join(outside, "private.pdf"), os.path.join(lib, "Slide", "2024.06.07-linked.pdf"))
    os.symlink("../../outside/private.html", os.path.join(lib, "Slide", "2024.06.14-linked.html"))
    env = dict(os.environ)
    env["PAPERBOOK_BROWSER"] = "none"
    env.pop("PAPERBOOK_CACHE_DIR", None)
    fail = 0
    pdf = os.path.join(out, "book.pdf")
    r = run(pb, ["build", lib, "--appendix", "slides", "-o", pdf], env)
    text = pdftext(pdf) if os.path.exists(pdf) else ""
    d = run(pb, ["dump", lib], env)
    print(r.stderr)
    if r.returncode != 0 or "OWNDECKTITLE" not in text:
        print(f"FAIL: the build (exit {r.returncode}) lost the library's own deck")
        fail = 1
    for secret in ("PRIVATEPDFTITLE", "PRIVATEHTMLTITLE"):
        if secret in text or secret in d.stdout:
            print(f"FAIL: {secret}, from a deck linked out of the library, is in the booklet or dump")
            fail = 1
    for name in ("2024.06.07-linked.pdf", "2024.06.14-linked.html"):
        if not any(name in ln and "outside the library root" in ln and "warning" in ln
                   for ln in r.stderr.splitlines()):
            print(f"FAIL: no warning naming Slide/{name}")
            fail = 1
        if name in text:
            print(f"FAIL: {name} is listed in the slide index")
            fail = 1
    # Slide/ itself a link out of the library
    shutil.rmtree(os.path.join(lib, "Slide"))
    shutil.rmtree(os.path.join(lib, "build"), ignore_errors=True)
    shutil.copy(os.path.join(outside, "private.pdf"), os.path.join(outside, "decks", "2024.06.21-x.pdf"))
    os.symlink(os.path.join(outside, "decks"), os.path.join(lib, "Slide"))
    r = run(pb, ["build", lib, "--appendix", "slides", "-o", pdf], env)
    text = pdftext(pdf) if os.path.exists(pdf) else ""
    print(r.stderr)
    if "PRIVATEPDFTITLE" in text or "slide directory resolves to" not in r.stderr:
        print("FAIL: a Slide/ linked out of the library was read, or no warning said so")
        fail = 1
    # the command line may allow it
    r = run(pb, ["build", lib, "--appendix", "slides", "--allow-outside", "-o", pdf], env)
    text = pdftext(pdf) if os.path.exists(pdf) else ""
    if "PRIVATEPDFTITLE" not in text:
        print("FAIL: --allow-outside did not read the deck (can this test see a title?)")
        fail = 1
    if not fail:
        print("decks linked out of the library are not read; --allow-outside reads them")
    return fail


if __name__ == "__main__":
    sys.exit(main())
