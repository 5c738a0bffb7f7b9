#!/usr/bin/env python3
"""The mailed digest end to end (src/mail/): paperbook digest
--mail/--send against a real SMTP server (Debian's python3-aiosmtpd) that
this script starts on 127.0.0.1, on a free port, and stops itself.

Usage: mail_test.py PAPERBOOK SAMPLE_LIBRARY WORKDIR

What arrived is parsed with Python's email package: the subject decodes to
the Chinese text, the plain part equals the --text list, the attachment's
bytes equal the PDF and its name decodes in both the RFC 2231 and the RFC
2047 form, the HTML part is well-formed XML with every cid: present as a
part, the envelope holds To and Cc. A password given in the environment or
in ~/.netrc logs in and never shows in the output. Failures, each exit 1
with a clear message, the .eml kept and nothing added to mail-sent.log:
AUTH refused, connection refused, a server that never greets and one that
never answers the message (--timeout), 554 on DATA, a plain server when smtp:// requires STARTTLS. An empty window
sends nothing (exit 0 with a note; 1 with --strict).

TLS with a certificate made by openssl for 127.0.0.1: STARTTLS on smtp://
(the server requires it before AUTH), smtps://, and an unknown CA refused.

Exit 77 (skipped) when aiosmtpd is missing."""
import asyncio
import email
import email.header
import email.policy
import logging
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
import warnings
import xml.etree.ElementTree as ET

warnings.filterwarnings("ignore")
logging.disable(logging.CRITICAL)

try:
    from aiosmtpd.smtp import SMTP, AuthResult
except ImportError:
    print("mail_test: python3-aiosmtpd is not installed; skipped")
    sys.exit(77)

PB, LIB, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
SUBJECT = "论文精读 digest {since} — {until}: {count} papers"
USER, PASSWORD = "alice", "s3cret-Pa55"
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


class Recorder:
    def __init__(self):
        self.envelopes = []
        self.reject_data = False
        self.stall_data = False

    async def handle_DATA(self, server, session, envelope):
        if self.stall_data:  # the message arrived; the answer never comes
            await asyncio.sleep(25)
        if self.reject_data:
            return "554 5.6.0 Message rejected: the test server says no"
        self.envelopes.append(envelope)
        return "250 2.0.0 OK queued"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)


class Server:
    """aiosmtpd's SMTP protocol on 127.0.0.1, a free port, own thread."""

    def __init__(self, auth=False, starttls=None, smtps=None):
        self.handler = Recorder()
        self.loop = asyncio.new_event_loop()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        self.port = sock.getsockname()[1]

        def factory():
            return SMTP(self.handler, hostname="test.invalid", decode_data=False,
                        authenticator=authenticator if auth else None,
                        auth_required=auth, auth_require_tls=starttls is not None,
                        tls_context=starttls, require_starttls=starttls is not None)
        ready = threading.Event()

        def run():
            asyncio.set_event_loop(self.loop)
            self.server = self.loop.run_until_complete(
                self.loop.create_server(factory, sock=sock, ssl=smtps))
            ready.set()
            self.loop.run_forever()
        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        ready.wait(10)

    def stop(self):
        def close():
            self.server.close()
            self.loop.stop()
        self.loop.call_soon_threadsafe(close)
        self.thread.join(10)


