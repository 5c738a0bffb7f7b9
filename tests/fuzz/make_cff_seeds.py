#!/usr/bin/python3
"""Writes small CFF tables made here as seeds for the cff fuzz target
(tests/fuzz/seeds/cff/): CID-keyed fonts with charsets in formats 0, 1 and
2 (CIDs apart from glyph ids), one whose CIDs equal its glyph ids, and a
name-keyed font. Glyphs are empty charstrings (endchar); only the
structure src/layout/cff.c reads is real.

Usage: make_cff_seeds.py OUTDIR
"""
import os
import struct
import sys


def index(items):
    if not items:
        return b"\x00\x00"
    offs = [1]
    for it in items:
        offs.append(offs[-1] + len(it))
    size = 1 if offs[-1] < 0x100 else 2 if offs[-1] < 0x10000 else 4
    out = struct.pack(">HB", len(items), size)
    for o in offs:
        out += o.to_bytes(size, "big")
    return out + b"".join(items)


def num(v):
    # always the 5-byte form, so that offsets can be patched in place
    return b"\x1d" + struct.pack(">i", v)


def cff(nglyphs, charset, cid_keyed=True):
    charstrings = index([b"\x0e"] * nglyphs)  # endchar
    strings = index([b"Adobe", b"Identity"] if cid_keyed else [])
    name = index([b"PbSeed-Regular"])

    def top(charset_off, cs_off):
        d = b""
        if cid_keyed:
            d += num(391) + num(392) + num(0) + b"\x0c\x1e"  # ROS
        d += num(charset_off) + b"\x0f" + num(cs_off) + b"\x11"
        return d

    probe = top(0, 0)
    head = b"\x01\x00\x04\x04"
    start = len(head) + len(name) + len(index([probe])) + len(strings) + len(index([]))
    charset_off = start
    cs_off = charset_off + len(charset)
    return head + name + index([top(charset_off, cs_off)]) + strings + index([]) + charset + charstrings


def fmt0(cids):
    return b"\x00" + b"".join(struct.pack(">H", c) for c in cids)


def fmt1(ranges):
    return b"\x01" + b"".join(struct.pack(">HB", f, n) for f, n in ranges)


def fmt2(ranges):
    return b"\x02" + b"".join(struct.pack(">HH", f, n) for f, n in ranges)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    seeds = {
        "cid-format0.cff": cff(5, fmt0([1405, 9502, 9527, 20000])),
        "cid-format1.cff": cff(10, fmt1([(100, 3), (500, 1), (60000, 2)])),
        "cid-format2.cff": cff(7, fmt2([(1, 2), (3000, 2)])),
        "cid-identity.cff": cff(4, fmt0([1, 2, 3])),
        "name-keyed.cff": cff(3, fmt0([1, 2]), cid_keyed=False),
    }
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
