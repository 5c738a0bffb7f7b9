#!/usr/bin/env python3
"""The weekly mail as the organizer sends it (issue 24, items 5-7), on the
real reading group's 2024 check-in log.

Usage: mail_weekly_test.py PAPERBOOK ARCHIVE.md WORKDIR

1. `digest --last-month --today 2025-01-05 --mail --send` to a real SMTP
   server (aiosmtpd, started here on 127.0.0.1): the message the server
   received, parsed with Python's email module, has in its text part each
   paper's summary opening (its first sentence, from `paperbook dump`), at
   most 200 characters; in its HTML part <img src="cid:..."> each with a
   related image part whose decoded JPEG/PNG is at least 300 pixels wide;
   a "Not read" section naming who did not read in the window (from dump's
   absences) in both parts. The message stays under 3 MB.
2. The HTML rendered by headless Chromium: the screenshot with the images
   differs from the one without them in at least 300x100 pixels (the
   figures are visible).
3. pdfinfo: the attached PDF's Subject counts the digest's papers.
4. --strict: last week of 2024 (no warning in its cards) exits 0 although
   the log has old warnings; a window holding a card with a warning (March
   2024, dates read as 2023) exits 1. An empty window exits 0 with and
   without --mail, 1 with --strict.
5. handout --next --today DATE picks the first session on or after DATE;
   handout --week --date 2024-12-25 holds the cards of 2024-12-23..29 and
   names who did not read that week.

Exit 77 (skipped) when the archive or aiosmtpd is missing."""
import email
import email.policy
import html
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

PB, ARCHIVE, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def image_width(data):
    """Pixel width of a PNG or JPEG, read from its header."""
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return struct.unpack(">I", data[16:20])[0]
    i = 2
    while data[:2] == b"\xff\xd8" and i + 9 < len(data):
        if data[i] != 0xFF:
            return 0
        marker, size = data[i + 1], struct.unpack(">H", data[i + 2:i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            return struct.unpack(">H", data[i + 7:i + 9])[0]
        i += 2 + size
    return 0


def first_sentence(blocks):
    text = " ".join(b["text"] for b in blocks if b.get("kind") != "code")
    text = re.sub(r"\s+", " ", text).strip()
    m = re.search(r"(。|！|？|[.!?](?= |$))", text)
    return text[:m.end()] if m else text


def run(args, timeout=300):
    return subprocess.run([PB] + args, capture_output=True, text=True, timeout=timeout)


def render(body, m, d):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    magick, compare = shutil.which("convert"), shutil.which("compare")
    if not chromium or not magick or not compare:
        print("chromium or ImageMagick missing: render skipped")
        return
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    with_img, without = body, body
    for i, p in enumerate(q for q in m.walk() if q["Content-ID"]):
        name = f"cid{i}.img"
        with open(os.path.join(d, name), "wb") as f:
            f.write(p.get_payload(decode=True))
        cid = "cid:" + p["Content-ID"].strip("<>")
        with_img = with_img.replace(cid, name)
        without = without.replace(cid, "missing.img")
    shots = []
    for tag, page_html in (("with", with_img), ("without", without)):
        page = os.path.join(d, tag + ".html")
        with open(page, "w", encoding="utf-8") as f:
            f.write(page_html)
        png = os.path.join(d, tag + ".png")
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                            f"--user-data-dir={profile}", "--no-first-run",
                            "--disable-extensions", "--host-resolver-rules=MAP * ~NOTFOUND",
                            "--proxy-server=127.0.0.1:9", "--hide-scrollbars",
                            "--window-size=800,2500", f"--screenshot={png}", "file://" + page],
                           capture_output=True, timeout=120)
        shots.append(png)
    check(all(os.path.exists(p) for p in shots), "chromium wrote both screenshots")
    if not all(os.path.exists(p) for p in shots):
        return
    ae = subprocess.run([compare, "-metric", "AE", "-fuzz", "5%", shots[0], shots[1], "null:"],
                        capture_output=True, text=True).stderr.split()[0]
    diff = float(ae)
    check(diff >= 300 * 100, f"the figures are visible: {diff:.0f} pixels differ with and "
          "without them (>= 30000)")


