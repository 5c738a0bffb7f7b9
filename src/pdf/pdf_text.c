/* Type0 fonts and text operators for the PDF back end (see pdf_text.h).
 *
 * Page content: one text object per stretch of text between other
 * drawing; inside it, Tf/rg/Tc/Tr only when they change, Tm only when a run
 * does not continue on the baseline of the one before, and glyphs as hex
 * strings in TJ arrays whose numbers carry kerning between runs, shaping
 * offsets, and the difference between a ligature's glyph count and its
 * character count under Tc. The position is tracked from the very numbers
 * written (/W widths rounded as written, TJ numbers rounded as written), so
 * rounding never accumulates along a line.
 *
 * Font objects: the Type0 dict is made when a font is first used (pages
 * refer to it from their resources); its descendant CIDFont, descriptor,
 * font program and ToUnicode CMap are filled in by pb_pdf_text_finish,
 * when the glyphs used are known. Codes are glyph ids (the subsets keep
 * them), so CIDToGIDMap is /Identity; in a CID-keyed CFF they are the CIDs
 * its charset gives the glyphs (the subset keeps those). */
#include "pdf_text.h"

#include <dirent.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "imgcache.h"
#include "jobs.h"
#include "utf8.h"

#define FAKE_ITALIC_SKEW 0.2126 /* tan(12 degrees) */
#define FAKE_BOLD_STROKE 0.03   /* stroke width per point of font size */
#define NGIDS 65536u

typedef struct {
  HPDF_Dict type0; /* NULL until first used */
  int face;        /* the base face */
  uint64_t used[NGIDS / 64];
  uint64_t mapped[NGIDS / 64]; /* has a ToUnicode entry */
  float *width;                /* per gid, rounded as written in /W; NAN = not yet known */
  /* ToUnicode: gid and the UTF-8 text its cluster came from */
  struct tu {
    uint16_t code;
    uint32_t off, len; /* in text */
  } * tu;
  size_t ntu, captu;
  pb_buf text;
  HPDF_Page page; /* the page name was looked up for */
  const char *name;
  /* A CID-keyed CFF whose CIDs are not its glyph ids: codes are CIDs
   * (cid[gid]), else glyph ids. Borrowed from the fonts. */
  const uint16_t *cid;
  size_t ncid;
} tfont;

struct pb_pdf_text {
  HPDF_Doc pdf;
  pb_fonts *fonts;
  char *cache_dir;
  int nfonts;
  tfont **fonts_by_face; /* per base face, NULL until used */
  pb_buf ops;            /* operators not yet written to the page */
  HPDF_Page page;
  /* text state, valid while in_text */
  int in_text;
  tfont *font;
  double size, tc, rise, lw, skew;
  pb_rgb fill, stroke;
  int mode;
  int have_pos;       /* Tm set: (line_x, line_y) and the pen along it */
  double line_y, pen; /* pen: user-space x of the current text position */
  int tj_open, hex_open;
  /* the TJ array's last element is a number, written from num_at with the
   * value num_val: a number that follows is added to it (two numbers side
   * by side, "-486.4-13.64", are one badly formatted token to readers) */
  int num_last;
  size_t num_at;
  double num_val;
};

/* ---- numbers --------------------------------------------------------- */

/* v rounded to 1/100 (or 1/1000 with three decimals), as written. */
static double round_to(double v, int decimals) {
  double m = decimals == 2 ? 100.0 : decimals == 3 ? 1000.0 : 10000.0;
  return round(v * m) / m;
}

/* v with at most `decimals` decimals, trailing zeros dropped: the digits
 * of round(v * 10^decimals) with the point put in, which is what
 * "%.*f" of round_to(v) prints (exact below 2^52), without printf's cost
 * (3.6% of a warm build). Huge or non-finite values go through printf. */
