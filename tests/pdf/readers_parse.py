#!/usr/bin/env python3
"""Every page of every output kind parses cleanly in MuPDF and poppler
(issue 23, item 1). Builds from the real corpus, when it is present, the
booklet of the 2024 archive with both appendices, a month's digest, a
session's handout and its two-up version; then opens every page of those
and of every other PDF under the scanned directories (the PDFs paperbook wrote
for the rest of the suite: this test runs after all others) with `mutool draw -F txt`
and `pdftotext`, and fails on any error or warning either prints (a TJ
array with two numbers side by side, "-486.4-13.64", is "Badly formatted
number" to poppler and a syntax error that drops words to MuPDF).

usage: readers_parse.py PAPERBOOK CORPUS OUTDIR [SCANDIR ...]
exit 0 clean, 1 findings, 77 nothing to scan or no mutool/pdftotext
"""
import os
import shutil
import subprocess
import sys

# printed by Debian's mutool on every run, about the build, not the file
BENIGN = ("warning: ICC support is not available",)


def build_kinds(pb, corpus, out):
    archive = os.path.join(corpus, "Archived", "2024论文精读归档.md")
    if not os.path.isfile(archive):
        print("note: corpus not present; scanning the suite's PDFs only")
        return []
    os.makedirs(out, exist_ok=True)
    cache = ["--cache-dir", os.path.join(out, "cache")]
    minutes = os.path.join(corpus, "每周小会纪要.md")
    inputs = [archive] + ([minutes] if os.path.isfile(minutes) else [])
    runs = {
        "booklet.pdf": ["build", *inputs, "--appendix", "presenters", "--appendix", "slides"],
        "booklet-print.pdf": ["build", archive, "--print", "--group-by", "presenter"],
        "digest.pdf": ["digest", archive, "--since", "2024-11-01", "--until", "2024-12-31"],
        "handout.pdf": ["handout", *inputs, "--date", "2024-12-29"],
        "handout-2up.pdf": ["handout", *inputs, "--date", "2024-12-29", "--two-up"],
        "report.pdf": ["build", os.path.join(corpus, "REPORT.md"), "--appendix", "slides"],
    }
    made = []
    for name, args in runs.items():
        path = os.path.join(out, name)
        r = subprocess.run([pb, *args, "-q", *cache, "-o", path], capture_output=True, text=True)
        if not os.path.isfile(path):
            print(f"FAIL: {name} not built ({' '.join(args)}): {r.stderr.strip()[-400:]}")
            sys.exit(1)
        made.append(path)
    return made


PRODUCER = (b"/Producer (paperbook", b"/Producer <FEFF" + "paperbook".encode("utf-16-be").hex().upper().encode())


def ours(path):
    """A PDF paperbook wrote (its Producer), not a test's input."""
    with open(path, "rb") as fh:
        data = fh.read()
    return data.startswith(b"%PDF-") and any(p in data for p in PRODUCER)


def problems(pdf):
    found = []
    for cmd in (["mutool", "draw", "-q", "-F", "txt", "-o", "/dev/null", pdf],
                ["pdftotext", "-enc", "UTF-8", pdf, "/dev/null"]):
        r = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
        for line in (r.stderr + r.stdout).splitlines():
            line = line.strip()
            if not line or line in BENIGN:
                continue
            found.append(f"{cmd[0]}: {line}")
        if r.returncode != 0:
            found.append(f"{cmd[0]}: exit {r.returncode}")
    return found


def main():
    if len(sys.argv) < 4:
        print(__doc__)
        return 2
    if not shutil.which("mutool") or not shutil.which("pdftotext"):
        print("skip: mutool or pdftotext missing")
        return 77
    pb, corpus, out = sys.argv[1:4]
    pdfs = build_kinds(pb, corpus, out)
    seen = set(os.path.realpath(p) for p in pdfs)
    for d in sys.argv[4:]:
        for root, _, files in os.walk(d):
            for f in sorted(files):
                p = os.path.realpath(os.path.join(root, f))
                if f.endswith(".pdf") and p not in seen and os.path.getsize(p) > 0:
                    if not ours(p):
                        continue  # a test's input (a deck, a broken file), not our output
                    seen.add(p)
                    pdfs.append(p)
    if not pdfs:
        print("skip: no PDFs")
        return 77
    bad = 0
    for p in pdfs:
        found = problems(p)
        if found:
            bad += 1
            print(f"FAIL: {p}:")
            for f in sorted(set(found))[:12]:
                print(f"  {f} (x{found.count(f)})")
    print(f"{len(pdfs)} PDFs opened page by page in MuPDF and poppler; {bad} with errors or warnings")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
