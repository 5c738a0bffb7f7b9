#!/usr/bin/env python3
"""paperbook --enrich against arXiv- and Crossref-shaped servers on
127.0.0.1 that this script starts and stops itself (src/records/enrich.c).

Usage: enrich_test.py PAPERBOOK WORKDIR

The answers are written here, in each API's documented format: arXiv's
Atom feed (id_list and search_query=ti:"...") and Crossref's JSON
(/works/DOI, /works?query.bibliographic=...). Libraries of YAML cards:

  good    an arXiv id whose record names a DOI (then Crossref gives the
          venue), an ACM DOI, an OpenReview link, a title Crossref matches
          under other case and punctuation after a near miss, a title only
          arXiv has, a near miss everywhere (must not match), a card whose
          own venue and year must stay, a Chinese author, a title-only
          session card for the handout;
  flaky   a 429 with Retry-After: 2, then the answer;
  bad     malformed XML, malformed JSON, an answer over the size limit, a
          request that times out;
  capped  a cache size cap smaller than one answer;
  slow    an overall deadline shorter than the server's answers.

Checks the dump (fields, their sources, the card's own fields untouched),
politeness (User-Agent with the contact address, mailto=, the interval
between requests, Retry-After honoured), that failures are warnings with
the card's file:line and nothing of them is cached, that a second run
with the server stopped gets the same from the cache, and that the
handout of the title-only session has a QR code of the found link only
after enriching. Exit 77 (skipped) without zbarimg or pdftoppm."""
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

INTERVAL = 0.3
MAILTO = "reading-group@example.org"


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


# ---- answers ---------------------------------------------------------------

def atom(entries):
    body = []
    for e in entries:
        authors = "".join("<author><name>%s</name></author>" % a for a in e["authors"])
        doi = "<arxiv:doi>%s</arxiv:doi>" % e["doi"] if e.get("doi") else ""
        body.append(
            "<entry><id>http://arxiv.org/abs/%sv2</id>"
            "<updated>2024-02-01T00:00:00Z</updated><published>%s-01-02T18:00:00Z</published>"
            "<title>%s</title><summary>  %s\n  </summary>%s%s"
            "<link href=\"http://arxiv.org/abs/%sv2\" rel=\"alternate\" type=\"text/html\"/>"
            "<arxiv:primary_category xmlns:arxiv=\"http://arxiv.org/schemas/atom\" term=\"cs.CV\"/>"
            "</entry>" % (e["id"], e["year"], e["title"], e["abstract"], authors, doi, e["id"]))
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<feed xmlns=\"http://www.w3.org/2005/Atom\" "
            "xmlns:opensearch=\"http://a9.com/-/spec/opensearch/1.1/\" "
            "xmlns:arxiv=\"http://arxiv.org/schemas/atom\">"
            "<title type=\"html\">ArXiv Query</title><id>http://arxiv.org/api/x</id>"
            "<updated>2024-02-01T00:00:00-05:00</updated>"
            "<opensearch:totalResults>%d</opensearch:totalResults>%s</feed>"
            % (len(entries), "".join(body))).encode("utf-8")


def work(title, authors, venue, year, doi, typ="proceedings-article"):
    return {"DOI": doi, "type": typ, "title": [title], "container-title": [venue] if venue else [],
            "author": authors, "issued": {"date-parts": [[year, 6]]},
            "URL": "https://doi.org/" + doi}


def one(w):
    return json.dumps({"status": "ok", "message-type": "work", "message-version": "1.0.0",
                       "message": w}).encode()


def many(ws):
    return json.dumps({"status": "ok", "message-type": "work-list", "message-version": "1.0.0",
                       "message": {"items": ws, "total-results": len(ws),
                                   "items-per-page": 5}}).encode()


AX_DOI = {"id": "2401.00001", "year": 2024, "title": "Tiny Experts\n   Read Papers",
          "abstract": "We read papers.", "authors": ["Alice Example", "Bob Example"],
          "doi": "10.9999/pub.1"}
