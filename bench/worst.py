#!/usr/bin/env python3
"""Worst cases of issue 17, timed and measured: each input is generated in a
temporary library and built RUNS times; prints the median wall time and the
median peak RSS (the child's ru_maxrss) of each, and the targets.

usage: bench/worst.py --bin build/paperbook [--runs 3] [--case NAME ...]"""
import argparse
import os
import shutil
import statistics
import struct
import subprocess
import tempfile
import time
import zlib

CARD = "---\ntitle: %s\n---\n%s\n"


def png_rgba16(path, w=10000, h=10000):
    """A 10000x10000 16-bit RGBA PNG (alpha not opaque), about 1 MB."""
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    row = b"\0" + b"\x12\x34\x56\x78\x9a\xbc\x80\x00" * w
    c = zlib.compressobj(9)
    idat = b"".join(c.compress(row) for _ in range(h)) + c.flush()
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, 6, 0, 0, 0)) +
                chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def make(lib, case):
    os.makedirs(os.path.join(lib, "papers"))
    if case == "png-10000x10000x16":
        os.makedirs(os.path.join(lib, "Images"))
        png_rgba16(os.path.join(lib, "Images", "f.png"))
        open(os.path.join(lib, "papers", "a.md"), "w").write(
            "---\ntitle: Big\nfigures: [Images/f.png]\n---\nBody.\n")
        return [lib]
    if case == "line-10mb":
        open(os.path.join(lib, "papers", "a.md"), "w").write(CARD % ("Long", "x" * (10 << 20)))
        return [lib]
    if case == "bracket-line-400kb":
        p = os.path.join(lib, "REPORT.md")
        open(p, "w").write("# R\n\n## CV\n\n> Title (NeurIPS 2023)\n> " + "[" * 400000 + "\n")
        return [p]
    if case == "presenters-40000":
        # the appendix for 40,000 people, each with a week not read and a note
        p = os.path.join(lib, "log.md")
        body = ["## c\n\n> > [2024-01-01]-[P]-[A paper](https://arxiv.org/abs/1)\n>\n"]
        for i in range(40000):
            d = "2024-%02d-%02d" % (1 + i % 12, 1 + i % 28)
            body.append("> > [%s]-[P%05d]-本周未精读\n>\n> > [%s]-[P%05d]-泛读了几篇\n>\n" % (d, i, d, i))
        open(p, "w").write("".join(body))
        return [p, "--appendix", "presenters"]
    raise SystemExit("unknown case " + case)


TARGETS = {"png-10000x10000x16": (None, 300), "line-10mb": (5.0, 300),
           "bracket-line-400kb": (2.0, None), "presenters-40000": (10.0, None)}


def run(binary, args, out):
    t0 = time.time()
    # wait4 gives this run's own peak RSS (RUSAGE_CHILDREN keeps the maximum)
    pid = os.fork()
    if pid == 0:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.execv(binary, [binary, "build"] + args + ["-o", out, "--no-cache"])
    _, status, ru = os.wait4(pid, 0)
    return time.time() - t0, ru.ru_maxrss / 1024.0, os.waitstatus_to_exitcode(status)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--case", action="append")
    a = ap.parse_args()
    cases = a.case or list(TARGETS)
    print("| case | median wall | median peak RSS | target |")
    print("|---|---|---|---|")
    for case in cases:
        d = tempfile.mkdtemp(prefix="pb-worst-")
        try:
            lib = os.path.join(d, "lib")
            args = make(lib, case)
            res = [run(os.path.abspath(a.bin), args, os.path.join(d, "out.pdf")) for _ in range(a.runs)]
            wall = statistics.median(r[0] for r in res)
            rss = statistics.median(r[1] for r in res)
            tw, tr = TARGETS[case]
            ok = (tw is None or wall <= tw) and (tr is None or rss <= tr) and all(r[2] in (0, 1) for r in res)
            target = " and ".join(x for x in ("<= %g s" % tw if tw else "", "<= %d MB" % tr if tr else "") if x)
            print("| %s | %.2f s | %.0f MB | %s %s |" % (case, wall, rss, target, "PASS" if ok else "FAIL"))
        finally:
            shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
