#!/usr/bin/env python3
"""Test images that ImageMagick cannot make on demand, written with the
standard library only:

  mkimages.py exif SRC.jpg ORIENTATION OUT.jpg   insert an EXIF APP1 with Orientation
  mkimages.py badzlib SRC.png OUT.png            garbage IDAT data with correct CRCs
  mkimages.py flip SRC OFFSET OUT                flip one byte (OFFSET 0.5: the middle)
  mkimages.py cut SRC FRACTION OUT               keep the first FRACTION of the bytes
  mkimages.py refilter SRC.png FILTER OUT.png    8-bit PNG rewritten with row filter
                                                 FILTER (0 None .. 4 Paeth) on every
                                                 row, or "cycle": row y gets y mod 5
"""
import struct
import sys
import zlib


def exif(src, orientation, out):
    data = open(src, "rb").read()
    assert data[:2] == b"\xff\xd8"
    # Big-endian TIFF header, IFD0 with one entry: 0x0112 SHORT 1 = orientation.
    tiff = b"MM\x00\x2a" + struct.pack(">I", 8)
    tiff += struct.pack(">H", 1) + struct.pack(">HHIHH", 0x0112, 3, 1, int(orientation), 0)
    tiff += struct.pack(">I", 0)
    payload = b"Exif\x00\x00" + tiff
    app1 = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    open(out, "wb").write(data[:2] + app1 + data[2:])


def chunks(data):
    off = 8
    while off + 12 <= len(data):
        (n,) = struct.unpack(">I", data[off:off + 4])
        yield data[off + 4:off + 8], data[off + 8:off + 8 + n]
        off += 12 + n


def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def badzlib(src, out):
    data = open(src, "rb").read()
    res = data[:8]
    for kind, body in chunks(data):
        if kind == b"IDAT":
            # A valid zlib header, then bytes that do not inflate.
            body = b"\x78\x9c" + bytes((i * 37 + 11) & 0xFF for i in range(len(body) - 2))
        res += chunk(kind, body)
    open(out, "wb").write(res)


def flip(src, offset, out):
    data = bytearray(open(src, "rb").read())
    off = int(len(data) * float(offset)) if "." in offset else int(offset)
    if off < 0:
        off += len(data)
    data[off] ^= 0x55
    open(out, "wb").write(bytes(data))


def cut(src, fraction, out):
    data = open(src, "rb").read()
    open(out, "wb").write(data[: int(len(data) * float(fraction))])


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def predict(f, row, prev, i, bpp):
    a = row[i - bpp] if i >= bpp else 0
    b = prev[i]
    c = prev[i - bpp] if i >= bpp else 0
    return [0, a, b, (a + b) >> 1, paeth(a, b, c)][f]


def refilter(src, which, out):
    data = open(src, "rb").read()
    head = [(k, b) for k, b in chunks(data) if k not in (b"IDAT", b"IEND")]
    ihdr = dict(head)[b"IHDR"]
    w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", ihdr)
    assert depth == 8 and interlace == 0, "8-bit, not interlaced"
    bpp = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ctype]
    raw = zlib.decompress(b"".join(b for k, b in chunks(data) if k == b"IDAT"))
    n = w * bpp
    prev, rows = bytearray(n), []
    for y in range(h):  # unfilter
        f, row = raw[y * (n + 1)], bytearray(raw[y * (n + 1) + 1:(y + 1) * (n + 1)])
        for i in range(n):
            row[i] = (row[i] + predict(f, row, prev, i, bpp)) & 0xFF
        rows.append(row)
        prev = row
    res, prev = bytearray(), bytearray(n)
    for y, row in enumerate(rows):  # filter again
        f = y % 5 if which == "cycle" else int(which)
        res.append(f)
        res += bytes((row[i] - predict(f, row, prev, i, bpp)) & 0xFF for i in range(n))
        prev = row
    body = b"".join(chunk(k, b) for k, b in head)
    open(out, "wb").write(data[:8] + body + chunk(b"IDAT", zlib.compress(bytes(res))) + chunk(b"IEND", b""))


if __name__ == "__main__":
    {"exif": exif, "badzlib": badzlib, "flip": flip, "cut": cut, "refilter": refilter}[sys.argv[1]](*sys.argv[2:])