AX_ONLY = {"id": "2402.00002", "year": 2024, "title": "Only On ArXiv: A Preprint",
           "abstract": "Preprint abstract.", "authors": ["Carol Arxiv", "Dan Arxiv", "Eve Arxiv",
                                                       "Frank Arxiv"]}
AX_NEAR = {"id": "2403.00003", "year": 2024, "title": "Scaling Vision Transformer to Tiny Budgets",
           "abstract": "x", "authors": ["Near Miss"]}

W_PUB = work("Tiny Experts Read Papers", [{"given": "Alice", "family": "Example"},
                                          {"given": "Bob", "family": "Example"}],
             "Journal of Tests", 2023, "10.9999/pub.1", "journal-article")
W_ACM = work("An ACM Paper About Caches", [{"given": "雪松", "family": "张"},
                                           {"given": "Grace", "family": "Hopper"}],
             "Proceedings of the 31st ACM International Conference on Multimedia", 2023,
             "10.1145/3581783.3612345")
W_SPARSE_NEAR = work("Sparse Mixture of Tiny Experts for Reading Groups",
                     [{"given": "Wrong", "family": "Paper"}], "Elsewhere", 2020, "10.5555/near.1")
W_SPARSE = work("Sparse mixtures of tiny experts — for reading groups!",
                [{"given": "Ada", "family": "Lovelace"}, {"name": "The Reading Group Consortium"}],
                "NeurIPS", 2023, "10.5555/sparse.1")
W_SCALING_NEAR = work("Scaling Vision Transformer to Tiny Budgets", [{"given": "N", "family": "M"}],
                      "CVPR", 2022, "10.5555/scaling.near")
W_REVIEW = dict(work("Budgets Everywhere", [{"given": "R", "family": "Eviewer"}], None, 2024,
                     "10.5555/review.1"), type="peer-review")
W_BUDGETS = work("Budgets Everywhere [ICLR'24]", [{"given": "Kept", "family": "Venue"}], "Other Venue", 2023,
                 "10.5555/budgets.1")
W_OPENREVIEW = work("Reviewed In The Open", [{"given": "Olive", "family": "Open"}], "ICLR", 2024,
                    "10.5555/open.1")
W_HANDOUT = work("A Session Paper With Only A Title", [{"given": "Hal", "family": "Handout"}],
                 "ICML", 2024, "10.5555/handout.1")
W_RETRY = work("Patience Under Rate Limits", [{"given": "Pat", "family": "Ience"}], "AAAI", 2024,
               "10.5555/retry.1")


