#!/usr/bin/env python3
"""Checks that the outputs read the book only through the plan (issue 21):
no file of src/layout/, src/mail/ or src/export/ names the model's library,
neither its type (pb_library) nor a field through it (->lib, lib->).

    check_plan_only.py SOURCE_DIR

Comments and string literals are not code and are skipped. Every file of
those folders is checked, with no exception: the import's writer
(`paperbook import`, the model written back as card files, no book and so
no plan) is a stage of its own, src/import/, on the reading side of the
plan. Every use is printed as file:line: and the exit status is 1 when
there is one."""
import os
import re
import sys

STAGES = ("layout", "mail", "export")
USE = re.compile(r"->\s*lib\b|\blib\s*->|\bpb_library\b")
TOKENS = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)


def blank(m):
    """The comment or literal as spaces, its newlines kept (lines stay put)."""
    return re.sub(r"[^\n]", " ", m.group(0))


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    problems = []
    nfiles = 0
    for st in STAGES:
        d = os.path.join(root, "src", st)
        if not os.path.isdir(d):
            problems.append("src/%s: no such folder" % st)
            continue
        for f in sorted(os.listdir(d)):
            rel = st + "/" + f
            if not f.endswith((".c", ".h")):
                continue
            nfiles += 1
            code = TOKENS.sub(blank, open(os.path.join(d, f), encoding="utf-8").read())
            for n, line in enumerate(code.split("\n"), 1):
                for m in USE.finditer(line):
                    problems.append("src/%s:%d: reads the library (%s), not the plan"
                                    % (rel, n, m.group(0)))
    for p in problems:
        print(p)
    if problems:
        print("%d use(s) of the library in the outputs" % len(problems))
        return 1
    print("ok: %d files of src/{%s} read only the plan" % (nfiles, ",".join(STAGES)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
