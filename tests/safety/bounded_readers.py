#!/usr/bin/env python3
"""Bounded work in the bibliography readers and the enrich client (issue 20,
hole 7). Each case runs `paperbook dump` on a tiny library under a time
limit and (outside ASan builds, where the address space cannot be capped)
a 1.5 GB address-space limit, so that on code without the bounds it fails
fast instead of eating the machine; the peak memory of each run is checked.

  chain     a BibTeX @string doubling chain (a1 = a0 # a0, ... a40): 2^43
            bytes unbounded; values are cut at 64 KB with a warning
  strings   200,000 @strings (85 s when each lookup scanned them all); the
            last one must still resolve
  entries   1,000,000 small BibTeX entries: at most 100,000 are read
  csl       15 MB of small nested arrays as CSL-JSON (910 MB in json-c);
            the item before them must still be read
  enrich    enrich: interval/timeout/deadline of 10^8..10^9 s in
            paperbook.yml against a local API server: clamped to 10, 60 and
            900 s with warnings, the run ends in seconds; the command line
            (--enrich-interval 30 --enrich-deadline 20) may set more

Usage: bounded_readers.py PAPERBOOK OUTDIR [asan]
"""
import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

OUT = "."
SCALE = float(os.environ.get("PB_TIMEOUT_SCALE", "1"))
CARD = "---\ntitle: \"%s\"\ncategory: [Test]\n---\nA summary.\n"


class Result:
    def __init__(self, rc, out, err):
        self.returncode, self.stdout, self.stderr = rc, out, err


def run(pb, args, limit_s, asan):
    """(result or None when killed at the time limit, seconds, peak RSS in KB; the
    peak includes this script's own at the fork, a few tens of MB)."""
    def limits():
        if not asan:
            lim = 1536 << 20
            resource.setrlimit(resource.RLIMIT_AS, (lim, lim))
    t0 = time.time()
    with open(os.devnull) as null, \
            open(os.path.join(OUT, "stdout"), "w+") as so, open(os.path.join(OUT, "stderr"), "w+") as se:
        p = subprocess.Popen([pb] + args, stdin=null, stdout=so, stderr=se, preexec_fn=limits)
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.time() - t0 > limit_s * SCALE:
                p.kill()
                os.wait4(p.pid, 0)
                return None, time.time() - t0, 0
            time.sleep(0.05)
        p.returncode = os.waitstatus_to_exitcode(status)
        so.seek(0)
        se.seek(0)
        return Result(p.returncode, so.read(), se.read()), time.time() - t0, ru.ru_maxrss


def library(out, name, cards, yml, files):
    lib = os.path.join(out, name)
    os.makedirs(os.path.join(lib, "papers"))
    for i, t in enumerate(cards):
        with open(os.path.join(lib, "papers", "c%d.md" % i), "w") as f:
            f.write(CARD % t)
    with open(os.path.join(lib, "paperbook.yml"), "w") as f:
        f.write(yml)
    for n, text in files.items():
        with open(os.path.join(lib, n), "w") as f:
            f.write(text)
    return lib