class Server:
    def __init__(self):
        self.log = []  # (time, path, user agent)
        self.retry_seen = 0
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def send(self, code, body, ctype, headers=()):
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                for k, v in headers:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except OSError:
                    pass

            def do_GET(self):
                with outer.lock:
                    outer.log.append((time.monotonic(), self.path, self.headers.get("User-Agent", "")))
                u = urllib.parse.urlsplit(self.path)
                q = urllib.parse.parse_qs(u.query)
                if u.path == "/arxiv/query":
                    return self.arxiv(q)
                if u.path.startswith("/crossref/works/"):
                    return self.doi(urllib.parse.unquote(u.path[len("/crossref/works/"):]))
                if u.path == "/crossref/works":
                    return self.search(q.get("query.bibliographic", [""])[0].lower())
                self.send(404, b"not found", "text/plain")

            def arxiv(self, q):
                x = "application/atom+xml"
                ids = q.get("id_list", [""])[0]
                if ids == AX_DOI["id"]:
                    return self.send(200, atom([AX_DOI]), x)
                if ids == "2404.99999":
                    return self.send(200, b"<?xml version='1.0'?><feed><entry><title>unclosed", x)
                if ids:
                    return self.send(200, atom([]), x)
                s = q.get("search_query", [""])[0].lower()
                if "only on arxiv" in s:
                    return self.send(200, atom([AX_ONLY]), x)
                if "scaling vision" in s:
                    return self.send(200, atom([AX_NEAR]), x)
                return self.send(200, atom([]), x)

            def doi(self, doi):
                j = "application/json"
                if doi == "10.9999/pub.1":
                    return self.send(200, one(W_PUB), j)
                if doi == "10.1145/3581783.3612345":
                    return self.send(200, one(W_ACM), j)
                if doi == "10.5555/malformed":
                    return self.send(200, b'{"status": "ok", "message": {"title": ["x"], ', j)
                if doi == "10.5555/huge":
                    pad = "x" * (6 << 20)
                    return self.send(200, ('{"status":"ok","message":{"title":["%s"]}}' % pad).encode(), j)
                return self.send(404, b"Resource not found.", "text/plain")

            def search(self, s):
                j = "application/json"
                if "sparse" in s:
                    return self.send(200, many([W_SPARSE_NEAR, W_SPARSE]), j)
                if "scaling vision" in s:
                    return self.send(200, many([W_SCALING_NEAR]), j)
                if "budgets everywhere" in s:
                    return self.send(200, many([W_REVIEW, W_BUDGETS]), j)
                if "reviewed in the open" in s:
                    return self.send(200, many([W_OPENREVIEW]), j)
                if "session paper" in s:
                    return self.send(200, many([W_HANDOUT]), j)
                if "patience" in s:
                    with outer.lock:
                        outer.retry_seen += 1
                        first = outer.retry_seen == 1
                    if first:
                        return self.send(429, b"slow down", "text/plain", [("Retry-After", "2")])
                    return self.send(200, many([W_RETRY]), j)
                if "timeout" in s or "deadline" in s:
                    time.sleep(3)
                    return self.send(200, many([]), j)
                return self.send(200, many([]), j)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        if self.httpd:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None


# ---- libraries --------------------------------------------------------------

def card(d, name, title, link=None, date="2024-12-01", extra=""):
    os.makedirs(os.path.join(d, "papers"), exist_ok=True)
    with open(os.path.join(d, "papers", name + ".md"), "w", encoding="utf-8") as f:
        f.write("---\ntitle: %s\npresenter: 张三\ndate: %s\n%s" % (json.dumps(title, ensure_ascii=False), date, extra))
        if link:
            f.write("links:\n  paper: %s\n" % link)
        f.write("---\nA summary.\n")


def config(d, port, extra=""):
    with open(os.path.join(d, "paperbook.yml"), "w") as f:
        f.write("title: enrich test\nenrich:\n"
                "  mailto: %s\n"
                "  interval: %s\n  timeout: 1\n  retries: 1\n%s" % (MAILTO, INTERVAL, extra))
    # the servers are the user's setting, never the library's
    os.environ["PAPERBOOK_ARXIV_API"] = "http://127.0.0.1:%d/arxiv/query" % port
    os.environ["PAPERBOOK_CROSSREF_API"] = "http://127.0.0.1:%d/crossref" % port


def run(cmd, timeout=120):
    t = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    return (p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"),
            time.monotonic() - t)


def dump(pb, lib, cache, enrich):
    cmd = [pb, "dump", lib, "--cache-dir", cache] + (["--enrich"] if enrich else [])
    rc, out, err, secs = run(cmd)
    if rc != 0:
        fail("dump %s: %d\n%s" % (lib, rc, err))
    return {os.path.basename(e["source"].split(":")[0])[:-3]: e for e in json.loads(out)["entries"]}, err, secs


def bib(e):
    return e.get("biblio", {"authors": [], "sources": {}, "doi": None, "arxiv": None})


def expect(cond, msg):
    if not cond:
        fail(msg)


