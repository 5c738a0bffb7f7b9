/* Figure formats: sniffing from bytes and reading sizes from headers only.
 * Decoding and encoding live in images_encode.c. */
#include "images.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "diag.h"

/* Returned by the header parsers when the bytes end before the header does. */
#define NEED_MORE 1

static unsigned be16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }
static unsigned long be32(const unsigned char *p) {
  return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}
static unsigned le16(const unsigned char *p) { return (unsigned)p[1] << 8 | p[0]; }
static unsigned long le24(const unsigned char *p) {
  return (unsigned long)p[2] << 16 | (unsigned long)p[1] << 8 | p[0];
}

/* ==================================================================== */
/* Sniffing                                                              */
/* ==================================================================== */

static int looks_like_svg(const unsigned char *p, size_t len) {
  size_t i = 0;
  if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) i = 3;
  while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')) i++;
  if (i >= len || p[i] != '<') return 0;
  /* "<svg" anywhere in what we have, after an XML declaration/comments. */
  for (size_t j = i; j + 4 <= len; j++)
    if (memcmp(p + j, "<svg", 4) == 0) return 1;
  return 0;
}

pb_img_format pb_image_sniff(const void *data, size_t len, const char **name) {
  const unsigned char *p = data;
  const char *dummy;
  if (!name) name = &dummy;
  if (len >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0) {
    *name = "PNG";
    return PB_IMG_PNG;
  }
  if (len >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF) {
    *name = "JPEG";
    return PB_IMG_JPEG;
  }
  if (len >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0) {
    *name = "WebP";
    return PB_IMG_WEBP;
  }
  if (len >= 6 && (memcmp(p, "GIF87a", 6) == 0 || memcmp(p, "GIF89a", 6) == 0)) {
    *name = "GIF";
    return PB_IMG_GIF;
  }
  if (len >= 12 && memcmp(p + 4, "ftyp", 4) == 0) {
    const unsigned char *brand = p + 8;
    if (memcmp(brand, "avif", 4) == 0 || memcmp(brand, "avis", 4) == 0)
      *name = "AVIF";
    else if (memcmp(brand, "heic", 4) == 0 || memcmp(brand, "heix", 4) == 0 ||
             memcmp(brand, "mif1", 4) == 0 || memcmp(brand, "msf1", 4) == 0 ||
             memcmp(brand, "hevc", 4) == 0)
      *name = "HEIC";
    else {
      *name = "unknown";
      return PB_IMG_UNKNOWN;
    }
    return PB_IMG_OTHER;
  }
  if (len >= 4 && (memcmp(p, "II*\0", 4) == 0 || memcmp(p, "MM\0*", 4) == 0)) {
    *name = "TIFF";
    return PB_IMG_OTHER;
  }
  if (len >= 14 && p[0] == 'B' && p[1] == 'M') {
    *name = "BMP";
    return PB_IMG_OTHER;
  }
  if (len >= 5 && memcmp(p, "%PDF-", 5) == 0) {
    *name = "PDF";
    return PB_IMG_OTHER;
  }
  if (len >= 4 && memcmp(p, "\0\0\1\0", 4) == 0) {
    *name = "ICO";
    return PB_IMG_OTHER;
  }
  if (looks_like_svg(p, len)) {
    *name = "SVG";
    return PB_IMG_OTHER;
  }
  *name = "unknown";
  return PB_IMG_UNKNOWN;
}

/* ==================================================================== */
/* Header parsers (memory)                                               */
/* ==================================================================== */

