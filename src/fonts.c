/* Fonts: finding font files, choosing a face per character, measuring with
 * HarfBuzz, and subsetting for the PDF back end.
 *
 * A "font" here is one physical TrueType face (a file, or one member of a
 * .ttc collection) with its HarfBuzz objects and an advance cache. A "face"
 * is what callers number: a font plus the renderer's fake-bold/fake-italic
 * flags. Several faces can share one font (sans italic is sans regular drawn
 * skewed; CJK bold is the CJK face drawn stroked), and the PDF embeds each
 * font once (pb_fonts_base). The face table is fixed when the fonts are
 * opened, so face numbers are stable and the same on every run. */
#include "fonts.h"

#include <fontconfig/fontconfig.h>
#include <hb-ot.h>
#include <hb-subset.h>
#include <hb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "diag.h"
#include "model.h"

/* ---- the default font set -------------------------------------------- */

enum {
  SLOT_TEXT,
  SLOT_TEXT_BOLD,
  SLOT_TEXT_ITALIC,
  SLOT_TEXT_BOLD_ITALIC,
  SLOT_SANS,
  SLOT_SANS_BOLD,
  SLOT_MONO,
  SLOT_CJK_TEXT,
  SLOT_CJK_SANS,
  SLOT_SYMBOL,
  SLOT_COUNT
};

typedef struct {
  const char *file;     /* file name looked for in cfg->dir and fontconfig */
  int index;            /* member of a .ttc */
  const char *pattern;  /* fontconfig pattern */
  const char *debian;   /* package that provides it */
  const char *std_path; /* where Debian installs it, tried when fontconfig fails */
} default_font;

static const default_font DEFAULTS[SLOT_COUNT] = {
    [SLOT_TEXT] = {"NotoSerif-Regular.ttf", 0, "Noto Serif:style=Regular", "fonts-noto-core",
                   "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf"},
    [SLOT_TEXT_BOLD] = {"NotoSerif-Bold.ttf", 0, "Noto Serif:style=Bold", "fonts-noto-core",
                        "/usr/share/fonts/truetype/noto/NotoSerif-Bold.ttf"},
    [SLOT_TEXT_ITALIC] = {"NotoSerif-Italic.ttf", 0, "Noto Serif:style=Italic", "fonts-noto-core",
                          "/usr/share/fonts/truetype/noto/NotoSerif-Italic.ttf"},
    [SLOT_TEXT_BOLD_ITALIC] = {"NotoSerif-BoldItalic.ttf", 0, "Noto Serif:style=Bold Italic",
                               "fonts-noto-core",
                               "/usr/share/fonts/truetype/noto/NotoSerif-BoldItalic.ttf"},
    [SLOT_SANS] = {"NotoSans-Regular.ttf", 0, "Noto Sans:style=Regular", "fonts-noto-core",
                   "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"},
    [SLOT_SANS_BOLD] = {"NotoSans-Bold.ttf", 0, "Noto Sans:style=Bold", "fonts-noto-core",
                        "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"},
    [SLOT_MONO] = {"DejaVuSansMono.ttf", 0, "DejaVu Sans Mono:style=Book", "fonts-dejavu-core",
                   "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"},
    /* Index 0 of uming.ttc is "AR PL UMing CN" (1 HK, 2 TW, 3 TW MBE). */
    [SLOT_CJK_TEXT] = {"uming.ttc", 0, "AR PL UMing CN", "fonts-arphic-uming",
                       "/usr/share/fonts/truetype/arphic/uming.ttc"},
    [SLOT_CJK_SANS] = {"wqy-microhei.ttc", 0, "WenQuanYi Micro Hei", "fonts-wqy-microhei",
                       "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"},
    [SLOT_SYMBOL] = {"DejaVuSans.ttf", 0, "DejaVu Sans:style=Book", "fonts-dejavu-core",
                     "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"},
};

/* ---- fonts and faces ------------------------------------------------- */