def check_good(d):
    a = d["axdoi"]
    b = bib(a)
    expect(b["authors"] == ["Alice Example", "Bob Example"], "arxiv id: authors %r" % b["authors"])
    expect(a["venue"] == "Journal of Tests" and a["year"] == 2023,
           "arxiv id -> DOI -> Crossref venue: %r %r" % (a["venue"], a["year"]))
    expect(b["doi"] == "10.9999/pub.1" and b["sources"].get("doi") == "crossref", "doi: %r" % b)
    expect(b["arxiv"] == "2401.00001" and b["sources"].get("arxiv") == "card", "arxiv from the card")
    expect(b["abstract"] == "We read papers.", "abstract: %r" % b["abstract"])
    expect(b["sources"].get("venue") == "crossref", "venue source: %r" % b["sources"])
    expect(len(a["links"]) == 1, "no link added when the card has one")

    c = d["acm"]
    b = bib(c)
    expect(b["authors"] == ["张雪松", "Grace Hopper"], "ACM DOI authors (Chinese order): %r" % b["authors"])
    expect(c["venue"].startswith("Proceedings of the 31st ACM") and c["year"] == 2023, "ACM venue")
    expect(b["sources"].get("authors") == "crossref" and b["sources"].get("doi") == "card", "ACM sources")

    s = d["sparse"]
    b = bib(s)
    expect(b["authors"] == ["Ada Lovelace", "The Reading Group Consortium"],
           "title match after a near miss: %r" % b["authors"])
    expect(b["doi"] == "10.5555/sparse.1", "title match picks the true title, not the near miss")
    expect(s["links"] and s["links"][0]["url"] == "https://doi.org/10.5555/sparse.1"
           and s["links"][0].get("source") == "crossref", "link filled: %r" % s["links"])

    n = d["near"]
    expect("biblio" not in n or not bib(n)["authors"], "near miss must not match: %r" % n.get("biblio"))
    expect(not n["links"] and n["venue"] is None and n["year"] == 0, "near miss card unchanged")

    o = d["arxivonly"]
    b = bib(o)
    expect(b["authors"] == AX_ONLY["authors"] and b["sources"]["authors"] == "arxiv", "arXiv title match")
    expect(o["links"] and o["links"][0]["url"] == "https://arxiv.org/abs/2402.00002", "arXiv link")
    expect(o["venue"] == "arXiv" and o["year"] == 2024, "arXiv venue/year")

    k = d["kept"]
    b = bib(k)
    expect(k["venue"] == "ICLR" and k["year"] == 2024, "the card's venue and year stay: %r %r"
           % (k["venue"], k["year"]))
    expect(b["sources"].get("venue") == "card" and b["sources"].get("year") == "card", "card sources")
    expect(b["authors"] == ["Kept Venue"], "a peer review is not the paper; trailing tag ignored: %r"
           % b["authors"])

    r = d["openreview"]
    expect(bib(r)["authors"] == ["Olive Open"], "OpenReview link: title search")


def qr_codes(pdf, work):
    png = os.path.join(work, "handout")
    for f in os.listdir(work):
        if f.startswith("handout-") and f.endswith(".png"):
            os.remove(os.path.join(work, f))
    subprocess.run(["pdftoppm", "-r", "150", "-png", pdf, png], check=True)
    found = []
    for f in sorted(os.listdir(work)):
        if f.startswith("handout-") and f.endswith(".png"):
            p = subprocess.run(["zbarimg", "-q", "--raw", os.path.join(work, f)], stdout=subprocess.PIPE)
            found += p.stdout.decode().split()
    return found


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    pb, work = sys.argv[1:]
    for tool in ("zbarimg", "pdftoppm"):
        if not shutil.which(tool):
            print("SKIP: %s is not installed" % tool)
            return 77
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    srv = Server()
    try:
        return scenarios(pb, work, srv)
    finally:
        srv.stop()


