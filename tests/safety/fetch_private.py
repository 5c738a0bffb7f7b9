#!/usr/bin/env python3
"""--fetch does not reach loopback or intranet addresses a card names:
http://127.0.0.1, http://localhost (a name that resolves to loopback) and
http://[::1] are refused with a warning at the card's file:line and the
server gets no request; PAPERBOOK_FETCH_ALLOW_PRIVATE=1 (the user's
override) lets them through.

usage: fetch_private.py PAPERBOOK WORKDIR"""
import os
import shutil
import struct
import subprocess
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def png():
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    raw = b"".join(b"\0" + b"\x80\x20\x20" * 8 for _ in range(8))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def main():
    pb, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    lib = os.path.join(work, "lib")
    os.makedirs(os.path.join(lib, "papers"))
    hits = []
    body = png()

    class H(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    port = srv.server_address[1]
    urls = ["http://127.0.0.1:%d/a.png" % port, "http://localhost:%d/b.png" % port,
            "http://[::1]:%d/c.png" % port]
    card = os.path.join(lib, "papers", "a.md")
    with open(card, "w") as f:
        f.write("---\ntitle: Remote\npresenter: A\ndate: 2024-01-01\nfigures:\n"
                + "".join("  - %s\n" % u for u in urls) + "---\nText.\n")
    env = dict(os.environ, NO_COLOR="1", PB_FETCH_TIMEOUT="5")
    env.pop("PAPERBOOK_CACHE_DIR", None)
    env.pop("PAPERBOOK_FETCH_ALLOW_PRIVATE", None)
    out = os.path.join(work, "out.pdf")
    fail = []

    p = subprocess.run([pb, "build", lib, "--fetch", "-o", out], env=env,
                       capture_output=True, text=True, timeout=120)
    for i, u in enumerate(urls):
        want = "a.md:%d: warning: figure %s: download failed: refused to connect" % (6 + i, u)
        if want not in p.stderr:
            fail.append("no refusal at the card's line for %s" % u)
    if hits:
        fail.append("the local server got %d requests: %r" % (len(hits), hits))
    if os.path.isdir(os.path.join(lib, "build", "cache", "fetch", "data")) and \
            os.listdir(os.path.join(lib, "build", "cache", "fetch", "data")):
        fail.append("a refused figure was cached")
    refused_err = p.stderr

    # the user's override: the same library downloads from 127.0.0.1
    env["PAPERBOOK_FETCH_ALLOW_PRIVATE"] = "1"
    p = subprocess.run([pb, "build", lib, "--fetch", "-o", out], env=env,
                       capture_output=True, text=True, timeout=120)
    if "/a.png" not in hits or "refused to connect to 127.0.0.1" in p.stderr:
        fail.append("PAPERBOOK_FETCH_ALLOW_PRIVATE=1 did not let 127.0.0.1 through:\n" + p.stderr)
    srv.shutdown()
    if fail:
        print("FAIL: " + "\nFAIL: ".join(fail) + "\n--- stderr:\n" + refused_err)
        return 1
    print("fetch: 3 local figures refused (0 requests); with the override %d requests"
          % len(hits))
    return 0


if __name__ == "__main__":
    sys.exit(main())