static int parse_png(const unsigned char *p, size_t len, pb_img_info *info, char *err,
                     size_t errlen) {
  if (len < 33) return NEED_MORE;
  if (be32(p + 8) != 13 || memcmp(p + 12, "IHDR", 4) != 0) {
    pb_errf(err, errlen, "PNG without an IHDR chunk");
    return PB_EFORMAT;
  }
  /* A damaged header would hand layout a nonsense size. */
  if (crc32(0L, p + 12, 17) != be32(p + 29)) {
    pb_errf(err, errlen, "corrupt PNG: CRC error in IHDR chunk");
    return PB_EFORMAT;
  }
  unsigned long w = be32(p + 16), h = be32(p + 20);
  int depth = p[24], ct = p[25];
  if (w == 0 || h == 0 || w > 0x7fffffffUL || h > 0x7fffffffUL) {
    pb_errf(err, errlen, "PNG with invalid size %lux%lu", w, h);
    return PB_EFORMAT;
  }
  int ok_depth = 0;
  switch (ct) {
  case 0: ok_depth = depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16; break;
  case 3: ok_depth = depth == 1 || depth == 2 || depth == 4 || depth == 8; break;
  case 2:
  case 4:
  case 6: ok_depth = depth == 8 || depth == 16; break;
  default: break;
  }
  if (!ok_depth || p[26] != 0 || p[27] != 0 || p[28] > 1) {
    pb_errf(err, errlen, "PNG with invalid header (colour type %d, bit depth %d)", ct, depth);
    return PB_EFORMAT;
  }
  info->stored_width = info->width = (int)w;
  info->stored_height = info->height = (int)h;
  info->bit_depth = depth;
  info->color_type = ct;
  info->interlaced = p[28];
  info->has_alpha = ct == 4 || ct == 6;
  /* Look for tRNS before IDAT in what we have (the encoder re-checks the
   * whole file; the probe only needs the size). */
  size_t off = 33;
  while (off + 8 <= len) {
    unsigned long clen = be32(p + off);
    if (memcmp(p + off + 4, "tRNS", 4) == 0) info->has_trns = 1;
    if (memcmp(p + off + 4, "IDAT", 4) == 0) break;
    if (clen > len) break;
    off += 12 + clen;
  }
  return 0;
}

static int parse_gif(const unsigned char *p, size_t len, pb_img_info *info, char *err,
                     size_t errlen) {
  if (len < 10) return NEED_MORE;
  info->stored_width = info->width = (int)le16(p + 6);
  info->stored_height = info->height = (int)le16(p + 8);
  if (!info->width || !info->height) {
    pb_errf(err, errlen, "GIF with zero size");
    return PB_EFORMAT;
  }
  info->bit_depth = 8;
  return 0;
}

static int parse_webp(const unsigned char *p, size_t len, pb_img_info *info, char *err,
                      size_t errlen) {
  if (len < 30) return NEED_MORE;
  const unsigned char *c = p + 12;
  unsigned long w = 0, h = 0;
  if (memcmp(c, "VP8 ", 4) == 0) {
    if (c[11] != 0x9d || c[12] != 0x01 || c[13] != 0x2a) {
      pb_errf(err, errlen, "WebP (VP8) without a key frame start code");
      return PB_EFORMAT;
    }
    w = le16(c + 14) & 0x3fff;
    h = le16(c + 16) & 0x3fff;
  } else if (memcmp(c, "VP8L", 4) == 0) {
    if (c[8] != 0x2f) {
      pb_errf(err, errlen, "WebP (VP8L) without its signature byte");
      return PB_EFORMAT;
    }
    unsigned long bits = (unsigned long)c[9] | (unsigned long)c[10] << 8 |
                         (unsigned long)c[11] << 16 | (unsigned long)c[12] << 24;
    w = (bits & 0x3fff) + 1;
    h = ((bits >> 14) & 0x3fff) + 1;
    info->has_alpha = (int)((bits >> 28) & 1);
    info->webp_lossless = 1;
  } else if (memcmp(c, "VP8X", 4) == 0) {
    info->has_alpha = (c[8] & 0x10) != 0;
    w = le24(c + 12) + 1;
    h = le24(c + 15) + 1;
    /* Whether the bitstream is VP8L is known only from a later chunk. */
    size_t off = 12 + 8 + 10;
    while (off + 8 <= len) {
      unsigned long clen = (unsigned long)le16(p + off + 4) | (unsigned long)le16(p + off + 6)
                                                                  << 16;
      if (memcmp(p + off, "VP8L", 4) == 0) info->webp_lossless = 1;
      if (memcmp(p + off, "VP8 ", 4) == 0 || memcmp(p + off, "VP8L", 4) == 0) break;
      if (clen > len) break;
      off += 8 + clen + (clen & 1);
    }
  } else {
    pb_errf(err, errlen, "WebP with unknown first chunk '%.4s'", (const char *)c);
    return PB_EFORMAT;
  }
  if (!w || !h) {
    pb_errf(err, errlen, "WebP with zero size");
    return PB_EFORMAT;
  }
  info->stored_width = info->width = (int)w;
  info->stored_height = info->height = (int)h;
  info->bit_depth = 8;
  return 0;
}