def scenarios(pb, work, srv):
    port = srv.port
    good = os.path.join(work, "good")
    card(good, "axdoi", "Tiny Experts Read Papers", "https://arxiv.org/pdf/2401.00001v2.pdf")
    card(good, "acm", "An ACM Paper About Caches", "https://dl.acm.org/doi/abs/10.1145/3581783.3612345")
    card(good, "sparse", "Sparse Mixtures of Tiny Experts: for Reading Groups")
    card(good, "near", "Scaling Vision Transformers to Tiny Budgets")
    card(good, "arxivonly", "Only on arXiv — a preprint")
    card(good, "kept", "Budgets Everywhere (ICLR 2024)", extra="venue: ICLR\nyear: 2024\n")
    card(good, "openreview", "Reviewed in the Open", "https://openreview.net/forum?id=AbC123")
    card(good, "handout", "A Session Paper With Only A Title", date="2024-12-29")
    config(good, port)
    cache = os.path.join(work, "cache-good")

    # The handout of the title-only session before enriching: no QR code.
    h0 = os.path.join(work, "handout-before.pdf")
    rc, out, err, _ = run([pb, "handout", good, "--date", "2024-12-29", "--cache-dir", cache, "-q", "-o", h0])
    expect(rc == 0, "handout before: %d %s" % (rc, err))
    expect(qr_codes(h0, work) == [], "a QR code before enriching")

    srv.log.clear()
    d, err, secs = dump(pb, good, cache, True)
    check_good(d)
    expect(re.search(r"near\.md:\d+: note: no record with this title; nearest answer: "
                     r"'Scaling Vision Transformer to Tiny Budgets'", err), "near-miss note:\n" + err)
    expect("warning" not in err, "warnings in the good run:\n" + err)
    log = list(srv.log)
    expect(all(MAILTO in ua and ua.startswith("paperbook/") for _, _, ua in log), "User-Agent")
    expect(all("mailto=" in p for _, p, _ in log if p.startswith("/crossref")), "mailto= to Crossref")
    for svc in ("/arxiv", "/crossref"):
        ts = [t for t, p, _ in log if p.startswith(svc)]
        gaps = [b - a for a, b in zip(ts, ts[1:])]
        expect(all(g >= INTERVAL * 0.9 for g in gaps), "%s requests closer than the interval: %r" % (svc, gaps))
    print("good: %d requests, %.1f s; identifiers, title matches, near miss refused, card fields kept"
          % (len(log), secs))

    # The same with the server stopped later; first the cache without --enrich.
    srv.log.clear()
    d2, err2, _ = dump(pb, good, cache, False)
    expect(not srv.log, "a run without --enrich asked the server")
    check_good(d2)
    expect(d2 == d, "the cache gives the same dump")

    h1 = os.path.join(work, "handout-after.pdf")
    rc, out, err, _ = run([pb, "handout", good, "--date", "2024-12-29", "--cache-dir", cache, "-q", "-o", h1])
    expect(rc == 0, "handout after: %d %s" % (rc, err))
    codes = qr_codes(h1, work)
    expect(codes == ["https://doi.org/10.5555/handout.1"], "handout QR codes after enriching: %r" % codes)
    print("handout: no QR code before, %r after" % codes)

    # 429 with Retry-After.
    flaky = os.path.join(work, "flaky")
    card(flaky, "retry", "Patience Under Rate Limits")
    config(flaky, port)
    srv.log.clear()
    d, err, secs = dump(pb, flaky, os.path.join(work, "cache-flaky"), True)
    expect(bib(d["retry"])["authors"] == ["Pat Ience"], "matched after a 429: %r\n%s" % (d["retry"], err))
    ts = [t for t, p, _ in srv.log if "patience" in p.lower()]
    expect(len(ts) == 2 and ts[1] - ts[0] >= 1.9, "Retry-After: 2 not honoured: %r" % ts)
    print("429: asked again after %.2f s, then matched" % (ts[1] - ts[0]))

    # Failures: warnings at the card, nothing cached, bounded time.
    bad = os.path.join(work, "bad")
    card(bad, "xml", "Malformed Feed", "https://arxiv.org/abs/2404.99999")
    card(bad, "json", "Malformed Work", "https://doi.org/10.5555/malformed")
    card(bad, "huge", "Huge Work", "https://doi.org/10.5555/huge")
    card(bad, "slow", "A Timeout Paper")
    config(bad, port)
    bcache = os.path.join(work, "cache-bad")
    d, err, secs = dump(pb, bad, bcache, True)
    for name, pat in (("xml", r"not well-formed XML"), ("json", r"not valid JSON"),
                      ("huge", r"larger than the limit"), ("slow", r"lookup failed: .*[Tt]ime")):
        expect(re.search(r"papers/%s\.md:\d+: warning: .*%s" % (name, pat), err),
               "%s: no warning matching %r:\n%s" % (name, pat, err))
        expect(not bib(d[name])["authors"], "%s: filled from a bad answer" % name)
    expect(secs < 30, "the bad run took %.1f s" % secs)
    data = os.path.join(bcache, "enrich", "data")
    kept = os.listdir(data) if os.path.isdir(data) else []
    expect(all(f.endswith(".xml") for f in kept) and len(kept) <= 1,
           "bad answers were cached: %r" % kept)  # only arXiv's empty feed for the timeout card
    print("bad: malformed XML, malformed JSON, huge answer and timeout are warnings (%.1f s)" % secs)

    # The cache's size cap: answers are used but not kept.
    capped = os.path.join(work, "capped")
    card(capped, "sparse", "Sparse Mixtures of Tiny Experts: for Reading Groups")
    config(capped, port, "  cache_max_mb: 0.0001\n")
    ccache = os.path.join(work, "cache-capped")
    d, err, _ = dump(pb, capped, ccache, True)
    expect(bib(d["sparse"])["doi"] == "10.5555/sparse.1", "capped cache: the answer is still used")
    expect("is at its cap" in err, "no cap warning:\n" + err)
    cdata = os.path.join(ccache, "enrich", "data")
    expect(not os.path.isdir(cdata) or not os.listdir(cdata), "answers kept past the cap")
    print("cache cap: answers used, not kept, one warning")

    # The overall deadline.
    slow = os.path.join(work, "slow")
    for i in range(4):
        card(slow, "d%d" % i, "Deadline Paper Number %d" % i)
    config(slow, port, "  deadline: 2\n")
    d, err, secs = dump(pb, slow, os.path.join(work, "cache-slow"), True)
    expect("deadline passed" in err, "no deadline warning:\n" + err)
    expect(secs < 8, "the deadline run took %.1f s" % secs)
    print("deadline: stopped after %.1f s" % secs)

    # The server stopped: --enrich is served by the cache, no warning.
    srv.stop()
    d3, err3, _ = dump(pb, good, cache, True)
    check_good(d3)
    expect("warning" not in err3 and "0 requests" in err3, "cache run:\n" + err3)
    print("cache: a second --enrich run with the server stopped gives the same fields")

    # A damaged or linked cache record is a miss, not an error (the store's
    # rule): offline, the cards are as if nothing had been kept.
    plain, _, _ = dump(pb, good, os.path.join(work, "cache-none"), False)
    expect(plain["axdoi"]["venue"] != "Journal of Tests", "an empty cache fills the card")
    for what in ("damaged", "linked"):
        c = os.path.join(work, "cache-" + what)
        shutil.rmtree(c, ignore_errors=True)
        shutil.copytree(cache, c, symlinks=True)
        kind = "data" if what == "damaged" else "q"
        kdir = os.path.join(c, "enrich", kind)
        names = sorted(os.listdir(kdir))
        expect(names, "no %s records to %s" % (kind, what))
        for n in names:
            f = os.path.join(kdir, n)
            if what == "damaged":
                with open(f, "wb") as fh:
                    fh.write(b"<feed><entry>cut off")
            else:
                real = os.path.join(work, "outside-" + n)
                shutil.move(f, real)
                os.symlink(real, f)
        dd, derr, _ = dump(pb, good, c, False)
        expect("warning" not in derr and "error" not in derr,
               "a %s cache record gave a message:\n%s" % (what, derr))
        expect(dd == plain, "a %s cache record was used" % what)
    print("cache: damaged answers and linked index records are misses")
    return 0


if __name__ == "__main__":
    sys.exit(main())
