#!/usr/bin/env python3
"""An HTML deck is a stranger's page: its thumbnail (a headless Chromium
screenshot drawn in the slide index) must show nothing but the page itself.
A deck whose <iframe>, <img>, CSS url() and <object> name a solid red file
outside the library, and one whose meta refresh goes there, are built with
--appendix slides; every image in the PDF is read (pdfimages) and must have
no red pixels. A green data: image and a blue inline block in the first
deck prove the screenshot was taken and drawn.

Usage: deck_file_access.py PAPERBOOK OUTDIR (exit 77 when Chromium is absent)
"""
import os
import shutil
import subprocess
import sys
import zlib
import struct


def png(path, rgb, w=64, h=64):
    raw = b"".join(b"\0" + bytes(rgb) * w for _ in range(h))

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)

    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    with open(path, "wb") as f:
        f.write(data)
    return data


def pixels(path):
    """(red, green, blue) counts of strongly coloured pixels of an image."""
    ppm = subprocess.run(["convert", path, "-depth", "8", "ppm:-"], capture_output=True,
                         check=True).stdout
    # P6\nW H\n255\n
    parts = ppm.split(b"\n", 3)
    w, h = map(int, parts[1].split())
    body = parts[3]
    red = green = blue = 0
    for i in range(0, w * h * 3, 3):
        r, g, b = body[i], body[i + 1], body[i + 2]
        if r > 200 and g < 90 and b < 90:
            red += 1
        elif g > 150 and r < 90 and b < 90:
            green += 1
        elif b > 200 and r < 90 and g < 90:
            blue += 1
    return red, green, blue


def main():
    pb, out = sys.argv[1], os.path.abspath(sys.argv[2])
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        print("skip: no chromium")
        return 77
    shutil.rmtree(out, ignore_errors=True)
    lib, outside = os.path.join(out, "lib"), os.path.join(out, "outside")
    for d in ("papers", "Slide"):
        os.makedirs(os.path.join(lib, d))
    os.makedirs(outside)
    red_html = os.path.join(outside, "secret.html")
    with open(red_html, "w") as f:
        f.write('<html><body style="margin:0;background:#ff0000">'
                '<div style="width:3000px;height:3000px;background:#ff0000"></div></body></html>')
    red_png = os.path.join(outside, "secret.png")
    png(red_png, (255, 0, 0))
    import base64
    green = base64.b64encode(png(os.path.join(out, "green.png"), (0, 200, 0))).decode()
    with open(os.path.join(lib, "papers", "a.md"), "w") as f:
        f.write('---\ntitle: "A Paper"\nyear: 2024\ncategory: [Test]\n---\nA summary.\n')
    with open(os.path.join(lib, "Slide", "2024.05.31-reader.html"), "w") as f:
        f.write(f"""<!doctype html><html><head><title>Reader</title>
<style>body{{margin:0;background:#fff}} .bg{{width:600px;height:150px;background:url(file://{red_png})}}
@import url(file://{outside}/style.css);</style>
<link rel="stylesheet" href="file://{outside}/style.css"></head><body>
<img src="data:image/png;base64,{green}" width="300" height="200">
<div style="display:inline-block;width:300px;height:200px;background:#0000ff"></div>
<iframe src="file://{red_html}" width="600" height="200"></iframe>
<img src="file://{red_png}" width="300" height="200">
<object data="file://{red_html}" width="300" height="200"></object>
<embed src="file://{red_png}" width="300" height="200">
<div class="bg"></div>
</body></html>""")
    with open(os.path.join(outside, "style.css"), "w") as f:
        f.write("body { background: #ff0000 !important; }\n")
    with open(os.path.join(lib, "Slide", "2024.06.07-refresh.html"), "w") as f:
        f.write(f'<!doctype html><html><head><title>Refresh</title>'
                f'<meta http-equiv="refresh" content="0;url=file://{red_html}"></head>'
                f'<body><p>wait</p><script>location.href="file://{red_html}";</script></body></html>')
    env = dict(os.environ)
    env.pop("PAPERBOOK_BROWSER", None)
    env.pop("PAPERBOOK_CACHE_DIR", None)
    pdf = os.path.join(out, "book.pdf")
    r = subprocess.run([pb, "build", lib, "--appendix", "slides", "-o", pdf], env=env,
                       capture_output=True, text=True, timeout=240)
    print(r.stderr)
    if r.returncode != 0 or not os.path.exists(pdf):
        print(f"FAIL: build exited {r.returncode}")
        return 1
    imgdir = os.path.join(out, "images")
    os.makedirs(imgdir)
    subprocess.run(["pdfimages", "-png", pdf, os.path.join(imgdir, "i")], check=True)
    fail = 0
    names = sorted(os.listdir(imgdir))
    counts = {n: pixels(os.path.join(imgdir, n)) for n in names}
    for n, (red, green, blue) in counts.items():
        print(f"{n}: red {red}, green {green}, blue {blue}")
        if red:
            print(f"FAIL: {n} shows {red} pixels of the red file outside the library")
            fail = 1
    if len(names) < 2:
        print(f"FAIL: {len(names)} thumbnails in the PDF, expected one per deck (2)")
        fail = 1
    if not any(g > 100 and b > 100 for _, g, b in counts.values()):
        print("FAIL: no thumbnail shows the deck's own green image and blue block")
        fail = 1
    if not fail:
        print("deck thumbnails show the page alone: no file outside the library")
    return fail


if __name__ == "__main__":
    sys.exit(main())
