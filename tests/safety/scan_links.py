#!/usr/bin/env python3
"""Scans every PDF under the given directories (the PDFs the test suite
built) for link actions the link policy (src/model/links.h) forbids: a URI
action whose scheme is not http, https or mailto; any Launch, JavaScript,
SubmitForm or ImportData action; a GoToR whose file is not a relative
.pdf path inside the tree. Uses qpdf --qdf (uncompressed objects).

The other outputs pass the same policy (issue 20): in .tex files every
\\href target is http, https, mailto or a relative .pdf; in .bib files every
url field is http or https, and every \\url and \\href target http, https or
mailto; in CSL-JSON and plan dumps (.json) every "URL"
and "uri" is http, https or mailto; in .eml files every href is http, https
or mailto and every src a cid:; and no .txt file nor a message's plain
text holds a javascript:, vbscript:, file:, data: or smb: link.

usage: scan_links.py DIR [DIR ...]     exit 0 clean, 1 findings, 77 no PDFs
"""
import email
import email.policy
import json
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


DANGEROUS = re.compile(r"(?<![A-Za-z0-9+.-])(javascript|vbscript|file|data|smb|jar|view-source)"
                       r"\s*:", re.I)


def bad_uri(u, allowed=ALLOWED, relative_pdf=False):
    """Why the target u breaks the policy, or None."""
    v = re.sub(r"[\x00-\x20\x7f]", "", urllib.parse.unquote(u))
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", v)
    if scheme and scheme.group(1).lower() == "mailto" and re.search(r"[?&]attach", v, re.I):
        return "mailto with attach %r" % u[:80]
    if scheme:
        return None if scheme.group(1).lower() in allowed else "link %r" % u[:80]
    if relative_pdf and v.lower().endswith(".pdf") and not v.startswith(("/", "\\")) and \
            "\\" not in v:
        return None
    return "link %r" % u[:80]


def tex_targets(text):
    """The first arguments of \\href, with hyperref's \\# and \\% undone."""
    out, i = [], 0
    while True:
        i = text.find("\\href{", i)
        if i < 0:
            return out
        j, depth = i + 6, 0
        while j < len(text):
            c = text[j]
            if c == "\\":
                j += 2
                continue
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        out.append(re.sub(r"\\([#%&_{}~])", r"\1", text[i + 6:j]))
        i = j


def scan_text_output(path):
    with open(path, "rb") as f:
        data = f.read()
    text = data.decode("utf-8", "replace")
    bad = []
    if path.endswith(".tex"):
        bad = [b for b in (bad_uri(t, relative_pdf=True) for t in tex_targets(text)) if b]
    elif path.endswith(".bib"):
        for u in re.findall(r"^\s*url\s*=\s*\{([^}]*)\}", text, re.M | re.I):
            b = bad_uri(u, ("http", "https"))
            if b:
                bad.append(b)
        # \url{} and \href{} anywhere in a field: LaTeX makes them links
        for u in re.findall(r"\\url\s*\{([^}]*)\}", text) + tex_targets(text):
            b = bad_uri(u)
            if b:
                bad.append("TeX " + b)
    elif path.endswith(".json"):
        try:
            doc = json.loads(text)
        except ValueError:
            return []
        # what paperbook writes: a CSL-JSON array (items with "id" and
        # "type") or a plan dump ("chapters"); caches of API answers are input
        if not ((isinstance(doc, list) and all(isinstance(x, dict) and "id" in x and "type" in x
                                                for x in doc)) or
                (isinstance(doc, dict) and "chapters" in doc)):
            return []
        stack = [doc]
        while stack:
            x = stack.pop()
            if isinstance(x, dict):
                for k, v in x.items():
                    if k in ("URL", "uri") and isinstance(v, str):
                        b = bad_uri(v)
                        if b:
                            bad.append(b)
                    else:
                        stack.append(v)
            elif isinstance(x, list):
                stack += x
    elif path.endswith(".txt"):
        bad = ["text %r" % m.group(0) for m in DANGEROUS.finditer(text)]
    elif path.endswith(".eml"):
        m = email.message_from_bytes(data, policy=email.policy.default)
        for part in m.walk():
            t = part.get_content_type()
            if t == "text/html":
                h = part.get_content()
                for u in re.findall(r'\bhref\s*=\s*"([^"]*)"', h, re.I):
                    b = bad_uri(u)
                    if b:
                        bad.append("HTML " + b)
                for u in re.findall(r'\bsrc\s*=\s*"([^"]*)"', h, re.I):
                    if not u.startswith("cid:"):
                        bad.append("HTML src %r" % u[:80])
            elif t == "text/plain":
                bad += ["text %r" % x.group(0) for x in DANGEROUS.finditer(part.get_content())]
    return bad


def main():
    pdfs, others = [], []
    for d in sys.argv[1:]:
        for base, dirs, files in os.walk(d):
            # Regular files only: other tests leave FIFOs and links to
            # devices at output names (opening a FIFO would block).
            files = [f for f in files if os.path.isfile(os.path.join(base, f))
                     and not os.path.islink(os.path.join(base, f))]
            pdfs += [os.path.join(base, f) for f in files if f.lower().endswith(".pdf")]
            others += [os.path.join(base, f) for f in files
                       if f.endswith((".tex", ".bib", ".json", ".txt", ".eml"))]
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
    counts = {}
    for p in sorted(others):
        try:
            bad = scan_text_output(p)
        except (OSError, ValueError, UnicodeError) as e:
            bad = []
        for b in bad:
            print("%s: %s" % (p, b))
        findings += len(bad)
        ext = p.rsplit(".", 1)[1]
        counts[ext] = counts.get(ext, 0) + 1
    print("%d PDFs and %s scanned, %d forbidden link(s)" % (
        len(pdfs), ", ".join("%d .%s" % (n, e) for e, n in sorted(counts.items())), findings))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