static void put_num(pb_buf *b, double v, int decimals) {
  double m = decimals == 2 ? 100.0 : decimals == 3 ? 1000.0 : 10000.0;
  double k = round(v * m);
  char s[48];
  int n;
  if (!(fabs(k) < 1e15)) {
    v = round_to(v, decimals);
    if (v == 0) v = 0; /* no "-0" */
    n = snprintf(s, sizeof s, "%.*f", decimals, v);
    while (n > 0 && s[n - 1] == '0') n--;
    if (n > 0 && s[n - 1] == '.') n--;
    pb_buf_append(b, s, (size_t)n);
    return;
  }
  unsigned long long u = (unsigned long long)fabs(k);
  char digits[24];
  int nd = 0;
  do {
    digits[nd++] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  while (nd <= decimals) digits[nd++] = '0'; /* at least one digit before the point */
  int first = 0;                             /* lowest decimal kept: trailing zeros dropped */
  while (first < decimals && digits[first] == '0') first++;
  n = 0;
  if (k < 0) s[n++] = '-';
  for (int i = nd - 1; i >= decimals; i--) s[n++] = digits[i];
  if (first < decimals) {
    s[n++] = '.';
    for (int i = decimals - 1; i >= first; i--) s[n++] = digits[i];
  }
  pb_buf_append(b, s, (size_t)n);
}

/* ---- fonts ----------------------------------------------------------- */

pb_pdf_text *pb_pdf_text_new(HPDF_Doc pdf, pb_fonts *fonts, const char *cache_dir) {
  pb_pdf_text *t = pb_xcalloc(1, sizeof *t);
  t->cache_dir = cache_dir ? pb_xstrdup(cache_dir) : NULL;
  t->pdf = pdf;
  t->fonts = fonts;
  t->nfonts = pb_fonts_count(fonts);
  t->fonts_by_face = pb_xcalloc((size_t)t->nfonts + 1, sizeof *t->fonts_by_face);
  return t;
}

void pb_pdf_text_free(pb_pdf_text *t) {
  if (!t) return;
  for (int i = 0; i < t->nfonts; i++) {
    tfont *f = t->fonts_by_face[i];
    if (!f) continue;
    free(f->width);
    free(f->tu);
    pb_buf_free(&f->text);
    free(f);
  }
  free(t->fonts_by_face);
  pb_buf_free(&t->ops);
  free(t->cache_dir);
  free(t);
}

/* The font object for a base face, made on first use. Faces found by the
 * fallback search are added while the layout runs, so the table grows. */
static tfont *font_for(pb_pdf_text *t, int base) {
  int n = pb_fonts_count(t->fonts);
  if (base < 0 || base >= n) return NULL;
  if (n > t->nfonts) {
    t->fonts_by_face = pb_xrealloc(t->fonts_by_face, (size_t)n * sizeof *t->fonts_by_face);
    memset(t->fonts_by_face + t->nfonts, 0, (size_t)(n - t->nfonts) * sizeof *t->fonts_by_face);
    t->nfonts = n;
  }
  tfont *f = t->fonts_by_face[base];
  if (f) return f;
  HPDF_Dict d = HPDF_Dict_New(t->pdf->mmgr);
  if (!d || HPDF_Xref_Add(t->pdf->xref, d) != HPDF_OK) return NULL;
  f = pb_xcalloc(1, sizeof *f);
  f->type0 = d;
  f->face = base;
  f->width = pb_xmalloc(NGIDS * sizeof *f->width);
  for (size_t i = 0; i < NGIDS; i++) f->width[i] = NAN;
  pb_font_info info;
  pb_fonts_info(t->fonts, base, &info);
  if (info.format == PB_FONT_CFF && info.cid_keyed && info.cid) {
    f->cid = info.cid;
    f->ncid = info.nglyphs;
  }
  t->fonts_by_face[base] = f;
  return f;
}

/* The code that draws gid: its CID in a font whose CIDs differ from its
 * glyph ids, else the glyph id (0, .notdef, for one past the charset). */
static uint32_t code_of(const tfont *f, uint32_t gid) {
  if (!f->cid) return gid;
  return gid < f->ncid ? f->cid[gid] : 0;
}

static double glyph_width(pb_pdf_text *t, tfont *f, uint32_t gid) {
  if (gid >= NGIDS) return 0;
  if (isnan(f->width[gid]))
    f->width[gid] = (float)round_to(pb_fonts_glyph_advance(t->fonts, f->face, gid), 3);
  return f->width[gid];
}

static void use_glyph(tfont *f, uint32_t gid, const char *text, size_t len) {
  if (gid >= NGIDS) return;
  uint64_t bit = (uint64_t)1 << (gid & 63);
  f->used[gid >> 6] |= bit;
  if (!text || len == 0 || (f->mapped[gid >> 6] & bit)) return;
  f->mapped[gid >> 6] |= bit;
  if (f->ntu == f->captu) {
    f->captu = f->captu ? f->captu * 2 : 256;
    f->tu = pb_xrealloc(f->tu, f->captu * sizeof *f->tu);
  }
  f->tu[f->ntu++] = (struct tu){(uint16_t)code_of(f, gid), (uint32_t)f->text.len, (uint32_t)len};
  pb_buf_append(&f->text, text, len);
}

/* ---- content --------------------------------------------------------- */

static void flush_ops(pb_pdf_text *t, HPDF_Page page) {
  if (!t->ops.len || !page) return;
  HPDF_PageAttr attr = (HPDF_PageAttr)page->attr;
  HPDF_Stream_Write(attr->stream, (const HPDF_BYTE *)t->ops.data, (HPDF_UINT)t->ops.len);
  pb_buf_reset(&t->ops);
}

static void tj_close(pb_pdf_text *t) {
  if (t->hex_open) pb_buf_putc(&t->ops, '>');
  if (t->tj_open) pb_buf_puts(&t->ops, "]TJ\n");
  t->hex_open = t->tj_open = t->num_last = 0;
}

static void tj_glyph(pb_pdf_text *t, uint32_t gid) {
  static const char hex[] = "0123456789ABCDEF";
  if (!t->tj_open) pb_buf_putc(&t->ops, '[');
  if (!t->hex_open) pb_buf_putc(&t->ops, '<');
  t->tj_open = t->hex_open = 1;
  t->num_last = 0;
  char s[4] = {hex[(gid >> 12) & 15], hex[(gid >> 8) & 15], hex[(gid >> 4) & 15], hex[gid & 15]};
  pb_buf_append(&t->ops, s, 4);
}

/* Moves the text position by -n/1000 em (a TJ number); returns the number
 * as written (0 when too small to write). */
static double tj_number(pb_pdf_text *t, double n) {
  n = round_to(n, 2);
  if (n == 0) return 0;
  if (t->tj_open && t->num_last) {
    /* replace the number just written by the sum of both */
    double sum = round_to(t->num_val + n, 2);
    t->ops.len = t->num_at;
    t->num_last = 0;
    if (sum == 0) return n;
    t->num_val = sum;
    t->num_last = 1;
    put_num(&t->ops, sum, 2);
    return n;
  }
  if (!t->tj_open) pb_buf_putc(&t->ops, '[');
  if (t->hex_open) pb_buf_putc(&t->ops, '>');
  t->tj_open = 1;
  t->hex_open = 0;
  t->num_at = t->ops.len;
  t->num_val = n;
  t->num_last = 1;
  put_num(&t->ops, n, 2);
  return n;
}

void pb_pdf_text_end(pb_pdf_text *t, HPDF_Page page) {
  if (!t) return;
  if (t->in_text) {
    tj_close(t);
    pb_buf_puts(&t->ops, "ET\n");
    t->in_text = 0;
  }
  t->have_pos = 0;
  flush_ops(t, page);
}

static int same_rgb(pb_rgb a, pb_rgb b) { return a.r == b.r && a.g == b.g && a.b == b.b; }

static float unit(float v) { return v < 0 ? 0 : v > 1 ? 1 : v; }

static void put_rgb(pb_buf *b, pb_rgb c, const char *op) {
  put_num(b, unit(c.r), 3);
  pb_buf_putc(b, ' ');
  put_num(b, unit(c.g), 3);
  pb_buf_putc(b, ' ');
  put_num(b, unit(c.b), 3);
  pb_buf_printf(b, " %s\n", op);
}

/* Brings the text state to what a run needs; every change ends the open
 * TJ array. */
static void set_state(pb_pdf_text *t, HPDF_Page page, tfont *f, double size, double tc,
                      pb_rgb color, int fake_bold) {
  pb_buf *b = &t->ops;
  int fresh = !t->in_text;
  if (fresh) {
    pb_buf_puts(b, "BT\n");
    t->in_text = 1;
    t->have_pos = 0;
  }
  if (fresh || t->font != f || t->size != size) {
    tj_close(t);
    if (f->page != page) {
      f->name = HPDF_Page_GetLocalFontName(page, (HPDF_Font)f->type0);
      f->page = page;
    }
    pb_buf_printf(b, "/%s ", f->name ? f->name : "F0");
    put_num(b, size, 3);
    pb_buf_puts(b, " Tf\n");
    t->font = f;
    t->size = size;
  }
  if (fresh || !same_rgb(t->fill, color)) {
    tj_close(t);
    put_rgb(b, color, "rg");
    t->fill = color;
  }
  if (fresh || round_to(t->tc, 3) != round_to(tc, 3)) {
    tj_close(t);
    put_num(b, tc, 3);
    pb_buf_puts(b, " Tc\n");
    t->tc = round_to(tc, 3);
  }
  int mode = fake_bold ? 2 : 0;
  if (fresh || t->mode != mode) {
    tj_close(t);
    pb_buf_printf(b, "%d Tr\n", mode);
    t->mode = mode;
  }
  if (fake_bold) {
    double lw = round_to(size * FAKE_BOLD_STROKE, 3);
    if (fresh || t->lw != lw || !same_rgb(t->stroke, color)) {
      tj_close(t);
      put_num(b, lw, 3);
      pb_buf_puts(b, " w\n");
      put_rgb(b, color, "RG");
      t->lw = lw;
      t->stroke = color;
    }
  }
  if (fresh) t->rise = 0;
}

/* Number of characters in text[a, b). */
static size_t count_chars(const char *text, size_t a, size_t b) {
  size_t n = 0;
  for (size_t i = a; i < b; i++)
    if (((unsigned char)text[i] & 0xC0) != 0x80) n++;
  return n;
}

static void set_rise(pb_pdf_text *t, double rise) {
  rise = round_to(rise, 3);
  if (rise == t->rise) return;
  tj_close(t);
  put_num(&t->ops, rise, 3);
  pb_buf_puts(&t->ops, " Ts\n");
  t->rise = rise;
}

double pb_pdf_text_draw(pb_pdf_text *t, HPDF_Page page, const pb_glyph_run *run, double size,
                        double x, double y, double char_space, pb_rgb color) {
  if (!t || !page || !run || !run->text || run->len == 0 || !run->glyphs || run->nglyphs == 0 ||
      !(size > 0))
    return 0;
  int face = run->face;
  const char *text = run->text;
  size_t len = run->len, n = run->nglyphs;
  const pb_glyph *g = run->glyphs;
  int base = pb_fonts_base(t->fonts, face);
  tfont *f = font_for(t, base);
  if (!f) return 0;
  if (t->page != page) {
    t->page = page;
    t->in_text = 0;
    t->have_pos = 0;
  }
  double skew = pb_fonts_fake_italic(t->fonts, face) ? FAKE_ITALIC_SKEW : 0;
  /* A one-character run (a letter before a kern, a mark before a squeeze)
   * keeps the Tc in force and gets its spacing as a TJ number instead, so
   * that Tc does not flip back and forth along a line. */
  int lone = count_chars(text, 0, len) == 1;
  double tc_set = lone ? (t->in_text && t->page == page ? t->tc : 0) : char_space;
  set_state(t, page, f, size, tc_set, color, pb_fonts_fake_bold(t->fonts, face));
  double k = 1000.0 / size;                 /* text-space units (1/1000 em) per point */
  double tcu = t->tc * k;                   /* Tc in those units, as written */
  double tcw = lone ? char_space * k : tcu; /* the spacing the layout wants */
  if (t->have_pos && t->line_y == y && t->skew == skew) {
    /* continue along the baseline: a TJ number moves the pen to x */
    t->pen -= tj_number(t, (t->pen - x) * k) / k;
  } else {
    tj_close(t);
    pb_buf_puts(&t->ops, "1 0 ");
    put_num(&t->ops, skew, 4);
    pb_buf_puts(&t->ops, " 1 ");
    put_num(&t->ops, x, 3);
    pb_buf_putc(&t->ops, ' ');
    put_num(&t->ops, y, 3);
    pb_buf_puts(&t->ops, " Tm\n");
    t->pen = round_to(x, 3);
    t->line_y = y;
    t->skew = skew;
    t->have_pos = 1;
  }
  /* want: where the layout's model puts the pen, relative to the run's
   * start, in text units; have: where the written operators put it */
  double start = t->pen, want = (x - start) * k, have = 0;
  for (size_t i = 0; i < n; i++) {
    int first = i == 0 || g[i].cluster != g[i - 1].cluster;
    size_t cend = len;
    for (size_t j = i + 1; j < n; j++)
      if (g[j].cluster != g[i].cluster) {
        cend = g[j].cluster;
        break;
      }
    if (g[i].cluster > cend) cend = g[i].cluster; /* not monotone: no text */
    set_rise(t, g[i].dy * size / 1000.0);
    /* the glyph goes at want + dx */
    have -= tj_number(t, have - (want + g[i].dx));
    tj_glyph(t, code_of(f, g[i].gid));
    use_glyph(f, g[i].gid, first ? text + g[i].cluster : NULL, first ? cend - g[i].cluster : 0);
    have += glyph_width(t, f, g[i].gid) + tcu;
    want += round_to(g[i].adv, 3);
    if (first) want += tcw * (double)count_chars(text, g[i].cluster, cend);
  }
  set_rise(t, 0);
  have -= tj_number(t, have - want);
  t->pen = start + have / k;
  return t->pen - x;
}

/* ---- font objects ---------------------------------------------------- */

/* A subset tag: six capitals from the glyph set, so that different subsets
 * of one font get different names. */
static void subset_tag(const tfont *f, const char *psname, char tag[8]) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < NGIDS / 64; i++) h = (h ^ f->used[i]) * 1099511628211ull;
  for (const char *p = psname; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ull;
  for (int i = 0; i < 6; i++) {
    tag[i] = (char)('A' + h % 26);
    h /= 26;
  }
  tag[6] = '+';
  tag[7] = 0;
}

