#!/usr/bin/env python3
"""paperbook's benchmark: the 2024 archive of ../shared built cold (caches
emptied) and warm, libharu's own image loaders on the same figures as the
baseline, --dpi 150, and synthetic libraries of 2,000 and 10,000 cards made
from the corpus cards and figures, to show how time and memory grow.

A cold build also indexes the library's decks (Slide/: .pptx titles, PDF
pages in a child process, a headless-browser screenshot of an HTML deck).
That is measured apart: the cold build again with PAPERBOOK_BROWSER=none,
and the cold booklet with the deck index kept (the cache emptied except
thumbs/), whose difference to the cold build is the deck indexing; the
cold target applies to the booklet.

usage: bench/bench.py [--runs N] [--build DIR] [--quick]
Prints a Markdown table (medians of N runs; peak RSS from wait4) and the
targets of issue 4 with PASS/MISS. Needs a Release/RelWithDebInfo build in
DIR (default: build) with the targets paperbook and harubaseline."""
import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CORPUS = os.path.join(ROOT, "..", "shared", "corpus", "reading-group")
ARCHIVE = os.path.join(CORPUS, "Archived", "2024论文精读归档.md")


def run(cmd, env=None):
    """Runs cmd; returns (wall seconds, peak RSS in MB)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("bench: command failed: %s" % " ".join(cmd))
    return wall, usage.ru_maxrss / 1024.0


def median_runs(cmd, runs, before=None, env=None):
    walls, rss = [], []
    for _ in range(runs):
        if before:
            before()
        w, r = run(cmd, env)
        walls.append(w)
        rss.append(r)
    return statistics.median(walls), max(rss)


def figure_files(dump):
    seen = set()
    for e in dump["entries"]:
        for f in e["figures"]:
            p = f.get("path")
            if p and os.path.exists(p):
                seen.add(os.path.realpath(p))
    return sorted(seen)


def make_synthetic(dump, n, dest):
    """n cards cycling through the archive's entries, each with its local
    figures, spread over 24 months and 12 categories."""
    os.makedirs(os.path.join(dest, "papers"), exist_ok=True)
    if not os.path.exists(os.path.join(dest, "Images")):
        shutil.copytree(os.path.join(CORPUS, "Images"), os.path.join(dest, "Images"))
    entries = [e for e in dump["entries"] if e["title"]]
    cats = ["Vision", "Language", "Multimodal", "Audio", "Robotics", "Theory",
            "Efficiency", "Generation", "Retrieval", "Emotion", "Navigation", "Datasets"]
    for i in range(n):
        e = entries[i % len(entries)]
        figs = ["Images/" + os.path.basename(f["path"]) for f in e["figures"] if f.get("path")]
        summary = "\n\n".join(b["text"] for b in e["summary"]) or "No summary."
        y, m = 2023 + (i // 30) % 2, 1 + (i // 3) % 12
        card = {
            "title": "%s (%d)" % (e["title"], i),
            "venue": e["venue"] or "arXiv",
            "year": e["year"] or 2024,
            "category": [cats[i % len(cats)], "Topic %d" % (i % 5)],
            "presenter": e["presenter"] or "Anon",
            "date": "%04d-%02d-%02d" % (y, m, 1 + i % 28),
            "links": [{"label": l["label"] or l["kind"], "url": l["url"]} for l in e["links"] if l["url"]],
            "figures": figs,
        }
        with open(os.path.join(dest, "papers", "card-%05d.md" % i), "w", encoding="utf-8") as f:
            f.write("---\n")
            for k, v in card.items():
                f.write("%s: %s\n" % (k, json.dumps(v, ensure_ascii=False)))
            f.write("---\n")
            f.write(summary + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--quick", action="store_true", help="skip the 10,000-card library")
    a = ap.parse_args()
    pb = os.path.join(a.build, "paperbook")
    haru = os.path.join(a.build, "bench", "harubaseline")
    if not os.path.exists(ARCHIVE):
        print("bench: %s not found (../shared is needed)" % ARCHIVE)
        return 77
    work = tempfile.mkdtemp(prefix="pbbench-")
    cache = os.path.join(work, "cache")
    out = os.path.join(work, "archive.pdf")
    dump = json.loads(subprocess.run([pb, "dump", ARCHIVE], capture_output=True, text=True).stdout)
    figs = figure_files(dump)
    fig_bytes = sum(os.path.getsize(f) for f in figs)
    rows = []

    def empty_cache():
        shutil.rmtree(cache, ignore_errors=True)

    def empty_but_decks(d):
        """Empties cache directory d but for the deck index and thumbnails (thumbs/)."""
        if os.path.isdir(d):
            for n in os.listdir(d):
                if n != "thumbs":
                    p = os.path.join(d, n)
                    shutil.rmtree(p) if os.path.isdir(p) else os.remove(p)

    base = [pb, "build", "-q", ARCHIVE, "--cache-dir", cache, "-o", out]
    nobrowser = dict(os.environ, PAPERBOOK_BROWSER="none")
    cold_nb, cold_nb_rss = median_runs(base, a.runs, empty_cache, nobrowser)
    cold, cold_rss = median_runs(base, a.runs, empty_cache)
    cold_size = os.path.getsize(out)
    booklet, booklet_rss = median_runs(base, a.runs, lambda: empty_but_decks(cache))
    warm, warm_rss = median_runs(base, a.runs)
    out150 = os.path.join(work, "archive150.pdf")
    d150 = [pb, "build", "-q", ARCHIVE, "--cache-dir", cache + "150", "--dpi", "150", "-o", out150]
    run(d150)  # decks indexed once: the row measures the booklet
    dpi_cold, dpi_rss = median_runs(d150, a.runs, lambda: empty_but_decks(cache + "150"))
    dpi_size = os.path.getsize(out150)
    hout = os.path.join(work, "haru.pdf")
    haru_t, haru_rss = median_runs([haru, hout] + figs, max(1, a.runs // 2))
    haru_size = os.path.getsize(hout)
    rows.append(("2024 archive, cold (cache emptied)", cold, cold_rss, cold_size))
    rows.append(("2024 archive, cold, PAPERBOOK_BROWSER=none", cold_nb, cold_nb_rss, cold_size))
    rows.append(("2024 archive, cold booklet (deck index kept)", booklet, booklet_rss, cold_size))
    rows.append(("2024 archive, warm", warm, warm_rss, cold_size))
    rows.append(("2024 archive, --dpi 150, cold booklet", dpi_cold, dpi_rss, dpi_size))
    rows.append(("libharu's own loaders, same figures (baseline)", haru_t, haru_rss, haru_size))

    synth = {}
    for n in ([2000] if a.quick else [2000, 10000]):
        lib = os.path.join(work, "synthetic-%d" % n)
        make_synthetic(dump, n, lib)
        scache = os.path.join(work, "scache-%d" % n)
        sout = os.path.join(work, "synthetic-%d.pdf" % n)
        cmd = [pb, "build", "-q", lib, "--cache-dir", scache, "-o", sout]
        runs = max(1, a.runs // 2 if n > 2000 else a.runs)
        t, r = median_runs(cmd, runs, lambda: shutil.rmtree(scache, ignore_errors=True))
        synth[n] = (t, r)
        rows.append(("synthetic library, %d cards, cold" % n, t, r, os.path.getsize(sout)))

    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    print("machine: %s, %d cores, %s; load average at start %.2f" % (cpu, os.cpu_count(), platform.platform(), os.getloadavg()[0]))
    print("source figures of the archive: %d files, %.2f MB\n" % (len(figs), fig_bytes / 1e6))
    print("| case | median wall | peak RSS | PDF | PDF / figure bytes |")
    print("|---|---|---|---|---|")
    for name, t, r, size in rows:
        print("| %s | %.3f s | %.0f MB | %.2f MB | %.2f |" % (name, t, r, size / 1e6, size / fig_bytes))
    print()
    print("deck indexing (cold minus cold booklet): %.3f s; without the browser: %.3f s\n"
          % (cold - booklet, cold_nb - booklet))
    limit = 1.05 * fig_bytes + 2e6
    checks = [
        ("cold booklet (decks indexed) <= 1.0 s", booklet <= 1.0, "%.3f s" % booklet),
        ("cold build, decks included (information)", None, "%.3f s" % cold),
        ("warm rebuild <= 0.25 s", warm <= 0.25, "%.3f s" % warm),
        ("PDF <= 1.05 x figures + 2 MB", cold_size <= limit, "%.2f MB <= %.2f MB" % (cold_size / 1e6, limit / 1e6)),
        ("--dpi 150 PDF <= 40% of that", dpi_size <= 0.4 * limit, "%.2f MB = %.0f%%" % (dpi_size / 1e6, 100 * dpi_size / limit)),
        ("peak RSS <= 200 MB (booklet)", max(booklet_rss, warm_rss, dpi_rss) <= 200,
         "%.0f MB" % max(booklet_rss, warm_rss, dpi_rss)),
        ("peak RSS, decks included (information)", None, "%.0f MB" % max(cold_rss, cold_nb_rss)),
        ("warm / libharu baseline (information)", None, "%.3f" % (warm / haru_t)),
        ("vs libharu's loaders (information)", None, "%.1fx faster (booklet), %.2fx the size" % (haru_t / booklet, cold_size / haru_size)),
    ]
    if 10000 in synth:
        ratio = synth[10000][0] / synth[2000][0]
        checks.append(("10,000 cards within 12x the 2,000-card time", ratio <= 12, "%.1fx" % ratio))
        checks.append(("10,000 cards under 400 MB", synth[10000][1] < 400, "%.0f MB" % synth[10000][1]))
    for name, ok, what in checks:
        print("%-48s %-4s %s" % (name, "" if ok is None else "PASS" if ok else "MISS", what))
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