class Api(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.startswith("/arxiv"):
            body = (b'<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
                    b"<title>ArXiv Query</title></feed>")
            ctype = "application/atom+xml"
        else:
            body = json.dumps({"status": "ok", "message-type": "work-list",
                               "message": {"items": [], "total-results": 0}}).encode()
            ctype = "application/json"
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


def main():
    global OUT
    # the library's own cache: a shared one would answer the enrich cases
    os.environ.pop("PAPERBOOK_CACHE_DIR", None)
    pb, out = sys.argv[1], os.path.abspath(sys.argv[2])
    OUT = out
    asan = len(sys.argv) > 3 and sys.argv[3] == "asan"
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    fail = 0
    title = "Attention Is All You Need"

    def check(name, r, secs, peak, limit_s, must, rss_mb=400):
        nonlocal fail
        if r is None:
            print(f"FAIL: {name}: still running after {limit_s * SCALE:.0f} s")
            fail = 1
            return None
        print(f"{name}: exit {r.returncode}, {secs:.2f} s, peak {peak // 1024} MB")
        if r.returncode < 0 or r.returncode > 1 or "out of memory" in r.stderr:
            print(f"FAIL: {name}: exit {r.returncode}: {r.stderr[-500:]}")
            fail = 1
        if not asan and peak > rss_mb * 1024:
            print(f"FAIL: {name}: peak memory {peak // 1024} MB, over {rss_mb} MB")
            fail = 1
        for m in must:
            if m not in r.stderr and m not in r.stdout:
                print(f"FAIL: {name}: no '{m}' in the output: {r.stderr[-600:]}")
                fail = 1
        return r

    # chain
    chain = '@string{a0 = "xxxxxxxx"}\n' + "".join(
        "@string{a%d = a%d # a%d}\n" % (i, i - 1, i - 1) for i in range(1, 41))
    chain += "@article{k, title = {%s}, journal = {Chainjournal}, abstract = a40}\n" % title
    lib = library(out, "chain", [title], "bibliography: chain.bib\n", {"chain.bib": chain})
    r, secs, peak = run(pb, ["dump", lib], 20, asan)
    r = check("chain", r, secs, peak, 20, ["warning: value longer than 64 KB; cut there"])
    if r and "Chainjournal" not in r.stdout:
        print("FAIL: chain: the entry was not read")
        fail = 1

    # strings
    many = "".join('@string{m%d = "Venue%d"}\n' % (i, i) for i in range(200000))
    many += "@article{k, title = {%s}, journal = m199999, year = 2017}\n" % title
    lib = library(out, "strings", [title], "bibliography: many.bib\n", {"many.bib": many})
    del many
    r, secs, peak = run(pb, ["dump", lib], 20, asan)
    r = check("strings", r, secs, peak, 20, [])
    if r and "Venue199999" not in r.stdout:
        print("FAIL: strings: the last @string did not resolve")
        fail = 1

    # entries: 1,000,000 small BibTeX entries (about 530 MB unbounded)
    ents = "".join("@a{k%d,title={x%d}}\n" % (i, i) for i in range(1000000))
    ents += "@article{last, title = {%s}, journal = {Lastjournal}}\n" % title
    lib = library(out, "entries", [title], "bibliography: ents.bib\n", {"ents.bib": ents})
    del ents
    r, secs, peak = run(pb, ["dump", lib], 30, asan)
    check("entries", r, secs, peak, 30, ["more than 100000 entries; the rest are not read"],
          rss_mb=300)

    # csl
    first = json.dumps({"id": "k", "type": "article", "title": title,
                        "container-title": "Csljournal"})
    csl = "[" + first + "," + ",".join(["[[],[]]"] * (15 * 1024 * 1024 // 8)) + "]"
    lib = library(out, "csl", [title], "bibliography: big.json\n", {"big.json": csl})
    del csl
    r, secs, peak = run(pb, ["dump", lib], 30, asan)
    r = check("csl", r, secs, peak, 30, ["items; the rest are not read"])
    if r and "Csljournal" not in r.stdout:
        print("FAIL: csl: the first item was not read")
        fail = 1

    # enrich
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Api)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    base = "http://127.0.0.1:%d" % srv.server_address[1]
    os.environ["PAPERBOOK_ARXIV_API"] = base + "/arxiv"
    os.environ["PAPERBOOK_CROSSREF_API"] = base + "/crossref"
    yml = ("enrich:\n  mailto: a@example.org\n  interval: 100000000\n  timeout: 1000000000\n"
           "  deadline: 1000000000\n")
    lib = library(out, "enrich", ["A Title Nobody Has", "Another Title Nobody Has"], yml, {})
    r, secs, peak = run(pb, ["dump", lib, "--enrich"], 60, asan)
    r = check("enrich (library)", r, secs, peak, 60,
              ["paperbook.yml:3: warning: 'enrich.interval' of 1e+08 s is more than a library "
               "may set; 10 s used",
               "paperbook.yml:4: warning: 'enrich.timeout'",
               "paperbook.yml:5: warning: 'enrich.deadline'"])
    if r and "deadline passed" in r.stderr:
        print("FAIL: enrich (library): the deadline passed: " + r.stderr[-300:])
        fail = 1
    # the command line may set more than a library: an interval of 30 s
    # with a deadline of 20 s ends the run at the second request to a
    # service (a library's 30 would be 10, within the deadline)
    yml = "enrich:\n  interval: 30\n  deadline: 20\n"
    with open(os.path.join(lib, "paperbook.yml"), "w") as f:
        f.write(yml)
    shutil.rmtree(os.path.join(lib, "build"), ignore_errors=True)
    r, secs, peak = run(pb, ["dump", lib, "--enrich"], 60, asan)
    r = check("enrich (library, 30 s)", r, secs, peak, 60, ["'enrich.interval' of 30 s"])
    if r and "deadline passed" in r.stderr:
        print("FAIL: a library's interval of 30 s was not bounded to 10 s")
        fail = 1
    shutil.rmtree(os.path.join(lib, "build"), ignore_errors=True)
    r, secs, peak = run(pb, ["dump", lib, "--enrich", "--enrich-interval", "30",
                             "--enrich-deadline", "20"], 60, asan)
    r = check("enrich (command line)", r, secs, peak, 60, ["the deadline passed"])
    srv.shutdown()
    if not fail:
        print("bounded: @string expansion, @string lookups, CSL-JSON items, enrich settings")
    return fail


if __name__ == "__main__":
    sys.exit(main())