static void put_utf16(pb_buf *b, const char *s, size_t len) {
  size_t i = 0;
  while (i < len) {
    uint32_t cp;
    int k = pb_utf8_decode(s + i, len - i, &cp);
    if (k <= 0) break;
    i += (size_t)k;
    if (cp >= 0x10000 && cp < 0x110000) {
      cp -= 0x10000;
      pb_buf_printf(b, "%04X%04X", 0xD800 + (unsigned)(cp >> 10), 0xDC00 + (unsigned)(cp & 0x3FF));
    } else {
      pb_buf_printf(b, "%04X", (unsigned)(cp & 0xFFFF));
    }
  }
}

static int cmp_tu(const void *a, const void *b) {
  const struct tu *x = a, *y = b;
  return (int)x->code - (int)y->code;
}

/* A ToUnicode CMap: each code (glyph id) to the text of the cluster it
 * began, UTF-16BE with surrogate pairs, 100 entries per bfchar block. */
static void build_tounicode(tfont *f, pb_buf *out) {
  pb_buf_puts(out, "/CIDInit /ProcSet findresource begin\n"
                   "12 dict begin\n"
                   "begincmap\n"
                   "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                   "/CMapName /Adobe-Identity-UCS def\n"
                   "/CMapType 2 def\n"
                   "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
  qsort(f->tu, f->ntu, sizeof *f->tu, cmp_tu);
  for (size_t i = 0; i < f->ntu; i += 100) {
    size_t m = f->ntu - i < 100 ? f->ntu - i : 100;
    pb_buf_printf(out, "%zu beginbfchar\n", m);
    for (size_t j = i; j < i + m; j++) {
      pb_buf_printf(out, "<%04X> <", (unsigned)f->tu[j].code);
      put_utf16(out, f->text.data + f->tu[j].off, f->tu[j].len);
      pb_buf_puts(out, ">\n");
    }
    pb_buf_puts(out, "endbfchar\n");
  }
  pb_buf_puts(out, "endcmap\n"
                   "CMapName currentdict /CIDResource defineresource pop\n"
                   "end\nend\n");
}

static HPDF_Dict new_stream(pb_pdf_text *t, const void *data, size_t len) {
  HPDF_Dict s = HPDF_DictStream_New(t->pdf->mmgr, t->pdf->xref);
  if (!s) return NULL;
  if (t->pdf->compression_mode != HPDF_COMP_NONE) s->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
  HPDF_Stream_Write(s->stream, (const HPDF_BYTE *)data, (HPDF_UINT)len);
  return s;
}

/* /W: runs of consecutive codes with their widths. */
static HPDF_Array widths_array(pb_pdf_text *t, tfont *f) {
  HPDF_MMgr mm = t->pdf->mmgr;
  HPDF_Array w = HPDF_Array_New(mm);
  HPDF_Array run = NULL;
  long prev = -2;
  for (uint32_t gid = 0; gid < NGIDS && w; gid++) {
    if (!(f->used[gid >> 6] & ((uint64_t)1 << (gid & 63)))) continue;
    uint32_t code = code_of(f, gid);
    if ((long)code != prev + 1 || !run) {
      HPDF_Array_AddNumber(w, (HPDF_INT32)code);
      run = HPDF_Array_New(mm);
      HPDF_Array_Add(w, run);
    }
    HPDF_Array_AddReal(run, (HPDF_REAL)glyph_width(t, f, gid));
    prev = code;
  }
  return w;
}

/* ---- subset cache ----------------------------------------------------
 * One file per font, "font-<font key>-<glyph set key>.pbf": a magic line,
 * the 24-byte hash of the payload, the payload (the subset). The font key
 * covers the file's path, member, size and modification time; storing a
 * subset removes the font's older ones. A damaged entry is a miss. */

#define SUBSET_MAGIC "PBSUBSET1\n"

static void subset_names(pb_pdf_text *t, tfont *f, const uint32_t *gids, size_t n, char *prefix,
                         size_t plen, char *name, size_t nlen) {
  int index = 0;
  const char *path = pb_fonts_path(t->fonts, f->face, &index);
  struct stat st;
  pb_buf key = PB_BUF_INIT;
  pb_buf_printf(&key, "%s#%d", path ? path : "", index);
  if (path && stat(path, &st) == 0)
    pb_buf_printf(&key, "|%lld|%lld.%ld", (long long)st.st_size, (long long)st.st_mtim.tv_sec,
                  (long)st.st_mtim.tv_nsec);
  pb_imgcache_hash fk = pb_imgcache_hash_bytes(key.data, key.len);
  pb_imgcache_hash gk = pb_imgcache_hash_bytes(gids, n * sizeof *gids);
  pb_buf_free(&key);
  snprintf(prefix, plen, "font-%016llx-", (unsigned long long)fk.h[0]);
  snprintf(name, nlen, "%s%016llx%016llx.pbf", prefix, (unsigned long long)gk.h[0],
           (unsigned long long)gk.h[1]);
}

static int cache_read(const char *path, pb_buf *out) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return 0;
  pb_buf all = PB_BUF_INIT;
  char chunk[65536];
  size_t k;
  while ((k = fread(chunk, 1, sizeof chunk, fp)) > 0) pb_buf_append(&all, chunk, k);
  fclose(fp);
  size_t ml = strlen(SUBSET_MAGIC);
  int ok = 0;
  if (all.len > ml + sizeof(pb_imgcache_hash) && memcmp(all.data, SUBSET_MAGIC, ml) == 0) {
    pb_imgcache_hash want, got;
    memcpy(&want, all.data + ml, sizeof want);
    const char *payload = all.data + ml + sizeof want;
    size_t plen = all.len - ml - sizeof want;
    got = pb_imgcache_hash_bytes(payload, plen);
    if (memcmp(&want, &got, sizeof want) == 0) {
      pb_buf_reset(out);
      pb_buf_append(out, payload, plen);
      ok = 1;
    }
  }
  pb_buf_free(&all);
  return ok;
}