/* Advances are cached in pages of 256 code points, allocated on first use,
 * so that measuring a long document costs one HarfBuzz call per distinct
 * character and face. */
#define CACHE_PAGE_BITS 8
#define CACHE_PAGE_SIZE (1u << CACHE_PAGE_BITS)
#define CACHE_PAGES (0x110000u >> CACHE_PAGE_BITS)
#define GID_UNKNOWN 0xFFFFFFFFu /* not looked up yet */

typedef struct {
  uint32_t gid; /* 0 = no glyph */
  float adv;    /* 1/1000 em */
} cache_entry;

typedef struct {
  char *path;
  int index;
  char *name; /* "uming.ttc#0" or "NotoSerif-Regular.ttf" */
  hb_blob_t *blob;
  hb_face_t *face;
  hb_font_t *font;
  unsigned upem; /* units per em */
  double scale;  /* 1000 / units per em */
  double ascent, descent;
  cache_entry *pages[CACHE_PAGES];
} font;

typedef struct {
  int font; /* index into fonts */
  int base; /* the face that embeds this font (lowest face with it) */
  int fake_bold, fake_italic;
  char *name;
} face;

struct pb_fonts {
  font *fonts;
  int nfonts;
  face *faces;
  int nfaces;
  /* face numbers per family, per style (0 regular, 1 bold, 2 italic,
   * 3 bold italic), Latin and CJK; and the symbol fallback per style */
  int latin[3][4], cjk[3][4], symbol[4];
  FcConfig *fc; /* NULL until fontconfig is needed */
};

