#!/usr/bin/env python3
"""Compares two `paperbook dump` outputs entry by entry, ignoring where each
entry came from (file:line) and the order of entries: importing cards and
reading them back must give the same papers with the same fields."""
import json
import os
import re
import sys


def key_fields(e):
    figs = []
    for f in e["figures"]:
        p = f.get("path")
        figs.append(os.path.basename(os.path.realpath(p)) if p else f.get("url") or f.get("src"))
    links = sorted((l["kind"], l.get("local") or l["url"]) for l in e["links"])
    summary = [(b["kind"], b["depth"], b["ordinal"], re.sub(r"\s+", " ", b["text"]).strip(),
                tuple(b.get("links", []))) for b in e["summary"]]
    return {
        "title": e["title"], "venue": e["venue"], "year": e["year"], "note": e["note"],
        "presenter": e["presenter"], "date": e["date"], "category": e["category"],
        "tags": e["tags"], "links": links, "figures": figs, "summary": summary,
    }


def main():
    a = json.load(open(sys.argv[1], encoding="utf-8"))
    b = json.load(open(sys.argv[2], encoding="utf-8"))
    ka = sorted((json.dumps(key_fields(e), ensure_ascii=False, sort_keys=True) for e in a["entries"]))
    kb = sorted((json.dumps(key_fields(e), ensure_ascii=False, sort_keys=True) for e in b["entries"]))
    if len(ka) != len(kb):
        print("FAIL: %d entries before, %d after" % (len(ka), len(kb)))
    sa, sb = set(ka), set(kb)
    only_a = [x for x in ka if x not in sb]
    only_b = [x for x in kb if x not in sa]
    for x, y in list(zip(only_a, only_b))[:3]:
        xa, yb = json.loads(x), json.loads(y)
        for k in xa:
            if xa[k] != yb.get(k):
                print("FAIL: %r differs for %r:\n  before: %r\n  after:  %r" % (k, xa["title"], xa[k], yb.get(k)))
    if only_a or only_b or len(ka) != len(kb):
        print("FAIL: %d entries differ" % max(len(only_a), len(only_b)))
        return 1
    print("round trip: %d entries identical" % len(ka))
    return 0


if __name__ == "__main__":
    sys.exit(main())