/* Stores data as name in dir (temporary file, then rename) and removes the
 * font's other subsets. Failing to is not an error. */
static void cache_store(const char *dir, const char *prefix, const char *name, const pb_buf *data) {
  size_t dl = strlen(dir);
  char *path = pb_xmalloc(dl + strlen(name) + 2), *tmp = pb_xmalloc(dl + strlen(name) + 16);
  sprintf(path, "%s/%s", dir, name);
  sprintf(tmp, "%s/.%s.XXXXXX", dir, name);
  int fd = mkstemp(tmp);
  if (fd >= 0) {
    pb_imgcache_hash h = pb_imgcache_hash_bytes(data->data, data->len);
    FILE *fp = fdopen(fd, "wb");
    int ok = fp && fwrite(SUBSET_MAGIC, 1, strlen(SUBSET_MAGIC), fp) == strlen(SUBSET_MAGIC) &&
             fwrite(&h, sizeof h, 1, fp) == 1 && fwrite(data->data, 1, data->len, fp) == data->len;
    if (fp ? fclose(fp) != 0 : close(fd) != 0) ok = 0;
    if (!ok || rename(tmp, path) != 0) unlink(tmp);
  }
  DIR *d = opendir(dir);
  for (struct dirent *de; d && (de = readdir(d));)
    if (strncmp(de->d_name, prefix, strlen(prefix)) == 0 && strcmp(de->d_name, name) != 0)
      unlinkat(dirfd(d), de->d_name, 0);
  if (d) closedir(d);
  free(path);
  free(tmp);
}

