#!/usr/bin/env python3
"""Checks that a PDF's link annotations hold the expected URIs.

    uris.py PDF URIS.txt

Every line of URIS.txt must be the /URI of some link in the PDF (read with
qpdf --qdf). Exit status 0 when none is missing."""
import re
import subprocess
import sys


def pdf_literal(data, i):
    """Decodes the PDF literal string starting after '(' at data[i]."""
    out, depth = bytearray(), 1
    while i < len(data):
        c = data[i]
        if c == 0x5C:  # backslash
            n = data[i + 1]
            esc = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}
            if n in esc:
                out.append(esc[n]); i += 2
            elif 0x30 <= n <= 0x37:
                m = re.match(rb"[0-7]{1,3}", data[i + 1:i + 4])
                out.append(int(m.group(0), 8) & 255); i += 1 + len(m.group(0))
            elif n in (10, 13):
                i += 2
            else:
                out.append(n); i += 2
            continue
        if c == 0x28:
            depth += 1
        elif c == 0x29:
            depth -= 1
            if depth == 0:
                return bytes(out)
        out.append(c)
        i += 1
    return bytes(out)


def uris(pdf):
    data = subprocess.run(["qpdf", "--qdf", "--object-streams=disable", pdf, "-"],
                          check=True, capture_output=True).stdout
    found = set()
    for m in re.finditer(rb"/URI\s*\(", data):
        found.add(pdf_literal(data, m.end()).decode("latin-1"))
    for m in re.finditer(rb"/URI\s*<([0-9A-Fa-f\s]*)>", data):
        found.add(bytes.fromhex(m.group(1).decode()).decode("latin-1"))
    return found


def main():
    have = uris(sys.argv[1])
    with open(sys.argv[2], encoding="utf-8") as f:
        want = [u for u in f.read().splitlines() if u]
    missing = [u for u in want if u not in have]
    print(f"uris: {len(have)} in the PDF, {len(want)} expected, {len(missing)} missing")
    for u in missing[:10]:
        print(f"  missing: {u!r}")
        near = [h for h in have if h[:25] == u[:25]]
        for h in near[:2]:
            print(f"     have: {h!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