/* EXIF orientation from an APP1 payload starting at "Exif\0\0"; 1 when
 * absent or malformed. */
static int exif_orientation(const unsigned char *p, size_t len) {
  if (len < 14 || memcmp(p, "Exif\0\0", 6) != 0) return 1;
  const unsigned char *t = p + 6;
  size_t tlen = len - 6;
  int little;
  if (memcmp(t, "II*\0", 4) == 0)
    little = 1;
  else if (memcmp(t, "MM\0*", 4) == 0)
    little = 0;
  else
    return 1;
#define RD16(q) (little ? le16(q) : be16(q))
#define RD32(q) (little ? ((unsigned long)le16((q) + 2) << 16 | le16(q)) : be32(q))
  unsigned long ifd = RD32(t + 4);
  if (ifd + 2 > tlen) return 1;
  unsigned n = RD16(t + ifd);
  for (unsigned i = 0; i < n; i++) {
    size_t e = ifd + 2 + (size_t)i * 12;
    if (e + 12 > tlen) return 1;
    if (RD16(t + e) == 0x0112) {
      unsigned v = RD16(t + e + 8);
      return v >= 1 && v <= 8 ? (int)v : 1;
    }
  }
  return 1;
#undef RD16
#undef RD32
}

static int parse_jpeg(const unsigned char *p, size_t len, pb_img_info *info, char *err,
                      size_t errlen) {
  size_t off = 2;
  info->orientation = 1;
  for (;;) {
    if (off + 4 > len) return NEED_MORE;
    if (p[off] != 0xFF) {
      pb_errf(err, errlen, "JPEG with a broken marker structure");
      return PB_EFORMAT;
    }
    int m = p[off + 1];
    if (m == 0xFF) { /* fill byte */
      off++;
      continue;
    }
    if (m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m == 0x01) {
      off += 2;
      continue;
    }
    if (m == 0xD9 || m == 0xDA) {
      pb_errf(err, errlen, "JPEG without a frame header");
      return PB_EFORMAT;
    }
    size_t seg = be16(p + off + 2);
    if (seg < 2) {
      pb_errf(err, errlen, "JPEG with a broken segment length");
      return PB_EFORMAT;
    }
    if (off + 2 + seg > len) return NEED_MORE;
    const unsigned char *d = p + off + 4;
    size_t dlen = seg - 2;
    if (m == 0xE1 && info->orientation == 1) info->orientation = exif_orientation(d, dlen);
    if (m == 0xEE && dlen >= 12 && memcmp(d, "Adobe", 5) == 0) {
      info->adobe = 1;
      info->adobe_transform = d[11];
    }
    if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
      if (dlen < 6) {
        pb_errf(err, errlen, "JPEG with a short frame header");
        return PB_EFORMAT;
      }
      info->jpeg_sof = m - 0xC0;
      info->bit_depth = d[0];
      info->stored_height = (int)be16(d + 1);
      info->stored_width = (int)be16(d + 3);
      info->components = d[5];
      if (!info->stored_width || !info->stored_height) {
        pb_errf(err, errlen, "JPEG with zero size (DNL not supported)");
        return PB_EFORMAT;
      }
      if (info->components != 1 && info->components != 3 && info->components != 4) {
        pb_errf(err, errlen, "JPEG with %d components", info->components);
        return PB_EFORMAT;
      }
      /* Adobe APP14 may follow the frame header; keep scanning up to SOS
       * when the bytes are there. */
      size_t o2 = off + 2 + seg;
      while (o2 + 4 <= len && p[o2] == 0xFF && p[o2 + 1] != 0xDA) {
        size_t s2 = be16(p + o2 + 2);
        if (s2 < 2 || o2 + 2 + s2 > len) break;
        if (p[o2 + 1] == 0xEE && s2 - 2 >= 12 && memcmp(p + o2 + 4, "Adobe", 5) == 0) {
          info->adobe = 1;
          info->adobe_transform = p[o2 + 4 + 11];
        }
        o2 += 2 + s2;
      }
      break;
    }
    off += 2 + seg;
  }
  int o = info->orientation;
  info->width = o >= 5 ? info->stored_height : info->stored_width;
  info->height = o >= 5 ? info->stored_width : info->stored_height;
  return 0;
}