/* The subset of f holding gids: from the cache, else from HarfBuzz. */
static int subset(pb_pdf_text *t, tfont *f, const uint32_t *gids, size_t n, pb_buf *out) {
  char prefix[64], name[128];
  char *path = NULL;
  if (t->cache_dir) {
    subset_names(t, f, gids, n, prefix, sizeof prefix, name, sizeof name);
    path = pb_xmalloc(strlen(t->cache_dir) + strlen(name) + 2);
    sprintf(path, "%s/%s", t->cache_dir, name);
    if (cache_read(path, out)) {
      free(path);
      return 0;
    }
  }
  int rc = pb_fonts_subset(t->fonts, f->face, gids, n, out);
  if (rc == 0 && t->cache_dir) cache_store(t->cache_dir, prefix, name, out);
  free(path);
  return rc;
}

/* The font programs of the fonts used, made side by side: subsetting is
 * most of a cold build's font work (the archive: 41 ms, 23 of them for the
 * CJK serif's 992 glyphs) and the fonts are independent. Only the
 * subsetter and the subset cache run in the workers; the PDF's objects are
 * made after, in face order. */
typedef struct {
  pb_pdf_text *t;
  tfont **f;
  pb_buf *prog;
  int *rc;
} subsetting;

static void subset_nth(void *arg, size_t i) {
  subsetting *s = arg;
  tfont *f = s->f[i];
  uint32_t *gids = pb_xmalloc(NGIDS * sizeof *gids);
  size_t n = 0;
  for (uint32_t gid = 0; gid < NGIDS; gid++)
    if (f->used[gid >> 6] & ((uint64_t)1 << (gid & 63))) gids[n++] = gid;
  s->rc[i] = subset(s->t, f, gids, n, &s->prog[i]);
  free(gids);
}

