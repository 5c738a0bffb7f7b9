#!/usr/bin/env python3
"""A library's paperbook.yml does not choose the servers --enrich asks:
`enrich: arxiv_api / crossref_api` there are warnings at paperbook.yml:LINE
and ignored; PAPERBOOK_ARXIV_API / PAPERBOOK_CROSSREF_API (the user's) are
used. Two local servers count the requests each gets.

usage: enrich_servers.py PAPERBOOK WORKDIR"""
import os
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def server():
    hits = []

    class H(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *a):
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, hits, "http://127.0.0.1:%d" % srv.server_address[1]


def main():
    pb, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    lib = os.path.join(work, "lib")
    os.makedirs(os.path.join(lib, "papers"))
    library_srv, library_hits, library_base = server()
    user_srv, user_hits, user_base = server()
    with open(os.path.join(lib, "paperbook.yml"), "w") as f:
        f.write("title: t\nenrich:\n  arxiv_api: %s/arxiv\n  crossref_api: %s/crossref\n"
                "  interval: 0\n  timeout: 2\n  retries: 0\n" % (library_base, library_base))
    with open(os.path.join(lib, "papers", "a.md"), "w") as f:
        f.write("---\ntitle: A Title Nobody Has Written\npresenter: A\ndate: 2024-01-01\n---\nText.\n")
    env = dict(os.environ, PAPERBOOK_ARXIV_API=user_base + "/arxiv",
               PAPERBOOK_CROSSREF_API=user_base + "/crossref")
    env.pop("PAPERBOOK_CACHE_DIR", None)
    p = subprocess.run([pb, "dump", lib, "--enrich"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=env, timeout=120)
    err = p.stderr.decode("utf-8", "replace")
    library_srv.shutdown()
    user_srv.shutdown()
    fail = []
    if p.returncode != 0:
        fail.append("dump exited %d" % p.returncode)
    for line, key in ((3, "arxiv_api"), (4, "crossref_api")):
        if "paperbook.yml:%d: warning: 'enrich.%s'" % (line, key) not in err:
            fail.append("no warning at paperbook.yml:%d for %s" % (line, key))
    if library_hits:
        fail.append("the library's server got %d requests: %r" % (len(library_hits), library_hits))
    if not user_hits:
        fail.append("the user's server (PAPERBOOK_*_API) got no request")
    if fail:
        print("FAIL: " + "\nFAIL: ".join(fail) + "\n--- stderr:\n" + err)
        return 1
    print("enrich servers: library's ignored (0 requests), user's asked (%d requests)"
          % len(user_hits))
    return 0


if __name__ == "__main__":
    sys.exit(main())
