#!/usr/bin/env python3
"""Checks every #include of a project header in src/ against the stage graph
declared in cmake/stages.cmake (PB_STAGES, PB_USES_<stage>), and README's
stage table (its "may use" column) against the same graph, and that the
table's row of each stage names every .c file of its folder.

    check_includes.py SOURCE_DIR

A file of src/STAGE/ may include headers of its own folder and of the stages
PB_USES_STAGE names; a header is named bare ("layout.h", never a path).
Every failure is printed as file:line: and the forbidden edge; the exit
status is 1 when there is one."""
import os
import re
import sys


def read_graph(path):
    text = re.sub(r"#[^\n]*", "", open(path, encoding="utf-8").read())
    sets = {m.group(1): m.group(2).split()
            for m in re.finditer(r"set\(\s*(\w+)((?:\s+[^\s()]+)*)\s*\)", text)}
    if "PB_STAGES" not in sets:
        sys.exit("%s: no set(PB_STAGES ...)" % path)
    stages = sets["PB_STAGES"]
    uses = {s: sets.get("PB_USES_" + s, []) for s in stages}
    return stages, uses


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    graph = os.path.join(root, "cmake", "stages.cmake")
    stages, uses = read_graph(graph)
    src = os.path.join(root, "src")
    problems = []
    owner = {}  # header name -> stage
    for st in stages:
        d = os.path.join(src, st)
        if not os.path.isdir(d):
            problems.append("%s: the %s stage has no folder src/%s" % (graph, st, st))
            continue
        for f in os.listdir(d):
            if f.endswith(".h"):
                if f in owner:
                    problems.append("src/%s/%s: a header of that name is also in src/%s"
                                    % (st, f, owner[f]))
                owner[f] = st
    for i, st in enumerate(stages):
        for u in uses[st]:
            if u not in stages[:i]:
                problems.append("%s: the %s stage uses %s, not a stage listed before it"
                                % (graph, st, u))
    readme = os.path.join(root, "README.md")
    rows = {}
    owns = {}  # stage -> its whole row, whose "owns" column names every .c file
    for line in open(readme, encoding="utf-8"):
        m = re.match(r"\|\s*`src/(\w+)/`\s*\|.*\|\s*([^|]*?)\s*\|\s*$", line)
        if m:
            rows[m.group(1)] = m.group(2)
            owns[m.group(1)] = line
    for i, st in enumerate(stages):
        if st not in rows:
            problems.append("README.md: the stage table has no row for src/%s/" % st)
            continue
        said = rows.pop(st)
        if said == "every stage":
            said_uses = stages[:i]
        elif said == "nothing":
            said_uses = []
        else:
            said_uses = [w.strip() for w in said.split(",")]
        if sorted(said_uses) != sorted(uses[st]):
            problems.append("README.md: the stage table says src/%s/ may use \"%s\"; "
                            "cmake/stages.cmake says: %s" % (st, said, " ".join(uses[st]) or "nothing"))
    for st in stages:
        d = os.path.join(src, st)
        for f in sorted(os.listdir(d)) if os.path.isdir(d) and st in owns else []:
            if f.endswith(".c") and "`%s`" % f not in owns[st]:
                problems.append("README.md: the stage table's row for src/%s/ does not name %s"
                                % (st, f))
    for st in rows:
        problems.append("README.md: the stage table has a row for src/%s/, not a stage" % st)
    edges = 0
    for dirpath, _, files in sorted(os.walk(src)):
        rel_dir = os.path.relpath(dirpath, src)
        for f in sorted(files):
            if not f.endswith((".c", ".h")):
                continue
            rel = os.path.join("src", rel_dir, f) if rel_dir != "." else os.path.join("src", f)
            st = rel_dir if rel_dir in stages else None
            if st is None:
                problems.append("%s: not in the folder of a stage (%s)" % (rel, " ".join(stages)))
                continue
            allowed = [st] + uses[st]
            with open(os.path.join(dirpath, f), encoding="utf-8") as fh:
                for n, line in enumerate(fh, 1):
                    m = re.match(r'\s*#\s*include\s*([<"])([^">]+)[">]', line)
                    if not m:
                        continue
                    name = m.group(2)
                    base = os.path.basename(name)
                    if m.group(1) == "<" and base not in owner:
                        continue  # a system or library header
                    if base not in owner:
                        problems.append('%s:%d: #include "%s": no stage has this header'
                                        % (rel, n, name))
                        continue
                    edges += 1
                    if name != base:
                        problems.append('%s:%d: #include "%s": name a stage header bare, '
                                        'not by path' % (rel, n, name))
                    if owner[base] not in allowed:
                        problems.append("%s:%d: forbidden edge %s -> %s (#include \"%s\"; "
                                        "the %s stage may use: %s)"
                                        % (rel, n, st, owner[base], name, st,
                                           " ".join(uses[st]) or "nothing"))
    for p in problems:
        print(p)
    if problems:
        print("FAIL: %d problem(s) with the stage graph in cmake/stages.cmake" % len(problems))
        return 1
    print("ok: %d includes of project headers in src/ follow the stage graph (%d stages)"
          % (edges, len(stages)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
