#!/usr/bin/env python3
"""The crontab line of docs/mail.md, run as written in a clone of the group's
repository as it is (no paperbook.yml, no edits): issue 22 item 1 asks that
the documented cron job works there unchanged.

The line is read from docs/mail.md (its ```cron block), not copied here, so
a change to the documentation is tested too. Only what is the reader's own
is replaced: the SMTP server's URL (smtp://smtp.example.org:587 becomes an
aiosmtpd started here on 127.0.0.1, plain SMTP) and the day (SOURCE_DATE_EPOCH
is set to Monday 2024-12-30, so "last week" is the log's last week). $HOME
holds the clone, a bare "origin" for `git pull`, and the password file.

Checks: exit 0 and silence (-q: cron mails whatever is printed); the server
received one message, from the SMTP login, to the line's --to, whose subject
counts the week's papers (from dump) and with the PDF attached; a second run
of the line (the next Monday, an empty week) is silent, exit 0, sends nothing.

Usage: cron_line_test.py PAPERBOOK DOCS_MAIL_MD CORPUS WORKDIR
Exit 77 when the corpus or aiosmtpd is missing."""
import calendar
import email
import email.policy
import json
import os
import re
import shutil
import subprocess
import sys
import time

PB, DOC, CORPUS, WORK = (os.path.abspath(a) for a in sys.argv[1:5])
fails = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        fails.append(what)


def cron_command(doc):
    text = open(doc, encoding="utf-8").read()
    block = re.search(r"```cron\n(.*?)```", text, re.S)
    line = [ln for ln in block.group(1).splitlines() if ln.strip() and not ln.startswith("#")][0]
    return line.split(None, 5)[5]  # minute hour day month weekday COMMAND


def git(*args, cwd=None):
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org",
                    "-c", "init.defaultBranch=main", *args], cwd=cwd, check=True,
                   capture_output=True)


def main():
    if not os.path.isfile(os.path.join(CORPUS, "REPORT.md")):
        print("corpus not found: skipped")
        return 77
    try:
        from smtp_local import LocalSMTP
    except ImportError:
        print("python3-aiosmtpd missing: skipped")
        return 77
    cmd = cron_command(DOC)
    print("the documented line:", cmd)
    shutil.rmtree(WORK, ignore_errors=True)
    home = os.path.join(WORK, "home")
    src = os.path.join(WORK, "src")
    # the group's repository as it is, without what an earlier run left in build/
    shutil.copytree(CORPUS, src, ignore=shutil.ignore_patterns("build"))
    for d, _, files in os.walk(src):
        os.chmod(d, 0o755)
        for f in files:
            os.chmod(os.path.join(d, f), 0o644)
    git("init", "-q", src)
    git("add", "-A", cwd=src)
    git("commit", "-qm", "the group's files", cwd=src)
    os.makedirs(os.path.join(home, ".config"))
    git("clone", "-q", src, os.path.join(home, "reading-group"))
    with open(os.path.join(home, ".config", "paperbook-smtp"), "w") as f:
        f.write("not-a-real-password\n")

    url = re.search(r"PAPERBOOK_SMTP=(\S+)", cmd).group(1)
    env = dict(os.environ, HOME=home,
               PATH=os.path.dirname(PB) + os.pathsep + os.environ.get("PATH", ""))
    for k in ("PAPERBOOK_CACHE_DIR", "PAPERBOOK_SMTP", "PAPERBOOK_SMTP_USER",
              "PAPERBOOK_SMTP_PASSWORD"):
        env.pop(k, None)

    with LocalSMTP() as smtp:
        local = cmd.replace(url, f"smtp+insecure://127.0.0.1:{smtp.port}", 1)
        received = smtp.received

        def run_on(day):
            env["SOURCE_DATE_EPOCH"] = str(calendar.timegm(time.strptime(day, "%Y-%m-%d")))
            return subprocess.run(["sh", "-c", local], env=env, capture_output=True, text=True,
                                  timeout=600)
        p = run_on("2024-12-30")
        check(p.returncode == 0, f"Monday 2024-12-30: exit {p.returncode}, want 0")
        check(not p.stdout.strip() and not p.stderr.strip(),
              f"silent under -q (printed {(p.stdout + p.stderr).strip()[:300]!r})")
        before = len(received)
        p = run_on("2025-01-06")
        check(p.returncode == 0 and not (p.stdout + p.stderr).strip(),
              f"Monday 2025-01-06 (an empty week): exit {p.returncode}, silent")
        check(len(received) == before, "the empty week sent nothing")

    check(len(received) == 1, f"the server received {len(received)} message(s), want 1")
    if not received:
        return 1
    mail_from, rcpts, raw = received[0]
    user = re.search(r"PAPERBOOK_SMTP_USER=(\S+)", cmd).group(1)
    to = re.findall(r"--to (\S+)", cmd)
    check(mail_from == user, f"envelope sender {mail_from!r} is the SMTP login {user!r}")
    check(to and sorted(rcpts) == sorted(to), f"recipients {rcpts} are the line's --to {to}")
    m = email.message_from_bytes(raw, policy=email.policy.default)
    repo = os.path.join(home, "reading-group")
    dump = json.loads(subprocess.run([PB, "dump"], cwd=repo, capture_output=True, text=True,
                                     env=dict(env, PAPERBOOK_CACHE_DIR=os.path.join(WORK, "c")))
                      .stdout)
    week = [e for e in dump["entries"] if e.get("date") and "2024-12-23" <= e["date"] <= "2024-12-29"]
    subject = str(m["Subject"])
    check(f": {len(week)} papers" in subject, f"subject {subject!r} counts the week's "
          f"{len(week)} papers")
    check(user in str(m["From"]), f"From: {m['From']}")
    pdfs = [q for q in m.walk() if q.get_content_type() == "application/pdf"]
    check(len(pdfs) == 1 and pdfs[0].get_content()[:5] == b"%PDF-", "the PDF is attached")
    print(f"{len(fails)} failure(s)")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
