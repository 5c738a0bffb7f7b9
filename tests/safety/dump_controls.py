#!/usr/bin/env python3
"""paperbook dump writes no raw control character: C0 and DEL, and the C1
controls U+0080..U+009F (U+009B, CSI, drives a terminal like ESC [), that
a card's YAML escapes put in its title and summary come out as \\u escapes,
and the JSON still reads back to the same text.

usage: dump_controls.py PAPERBOOK WORKDIR"""
import json
import os
import re
import shutil
import subprocess
import sys


def main():
    pb, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(os.path.join(work, "papers"))
    title = "A\u009b31mRed\u0085Next\u0080\u009f\u007f\u001b[0m end"
    with open(os.path.join(work, "papers", "a.md"), "w", encoding="utf-8") as f:
        f.write('---\ntitle: "A\\u009b31mRed\\u0085Next\\u0080\\u009f\\x7f\\e[0m end"\n'
                "presenter: A\ndate: 2024-01-01\n---\nText.\n")
    env = dict(os.environ)
    env.pop("PAPERBOOK_CACHE_DIR", None)
    p = subprocess.run([pb, "dump", work], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                       timeout=60)
    out = p.stdout.decode("utf-8", "replace")
    fail = []
    raw = re.findall(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]", out)
    if raw:
        fail.append("raw control characters in the dump: %r" % sorted(set(raw)))
    for esc in ("\\u009b", "\\u0085", "\\u0080", "\\u009f", "\\u007f", "\\u001b"):
        if esc not in out:
            fail.append("%s not in the dump" % esc)
    try:
        titles = [e.get("title") for e in json.loads(out)["entries"]]
        if title not in titles:
            fail.append("the title does not read back: %r" % titles)
    except (ValueError, KeyError) as e:
        fail.append("the dump is not JSON: %s" % e)
    if fail:
        print("FAIL: " + "\nFAIL: ".join(fail) + "\n" + p.stderr.decode("utf-8", "replace")[-500:])
        return 1
    print("dump: C0, DEL and C1 controls escaped, the title reads back")
    return 0


if __name__ == "__main__":
    sys.exit(main())
