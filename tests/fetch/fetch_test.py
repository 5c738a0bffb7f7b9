#!/usr/bin/env python3
"""Remote figures end to end (src/read/fetch.c): paperbook build --fetch against an
HTTP server on 127.0.0.1 that this script starts and stops itself.

Usage: fetch_test.py PAPERBOOK WORKDIR

Builds a small library under WORKDIR whose cards name figures by URL: a PNG
(named by two cards), the same bytes under a second URL, a redirect to
another PNG, a 404, an HTML page, two bodies over a reduced size limit (one
announcing its length, one not) and an endpoint slower than a shortened
timeout. Checks: the good figures are embedded and each URL was requested
once; a second --fetch build asks the server for nothing it has; a build
without --fetch, server stopped, still embeds them from the cache; every
failure is a warning with the URL and the card's file:line, a placeholder
in the PDF, and the build still succeeds within a time bound.

PB_FETCH_TIMEOUT and PB_FETCH_MAX_BYTES shorten the limits for the test.
Exit 77 (skipped) when pdfimages or pdftotext is missing."""
import os
import re
import shutil
import struct
import subprocess
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TIMEOUT_S = 2          # PB_FETCH_TIMEOUT for the builds
SLOW_S = 8             # how long /slow.png makes the client wait
MAX_BYTES = 100000     # PB_FETCH_MAX_BYTES for the builds
SERVER_LIFETIME = 150  # the server shuts itself down after this many seconds


def png(w, h, rgb):
    raw = b"".join(b"\x00" + bytes(rgb) * w for _ in range(h))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


RED = png(40, 30, (220, 30, 30))
BLUE = png(30, 40, (30, 30, 220))
BIG = png(4, 4, (0, 0, 0)) + b"\0" * (MAX_BYTES * 2)
HTML = b"<!DOCTYPE html><html><head><title>x</title></head><body>not an image</body></html>"


class Server:
    """ThreadingHTTPServer on 127.0.0.1, a free port, in a daemon thread."""

    def __init__(self):
        self.counts = {}
        self.agents = set()
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def send_body(self, body, ctype, length=True):
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                if length:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up (size limit)

            def do_GET(self):
                path = self.path
                with outer.lock:
                    outer.counts[path] = outer.counts.get(path, 0) + 1
                    outer.agents.add(self.headers.get("User-Agent", ""))
                if path in ("/a.png", "/a-copy.png"):
                    self.send_body(RED, "image/png")
                elif path == "/b.png":
                    self.send_body(BLUE, "image/png")
                elif path == "/redir.png":
                    self.send_response(302)
                    self.send_header("Location", "/b.png")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif path == "/page.png":
                    self.send_body(HTML, "text/html; charset=utf-8")
                elif path == "/big.png":
                    self.send_body(BIG, "image/png")
                elif path == "/big-stream.png":
                    self.send_body(BIG, "image/png", length=False)
                elif path == "/slow.png":
                    deadline = time.time() + SLOW_S
                    while time.time() < deadline and not outer.stopping.is_set():
                        time.sleep(0.05)
                    self.send_body(RED, "image/png")
                else:
                    self.send_error(404)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.watchdog = threading.Timer(SERVER_LIFETIME, self.stop)
        self.watchdog.daemon = True
        self.watchdog.start()

    def stop(self):
        if self.stopping.is_set():
            return
        self.stopping.set()
        self.watchdog.cancel()
        self.httpd.shutdown()
        self.httpd.server_close()

    def count(self, path):
        with self.lock:
            return self.counts.get(path, 0)


failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    pb, work = sys.argv[1], os.path.abspath(sys.argv[2])
    for tool in ("pdfimages", "pdftotext"):
        if not shutil.which(tool):
            print(f"skipped: {tool} not found")
            sys.exit(77)
    shutil.rmtree(work, ignore_errors=True)
    lib = os.path.join(work, "lib")
    os.makedirs(os.path.join(lib, "papers"))
    cache = os.path.join(lib, "build", "cache", "fetch")

    srv = Server()
    base = f"http://127.0.0.1:{srv.port}"
    try:
        cards = {
            "one.md": ["a.png", "missing.png", "page.png", "big.png"],
            "two.md": ["a.png", "a-copy.png", "redir.png"],
            "three.md": ["big-stream.png", "slow.png"],
        }
        where = {}  # URL -> (card path, line of its figures: item)
        for i, (name, figs) in enumerate(cards.items()):
            lines = ["---", f"title: Remote figures {name}", f"date: 2024-03-0{i + 1}",
                     "presenter: Tester", "category: [Fetch]", "figures:"]
            for f in figs:
                lines.append(f"  - {base}/{f}")
                where.setdefault(f"{base}/{f}", (os.path.join(lib, "papers", name), len(lines)))
            lines += ["---", "A card whose figures live on a web server.", ""]
            with open(os.path.join(lib, "papers", name), "w") as fh:
                fh.write("\n".join(lines))

        env = dict(os.environ, PB_FETCH_TIMEOUT=str(TIMEOUT_S), PB_FETCH_MAX_BYTES=str(MAX_BYTES),
                   PAPERBOOK_FETCH_ALLOW_PRIVATE="1",  # the server is on 127.0.0.1
                   SOURCE_DATE_EPOCH="1735689600", NO_COLOR="1")
        # This test's own cache, under its own library in the build tree,
        # not the one the other tests share.
        env.pop("PAPERBOOK_CACHE_DIR", None)

        def build(out, *extra):
            t0 = time.time()
            p = subprocess.run([pb, "build", lib, *extra, "-o", os.path.join(work, out)],
                               env=env, capture_output=True, text=True, timeout=120)
            dt = time.time() - t0
            with open(os.path.join(work, out + ".log"), "w") as fh:
                fh.write(p.stderr)
            return p.returncode, p.stderr, dt

        def images(out):
            listing = subprocess.run(["pdfimages", "-list", os.path.join(work, out)],
                                     capture_output=True, text=True, check=True).stdout
            rows = [l.split() for l in listing.splitlines()[2:] if l.strip()]
            return [r for r in rows if len(r) > 2 and r[2] == "image"]

        def text(out):
            t = subprocess.run(["pdftotext", os.path.join(work, out), "-"],
                               capture_output=True, text=True, check=True).stdout
            return re.sub(r"\s+", "", t)

        def warned(stderr, url, what):
            """A warning at the card's file:line naming url (and what)."""
            path, line = where[url]
            for l in stderr.splitlines():
                m = re.match(r"(.*?):(\d+): warning: (.*)", l)
                if not m or url not in m.group(3) or what not in m.group(3):
                    continue
                # the figure's own line, or the figures: key above it
                if os.path.samefile(m.group(1), path) and int(m.group(2)) in range(line - len(cards[os.path.basename(path)]), line + 1):
                    return True
            return False

        good = ["a.png", "a-copy.png", "redir.png"]
        bad = {"missing.png": "404", "page.png": "not an image", "big.png": "larger than the limit",
               "big-stream.png": "larger than the limit", "slow.png": "timed out"}

        # ---- 1: --fetch downloads each URL once -----------------------------
        rc, err, dt = build("first.pdf", "--fetch")
        check(rc == 0, f"first --fetch build succeeds (rc {rc})")
        print(f"     first build took {dt:.1f} s")
        check(dt < TIMEOUT_S + 5, f"first build stays under {TIMEOUT_S + 5} s despite the slow server ({dt:.1f} s)")
        first_images = images("first.pdf")
        # a.png twice (two cards), a-copy.png, b.png through the redirect
        check(len(first_images) == 4, f"4 figures embedded (pdfimages lists {len(first_images)})")
        for p in ("/a.png", "/a-copy.png", "/redir.png", "/b.png"):
            check(srv.count(p) == 1, f"{p} requested once (got {srv.count(p)})")
        check(all(a.startswith("paperbook/") for a in srv.agents),
              f"User-Agent is paperbook/VERSION ({sorted(srv.agents)})")
        for f, what in bad.items():
            url = f"{base}/{f}"
            check(warned(err, url, what), f"warning for {f} with file:line, URL and '{what}'")
        flat = text("first.pdf")
        host = base.split("://", 1)[1]
        check(flat.count(f"Figureonlineat{host}") >= len(bad),
              f"a note for each figure not fetched names its host {host}")
        data = sorted(os.listdir(os.path.join(cache, "data"))) if os.path.isdir(os.path.join(cache, "data")) else []
        index = sorted(os.listdir(os.path.join(cache, "url"))) if os.path.isdir(os.path.join(cache, "url")) else []
        check(len(data) == 2 and all(d.endswith(".png") for d in data),
              f"cache holds 2 images (same bytes under two URLs stored once): {data}")
        check(len(index) == 3, f"cache indexes 3 URLs: {len(index)}")
        check(not any(n.startswith(".tmp") for n in data + index), "no temporary files left")

        # ---- 2: a second --fetch build is served from the cache -------------
        before = dict(srv.counts)
        rc, err, dt = build("second.pdf", "--fetch")
        check(rc == 0, f"second --fetch build succeeds (rc {rc})")
        for p in ("/a.png", "/a-copy.png", "/redir.png", "/b.png"):
            check(srv.count(p) == before.get(p, 0), f"{p} not requested again (got {srv.count(p)})")
        check(len(images("second.pdf")) == 4, "second build embeds the same 4 figures")

        # ---- 3: a damaged cache file is not trusted, and --fetch repairs it --
        red = [d for d in data if open(os.path.join(cache, "data", d), "rb").read() == RED]
        check(len(red) == 1, "the red PNG is cached under one name")
        if red:
            with open(os.path.join(cache, "data", red[0]), "wb") as fh:
                fh.write(b"<html>garbage</html>")
            rc, err, dt = build("damaged.pdf")
            check(rc == 0 and len(images("damaged.pdf")) == 1,
                  "a damaged cache file is not embedded (1 figure left)")
            before = dict(srv.counts)
            rc, err, dt = build("repaired.pdf", "--fetch")
            check(rc == 0 and len(images("repaired.pdf")) == 4, "--fetch downloads it again")
            check(srv.count("/a.png") == before.get("/a.png", 0) + 1 and
                  srv.count("/b.png") == before.get("/b.png", 0),
                  "only the damaged URLs were requested again")
            check(open(os.path.join(cache, "data", red[0]), "rb").read() == RED,
                  "the cache file is repaired")

        # ---- 4: offline, without --fetch -------------------------------------
        srv.stop()
        rc, err, dt = build("third.pdf")
        check(rc == 0, f"offline build without --fetch succeeds (rc {rc})")
        check(len(images("third.pdf")) == 4, "offline build embeds the cached figures")
        check(f"{len(bad)} remote figures not embedded; use --fetch" in err,
              "one note counts the figures not embedded")
        check("download failed" not in err, "no download attempted without --fetch")
        check(dt < 5, f"offline build does not wait for the network ({dt:.1f} s)")

        # ---- 5: --fetch with the server gone: cache hits, quick failures ------
        rc, err, dt = build("fourth.pdf", "--fetch")
        check(rc == 0, f"--fetch with the server down succeeds (rc {rc})")
        check(len(images("fourth.pdf")) == 4, "cached figures still embedded")
        check(warned(err, f"{base}/missing.png", "download failed"),
              "a refused connection is a warning with file:line")

        # ---- 6: a cache file that is a symbolic link is not read --------------
        # (a clone can commit build/cache/fetch/data/NAME pointing at a
        # picture of the user's, outside the library, to have it embedded)
        if red:
            outside = os.path.join(work, "users-own.png")
            with open(outside, "wb") as fh:
                fh.write(RED)
            dp = os.path.join(cache, "data", red[0])
            os.remove(dp)
            os.symlink(outside, dp)
            rc, err, dt = build("linked.pdf")
            check(rc == 0 and len(images("linked.pdf")) == 1,
                  "a cache file linked out of the library is not embedded "
                  f"(1 figure left, as for a damaged file: {len(images('linked.pdf'))})")

        # ---- 7: a damaged or linked index record (url/) is a miss ------------
        # (the store's rule for every record: the build goes on offline, the
        # figure is the placeholder, nothing is an error)
        udir = os.path.join(cache, "url")
        kept = {}
        for n in sorted(os.listdir(udir)):
            with open(os.path.join(udir, n), "rb") as fh:
                kept[n] = fh.read()
        check(len(images("linked.pdf")) == 1, "one figure embedded before the index is damaged")
        for n in kept:
            with open(os.path.join(udir, n), "wb") as fh:
                fh.write(b"paperbook-fetch 1\n../../../etc/passwd\n")
        rc, err, dt = build("index-damaged.pdf")
        check(rc == 0 and "error" not in err and len(images("index-damaged.pdf")) == 0,
              f"damaged index records are misses (rc {rc}, "
              f"{len(images('index-damaged.pdf'))} figures)")
        copies = os.path.join(work, "index-copies")
        os.makedirs(copies, exist_ok=True)
        for n, data in kept.items():
            with open(os.path.join(copies, n), "wb") as fh:
                fh.write(data)
            os.remove(os.path.join(udir, n))
            os.symlink(os.path.join(copies, n), os.path.join(udir, n))
        rc, err, dt = build("index-linked.pdf")
        check(rc == 0 and "error" not in err and len(images("index-linked.pdf")) == 0,
              f"linked index records are misses (rc {rc}, "
              f"{len(images('index-linked.pdf'))} figures)")
        for n, data in kept.items():
            os.remove(os.path.join(udir, n))
            with open(os.path.join(udir, n), "wb") as fh:
                fh.write(data)
        rc, err, dt = build("index-restored.pdf")
        check(rc == 0 and len(images("index-restored.pdf")) == 1,
              "the same index records as files are hits again")

    finally:
        srv.stop()

    if failures:
        print(f"{len(failures)} check(s) failed; logs in {work}")
        sys.exit(1)
    print("all fetch checks passed")


if __name__ == "__main__":
    main()