class Staller:
    """Accepts connections and never says a word."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.conns = []
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        try:
            while True:
                c, _ = self.sock.accept()
                self.conns.append(c)
        except OSError:
            pass

    def stop(self):
        self.sock.close()
        for c in self.conns:
            c.close()


def run(args, env_extra=None, home=None, quiet=True):
    env = dict(os.environ)
    env.pop("PAPERBOOK_SMTP_PASSWORD", None)
    env["HOME"] = home or os.path.join(WORK, "home-empty")
    os.makedirs(env["HOME"], exist_ok=True)
    env.update(env_extra or {})
    t = time.time()
    p = subprocess.run([PB, "digest", "--no-cache"] + (["-q"] if quiet else []) + args, env=env,
                       capture_output=True, text=True, timeout=120)
    p.elapsed = time.time() - t
    return p


def digest_args(tag, extra=()):
    out = os.path.join(WORK, tag)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    return out, ["--since", "2024-12-01", "--until", "2024-12-31", "-o",
                 os.path.join(out, "d.pdf"), "--mail", os.path.join(out, "d.eml"),
                 "--from", "论文精读 <group@example.org>", "--to", "a@example.org",
                 "--cc", "张三 <zs@example.org>", "--subject", SUBJECT, LIB] + list(extra)


def check_message(raw, out, what):
    """The message as sent (or written): structure, subject, parts."""
    m = email.message_from_bytes(raw, policy=email.policy.default)
    check(str(m["Subject"]) == "论文精读 digest 2024-12-01 — 2024-12-31: 3 papers",
          f"{what}: subject decodes to the Chinese text ({m['Subject']!r})")
    check(m.get_content_type() == "multipart/mixed", f"{what}: multipart/mixed")
    check(m["Message-ID"] is not None and m["Date"] is not None and
          m["MIME-Version"] == "1.0", f"{what}: Message-ID, Date, MIME-Version")
    check("zs@example.org" in str(m["Cc"]) and "张三" in str(m["Cc"]), f"{what}: Cc decodes")
    parts = list(m.walk())
    types = [p.get_content_type() for p in parts]
    check(types[:4] == ["multipart/mixed", "multipart/alternative", "text/plain",
                        "multipart/related"] and types[4] == "text/html",
          f"{what}: mixed{{alternative{{plain, related{{html, ...}}}}, ...}} ({types})")
    plain = next(p for p in parts if p.get_content_type() == "text/plain")
    with open(os.path.join(out, "d.txt"), encoding="utf-8") as f:
        # MIME text is CRLF on the wire (RFC 2045 canonical form).
        check(plain.get_content().replace("\r\n", "\n") == f.read(),
              f"{what}: text/plain equals the --text list")
    pdf = [p for p in parts if p.get_content_type() == "application/pdf"]
    with open(os.path.join(out, "d.pdf"), "rb") as f:
        check(len(pdf) == 1 and pdf[0].get_payload(decode=True) == f.read(),
              f"{what}: the attachment's bytes equal the PDF")
    want = "Paper digest 2024-12-01 — 2024-12-31.pdf"
    check(pdf and pdf[0].get_filename() == want, f"{what}: RFC 2231 filename* decodes")
    c = email.message_from_bytes(raw, policy=email.policy.compat32)
    name = [p for p in c.walk() if p.get_content_type() == "application/pdf"][0].get_param("name")
    check(name.startswith("=?UTF-8?B?") and
          str(email.header.make_header(email.header.decode_header(name))) == want,
          f"{what}: RFC 2047 name= decodes ({name[:30]}...)")
    html = next(p for p in parts if p.get_content_type() == "text/html").get_content()
    try:
        ET.fromstring(html.split("\n", 1)[1])
        wellformed = True
    except ET.ParseError as e:
        wellformed = False
        print(e)
    check(wellformed, f"{what}: the HTML part is well-formed")
    cids = set(re.findall(r'src="cid:([^"]+)"', html))
    have = {p["Content-ID"].strip("<>") for p in parts if p["Content-ID"]}
    check(len(cids) == 3 and cids <= have, f"{what}: every cid: has its part ({len(cids)})")
    for p in parts:
        if p.get_content_type() == "image/jpeg":
            check(p.get_payload(decode=True)[:2] == b"\xff\xd8" and
                  len(p.get_payload(decode=True)) < 40000, f"{what}: thumbnail is a small JPEG")
    for t in ("MAE-DFER", "Visual Prompt Tuning", "BLIP-2"):
        check(t in html, f"{what}: HTML lists {t}")
    return m


def failed_send(tag, smtp, expect, env=None, extra=()):
    out, args = digest_args(tag, ["--send", "--smtp", smtp, "--timeout", "2"] + list(extra))
    p = run(args, env)
    err = p.stderr
    check(p.returncode == 1, f"{tag}: exit 1 (got {p.returncode})")
    check(re.search(expect, err) is not None, f"{tag}: message /{expect}/ in: {err.strip()!r}")
    check(os.path.getsize(os.path.join(out, "d.eml")) > 10000, f"{tag}: the .eml is kept")
    check("not sent; the message is kept" in err, f"{tag}: says it was not sent")
    check(not os.path.exists(os.path.join(out, "mail-sent.log")), f"{tag}: not counted as sent")
    check(PASSWORD not in p.stdout + err, f"{tag}: the password is not printed")
    return p


def tls_checks():
    d = os.path.join(WORK, "tls")
    os.makedirs(d, exist_ok=True)
    cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
    r = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                        key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
                        "subjectAltName=IP:127.0.0.1"], capture_output=True)
    if r.returncode != 0:
        print("openssl could not make a certificate: TLS checks skipped")
        return
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    pw = {"PAPERBOOK_SMTP_PASSWORD": PASSWORD}
    st = Server(auth=True, starttls=ctx)
    out, args = digest_args("starttls-ok", ["--send", "--smtp", f"smtp://127.0.0.1:{st.port}",
                                            "--smtp-user", USER, "--smtp-ca", cert])
    p = run(args, pw)
    check(p.returncode == 0 and len(st.handler.envelopes) == 1,
          f"STARTTLS: sent over smtp:// after STARTTLS ({p.stderr.strip()[-200:]!r})")
    failed_send("tls-unknown-ca", f"smtp://127.0.0.1:{st.port}", r"TLS: .*--smtp-ca", pw,
                ["--smtp-user", USER])
    st.stop()
    ss = Server(auth=False, smtps=ctx)
    out, args = digest_args("smtps-ok", ["--send", "--smtp", f"smtps://127.0.0.1:{ss.port}",
                                         "--smtp-ca", cert])
    p = run(args)
    check(p.returncode == 0 and len(ss.handler.envelopes) == 1,
          f"SMTPS: sent over smtps:// ({p.stderr.strip()[-200:]!r})")
    ss.stop()


def main():
    os.makedirs(WORK, exist_ok=True)
    # 1. Sent with the password from the environment.
    s = Server(auth=True)
    out, args = digest_args("sent", ["--text", "--send", "--smtp",
                                     f"smtp+insecure://127.0.0.1:{s.port}", "--smtp-user", USER])
    p = run(args, {"PAPERBOOK_SMTP_PASSWORD": PASSWORD})
    check(p.returncode == 0, f"sent: exit 0 ({p.stderr.strip()[-300:]!r})")
    check(len(s.handler.envelopes) == 1, "sent: the server got one message")
    check(PASSWORD not in p.stdout + p.stderr, "sent: the password is not printed")
    if s.handler.envelopes:
        env = s.handler.envelopes[0]
        check(env.mail_from == "group@example.org" and
              sorted(env.rcpt_tos) == ["a@example.org", "zs@example.org"],
              f"sent: envelope {env.mail_from} -> {env.rcpt_tos}")
        check_message(env.original_content or env.content, out, "sent")
    with open(os.path.join(out, "d.eml"), "rb") as f:
        check_message(f.read(), out, "written .eml")
    log = os.path.join(out, "mail-sent.log")
    check(os.path.exists(log) and len(open(log).read().splitlines()) == 1,
          "sent: one line in mail-sent.log")
    # 2. The same, the password from ~/.netrc.
    home = os.path.join(WORK, "home-netrc")
    os.makedirs(home, exist_ok=True)
    with open(os.path.join(home, ".netrc"), "w") as f:
        f.write(f"machine 127.0.0.1 login {USER} password {PASSWORD}\n")
    os.chmod(os.path.join(home, ".netrc"), 0o600)
    out, args = digest_args("netrc", ["--send", "--smtp", f"smtp+insecure://127.0.0.1:{s.port}"])
    p = run(args, home=home)
    check(p.returncode == 0 and len(s.handler.envelopes) == 2,
          f"netrc: logged in with ~/.netrc and sent ({p.stderr.strip()[-200:]!r})")
    # 3. Sender, recipients and subject from the mail: block of paperbook.yml,
    #    the server and login from the user's environment (a library's
    #    server: and user: are ignored with a warning); a password there is
    #    refused without being echoed.
    lib = os.path.join(WORK, "lib")
    shutil.rmtree(lib, ignore_errors=True)
    for d in ("papers", "Images"):
        shutil.copytree(os.path.join(LIB, d), os.path.join(lib, d))
    with open(os.path.join(lib, "paperbook.yml"), "w", encoding="utf-8") as f:
        f.write("group: 论文精读\nmail:\n  from: 论文精读 <group@example.org>\n"
                "  to: [a@example.org, b@example.org]\n"
                f"  server: smtp+insecure://127.0.0.1:{s.port}\n  user: {USER}\n"
                "  password: hunter2-in-yaml\n")
    n = len(s.handler.envelopes)
    p = subprocess.run([PB, "digest", "--no-cache", "--since", "2024-12-01", "--until",
                        "2024-12-31", "--send", lib], capture_output=True, text=True,
                       env=dict(os.environ, PAPERBOOK_SMTP_PASSWORD=PASSWORD,
                                PAPERBOOK_SMTP=f"smtp+insecure://127.0.0.1:{s.port}",
                                PAPERBOOK_SMTP_USER=USER,
                                HOME=os.path.join(WORK, "home-empty")), timeout=120)
    check(p.returncode == 0 and len(s.handler.envelopes) == n + 1,
          f"config: sent with the mail: block ({p.stderr.strip()[-300:]!r})")
    check("password is never read from paperbook.yml" in p.stderr and
          "hunter2" not in p.stderr + p.stdout, "config: password: refused, not echoed")
    if len(s.handler.envelopes) == n + 1:
        env = s.handler.envelopes[-1]
        m = email.message_from_bytes(env.original_content or env.content,
                                     policy=email.policy.default)
        check(sorted(env.rcpt_tos) == ["a@example.org", "b@example.org"] and
              str(m["Subject"]) == "论文精读 digest 2024-12-01 — 2024-12-31: 3 papers",
              f"config: recipients and subject from it ({m['Subject']})")
    check(os.path.exists(os.path.join(lib, "build", "digest-2024-12-01.eml")),
          "config: the .eml beside the PDF by default")
    # 4. TLS, with a certificate for 127.0.0.1 made here: STARTTLS on smtp://
    #    (the login only after it), TLS from the start on smtps://, and an
    #    unknown CA refused.
    tls_checks()
    # 5. Failures.
    failed_send("auth", f"smtp+insecure://127.0.0.1:{s.port}", r"refused the login: 535",
                {"PAPERBOOK_SMTP_PASSWORD": "wrong"}, ["--smtp-user", USER])
    s.handler.reject_data = True
    failed_send("data554", f"smtp+insecure://127.0.0.1:{s.port}",
                r"the server said: 554 5\.6\.0 Message rejected",
                {"PAPERBOOK_SMTP_PASSWORD": PASSWORD}, ["--smtp-user", USER])
    s.handler.reject_data = False
    s.handler.stall_data = True
    p = failed_send("stall-after-data", f"smtp+insecure://127.0.0.1:{s.port}",
                    r"no answer from the server within 2 s",
                    {"PAPERBOOK_SMTP_PASSWORD": PASSWORD}, ["--smtp-user", USER])
    check(p.elapsed < 20, f"stall-after-data: gave up in {p.elapsed:.1f} s")
    s.stop()
    plain = Server(auth=False)
    failed_send("starttls", f"smtp://127.0.0.1:{plain.port}", r"does not offer STARTTLS")
    plain.stop()
    dead = socket.socket()
    dead.bind(("127.0.0.1", 0))
    port = dead.getsockname()[1]
    dead.close()
    failed_send("refused", f"smtp+insecure://127.0.0.1:{port}",
                r"cannot connect: .*(refused|Failed to connect)")
    st = Staller()
    p = failed_send("stall", f"smtp+insecure://127.0.0.1:{st.port}",
                    r"no answer from the server within 2 s")
    check(p.elapsed < 30, f"stall: gave up in {p.elapsed:.1f} s")
    st.stop()
    # 6. Bad settings: a password in the URL is refused and not echoed.
    out, args = digest_args("urlpw", ["--send", "--smtp", f"smtp://u:{PASSWORD}@127.0.0.1:1"])
    p = run(args)
    check(p.returncode == 1 and "holds a password" in p.stderr and PASSWORD not in p.stderr,
          f"urlpw: refused without echoing it ({p.stderr.strip()[-200:]!r})")
    # 7. Empty window.
    out = os.path.join(WORK, "empty")
    os.makedirs(out, exist_ok=True)
    base = ["--last-week", "--today", "2030-01-09", "-o", os.path.join(out, "e.pdf"),
            "--mail", os.path.join(out, "e.eml"), "--from", "g@example.org", LIB]
    p = run(base, quiet=False)
    check(p.returncode == 0 and "no papers 2029-12-31 — 2030-01-06" in p.stderr and
          not os.path.exists(os.path.join(out, "e.eml")),
          f"empty window: exit 0 with a note, nothing written ({p.stderr.strip()!r})")
    p = run(base + ["--strict"])
    check(p.returncode == 1 and "error" in p.stderr, "empty window --strict: exit 1")
    # Window edges, read from the note of empty windows.
    for opt, today, want in (("--last-week", "2030-01-06", "2029-12-24 — 2029-12-30"),
                             ("--last-month", "2030-01-15", "2029-12-01 — 2029-12-31"),
                             ("--last-month", "2024-03-01", "2024-02-01 — 2024-02-29"),
                             ("--days", "2024-03-01", "2024-02-29 — 2024-03-01")):
        extra = [opt] + (["2"] if opt == "--days" else []) + ["--today", today]
        p = run(extra + base[3:], quiet=False)
        check(p.returncode == 0 and f"no papers {want}" in p.stderr,
              f"{' '.join(extra)}: {want} ({p.stderr.strip()!r})")
    # 8. Windows: --days 10 --today 2024-12-15 is 12-06..12-15 (VPT and MAE-DFER).
    out, args = digest_args("days")
    args = args[4:] + ["--days", "10", "--today", "2024-12-15"]
    p = run(args)
    with open(os.path.join(out, "d.eml"), "rb") as f:
        m = email.message_from_bytes(f.read(), policy=email.policy.default)
    check(str(m["Subject"]) == "论文精读 digest 2024-12-06 — 2024-12-15: 2 papers",
          f"--days 10 --today 2024-12-15: {m['Subject']}")
    p = run(args + ["--since", "2024-12-01"])
    check(p.returncode == 2 and "choose one" in p.stderr, "--days with --since: usage error")
    if failures:
        print(f"mail_test: {len(failures)} failure(s)")
        return 1
    print("mail_test: all passed")
    return 0


sys.exit(main())