static int probe_mem(const void *data, size_t len, pb_img_info *info, char *err, size_t errlen) {
  const unsigned char *p = data;
  memset(info, 0, sizeof *info);
  info->orientation = 1;
  info->format = pb_image_sniff(p, len, &info->format_name);
  int rc;
  switch (info->format) {
  case PB_IMG_PNG: rc = parse_png(p, len, info, err, errlen); break;
  case PB_IMG_JPEG: rc = parse_jpeg(p, len, info, err, errlen); break;
  case PB_IMG_WEBP: rc = parse_webp(p, len, info, err, errlen); break;
  case PB_IMG_GIF: rc = parse_gif(p, len, info, err, errlen); break;
  case PB_IMG_OTHER:
    pb_errf(err, errlen, "%s images cannot be embedded", info->format_name);
    return PB_EFORMAT;
  default: pb_errf(err, errlen, "not an image format paperbook knows"); return PB_EFORMAT;
  }
  if (rc != 0) return rc;
  if ((long long)info->width * info->height > PB_IMAGE_MAX_PIXELS) {
    pb_errf(err, errlen, "%dx%d pixels is more than the limit of %lld megapixels", info->width,
            info->height, PB_IMAGE_MAX_PIXELS / 1000000);
    return PB_ELIMIT;
  }
  return 0;
}

int pb_image_probe_mem(const void *data, size_t len, pb_img_info *info, char *err, size_t errlen) {
  int rc = probe_mem(data, len, info, err, errlen);
  if (rc == NEED_MORE) {
    pb_errf(err, errlen, "truncated %s header", info->format_name);
    return PB_EFORMAT;
  }
  return rc;
}

int pb_image_probe(const char *path, pb_img_info *info, char *err, size_t errlen) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    memset(info, 0, sizeof *info);
    info->format_name = "unknown";
    pb_errf(err, errlen, "cannot open: %s", strerror(errno));
    return PB_EIO;
  }
  /* Headers are at the start; JPEG's frame header may follow large EXIF or
   * ICC segments, so read more only when the parser asks for it. */
  size_t cap = 4096, len = 0;
  unsigned char *buf = pb_xmalloc(cap);
  int rc;
  for (;;) {
    len += fread(buf + len, 1, cap - len, f);
    rc = probe_mem(buf, len, info, err, errlen);
    if (rc != NEED_MORE) break;
    if (len < cap || ferror(f)) {
      rc = pb_image_probe_mem(buf, len, info, err, errlen);
      break;
    }
    if (cap >= ((size_t)64 << 20)) {
      pb_errf(err, errlen, "no image header in the first %zu MB", cap >> 20);
      rc = PB_ELIMIT;
      break;
    }
    cap *= 4;
    buf = pb_xrealloc(buf, cap);
  }
  free(buf);
  fclose(f);
  return rc;
}
