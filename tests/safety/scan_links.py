#!/usr/bin/env python3
"""Scans every PDF under the given directories (the PDFs the test suite
built) for link actions the link policy (src/links.h) forbids: a URI
action whose scheme is not http, https or mailto; any Launch, JavaScript,
SubmitForm or ImportData action; a GoToR whose file is not a relative
.pdf path inside the tree. Uses qpdf --qdf (uncompressed objects).

usage: scan_links.py DIR [DIR ...]     exit 0 clean, 1 findings, 77 no PDFs
"""
import os
import re
import subprocess
import sys
import urllib.parse

ALLOWED = ("http", "https", "mailto")
FORBIDDEN_ACTIONS = ("Launch", "JavaScript", "SubmitForm", "ImportData", "Rendition", "Sound",
                     "Movie", "ResetForm")


def pdf_string(s):
    """A PDF literal string's bytes without the escapes."""
    out, i = bytearray(), 0
    b = s.encode("latin-1")
    while i < len(b):
        c = b[i]
        if c == 0x5C and i + 1 < len(b):
            n = b[i + 1]
            m = re.match(rb"[0-7]{1,3}", b[i + 1:i + 4])
            if m:
                out.append(int(m.group(0), 8) & 255)
                i += 1 + len(m.group(0))
                continue
            out.append({ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8,
                        ord("f"): 12}.get(n, n))
            i += 2
            continue
        out.append(c)
        i += 1
    return bytes(out)


def value(raw):
    """A URI or file name as a viewer would read it: hex or literal
    string, percent-decoded, control characters and spaces removed."""
    m = re.match(r"\s*<([0-9A-Fa-f\s]*)>", raw)
    if m:
        b = bytes.fromhex(re.sub(r"\s", "", m.group(1)))
        if b.startswith(b"\xfe\xff"):
            b = b[2:].decode("utf-16-be", errors="replace").encode()
    else:
        m = re.match(r"\s*\(((?:\\.|[^\\)])*)\)", raw, re.S)
        b = pdf_string(m.group(1)) if m else raw.encode("latin-1")
    s = urllib.parse.unquote(b.decode("latin-1"))
    return re.sub(r"[\x00-\x20\x7f]", "", s)


def scan(pdf):
    try:
        r = subprocess.run(["qpdf", "--qdf", "--stream-data=preserve", "--object-streams=disable", pdf, "-"],
                           capture_output=True, timeout=120)
    except subprocess.TimeoutExpired:
        return ["qpdf timed out"]
    if not r.stdout:
        return []  # not a PDF qpdf can read (a deliberately broken one): nothing linked
    q = r.stdout.decode("latin-1")
    bad = []
    for m in re.finditer(r"/URI\s*((?:<[^>]*>)|(?:\((?:\\.|[^\\)])*\)))", q, re.S):
        u = value(m.group(1))
        scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", u)
        if not scheme or scheme.group(1).lower() not in ALLOWED:
            bad.append("URI %r" % u[:80])
    for a in FORBIDDEN_ACTIONS:
        if re.search(r"/S\s*/%s\b" % a, q) or (a == "JavaScript" and "/JS" in q.split("stream")[0]):
            bad.append("%s action" % a)
    for m in re.finditer(r"/S\s*/GoToR", q):
        obj = q[q.rfind(" obj", 0, m.start()):q.find("endobj", m.start())]
        f = re.search(r"/F\s*((?:<[0-9A-Fa-f\s]*>)|(?:\((?:\\.|[^\\)])*\)))", obj, re.S)
        name = value(f.group(1)) if f else ""
        parts = name.split("/")
        while parts and parts[0] in ("..", "."):
            parts.pop(0)
        if (not name.lower().endswith(".pdf") or name.startswith("/") or "\\" in name
                or ".." in parts or re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", name)):
            bad.append("GoToR to %r" % name[:80])
    return bad


def main():
    pdfs = []
    for d in sys.argv[1:]:
        for base, dirs, files in os.walk(d):
            pdfs += [os.path.join(base, f) for f in files if f.lower().endswith(".pdf")]
    if not pdfs:
        print("no PDFs under %s; nothing to scan" % " ".join(sys.argv[1:]))
        return 77
    findings = 0
    uris = 0
    for p in sorted(pdfs):
        bad = scan(p)
        for b in bad:
            print("%s: %s" % (p, b))
        findings += len(bad)
    print("%d PDFs scanned, %d forbidden link(s)" % (len(pdfs), findings))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