def main():
    if not os.path.exists(ARCHIVE):
        print(f"{ARCHIVE} not found: skipped")
        return 77
    try:
        from smtp_local import LocalSMTP
    except ImportError:
        print("python3-aiosmtpd missing: skipped")
        return 77
    os.makedirs(WORK, exist_ok=True)
    dump = json.loads(run(["dump", ARCHIVE]).stdout)
    dec = [e for e in dump["entries"] if e["date"] and "2024-12-01" <= e["date"] <= "2024-12-31"]
    absent = [a for a in dump.get("absences", [])
              if a.get("date") and "2024-12-01" <= a["date"] <= "2024-12-31"]
    check(len(dec) > 0 and len(absent) > 0,
          f"dump: {len(dec)} papers and {len(absent)} weeks not read in December 2024")

    # aiosmtpd on 127.0.0.1, a free port, in its own thread
    with LocalSMTP() as smtp:
        port = smtp.port
        pdf = os.path.join(WORK, "dec.pdf")
        eml = os.path.join(WORK, "dec.eml")
        p = run(["digest", "-q", "--last-month", "--today", "2025-01-05", "-o", pdf,
                 "--mail", eml, "--send", "--smtp", f"smtp+insecure://127.0.0.1:{port}",
                 "--from", "论文精读 <group@example.org>", "--to", "all@example.org", ARCHIVE])
        check(p.returncode == 0, f"digest --send: exit 0 ({p.stderr.strip()[-300:]!r})")
    received = [raw for _, _, raw in smtp.received]
    check(len(received) == 1, f"the server received {len(received)} message(s)")
    if not received:
        return 1
    raw = received[0]
    m = email.message_from_bytes(raw, policy=email.policy.default)
    print(f"message {len(raw)} bytes ({len(raw) / 1048576:.2f} MB)")
    check(len(raw) < 3 * 1024 * 1024, "message under 3 MB")

    text = next(q for q in m.walk() if q.get_content_type() == "text/plain").get_content()
    with_summary = [e for e in dec if e.get("summary")]
    missing = [e["title"] for e in with_summary
               if first_sentence(e["summary"])[:40] not in re.sub(r"\s+", " ", text)]
    check(with_summary and not missing,
          f"text part: the first sentence of all {len(with_summary)} summaries "
          f"(missing {missing[:2]})")
    leads = [ln[2:] for ln in text.replace("\r\n", "\n").split("\n")
             if ln.startswith("  ") and not re.match(r"  \w+: ", ln) and "," not in ln[:30]]
    check(all(len(ln) <= 201 for ln in leads), "text part: summary openings <= 200 characters")
    check("Not read" in text and all(a["presenter"] in text.split("Not read", 1)[1]
                                     for a in absent if a.get("presenter")),
          "text part: a 'Not read' section naming everyone absent in the window")

    rel = next(q for q in m.walk() if q.get_content_type() == "multipart/related")
    body = next(q for q in rel.walk() if q.get_content_type() == "text/html").get_content()
    cids = re.findall(r'<img src="cid:([^"]+)"', body)
    parts = {q["Content-ID"].strip("<>"): q for q in rel.walk() if q["Content-ID"]}
    check(len(cids) > 0 and all(c in parts for c in cids),
          f"HTML: {len(cids)} <img src=\"cid:\">, each with a related part")
    widths = [image_width(parts[c].get_payload(decode=True)) for c in cids if c in parts]
    print(f"figure widths: {widths}")
    check(widths and max(widths) >= 300 and sum(w >= 300 for w in widths) >= len(widths) // 2,
          f"HTML: figures at least 300 px wide (widest {max(widths or [0])})")
    plain = html.unescape(re.sub(r"<[^>]+>", " ", body))
    check("Not read" in plain and all(a["presenter"] in plain.split("Not read", 1)[1]
                                      for a in absent if a.get("presenter")),
          "HTML part: a 'Not read' section naming everyone absent")
    render(body, m, os.path.join(WORK, "render"))

    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
    subj = re.search(r"^Subject:\s*(.*)$", info, re.M)
    check(subj and subj.group(1).startswith(f"{len(dec)} papers"),
          f"PDF Subject counts the digest's papers: {subj.group(1) if subj else None!r} "
          f"(want {len(dec)})")

    # --strict on the window's own cards
    common = ["-q", "-o", os.path.join(WORK, "s.pdf"), ARCHIVE]
    p = run(["digest", "--strict", "--last-week", "--today", "2024-12-30"] + common)
    check(p.returncode == 0, f"--strict, a week without warnings in its cards: exit 0 "
          f"({p.stderr.strip()[-200:]!r})")
    p = run(["digest", "--strict", "--since", "2024-03-13", "--until", "2024-03-27"] + common)
    check(p.returncode == 1 and "--strict" in p.stderr,
          "--strict, a window whose cards have warnings: exit 1")
    for extra in ([], ["--mail", os.path.join(WORK, "e.eml"), "--from", "g@example.org"]):
        p = run(["digest", "--last-week", "--today", "2025-03-30"] + extra + common[1:])
        check(p.returncode == 0 and "no papers" in p.stderr,
              f"empty window {' '.join(extra[:1])}: exit 0 with a note")
        p = run(["digest", "--strict", "--last-week", "--today", "2025-03-30"] + extra + common)
        check(p.returncode == 1, f"empty window --strict {' '.join(extra[:1])}: exit 1")
    p = subprocess.run([PB, "handout", "--next", "--today", "2024-05-01", "-o",
                        os.path.join(WORK, "h.pdf"), ARCHIVE],
                       capture_output=True, text=True, timeout=300)
    check(p.returncode == 0 and "session of 2024-05-03" in p.stderr,
          f"handout --next --today 2024-05-01: the session of 2024-05-03 ({p.stderr[-200:]!r})")
    # a check-in week's handout: the week's cards and who did not read
    hw = os.path.join(WORK, "week.pdf")
    p = run(["handout", "-q", "--week", "--date", "2024-12-25", "-o", hw, ARCHIVE])
    check(p.returncode == 0, f"handout --week --date 2024-12-25: exit 0 ({p.stderr[-200:]!r})")
    txt = re.sub(r"\s+", "", subprocess.run(["pdftotext", hw, "-"], capture_output=True,
                                            text=True).stdout) if os.path.exists(hw) else ""
    week = [e for e in dump["entries"] if e["date"] and "2024-12-23" <= e["date"] <= "2024-12-29"]
    gone = [a["presenter"] for a in dump.get("absences", [])
            if a.get("date") and "2024-12-23" <= a["date"] <= "2024-12-29"]
    check(week and all(re.sub(r"\s+", "", e["title"])[:30] in txt for e in week),
          f"week handout: all {len(week)} cards of 2024-12-23..29")
    check(gone and "Notread" in txt and all(g in txt.split("Notread", 1)[1] for g in gone),
          f"week handout: 'Not read' names {gone}")
    if failures:
        print(f"mail_weekly_test: {len(failures)} failure(s)")
        return 1
    return 0


sys.exit(main())