/* The font's objects, its program prog (taken over). */
static int write_font(pb_pdf_text *t, tfont *f, pb_buf prog) {
  HPDF_MMgr mm = t->pdf->mmgr;
  pb_buf cmap = PB_BUF_INIT;
  pb_font_info info;
  pb_fonts_info(t->fonts, f->face, &info);
  char tag[8], name[80];
  subset_tag(f, info.psname, tag);
  snprintf(name, sizeof name, "%s%s", tag, info.psname);
  int cff = info.format == PB_FONT_CFF;

  HPDF_Dict file = new_stream(t, prog.data, prog.len);
  HPDF_Dict desc = HPDF_Dict_New(mm);
  HPDF_Dict cid = HPDF_Dict_New(mm);
  HPDF_Dict sysinfo = HPDF_Dict_New(mm);
  HPDF_Array bbox = HPDF_Array_New(mm);
  HPDF_Array desc_fonts = HPDF_Array_New(mm);
  build_tounicode(f, &cmap);
  HPDF_Dict tounicode = new_stream(t, cmap.data, cmap.len);
  pb_buf_free(&cmap);
  if (!file || !desc || !cid || !sysinfo || !bbox || !desc_fonts || !tounicode ||
      HPDF_Xref_Add(t->pdf->xref, desc) != HPDF_OK || HPDF_Xref_Add(t->pdf->xref, cid) != HPDF_OK) {
    pb_buf_free(&prog);
    return PB_EPDF;
  }
  if (cff)
    HPDF_Dict_AddName(file, "Subtype", "CIDFontType0C");
  else
    HPDF_Dict_AddNumber(file, "Length1", (HPDF_INT32)prog.len);
  pb_buf_free(&prog);

  HPDF_Dict_AddName(desc, "Type", "FontDescriptor");
  HPDF_Dict_AddName(desc, "FontName", name);
  int flags = 4 | (info.fixed_pitch ? 1 : 0) | (info.italic_angle != 0 ? 64 : 0);
  HPDF_Dict_AddNumber(desc, "Flags", flags);
  for (int i = 0; i < 4; i++) HPDF_Array_AddNumber(bbox, (HPDF_INT32)lround(info.bbox[i]));
  HPDF_Dict_Add(desc, "FontBBox", bbox);
  HPDF_Dict_AddReal(desc, "ItalicAngle", (HPDF_REAL)info.italic_angle);
  HPDF_Dict_AddNumber(desc, "Ascent", (HPDF_INT32)lround(info.ascent));
  HPDF_Dict_AddNumber(desc, "Descent", (HPDF_INT32)lround(info.descent));
  HPDF_Dict_AddNumber(desc, "CapHeight", (HPDF_INT32)lround(info.cap_height));
  HPDF_Dict_AddNumber(desc, "StemV", 80);
  HPDF_Dict_Add(desc, cff ? "FontFile3" : "FontFile2", file);

  HPDF_Dict_Add(sysinfo, "Registry", HPDF_String_New(mm, "Adobe", NULL));
  HPDF_Dict_Add(sysinfo, "Ordering", HPDF_String_New(mm, "Identity", NULL));
  HPDF_Dict_AddNumber(sysinfo, "Supplement", 0);

  HPDF_Dict_AddName(cid, "Type", "Font");
  HPDF_Dict_AddName(cid, "Subtype", cff ? "CIDFontType0" : "CIDFontType2");
  HPDF_Dict_AddName(cid, "BaseFont", name);
  HPDF_Dict_Add(cid, "CIDSystemInfo", sysinfo);
  HPDF_Dict_Add(cid, "FontDescriptor", desc);
  HPDF_Dict_AddNumber(cid, "DW", 1000);
  HPDF_Dict_Add(cid, "W", widths_array(t, f));
  if (!cff) HPDF_Dict_AddName(cid, "CIDToGIDMap", "Identity");

  HPDF_Dict d = f->type0;
  HPDF_Dict_AddName(d, "Type", "Font");
  HPDF_Dict_AddName(d, "Subtype", "Type0");
  HPDF_Dict_AddName(d, "BaseFont", name);
  HPDF_Dict_AddName(d, "Encoding", "Identity-H");
  HPDF_Array_Add(desc_fonts, cid);
  HPDF_Dict_Add(d, "DescendantFonts", desc_fonts);
  HPDF_Dict_Add(d, "ToUnicode", tounicode);
  return HPDF_GetError(t->pdf) == HPDF_OK ? 0 : PB_EPDF;
}

int pb_pdf_text_finish(pb_pdf_text *t) {
  if (!t) return 0;
  subsetting s = {t, pb_xcalloc((size_t)t->nfonts + 1, sizeof *s.f), NULL, NULL};
  size_t n = 0;
  for (int i = 0; i < t->nfonts; i++) {
    tfont *f = t->fonts_by_face[i];
    if (!f) continue;
    f->used[0] |= 1; /* .notdef */
    /* what the font module reads on first use (a CFF's charset) is read
     * here, before the workers share the fonts */
    pb_font_info info;
    pb_fonts_info(t->fonts, f->face, &info);
    s.f[n++] = f;
  }
  s.prog = pb_xcalloc(n + 1, sizeof *s.prog);
  s.rc = pb_xcalloc(n + 1, sizeof *s.rc);
  pb_parallel(n, pb_jobs(), subset_nth, &s);
  int rc = 0;
  for (size_t i = 0; i < n; i++) {
    if (rc == 0) rc = s.rc[i];
    if (rc == 0)
      rc = write_font(t, s.f[i], s.prog[i]);
    else
      pb_buf_free(&s.prog[i]);
  }
  free(s.f);
  free(s.prog);
  free(s.rc);
  return rc;
}