static const char *base_name(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

static int file_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* A spec given by the user is a file path when it names an existing file,
 * or looks like one ("x.ttf", "dir/x.ttc:1"); "path:N" picks member N. */
static int split_path_spec(const char *spec, char **path, int *index) {
  const char *colon = strrchr(spec, ':');
  *index = 0;
  if (colon && colon[1] && strspn(colon + 1, "0123456789") == strlen(colon + 1)) {
    *path = pb_xstrndup(spec, (size_t)(colon - spec));
    *index = atoi(colon + 1);
  } else {
    *path = pb_xstrdup(spec);
  }
  const char *dot = strrchr(*path, '.');
  int looks_like_file = strchr(*path, '/') != NULL ||
                        (dot && (strcasecmp(dot, ".ttf") == 0 || strcasecmp(dot, ".ttc") == 0 ||
                                 strcasecmp(dot, ".otf") == 0));
  if (looks_like_file || file_exists(*path)) return 1;
  free(*path);
  *path = NULL;
  return 0;
}

/* Asks fontconfig for pattern; succeeds only when the match really is the
 * family asked for (FcFontMatch always returns something) or, when
 * want_file is set, a file with that name. */
static int fc_find(FcConfig **config, const char *pattern, const char *want_file, char **path,
                   int *index) {
  int ok = 0;
  /* A private configuration, destroyed with the fonts, rather than the
   * library-wide one FcInit would keep for the life of the process. */
  if (!*config) *config = FcInitLoadConfigAndFonts();
  if (!*config) return 0;
  FcPattern *pat = FcNameParse((const FcChar8 *)pattern);
  if (!pat) return 0;
  FcChar8 *want_family = NULL;
  FcPatternGetString(pat, FC_FAMILY, 0, &want_family);
  FcConfigSubstitute(*config, pat, FcMatchPattern);
  FcDefaultSubstitute(pat);
  FcResult res;
  FcPattern *m = FcFontMatch(*config, pat, &res);
  if (m) {
    FcChar8 *file = NULL;
    int idx = 0;
    if (FcPatternGetString(m, FC_FILE, 0, &file) == FcResultMatch) {
      FcPatternGetInteger(m, FC_INDEX, 0, &idx);
      if (want_file) {
        ok = strcmp(base_name((const char *)file), want_file) == 0;
      } else if (want_family) {
        FcChar8 *fam;
        for (int i = 0; FcPatternGetString(m, FC_FAMILY, i, &fam) == FcResultMatch; i++)
          if (strcasecmp((const char *)fam, (const char *)want_family) == 0) ok = 1;
      } else {
        ok = 1;
      }
      if (ok) {
        *path = pb_xstrdup((const char *)file);
        *index = idx;
      }
    }
    FcPatternDestroy(m);
  }
  FcPatternDestroy(pat);
  return ok;
}

/* Finds the file for one slot. Returns 0 or PB_EFONT (reported). */
static int locate(FcConfig **fc, const pb_fonts_config *cfg, int slot, const char *spec,
                  char **path, int *index) {
  const default_font *d = &DEFAULTS[slot];
  *path = NULL;
  *index = 0;
  if (spec) {
    if (split_path_spec(spec, path, index)) {
      if (file_exists(*path)) return 0;
      if (cfg->dir && (*path)[0] != '/') {
        char *p = pb_xmalloc(strlen(cfg->dir) + strlen(*path) + 2);
        sprintf(p, "%s/%s", cfg->dir, *path);
        if (file_exists(p)) {
          free(*path);
          *path = p;
          return 0;
        }
        free(p);
      }
      pb_error(NULL, 0,
               "font file %s not found (set under fonts: in paperbook.yml); without the "
               "setting %s is used, from the Debian package %s (apt-get install %s)",
               *path, d->pattern, d->debian, d->debian);
      free(*path);
      *path = NULL;
      return PB_EFONT;
    }
    if (fc_find(fc, spec, NULL, path, index)) return 0;
    pb_error(NULL, 0,
             "font \"%s\" not found by fontconfig (is it installed? `fc-list` lists "
             "the installed fonts); without the setting under fonts: in paperbook.yml "
             "%s is used, from the Debian package %s (apt-get install %s)",
             spec, d->pattern, d->debian, d->debian);
    return PB_EFONT;
  }
  if (cfg->dir) {
    char *p = pb_xmalloc(strlen(cfg->dir) + strlen(d->file) + 2);
    sprintf(p, "%s/%s", cfg->dir, d->file);
    if (file_exists(p)) {
      *path = p;
      *index = d->index;
      return 0;
    }
    free(p);
  }
  if (fc_find(fc, d->pattern, d->file, path, index)) {
    *index = d->index;
    return 0;
  }
  if (file_exists(d->std_path)) {
    *path = pb_xstrdup(d->std_path);
    *index = d->index;
    return 0;
  }
  pb_error(NULL, 0,
           "font %s (%s) not found: install the Debian package %s "
           "(apt-get install %s) or put %s into %s",
           d->file, d->pattern, d->debian, d->debian, d->file, cfg->dir ? cfg->dir : "fonts/");
  return PB_EFONT;
}

static void font_close(font *ft) {
  hb_font_destroy(ft->font);
  hb_face_destroy(ft->face);
  hb_blob_destroy(ft->blob);
  for (size_t i = 0; i < CACHE_PAGES; i++) free(ft->pages[i]);
  free(ft->path);
  free(ft->name);
}

/* Opens path#index as a TrueType-outline font. Returns 0 or PB_EFONT. */
static int font_open(font *ft, const char *path, int index) {
  memset(ft, 0, sizeof *ft);
  ft->path = pb_xstrdup(path);
  ft->index = index;
  if (index > 0) {
    ft->name = pb_xmalloc(strlen(path) + 16);
    sprintf(ft->name, "%s#%d", base_name(path), index);
  } else {
    ft->name = pb_xstrdup(base_name(path));
  }
  ft->blob = hb_blob_create_from_file_or_fail(path);
  if (!ft->blob) {
    pb_error(path, 0, "cannot read font file");
    return PB_EFONT;
  }
  unsigned count = hb_face_count(ft->blob);
  if (count == 0 || (unsigned)index >= count) {
    pb_error(path, 0, "not a font file, or it has no face number %d", index);
    return PB_EFONT;
  }
  ft->face = hb_face_create(ft->blob, (unsigned)index);
  hb_blob_t *glyf = hb_face_reference_table(ft->face, HB_TAG('g', 'l', 'y', 'f'));
  unsigned glyf_len = hb_blob_get_length(glyf);
  hb_blob_destroy(glyf);
  if (glyf_len == 0) {
    pb_error(path, 0,
             "font has no TrueType outlines (glyf table); CFF/OpenType fonts "
             "are not supported by the PDF library, choose a .ttf font");
    return PB_EFONT;
  }
  unsigned upem = hb_face_get_upem(ft->face);
  ft->font = hb_font_create(ft->face);
  hb_font_set_scale(ft->font, (int)upem, (int)upem);
  ft->upem = upem ? upem : 1000;
  ft->scale = 1000.0 / ft->upem;
  hb_font_extents_t ext;
  if (hb_font_get_h_extents(ft->font, &ext)) {
    ft->ascent = ext.ascender * ft->scale;
    ft->descent = ext.descender * ft->scale;
  } else {
    ft->ascent = 800;
    ft->descent = -200;
  }
  return 0;
}

static cache_entry *lookup(font *ft, uint32_t cp) {
  if (cp >= 0x110000) return NULL;
  cache_entry **page = &ft->pages[cp >> CACHE_PAGE_BITS];
  if (!*page) {
    *page = pb_xmalloc(CACHE_PAGE_SIZE * sizeof **page);
    for (size_t i = 0; i < CACHE_PAGE_SIZE; i++) (*page)[i].gid = GID_UNKNOWN;
  }
  cache_entry *e = &(*page)[cp & (CACHE_PAGE_SIZE - 1)];
  if (e->gid == GID_UNKNOWN) {
    hb_codepoint_t gid = 0;
    if (!hb_font_get_nominal_glyph(ft->font, cp, &gid)) gid = 0;
    e->gid = gid;
    /* Truncated to whole 1/1000 em as libharu does for the PDF's /W
     * widths, so that what the layout measures is what viewers draw. */
    hb_position_t adv = gid ? hb_font_get_glyph_h_advance(ft->font, gid) : 0;
    e->adv = adv > 0 ? (float)((int64_t)adv * 1000 / ft->upem) : 0.0f;
  }
  return e;
}

static int add_face(pb_fonts *f, int fnt, int fake_bold, int fake_italic) {
  for (int i = 0; i < f->nfaces; i++)
    if (f->faces[i].font == fnt && f->faces[i].fake_bold == fake_bold &&
        f->faces[i].fake_italic == fake_italic)
      return i;
  f->faces = pb_xrealloc(f->faces, (size_t)(f->nfaces + 1) * sizeof *f->faces);
  face *fc = &f->faces[f->nfaces];
  fc->font = fnt;
  fc->fake_bold = fake_bold;
  fc->fake_italic = fake_italic;
  fc->base = f->nfaces;
  for (int i = 0; i < f->nfaces; i++)
    if (f->faces[i].font == fnt) {
      fc->base = f->faces[i].base;
      break;
    }
  const char *fn = f->fonts[fnt].name;
  fc->name = pb_xmalloc(strlen(fn) + 32);
  sprintf(fc->name, "%s%s%s", fn, fake_bold ? " (fake bold)" : "",
          fake_italic ? " (fake italic)" : "");
  return f->nfaces++;
}

/* Opens the font for a slot (sharing an already open one with the same
 * file and index). Returns its index or -1. */
static int open_slot(pb_fonts *f, const pb_fonts_config *cfg, int slot, const char *spec) {
  char *path;
  int index;
  if (locate(&f->fc, cfg, slot, spec, &path, &index) != 0) return -1;
  for (int i = 0; i < f->nfonts; i++)
    if (f->fonts[i].index == index && strcmp(f->fonts[i].path, path) == 0) {
      free(path);
      return i;
    }
  f->fonts = pb_xrealloc(f->fonts, (size_t)(f->nfonts + 1) * sizeof *f->fonts);
  if (font_open(&f->fonts[f->nfonts], path, index) != 0) {
    font_close(&f->fonts[f->nfonts]);
    free(path);
    return -1;
  }
  free(path);
  return f->nfonts++;
}

/* Faces for the four styles from the fonts available: a missing style is
 * the nearest real one with the rest faked. */
static void style_faces(pb_fonts *f, int out[4], int regular, int bold, int italic,
                        int bold_italic) {
  out[0] = add_face(f, regular, 0, 0);
  out[1] = bold >= 0 ? add_face(f, bold, 0, 0) : add_face(f, regular, 1, 0);
  out[2] = italic >= 0 ? add_face(f, italic, 0, 0) : add_face(f, regular, 0, 1);
  if (bold_italic >= 0)
    out[3] = add_face(f, bold_italic, 0, 0);
  else if (bold >= 0)
    out[3] = add_face(f, bold, 0, 1);
  else if (italic >= 0)
    out[3] = add_face(f, italic, 1, 0);
  else
    out[3] = add_face(f, regular, 1, 1);
}

pb_fonts *pb_fonts_open(const pb_fonts_config *cfg) {
  static const pb_fonts_config none = {0};
  if (!cfg) cfg = &none;
  pb_fonts *f = pb_xcalloc(1, sizeof *f);
  const char *specs[SLOT_COUNT] = {
      cfg->text,      cfg->text_bold, cfg->text_italic, cfg->text_bold_italic, cfg->sans,
      cfg->sans_bold, cfg->mono,      cfg->cjk_text,    cfg->cjk_sans,         cfg->symbol};
  int fnt[SLOT_COUNT];
  int failed = 0;
  for (int s = 0; s < SLOT_COUNT; s++) {
    fnt[s] = open_slot(f, cfg, s, specs[s]);
    if (fnt[s] < 0) failed = 1;
  }
  if (failed) {
    pb_fonts_free(f);
    return NULL;
  }
  /* Regular faces first, so that face 0 is the body text face. */
  style_faces(f, f->latin[PB_FAMILY_TEXT], fnt[SLOT_TEXT], fnt[SLOT_TEXT_BOLD],
              fnt[SLOT_TEXT_ITALIC], fnt[SLOT_TEXT_BOLD_ITALIC]);
  style_faces(f, f->latin[PB_FAMILY_SANS], fnt[SLOT_SANS], fnt[SLOT_SANS_BOLD], -1, -1);
  style_faces(f, f->latin[PB_FAMILY_MONO], fnt[SLOT_MONO], -1, -1, -1);
  style_faces(f, f->cjk[PB_FAMILY_TEXT], fnt[SLOT_CJK_TEXT], -1, -1, -1);
  style_faces(f, f->cjk[PB_FAMILY_SANS], fnt[SLOT_CJK_SANS], -1, -1, -1);
  /* Code has no CJK face of its own: the Hei face matches it best. */
  memcpy(f->cjk[PB_FAMILY_MONO], f->cjk[PB_FAMILY_SANS], sizeof f->cjk[PB_FAMILY_MONO]);
  style_faces(f, f->symbol, fnt[SLOT_SYMBOL], -1, -1, -1);
  return f;
}

void pb_fonts_free(pb_fonts *f) {
  if (!f) return;
  for (int i = 0; i < f->nfonts; i++) font_close(&f->fonts[i]);
  for (int i = 0; i < f->nfaces; i++) free(f->faces[i].name);
  free(f->fonts);
  free(f->faces);
  if (f->fc) FcConfigDestroy(f->fc);
  free(f);
}

int pb_fonts_count(const pb_fonts *f) { return f ? f->nfaces : 0; }

static int valid_face(const pb_fonts *f, int fc) { return f && fc >= 0 && fc < f->nfaces; }

static font *face_font(pb_fonts *f, int fc) { return &f->fonts[f->faces[fc].font]; }

int pb_fonts_has_glyph(pb_fonts *f, int fc, uint32_t cp) {
  if (!valid_face(f, fc)) return 0;
  cache_entry *e = lookup(face_font(f, fc), cp);
  return e && e->gid != 0;
}

int pb_fonts_face_for(pb_fonts *f, pb_family family, unsigned style, uint32_t cp) {
  if (!f) return -1;
  if ((unsigned)family > PB_FAMILY_MONO) family = PB_FAMILY_TEXT;
  int st = ((style & PB_STYLE_BOLD) ? 1 : 0) | ((style & PB_STYLE_ITALIC) ? 2 : 0);
  int order[3] = {f->latin[family][st], f->cjk[family][st], f->symbol[st]};
  for (int i = 0; i < 3; i++)
    if (pb_fonts_has_glyph(f, order[i], cp)) return order[i];
  for (int i = 0; i < f->nfaces; i++)
    if (!f->faces[i].fake_bold && !f->faces[i].fake_italic && pb_fonts_has_glyph(f, i, cp))
      return i;
  return -1;
}

double pb_fonts_advance(pb_fonts *f, int fc, uint32_t cp) {
  if (!valid_face(f, fc)) return 0;
  cache_entry *e = lookup(face_font(f, fc), cp);
  return e ? e->adv : 0;
}

double pb_fonts_ascent(pb_fonts *f, int fc) {
  return valid_face(f, fc) ? face_font(f, fc)->ascent : 800;
}

double pb_fonts_descent(pb_fonts *f, int fc) {
  return valid_face(f, fc) ? face_font(f, fc)->descent : -200;
}

int pb_fonts_fake_bold(const pb_fonts *f, int fc) {
  return valid_face(f, fc) ? f->faces[fc].fake_bold : 0;
}

int pb_fonts_fake_italic(const pb_fonts *f, int fc) {
  return valid_face(f, fc) ? f->faces[fc].fake_italic : 0;
}

const char *pb_fonts_name(const pb_fonts *f, int fc) {
  return valid_face(f, fc) ? f->faces[fc].name : "(no face)";
}

int pb_fonts_base(const pb_fonts *f, int fc) { return valid_face(f, fc) ? f->faces[fc].base : -1; }

const char *pb_fonts_path(const pb_fonts *f, int fc, int *index) {
  if (!valid_face(f, fc)) return NULL;
  const font *ft = &f->fonts[f->faces[fc].font];
  if (index) *index = ft->index;
  return ft->path;
}

/* libharu 2.3.0 cannot save a TrueType font whose rebuilt tables add up to
 * a multiple of 4096 bytes when 'prep', the last table it writes, is empty:
 * it seeks to the end of its memory stream, one buffer too far, and the
 * whole PDF fails (error 0x1033; one card in a few hundred hit it). A
 * subset without hinting has no 'prep', so it gets a 3-byte one that
 * pushes a byte and pops it again, which changes nothing. Returns a new
 * face with the subset's tables plus that one. */
static hb_face_t *with_prep(hb_face_t *subset) {
  static const char prep[] = {(char)0xB0, 0x00, 0x21}; /* PUSHB[0] 0, POP */
  /* the subsetter's face lists no tables: read them from its bytes */
  hb_blob_t *bytes = hb_face_reference_blob(subset);
  hb_face_t *sub = hb_face_create(bytes, 0);
  hb_blob_destroy(bytes);
  hb_face_t *b = hb_face_builder_create();
  hb_tag_t tags[64];
  unsigned start = 0, total;
  do {
    unsigned count = sizeof tags / sizeof tags[0];
    total = hb_face_get_table_tags(sub, start, &count, tags);
    for (unsigned i = 0; i < count; i++) {
      if (tags[i] == HB_TAG('p', 'r', 'e', 'p')) continue;
      hb_blob_t *t = hb_face_reference_table(sub, tags[i]);
      hb_face_builder_add_table(b, tags[i], t);
      hb_blob_destroy(t);
    }
    start += count;
    if (!count) break;
  } while (start < total);
  hb_blob_t *p = hb_blob_create(prep, sizeof prep, HB_MEMORY_MODE_READONLY, NULL, NULL);
  hb_face_builder_add_table(b, HB_TAG('p', 'r', 'e', 'p'), p);
  hb_blob_destroy(p);
  hb_face_destroy(sub);
  return b;
}
/* ---- subsetting ------------------------------------------------------ */

int pb_fonts_subset(pb_fonts *f, int fc, const uint32_t *cps, size_t n, pb_buf *out) {
  if (!valid_face(f, fc)) return PB_EFONT;
  font *ft = face_font(f, fc);
  hb_subset_input_t *in = hb_subset_input_create_or_fail();
  if (!in) return PB_ENOMEM;
  hb_set_t *unicodes = hb_subset_input_unicode_set(in);
  for (size_t i = 0; i < n; i++) hb_set_add(unicodes, cps[i]);
  /* Layout tables would pull alternate glyphs into the subset through their
   * closure, and libharu embeds none of them; bitmap strikes and vertical
   * metrics are not used in a PDF either. Dropping them keeps the subset
   * (and the time to make it) small. libharu needs head, hhea, maxp, cmap
   * (3,1 format 4), hmtx, loca, glyf, name, OS/2 and post, which stay. */
  static const hb_tag_t drop[] = {
      HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'), HB_TAG('G', 'D', 'E', 'F'),
      HB_TAG('B', 'A', 'S', 'E'), HB_TAG('J', 'S', 'T', 'F'), HB_TAG('M', 'A', 'T', 'H'),
      HB_TAG('k', 'e', 'r', 'n'), HB_TAG('E', 'B', 'D', 'T'), HB_TAG('E', 'B', 'L', 'C'),
      HB_TAG('E', 'B', 'S', 'C'), HB_TAG('B', 'D', 'F', ' '), HB_TAG('F', 'F', 'T', 'M'),
      HB_TAG('v', 'h', 'e', 'a'), HB_TAG('v', 'm', 't', 'x'), HB_TAG('V', 'O', 'R', 'G'),
      HB_TAG('D', 'S', 'I', 'G'), HB_TAG('g', 'a', 's', 'p'), HB_TAG('h', 'd', 'm', 'x'),
      HB_TAG('L', 'T', 'S', 'H'), HB_TAG('V', 'D', 'M', 'X'), HB_TAG('C', 'O', 'L', 'R'),
      HB_TAG('C', 'P', 'A', 'L'), HB_TAG('S', 'V', 'G', ' '), HB_TAG('s', 'b', 'i', 'x'),
      HB_TAG('C', 'B', 'D', 'T'), HB_TAG('C', 'B', 'L', 'C'), HB_TAG('m', 'o', 'r', 'x'),
      HB_TAG('f', 'e', 'a', 't'), HB_TAG('P', 'C', 'L', 'T')};
  hb_set_t *drop_tables = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
  for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++) hb_set_add(drop_tables, drop[i]);
  /* PDF viewers rasterize without TrueType hinting (or with their own
   * auto-hinter), so the instructions (fpgm, prep, cvt, per-glyph code)
   * are dead weight; libharu 2.3.0 writes empty tables in their place. */
  hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING);
  hb_face_t *sub = hb_subset_or_fail(ft->face, in);
  hb_subset_input_destroy(in);
  if (!sub) {
    pb_error(ft->path, 0, "HarfBuzz could not subset the font");
    return PB_EFONT;
  }
  hb_face_t *built = with_prep(sub);
  hb_face_destroy(sub);
  sub = built;
  hb_blob_t *blob = hb_face_reference_blob(sub);
  unsigned len = 0;
  const char *data = hb_blob_get_data(blob, &len);
  int rc = 0;
  if (!data || len == 0) {
    pb_error(ft->path, 0, "HarfBuzz produced an empty font subset");
    rc = PB_EFONT;
  } else {
    pb_buf_reset(out);
    pb_buf_append(out, data, len);
  }
  hb_blob_destroy(blob);
  hb_face_destroy(sub);
  return rc;
}
