#!/usr/bin/env python3
"""No writer replaces or writes into a special file (issue 20, hole 6): a
FIFO at the name of each output paperbook writes (the PDF, the .bib, the
LaTeX export's booklet.tex, a digest's .txt and .eml, --dump-layout) is
refused with "is a FIFO, not a regular file", exit 1, and is still a FIFO
afterwards; nothing blocks on it (each run has a time limit). When run as
root, a character device made here with /dev/null's numbers, named with
-o, --mail, --dump-layout or linked at booklet.tex, stays a device.

usage: special_outputs.py PAPERBOOK WORKDIR"""
import os
import shutil
import stat
import subprocess
import sys

CARD = """---
title: A paper
presenter: 张三
date: 2024-01-05
links:
  - https://arxiv.org/abs/1
---
Body text.
"""

# name, the FIFO's path under the library, arguments ({lib} replaced)
CASES = [
    ("pdf", "out.pdf", ["build", "{lib}", "-o", "{lib}/out.pdf"]),
    ("bib", "build/paperbook.bib", ["build", "{lib}", "--format", "bib"]),
    ("tex", "build/tex/booklet.tex", ["build", "{lib}", "--format", "tex"]),
    ("digest-text", "build/digest-2024-01-01.txt",
     ["digest", "{lib}", "--since", "2024-01-01", "--text"]),
    ("digest-eml", "d.eml", ["digest", "{lib}", "--since", "2024-01-01", "--mail", "{lib}/d.eml",
                             "--from", "g@example.org"]),
    ("dump-layout", "layout.txt", ["build", "{lib}", "-o", "{lib}/o.pdf", "--dump-layout",
                                   "{lib}/layout.txt"]),
]


def main():
    pb, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    bad = 0
    for name, fifo, args in CASES:
        lib = os.path.join(work, name)
        shutil.rmtree(lib, ignore_errors=True)
        os.makedirs(os.path.join(lib, "papers"))
        with open(os.path.join(lib, "papers", "a.md"), "w") as f:
            f.write(CARD)
        path = os.path.join(lib, fifo)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        os.mkfifo(path)
        cmd = [pb] + [a.replace("{lib}", lib) for a in args] + ["--no-cache"]
        try:
            r = subprocess.run(cmd, capture_output=True, timeout=60, cwd=lib)
            out, rc = r.stderr.decode("utf-8", "replace"), r.returncode
        except subprocess.TimeoutExpired:
            out, rc = "(blocked on the FIFO for 60 s)", -1
        problems = []
        if not stat.S_ISFIFO(os.lstat(path).st_mode):
            problems.append("the FIFO was replaced")
        if rc != 1:
            problems.append("exit %d, want 1" % rc)
        if "%s: error: is a FIFO, not a regular file" % path not in out:
            problems.append("no error naming the FIFO")
        print(("FAIL %s: %s\n%s" % (name, "; ".join(problems), out[-600:])) if problems
              else "ok   %s" % name)
        bad += bool(problems)
    if os.geteuid() == 0:  # a device of our own (a copy of /dev/null's numbers)
        lib = os.path.join(work, "device")
        shutil.rmtree(lib, ignore_errors=True)
        os.makedirs(os.path.join(lib, "papers"))
        with open(os.path.join(lib, "papers", "a.md"), "w") as f:
            f.write(CARD)
        dev = os.path.join(lib, "null")
        os.mknod(dev, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        for args in (["build", lib, "-o", dev],
                     ["build", lib, "--format", "tex", "-o", os.path.join(lib, "t")],
                     ["digest", lib, "--since", "2024-01-01", "--mail", dev, "--from",
                      "g@example.org", "-o", os.path.join(lib, "d.pdf")],
                     ["build", lib, "-o", os.path.join(lib, "o.pdf"), "--dump-layout", dev]):
            if "tex" in args:
                os.makedirs(os.path.join(lib, "t"), exist_ok=True)
                if not os.path.exists(os.path.join(lib, "t", "booklet.tex")):
                    os.symlink(dev, os.path.join(lib, "t", "booklet.tex"))
            r = subprocess.run([pb] + args + ["--no-cache"], capture_output=True, timeout=60)
            ok = stat.S_ISCHR(os.lstat(dev).st_mode) and r.returncode == 1 and \
                b"is a device, not a regular file" in r.stderr
            print(("ok   " if ok else "FAIL ") + "device: " + " ".join(args[:1] + args[2:]))
            bad += not ok
            if not stat.S_ISCHR(os.lstat(dev).st_mode):
                os.remove(dev)
                os.mknod(dev, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
