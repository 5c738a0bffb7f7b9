#!/usr/bin/env python3
"""What paperbook writes under a library stays in the library (issue 17):
a clone can hold real symbolic links at build/, build/cache, a part of the
cache (build/cache/thumbs), the LaTeX export's build/tex/figures, papers/
(where import and new write cards), a category folder under papers/ or
a digest's .txt, pointing at a directory or file of the user's. Each case
makes a library with such a link to a directory outside it, runs
paperbook, and checks that nothing was written, changed or deleted out
there, that the exit status is 1 or 2 and that the message names the path;
with --allow-outside (or --cache-dir, the user's own choice) the build
goes through. Last, a deck thumbnail in the cache replaced by a link to a
file of the user's must not be taken for the thumbnail, and links planted
at the renderer's temporary names (.pdf-PID-N) are not written through;
output: naming a file in .git (config, a hook) is refused.

usage: write_confine.py PAPERBOOK WORKDIR"""
import os
import shutil
import struct
import subprocess
import sys
import zipfile
import zlib

CARD = """---
title: A paper
presenter: 张三
date: 2024-01-05
links:
  - https://arxiv.org/abs/1
figures: [Images/f.png]
---
Body text.
"""


def png(w, h):
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    raw = b"".join(b"\0" + bytes([(x * 40) % 256, 90, 200]) * w for x in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def snapshot(d):
    """Every file under d with its bytes, and the symbolic links."""
    out = {}
    for base, dirs, files in os.walk(d):
        for n in dirs + files:
            p = os.path.join(base, n)
            rel = os.path.relpath(p, d)
            if os.path.islink(p):
                out[rel] = "link:" + os.readlink(p)
            elif os.path.isfile(p):
                with open(p, "rb") as f:
                    out[rel] = f.read()
            else:
                out[rel] = "dir"
    return out


# name, link inside the library (to the directory outside; "->notes.txt": to
# a file there), command after the binary, expected text, mode: "refuse"
# (exit 1 or 2, nothing outside touched), "allow" (exit 0: the user said
# so), "replace" (exit 0, nothing outside touched: the link itself is
# replaced by the file written)
CASES = [
    ("build-dir", "build", ["build", "{lib}", "-o", "{lib}/out.pdf"],
     "{lib}/build/cache: error: the cache directory resolves to '{outside}/cache', outside the "
     "library root", "refuse"),
    ("cache-dir", "build/cache", ["build", "{lib}", "-o", "{lib}/out.pdf"],
     "{lib}/build/cache: error: the cache directory resolves to '{outside}', outside", "refuse"),
    ("cache-thumbs", "build/cache/thumbs", ["build", "{lib}", "-o", "{lib}/out.pdf"],
     "{lib}/build/cache/thumbs: error: the cache directory resolves to '{outside}'", "refuse"),
    ("cache-fetch-data", "build/cache/fetch/data", ["check", "{lib}"],
     "{lib}/build/cache/fetch/data: error: the cache directory resolves to", "refuse"),
    ("check-build-dir", "build", ["check", "{lib}"],
     "{lib}/build/cache: error: the cache directory resolves to", "refuse"),
    ("tex-figures", "build/tex/figures", ["build", "{lib}", "--format", "tex", "--no-cache"],
     "{lib}/build/tex/figures: error: the LaTeX figures directory resolves to '{outside}'", "refuse"),
    ("cache-dir-allowed", "build/cache", ["build", "{lib}", "-o", "{lib}/out.pdf",
                                          "--allow-outside"], "paperbook: wrote", "allow"),
    ("cache-dir-given", "build/cache", ["build", "{lib}", "-o", "{lib}/out.pdf", "--cache-dir",
                                        "{case}/mine"], "paperbook: wrote", "allow"),
    ("import-papers", "papers", ["import", "{lib}/REPORT.md"],
     "{lib}/papers: error: the cards directory resolves to '{outside}'", "refuse"),
    # a category folder under papers/ committed as a link: import would
    # write the card (its name and bytes the library's) out there
    ("import-category", "papers/cv", ["import", "{lib}/REPORT.md"],
     "{lib}/papers/cv: error: resolves to '{outside}', outside", "refuse"),
    ("new-papers", "papers", ["new", "--title", "A new paper"],
     "papers: error: the cards directory resolves to '{outside}'", "refuse"),
    # issue 20: every output under one rule (src/base/output.c): a link at an
    # output's name that leads out of the library is refused, whichever
    # writer; a path inside the library given with -o may not leave it
    # through a committed link either
    ("digest-text", "build/digest-2024-01-01.txt->notes.txt",
     ["digest", "{lib}", "--since", "2024-01-01", "--text", "--no-cache"],
     "{lib}/build/digest-2024-01-01.txt: error: is a symbolic link to a file outside the library "
     "root", "refuse"),
    ("digest-eml", "build/digest-2024-01-01.eml->notes.txt",
     ["digest", "{lib}", "--since", "2024-01-01", "--mail", "{lib}/build/digest-2024-01-01.eml",
      "--from", "g@example.org", "--no-cache"],
     "{lib}/build/digest-2024-01-01.eml: error: is a symbolic link to a file outside", "refuse"),
    ("bib-link", "build/paperbook.bib->notes.txt", ["build", "{lib}", "--format", "bib"],
     "{lib}/build/paperbook.bib: error: is a symbolic link to a file outside", "refuse"),
    ("tex-booklet-link", "build/tex/booklet.tex->notes.txt",
     ["build", "{lib}", "--format", "tex", "--no-cache"],
     "{lib}/build/tex/booklet.tex: error: is a symbolic link to a file outside", "refuse"),
    ("dump-layout-link", "build/layout.txt->notes.txt",
     ["build", "{lib}", "-o", "{lib}/out.pdf", "--no-cache", "--dump-layout",
      "{lib}/build/layout.txt"],
     "{lib}/build/layout.txt: error: is a symbolic link to a file outside", "refuse"),
    ("output-through-dir-link", "site",
     ["build", "{lib}", "-o", "{lib}/site/out.pdf", "--no-cache"],
     "{lib}/site/out.pdf: error: resolves outside the library root", "refuse"),
]


def run_case(pb, work, name, link, cmd, expect, mode):
    case = os.path.join(work, name)
    shutil.rmtree(case, ignore_errors=True)
    lib, outside = os.path.join(case, "lib"), os.path.join(case, "outside")
    if link.startswith("papers"):  # the cards come from a REPORT-style file
        write(os.path.join(lib, "REPORT.md"),
              b"# R\n\n## CV\n\n> A paper (NeurIPS 2023)\n> [Paper](https://x.org/1)\n")
    else:
        write(os.path.join(lib, "papers", "a.md"), CARD.encode())
    write(os.path.join(lib, "Images", "f.png"), png(40, 30))
    # a deck whose thumbnail (a PNG) is extracted into build/cache/thumbs
    os.makedirs(os.path.join(lib, "Slide"))
    with zipfile.ZipFile(os.path.join(lib, "Slide", "2024.1.5 张三-talk.pptx"), "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("ppt/slides/slide1.xml", "<p:sld/>")
        z.writestr("docProps/thumbnail.jpeg", png(16, 12))
    # the user's own files, among them names the cache would take
    write(os.path.join(outside, "notes.txt"), b"the user's notes\n")
    write(os.path.join(outside, "fig-001.png"), b"the user's picture\n")
    link, _, target = link.partition("->")
    os.makedirs(os.path.dirname(os.path.join(lib, link)), exist_ok=True)
    os.symlink(os.path.join(outside, target) if target else outside, os.path.join(lib, link))
    before = snapshot(outside)
    sub = lambda s: s.replace("{lib}", lib).replace("{outside}", outside).replace("{case}", case)
    env = dict(os.environ, SOURCE_DATE_EPOCH="0")
    env.pop("PAPERBOOK_CACHE_DIR", None)
    r = subprocess.run([pb] + [sub(a) for a in cmd], capture_output=True, env=env, timeout=120,
                       cwd=lib)
    err = r.stderr.decode("utf-8", "replace") + r.stdout.decode("utf-8", "replace")
    problems = []
    if sub(expect) not in err:
        problems.append("expected %r in the output" % sub(expect))
    if mode != "refuse" and r.returncode != 0:
        problems.append("exit status %d, want 0" % r.returncode)
    if mode == "refuse" and r.returncode not in (1, 2):
        problems.append("exit status %d, want 1 or 2" % r.returncode)
    if mode != "allow":
        after = snapshot(outside)
        if after != before:
            added = sorted(set(after) - set(before))
            problems.append("the directory outside changed: %d new (%s), %d gone or changed" % (
                len(added), ", ".join(added[:4]),
                sum(1 for k in before if after.get(k) != before[k])))
        if os.path.islink(os.path.join(lib, link)) != (mode == "refuse"):
            problems.append("the link %s was %sreplaced" % (link, "" if mode == "refuse" else "not "))
    if problems:
        print("FAIL %s:\n  %s\n  --- output:\n%s" % (name, "\n  ".join(problems), err[-1500:]))
        return False
    print("ok   %s" % name)
    return True


def run_thumb_link(pb, work):
    """A deck thumbnail in the cache that is a symbolic link (to a file of
    the user's, of the same size) is not taken as the thumbnail: the next
    build writes a regular file in its place, the user's file unchanged."""
    case = os.path.join(work, "thumb-link")
    shutil.rmtree(case, ignore_errors=True)
    lib, outside = os.path.join(case, "lib"), os.path.join(case, "users-own.png")
    write(os.path.join(lib, "papers", "a.md"), CARD.encode())
    write(os.path.join(lib, "Images", "f.png"), png(40, 30))
    thumb = png(16, 12)
    os.makedirs(os.path.join(lib, "Slide"))
    with zipfile.ZipFile(os.path.join(lib, "Slide", "2024.1.5 张三-talk.pptx"), "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("ppt/slides/slide1.xml", "<p:sld/>")
        z.writestr("docProps/thumbnail.jpeg", thumb)
    cmd = [pb, "build", lib, "-o", os.path.join(lib, "out.pdf"), "--appendix", "slides"]
    env = dict(os.environ, SOURCE_DATE_EPOCH="0")
    env.pop("PAPERBOOK_CACHE_DIR", None)
    r = subprocess.run(cmd, capture_output=True, env=env, timeout=120)
    # images/: the thumbnails in the store (store.h), beside decks/, the
    # decks' kept indexes (slides.c)
    tdir = os.path.join(lib, "build", "cache", "thumbs", "images")
    names = sorted(os.listdir(tdir)) if os.path.isdir(tdir) else []
    problems = [] if r.returncode == 0 and len(names) == 1 else [
        "first build: exit %d, thumbnails %s" % (r.returncode, names)]
    if not problems:
        mine = b"U" * len(thumb)  # the user's file, the size of the thumbnail
        write(outside, mine)
        t = os.path.join(tdir, names[0])
        os.remove(t)
        os.symlink(outside, t)
        r = subprocess.run(cmd, capture_output=True, env=env, timeout=120)
        if r.returncode != 0:
            problems.append("second build: exit %d" % r.returncode)
        if os.path.islink(t):
            problems.append("the linked thumbnail was taken (still a link to the user's file)")
        with open(outside, "rb") as f:
            if f.read() != mine:
                problems.append("the user's file was changed")
    if problems:
        print("FAIL thumb-link:\n  %s\n%s" % ("\n  ".join(problems), r.stderr.decode()[-800:]))
        return False
    print("ok   thumb-link")
    return True


def one_page_pdf():
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 300] /Contents 4 0 R >>",
            b"<< /Length 22 >>\nstream\n0 0 1 rg 0 0 200 150 re f\nendstream"]
    out, offs = b"%PDF-1.4\n", []
    for i, o in enumerate(objs):
        offs.append(len(out))
        out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
    x = len(out)
    out += b"xref\n0 5\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offs)
    return out + b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % x


def run_temp_link(pb, work):
    """The renderer's temporary files in build/cache/thumbs: names made up
    in advance (.pdf-PID-N) could be links the library committed, for every
    process id that may come next, to a file of the user's."""
    case = os.path.join(work, "temp-link")
    shutil.rmtree(case, ignore_errors=True)
    lib, outside = os.path.join(case, "lib"), os.path.join(case, "outside")
    write(os.path.join(lib, "papers", "a.md"), CARD.encode())
    write(os.path.join(lib, "Slide", "2024.1.5 张三-talk.pdf"), one_page_pdf())
    mine = b"# the user's shell\n"
    write(os.path.join(outside, "bashrc"), mine)
    thumbs = os.path.join(lib, "build", "cache", "thumbs")
    os.makedirs(thumbs)
    pid = os.getpid()
    for p in range(pid, pid + 3000):
        for n in range(2):
            os.symlink(os.path.join(outside, "bashrc"), os.path.join(thumbs, ".pdf-%d-%d" % (p, n)))
    env = dict(os.environ)
    env.pop("PAPERBOOK_CACHE_DIR", None)  # the cache under the library, where the links are
    r = subprocess.run([pb, "build", lib, "--appendix", "slides", "-o", os.path.join(lib, "o.pdf")],
                       capture_output=True, timeout=120, cwd=lib, env=env)
    with open(os.path.join(outside, "bashrc"), "rb") as f:
        kept = f.read()
    rendered = os.path.join(thumbs, "pdf")  # the store's kind of PDF renderings
    made = [n for n in os.listdir(rendered) if n.endswith(".png")] if os.path.isdir(rendered) else []
    problems = []
    if kept != mine:
        problems.append("the user's file was overwritten (%d bytes, %r...)" % (len(kept), kept[:8]))
    if r.returncode != 0 or not made:
        problems.append("exit %d, thumbnails %s" % (r.returncode, made))
    if problems:
        print("FAIL temp-link:\n  %s\n%s" % ("\n  ".join(problems), r.stderr.decode()[-800:]))
        return False
    print("ok   temp-link")
    return True


def run_git_output(pb, work):
    """output: in paperbook.yml naming a file of the clone's .git directory
    (its config, an executable hook, which keeps its mode and which git runs
    through sh): refused, even with --allow-outside."""
    case = os.path.join(work, "git-output")
    shutil.rmtree(case, ignore_errors=True)
    lib = os.path.join(case, "lib")
    write(os.path.join(lib, "papers", "a.md"), CARD.encode())
    hook = b"#!/bin/sh\necho the user's hook\n"
    write(os.path.join(lib, ".git", "hooks", "pre-commit"), hook)
    os.chmod(os.path.join(lib, ".git", "hooks", "pre-commit"), 0o755)
    write(os.path.join(lib, ".git", "config"), b"[core]\n\tbare = false\n")
    problems = []
    for target, extra in ((".git/hooks/pre-commit", []), (".git/config", ["--allow-outside"])):
        with open(os.path.join(lib, "paperbook.yml"), "w") as f:
            f.write("output: %s\n" % target)
        r = subprocess.run([pb, "build", lib, "--no-cache"] + extra, capture_output=True,
                           timeout=120, cwd=lib)
        err = r.stderr.decode("utf-8", "replace")
        if r.returncode == 0 or "is in the repository's .git directory" not in err:
            problems.append("output: %s %s: exit %d: %s" % (target, extra, r.returncode, err[-300:]))
    with open(os.path.join(lib, ".git", "hooks", "pre-commit"), "rb") as f:
        if f.read() != hook:
            problems.append("the hook was replaced")
    with open(os.path.join(lib, ".git", "config"), "rb") as f:
        if not f.read().startswith(b"[core]"):
            problems.append(".git/config was replaced")
    if problems:
        print("FAIL git-output:\n  %s" % "\n  ".join(problems))
        return False
    print("ok   git-output")
    return True


def main():
    pb, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    os.makedirs(work, exist_ok=True)
    ok = all([run_case(pb, work, *c) for c in CASES] +
             [run_thumb_link(pb, work), run_temp_link(pb, work), run_git_output(pb, work)])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
