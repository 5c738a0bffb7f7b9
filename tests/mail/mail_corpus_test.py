#!/usr/bin/env python3
"""The mailed digest on the real reading group's 2024 archive, and its HTML
in a real browser.

Usage: mail_corpus_test.py PAPERBOOK ARCHIVE.md WORKDIR

1. `digest --last-week --today 2024-12-30 --mail x.eml` lists exactly the
   papers dated 2024-12-23..2024-12-29, in library order, as computed here
   from `paperbook dump`: the text part line by line, the HTML part by title.
2. `--last-month --today 2025-01-05` is December 2024: every paper of the
   month from dump, the whole message under 3 MB (its size is printed).
3. Its HTML body, each cid: pointed at the thumbnail saved from its part (as
   a mail client does), rendered by headless Chromium (own temporary profile,
   no network): the screenshot is not blank (ImageMagick's standard
   deviation and colour count) and the DOM dump holds every title.

Exit 77 (skipped) when the archive, chromium or ImageMagick is missing."""
import email
import email.policy
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

PB, ARCHIVE, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def digest(tag, window):
    os.makedirs(WORK, exist_ok=True)
    eml = os.path.join(WORK, tag + ".eml")
    if os.path.exists(eml):
        os.remove(eml)
    p = subprocess.run([PB, "digest", "-q"] + window +
                       ["-o", os.path.join(WORK, tag + ".pdf"), "--mail", eml,
                        "--from", "论文精读 <group@example.org>", "--to", "all@example.org",
                        ARCHIVE], capture_output=True, text=True, timeout=300)
    check(p.returncode == 0, f"{tag}: digest exit 0 ({p.stderr.strip()[-300:]!r})")
    with open(eml, "rb") as f:
        raw = f.read()
    return raw, email.message_from_bytes(raw, policy=email.policy.default)


def part(m, ctype):
    return next(p for p in m.walk() if p.get_content_type() == ctype)


def check_lists(tag, m, want):
    text = part(m, "text/plain").get_content().replace("\r\n", "\n")
    items = [ln for ln in text.split("\n") if ln.startswith("* ")]
    check(len(items) == len(want), f"{tag}: {len(items)} papers in the text part, "
          f"{len(want)} in dump")
    check(all(a.startswith("* " + (e["title"] or "(untitled)")) for a, e in zip(items, want)),
          f"{tag}: the text part's papers are dump's, in order")
    body = part(m, "text/html").get_content()
    plain_body = html.unescape(body)
    check(all(e["title"] in plain_body for e in want),
          f"{tag}: every title of the window in the HTML part")
    return body


def render(tag, m, body, titles):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    magick = shutil.which("convert")
    if not chromium or not magick:
        print("chromium or ImageMagick missing: render skipped")
        return 77
    d = os.path.join(WORK, tag + "-render")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for i, p in enumerate(q for q in m.walk() if q["Content-ID"]):
        name = f"cid{i}.jpg"
        with open(os.path.join(d, name), "wb") as f:
            f.write(p.get_payload(decode=True))
        body = body.replace("cid:" + p["Content-ID"].strip("<>"), name)
    check("cid:" not in body, f"{tag}: every cid: resolved to a part")
    page = os.path.join(d, "mail.html")
    with open(page, "w", encoding="utf-8") as f:
        f.write(body)
    png = os.path.join(d, "mail.png")
    with tempfile.TemporaryDirectory() as profile:
        base = [chromium, "--headless", "--no-sandbox", "--disable-gpu",
                f"--user-data-dir={profile}", "--no-first-run", "--disable-extensions",
                "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
                "--hide-scrollbars", "--window-size=800,3000"]
        subprocess.run(base + [f"--screenshot={png}", "file://" + page],
                       capture_output=True, timeout=120)
        dom = subprocess.run(base + ["--dump-dom", "file://" + page], capture_output=True,
                             text=True, timeout=120).stdout
    check(os.path.exists(png), f"{tag}: chromium wrote {png}")
    if not os.path.exists(png):
        return 0
    stats = subprocess.run([magick, png, "-colorspace", "gray", "-format",
                            "%[fx:standard_deviation] %k", "info:"],
                           capture_output=True, text=True).stdout.split()
    sd, colours = float(stats[0]), int(stats[1])
    check(sd > 0.05 and colours > 200,
          f"{tag}: screenshot not blank (gray std dev {sd:.3f}, {colours} colours)")
    text = html.unescape(re.sub(r"<[^>]+>", " ", dom))
    text = re.sub(r"\s+", " ", text)
    missing = [t for t in titles if re.sub(r"\s+", " ", t) not in text]
    check(not missing, f"{tag}: DOM dump holds all {len(titles)} titles (missing {missing[:3]})")
    imgs = re.findall(r'<img src="(cid\d+\.jpg)"', dom)
    check(len(imgs) > 0, f"{tag}: DOM has {len(imgs)} thumbnails")
    return 0


def main():
    if not os.path.exists(ARCHIVE):
        print(f"{ARCHIVE} not found: skipped")
        return 77
    dump = subprocess.run([PB, "dump", ARCHIVE], capture_output=True, text=True, timeout=120)
    entries = json.loads(dump.stdout)["entries"]

    def window(a, b):
        return [e for e in entries if e["date"] and a <= e["date"] <= b]
    week = window("2024-12-23", "2024-12-29")
    raw, m = digest("last-week", ["--last-week", "--today", "2024-12-30"])
    check(len(week) > 0, f"last-week: dump has {len(week)} papers in 2024-12-23..29")
    check(str(m["Subject"]).endswith(f"2024-12-23 — 2024-12-29: {len(week)} papers"),
          f"last-week: subject {m['Subject']}")
    check_lists("last-week", m, week)
    dec = window("2024-12-01", "2024-12-31")
    raw, m = digest("december", ["--last-month", "--today", "2025-01-05"])
    body = check_lists("december", m, dec)
    ET.fromstring(body.split("\n", 1)[1])
    print(f"december: message {len(raw)} bytes ({len(raw) / 1048576:.2f} MB), "
          f"{len(dec)} papers, {sum(1 for p in m.walk() if p['Content-ID'])} thumbnails, "
          f"PDF {os.path.getsize(os.path.join(WORK, 'december.pdf'))} bytes")
    check(len(raw) < 3 * 1024 * 1024, "december: message under 3 MB")
    rc = render("december", m, body, [e["title"] for e in dec])
    if failures:
        print(f"mail_corpus_test: {len(failures)} failure(s)")
        return 1
    return rc


sys.exit(main())
