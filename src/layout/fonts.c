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

#include "cff.h"
#include "confine.h"
#include "context.h"
#include "diag.h"
#include "model.h"
#include "store.h"
#include "utf8.h"

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
  SLOT_CJK_TEXT_BOLD,
  SLOT_CJK_SANS,
  SLOT_CJK_SANS_BOLD,
  SLOT_SYMBOL,
  SLOT_COUNT
};

typedef struct {
  const char *file;     /* file name looked for in cfg->dir and fontconfig */
  int index;            /* member of a .ttc; -1: the member named family */
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
    /* The CJK collections hold JP, KR, SC, TC and HK members in an order
     * that differs between releases: the SC one is found by its family. */
    [SLOT_CJK_TEXT] = {"NotoSerifCJK-Regular.ttc", -1, "Noto Serif CJK SC:style=Regular",
                       "fonts-noto-cjk", "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"},
    [SLOT_CJK_TEXT_BOLD] = {"NotoSerifCJK-Bold.ttc", -1, "Noto Serif CJK SC:style=Bold",
                            "fonts-noto-cjk",
                            "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"},
    [SLOT_CJK_SANS] = {"NotoSansCJK-Regular.ttc", -1, "Noto Sans CJK SC:style=Regular",
                       "fonts-noto-cjk", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"},
    [SLOT_CJK_SANS_BOLD] = {"NotoSansCJK-Bold.ttc", -1, "Noto Sans CJK SC:style=Bold",
                            "fonts-noto-cjk",
                            "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"},
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

/* Shaping results per font: an open-addressing table from (text, kern
 * flag) to glyphs, all in one arena, so that a word or run shaped once is
 * never shaped again. */
typedef struct {
  uint64_t hash;
  const char *text; /* NULL = empty slot */
  uint32_t len;
  uint32_t nglyphs;
  const pb_glyph *glyphs;
} shape_slot;

typedef struct {
  shape_slot *slots;
  size_t cap, used;
  pb_arena *arena;
  hb_buffer_t *buf;
  pb_glyph *joined; /* a text shaped in pieces, put together */
  size_t njoined, capjoined;
} shape_cache;

static void shape_cache_free(shape_cache *c) {
  free(c->slots);
  free(c->joined);
  pb_arena_free(c->arena);
  hb_buffer_destroy(c->buf);
  memset(c, 0, sizeof *c);
}

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
  int format; /* PB_FONT_TRUETYPE or PB_FONT_CFF */
  cache_entry *pages[CACHE_PAGES];
  shape_cache shapes;
  /* the shapes kept in the store (see pb_fonts_use_shape_store) */
  int shapes_loaded, shapes_dirty;
  pb_buf shapes_file; /* the record read; loaded slots point into it */
  pb_cff_info cff;    /* CFF fonts: read on first pb_fonts_info */
  int cff_read;
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
  FcConfig *fc;         /* NULL until fontconfig is needed */
  struct fc_kept *kept; /* fontconfig's answers kept in the store, while opening */
  char *shape_root;     /* the store's root for shapes, NULL = none */
  uint64_t *missing;    /* code points no installed font draws (fallback searched) */
  struct memo {         /* pb_fonts_memo_*: open addressing, keys in memo_arena */
    uint64_t hash;
    const char *key; /* NULL = empty slot */
    size_t klen;
    double value;
  } * memo;
  size_t memo_cap, memo_used;
  pb_arena *memo_arena;
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
  pb_ctx_at_free(FcFini); /* fontconfig's own caches, at the end of the run */
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

/* ---- fontconfig's answers kept ----------------------------------------- */

/* Loading fontconfig's configuration and matching the twelve default faces
 * took 68 M instructions, an eighth of a warm build of the 2024 archive,
 * for the same twelve answers every time. They are kept in the store
 * (fontconfig/HASH.txt, keyed by fontconfig's version and the environment
 * it reads) with witnesses: every configuration file fontconfig parsed and
 * the directory holding it, its configured, font and cache directories, the
 * user's configuration places (present or not) and the font files chosen,
 * each with its device, inode, size, modification and change times. The
 * answers are believed only while every witness is as recorded: a font
 * installed or removed changes its directory, a configuration edited or
 * added changes its file or directory, and the change times (to the
 * nanosecond, never set by a user) make a record written on another system
 * or shipped with a library match nothing. Otherwise fontconfig is asked
 * and the record written again. */
#define FC_KEPT_MAGIC "paperbook fontconfig answers 1\n"
#define FC_KEPT_MAX (1u << 20)

typedef struct {
  char *pattern, *want, *path; /* want NULL: any file of the family */
  int index, ok;
} fc_answer;

typedef struct fc_kept {
  const char *root;
  fc_answer *old; /* read from a valid record */
  size_t nold;
  fc_answer *now; /* asked during this opening, in order */
  size_t nnow;
  int asked_fc; /* fontconfig answered one of them */
} fc_kept;

static void fc_kept_key(pb_buf *key) {
  static const char *vars[] = {"FONTCONFIG_FILE",
                               "FONTCONFIG_PATH",
                               "FONTCONFIG_SYSROOT",
                               "FC_LANG",
                               "LC_ALL",
                               "LC_CTYPE",
                               "LANG",
                               "HOME",
                               "XDG_CONFIG_HOME",
                               "XDG_DATA_HOME",
                               "XDG_CACHE_HOME"};
  pb_buf_printf(key, "fontconfig %d\n", FcGetVersion());
  for (size_t i = 0; i < sizeof vars / sizeof *vars; i++) {
    const char *v = getenv(vars[i]);
    pb_buf_printf(key, "%s=%s%s\n", vars[i], v ? "1" : "0", v ? v : "");
  }
}

/* "dev ino size mtime ctime" of path, or "-" when it is not there. */
static void witness_stat(const char *path, pb_buf *out) {
  struct stat st;
  if (stat(path, &st) != 0) {
    pb_buf_puts(out, "-");
    return;
  }
  pb_buf_printf(out, "%ju %ju %jd %jd.%09ld %jd.%09ld", (uintmax_t)st.st_dev, (uintmax_t)st.st_ino,
                (intmax_t)st.st_size, (intmax_t)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec,
                (intmax_t)st.st_ctim.tv_sec, (long)st.st_ctim.tv_nsec);
}

static int plain_field(const char *s) { return s && !strpbrk(s, "\t\n"); }

static void fc_answers_free(fc_answer *a, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(a[i].pattern);
    free(a[i].want);
    free(a[i].path);
  }
  free(a);
}

static void fc_answer_add(fc_answer **a, size_t *n, const char *pattern, const char *want,
                          const char *path, int index, int ok) {
  *a = pb_xrealloc(*a, (*n + 1) * sizeof **a);
  (*a)[*n] = (fc_answer){pb_xstrdup(pattern), want ? pb_xstrdup(want) : NULL,
                         path ? pb_xstrdup(path) : NULL, index, ok};
  (*n)++;
}

/* Reads a kept record into k->old when every witness still holds. */
static void fc_kept_read(fc_kept *k) {
  pb_buf key = PB_BUF_INIT, rec = PB_BUF_INIT, now = PB_BUF_INIT;
  fc_kept_key(&key);
  size_t magic = strlen(FC_KEPT_MAGIC);
  int ok = pb_store_get(k->root, "fontconfig", key.data, key.len, ".txt", FC_KEPT_MAX, &rec) == 0 &&
           rec.len > magic && memcmp(rec.data, FC_KEPT_MAGIC, magic) == 0 &&
           rec.data[rec.len - 1] == '\n';
  int witnesses = 0;
  for (char *line = ok ? rec.data + magic : NULL; ok && *line;) {
    char *end = strchr(line, '\n');
    *end = 0;
    char *tab = strchr(line, '\t');
    if (!tab || line[0] == 0 || line[1] != ' ') {
      ok = 0;
    } else if (line[0] == 'W') {
      *tab = 0;
      pb_buf_reset(&now);
      witness_stat(tab + 1, &now);
      ok = strcmp(now.data, line + 2) == 0;
      witnesses++;
    } else if (line[0] == 'A') {
      /* A ok index has_want \t pattern \t want \t path */
      char *f[3];
      f[0] = tab + 1;
      for (int i = 1; i < 3 && ok; i++) {
        f[i] = strchr(f[i - 1], '\t');
        if (f[i])
          *f[i]++ = 0;
        else
          ok = 0;
      }
      int a_ok, index, has_want;
      if (ok && sscanf(line + 2, "%d %d %d", &a_ok, &index, &has_want) == 3 && *f[0])
        fc_answer_add(&k->old, &k->nold, f[0], has_want ? f[1] : NULL, *f[2] ? f[2] : NULL, index,
                      a_ok);
      else
        ok = 0;
    } else {
      ok = 0;
    }
    line = end + 1;
  }
  if (!ok || witnesses == 0) {
    fc_answers_free(k->old, k->nold);
    k->old = NULL;
    k->nold = 0;
  }
  pb_buf_free(&key);
  pb_buf_free(&rec);
  pb_buf_free(&now);
}

static void witness(pb_buf *rec, const char *path, int *plain) {
  if (!plain_field(path)) {
    *plain = 0;
    return;
  }
  pb_buf line = PB_BUF_INIT;
  pb_buf_printf(&line, "\t%s\n", path);
  int seen = strstr(rec->data, line.data) != NULL; /* a directory of several files */
  pb_buf_free(&line);
  if (seen) return;
  pb_buf_puts(rec, "W ");
  witness_stat(path, rec);
  pb_buf_printf(rec, "\t%s\n", path);
}

static void witness_list(pb_buf *rec, FcStrList *l, int parents, int *plain) {
  FcChar8 *p;
  while (l && (p = FcStrListNext(l))) {
    witness(rec, (const char *)p, plain);
    if (parents) {
      char *dir = pb_xstrdup((const char *)p);
      char *slash = strrchr(dir, '/');
      if (slash && slash != dir) {
        *slash = 0;
        witness(rec, dir, plain);
      }
      free(dir);
    }
  }
  if (l) FcStrListDone(l);
}

/* Writes the answers of this opening with fontconfig's witnesses. */
static void fc_kept_write(fc_kept *k, FcConfig *fc) {
  pb_buf rec = PB_BUF_INIT, key = PB_BUF_INIT, place = PB_BUF_INIT;
  int plain = 1;
  pb_buf_puts(&rec, FC_KEPT_MAGIC);
  witness_list(&rec, FcConfigGetConfigFiles(fc), 1, &plain);
  witness_list(&rec, FcConfigGetConfigDirs(fc), 0, &plain);
  witness_list(&rec, FcConfigGetFontDirs(fc), 0, &plain);
  witness_list(&rec, FcConfigGetCacheDirs(fc), 0, &plain);
  const char *home = getenv("HOME"), *xdg = getenv("XDG_CONFIG_HOME");
  if (xdg && *xdg)
    pb_buf_printf(&place, "%s/fontconfig", xdg);
  else if (home)
    pb_buf_printf(&place, "%s/.config/fontconfig", home);
  if (place.data) witness(&rec, place.data, &plain);
  if (home) {
    pb_buf_reset(&place);
    pb_buf_printf(&place, "%s/.fonts.conf", home);
    witness(&rec, place.data, &plain);
    pb_buf_puts(&place, ".d");
    witness(&rec, place.data, &plain);
  }
  for (size_t i = 0; i < k->nnow; i++) {
    const fc_answer *a = &k->now[i];
    if (a->path) witness(&rec, a->path, &plain);
    if (!plain_field(a->pattern) || (a->want && !plain_field(a->want)) ||
        (a->path && !plain_field(a->path)))
      plain = 0;
    else
      pb_buf_printf(&rec, "A %d %d %d\t%s\t%s\t%s\n", a->ok, a->index, a->want != NULL, a->pattern,
                    a->want ? a->want : "", a->path ? a->path : "");
  }
  fc_kept_key(&key);
  if (plain) pb_store_put(k->root, "fontconfig", key.data, key.len, ".txt", rec.data, rec.len);
  pb_buf_free(&rec);
  pb_buf_free(&key);
  pb_buf_free(&place);
}

/* fc_find, answered from the kept record when it has the question. */
static int fc_find_kept(pb_fonts *f, const char *pattern, const char *want_file, char **path,
                        int *index) {
  fc_kept *k = f->kept;
  if (k) {
    for (size_t i = 0; i < k->nold; i++) {
      const fc_answer *a = &k->old[i];
      if (strcmp(a->pattern, pattern) != 0 || (a->want == NULL) != (want_file == NULL) ||
          (want_file && strcmp(a->want, want_file) != 0))
        continue;
      if (a->ok && a->path) {
        *path = pb_xstrdup(a->path);
        *index = a->index;
      }
      fc_answer_add(&k->now, &k->nnow, pattern, want_file, a->path, a->index, a->ok);
      return a->ok && a->path;
    }
  }
  int ok = fc_find(&f->fc, pattern, want_file, path, index);
  if (k) {
    k->asked_fc = 1;
    fc_answer_add(&k->now, &k->nnow, pattern, want_file, ok ? *path : NULL, ok ? *index : 0, ok);
  }
  return ok;
}

/* The name string id of face (typographic family/subfamily first). */
static int name_is(hb_face_t *hf, hb_ot_name_id_t pref, hb_ot_name_id_t id, const char *want,
                   size_t wlen) {
  hb_ot_name_id_t ids[2] = {pref, id};
  for (int k = 0; k < 2; k++) {
    char buf[128];
    unsigned len = sizeof buf;
    if (hb_ot_name_get_utf8(hf, ids[k], hb_language_from_string("en", -1), &len, buf) == 0)
      continue;
    return strlen(buf) == wlen && strncasecmp(buf, want, wlen) == 0;
  }
  return 0;
}

/* The member of a collection whose family and style are those of the
 * fontconfig pattern "Family:style=Style"; -1 when none is. */
static int member_by_name(const char *path, const char *pattern) {
  const char *colon = strchr(pattern, ':');
  size_t flen = colon ? (size_t)(colon - pattern) : strlen(pattern);
  const char *style = colon ? strstr(colon, "style=") : NULL;
  if (style) style += 6;
  hb_blob_t *blob = hb_blob_create_from_file_or_fail(path);
  if (!blob) return -1;
  int found = -1;
  unsigned count = hb_face_count(blob);
  for (unsigned i = 0; i < count && found < 0; i++) {
    hb_face_t *hf = hb_face_create(blob, i);
    if (name_is(hf, HB_OT_NAME_ID_TYPOGRAPHIC_FAMILY, HB_OT_NAME_ID_FONT_FAMILY, pattern, flen) &&
        (!style || name_is(hf, HB_OT_NAME_ID_TYPOGRAPHIC_SUBFAMILY, HB_OT_NAME_ID_FONT_SUBFAMILY,
                           style, strcspn(style, ":"))))
      found = (int)i;
    hb_face_destroy(hf);
  }
  hb_blob_destroy(blob);
  return found;
}

/* The member of path a default slot uses, -1 when it has none. */
static int default_member(const default_font *d, const char *path) {
  return d->index >= 0 ? d->index : member_by_name(path, d->pattern);
}

/* Finds the file for one slot. Returns 0 or PB_EFONT (reported). */
/* 1 when real is dir, or below it, once dir's links are resolved. */
static int inside_dir(const char *dir, const char *real) {
  char *d = pb_confine_resolve(dir);
  int in = d && pb_confine_is_inside(d, real);
  free(d);
  return in;
}

/* A font file named in a library's paperbook.yml is read only from the
 * library, the project's fonts/, or a directory fontconfig searches for
 * fonts: a stranger's library cannot have a private file read as a "font".
 * Reports the refusal. */
static int font_path_allowed(FcConfig **fc, const pb_fonts_config *cfg, const char *path) {
  if (!cfg->root || cfg->allow_outside) return 1;
  char *real = pb_confine_resolve(path);
  int ok = real && (inside_dir(cfg->root, real) || (cfg->dir && inside_dir(cfg->dir, real)));
  if (real && !ok) {
    if (!*fc) *fc = FcInitLoadConfigAndFonts();
    if (*fc) {
      pb_ctx_at_free(FcFini);
      FcStrList *dirs = FcConfigGetFontDirs(*fc);
      FcChar8 *d;
      while (!ok && dirs && (d = FcStrListNext(dirs))) ok = inside_dir((const char *)d, real);
      FcStrListDone(dirs);
    }
  }
  if (!ok)
    pb_error(NULL, 0,
             "font file %s (set under fonts: in paperbook.yml) resolves to %s, outside the "
             "library and the font directories; not read (--allow-outside permits it)",
             path, real ? real : "?");
  free(real);
  return ok;
}

static int locate(pb_fonts *f, const pb_fonts_config *cfg, int slot, const char *spec, char **path,
                  int *index) {
  FcConfig **fc = &f->fc;
  const default_font *d = &DEFAULTS[slot];
  *path = NULL;
  *index = 0;
  if (spec) {
    if (split_path_spec(spec, path, index)) {
      /* relative: in the library, else where paperbook was started, else
       * in the project's fonts/ */
      int rel = (*path)[0] != '/';
      const char *bases[] = {rel ? cfg->root : NULL, "", rel ? cfg->dir : NULL};
      for (size_t b = 0; b < sizeof bases / sizeof *bases; b++) {
        if (!bases[b]) continue;
        char *p = *bases[b] ? pb_path_join(bases[b], *path) : pb_xstrdup(*path);
        if (file_exists(p)) {
          free(*path);
          *path = p;
          if (font_path_allowed(fc, cfg, p)) return 0;
          free(*path);
          *path = NULL;
          return PB_EFONT;
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
    if (fc_find_kept(f, spec, NULL, path, index)) return 0;
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
    if (file_exists(p) && (*index = default_member(d, p)) >= 0) {
      *path = p;
      return 0;
    }
    free(p);
  }
  if (fc_find_kept(f, d->pattern, d->file, path, index)) {
    if ((*index = default_member(d, *path)) >= 0) return 0;
    free(*path);
    *path = NULL;
  }
  if (file_exists(d->std_path) && (*index = default_member(d, d->std_path)) >= 0) {
    *path = pb_xstrdup(d->std_path);
    return 0;
  }
  *index = 0;
  pb_error(NULL, 0,
           "font %s (%s) not found: install the Debian package %s "
           "(apt-get install %s) or put %s into %s",
           d->file, d->pattern, d->debian, d->debian, d->file, cfg->dir ? cfg->dir : "fonts/");
  return PB_EFONT;
}

static unsigned table_len(hb_face_t *hf, hb_tag_t tag) {
  hb_blob_t *t = hb_face_reference_table(hf, tag);
  unsigned len = hb_blob_get_length(t);
  hb_blob_destroy(t);
  return len;
}

/* PB_FONT_TRUETYPE, PB_FONT_CFF, or -1 for a font without outlines. */
static int outline_format(hb_face_t *hf) {
  if (table_len(hf, HB_TAG('g', 'l', 'y', 'f')) && table_len(hf, HB_TAG('l', 'o', 'c', 'a')))
    return PB_FONT_TRUETYPE;
  if (table_len(hf, HB_TAG('C', 'F', 'F', ' '))) return PB_FONT_CFF;
  return -1;
}

static void font_close(font *ft) {
  shape_cache_free(&ft->shapes);
  pb_buf_free(&ft->shapes_file);
  pb_cff_info_free(&ft->cff);
  hb_font_destroy(ft->font);
  hb_face_destroy(ft->face);
  hb_blob_destroy(ft->blob);
  for (size_t i = 0; i < CACHE_PAGES; i++) free(ft->pages[i]);
  free(ft->path);
  free(ft->name);
}

/* Opens path#index as an outline font (TrueType or CFF). Returns 0 or
 * PB_EFONT, reported unless quiet. */
static int font_open_q(font *ft, const char *path, int index, int quiet) {
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
    if (!quiet) pb_error(path, 0, "cannot read font file");
    return PB_EFONT;
  }
  unsigned count = hb_face_count(ft->blob);
  if (count == 0 || (unsigned)index >= count) {
    if (!quiet) pb_error(path, 0, "not a font file, or it has no face number %d", index);
    return PB_EFONT;
  }
  ft->face = hb_face_create(ft->blob, (unsigned)index);
  ft->format = outline_format(ft->face);
  if (ft->format < 0) {
    if (!quiet)
      pb_error(path, 0,
               "font has no outlines (neither a glyf nor a CFF table: a bitmap or colour "
               "font); choose a TrueType or OpenType font");
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

static int font_open(font *ft, const char *path, int index) {
  return font_open_q(ft, path, index, 0);
}

static int quiet_open(font *ft, const char *path, int index) {
  if (font_open_q(ft, path, index, 1) == 0) return 0;
  font_close(ft);
  return PB_EFONT;
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
    /* The PDF's /W widths are these same numbers (pb_fonts_glyph_advance). */
    hb_position_t adv = gid ? hb_font_get_glyph_h_advance(ft->font, gid) : 0;
    e->adv = adv > 0 ? (float)(adv * ft->scale) : 0.0f;
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
  if (locate(f, cfg, slot, spec, &path, &index) != 0) return -1;
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

/* Chinese faces: real regular and bold, upright for italic (no fakes). */
static void cjk_faces(pb_fonts *f, int out[4], int regular, int bold) {
  out[0] = out[2] = add_face(f, regular, 0, 0);
  out[1] = out[3] = add_face(f, bold, 0, 0);
}

pb_fonts *pb_fonts_open(const pb_fonts_config *cfg) {
  static const pb_fonts_config none = {0};
  if (!cfg) cfg = &none;
  pb_fonts *f = pb_xcalloc(1, sizeof *f);
  /* A configured CJK face serves its bold too: never a faked one. */
  const char *specs[SLOT_COUNT] = {
      cfg->text,     cfg->text_bold, cfg->text_italic, cfg->text_bold_italic,
      cfg->sans,     cfg->sans_bold, cfg->mono,        cfg->cjk_text,
      cfg->cjk_text, cfg->cjk_sans,  cfg->cjk_sans,    cfg->symbol};
  int fnt[SLOT_COUNT];
  int failed = 0;
  fc_kept kept = {cfg->store && *cfg->store ? cfg->store : NULL, NULL, 0, NULL, 0, 0};
  if (kept.root) {
    f->kept = &kept;
    fc_kept_read(&kept);
  }
  for (int s = 0; s < SLOT_COUNT; s++) {
    if ((s == SLOT_CJK_TEXT_BOLD || s == SLOT_CJK_SANS_BOLD) && specs[s]) {
      fnt[s] = fnt[s - 1]; /* the configured regular face (reported once) */
      continue;
    }
    fnt[s] = open_slot(f, cfg, s, specs[s]);
    if (fnt[s] < 0) failed = 1;
  }
  if (kept.root && kept.asked_fc && !failed && f->fc) fc_kept_write(&kept, f->fc);
  f->kept = NULL;
  fc_answers_free(kept.old, kept.nold);
  fc_answers_free(kept.now, kept.nnow);
  if (failed) {
    pb_fonts_free(f);
    return NULL;
  }
  /* Regular faces first, so that face 0 is the body text face. */
  style_faces(f, f->latin[PB_FAMILY_TEXT], fnt[SLOT_TEXT], fnt[SLOT_TEXT_BOLD],
              fnt[SLOT_TEXT_ITALIC], fnt[SLOT_TEXT_BOLD_ITALIC]);
  style_faces(f, f->latin[PB_FAMILY_SANS], fnt[SLOT_SANS], fnt[SLOT_SANS_BOLD], -1, -1);
  style_faces(f, f->latin[PB_FAMILY_MONO], fnt[SLOT_MONO], -1, -1, -1);
  cjk_faces(f, f->cjk[PB_FAMILY_TEXT], fnt[SLOT_CJK_TEXT], fnt[SLOT_CJK_TEXT_BOLD]);
  cjk_faces(f, f->cjk[PB_FAMILY_SANS], fnt[SLOT_CJK_SANS], fnt[SLOT_CJK_SANS_BOLD]);
  /* Code has no CJK face of its own: the Hei face matches it best. */
  memcpy(f->cjk[PB_FAMILY_MONO], f->cjk[PB_FAMILY_SANS], sizeof f->cjk[PB_FAMILY_MONO]);
  style_faces(f, f->symbol, fnt[SLOT_SYMBOL], -1, -1, -1);
  return f;
}

void pb_fonts_free(pb_fonts *f) {
  if (!f) return;
  free(f->shape_root);
  for (int i = 0; i < f->nfonts; i++) font_close(&f->fonts[i]);
  for (int i = 0; i < f->nfaces; i++) free(f->faces[i].name);
  free(f->fonts);
  free(f->faces);
  if (f->fc) FcConfigDestroy(f->fc);
  free(f->missing);
  free(f->memo);
  pb_arena_free(f->memo_arena);
  free(f);
}

int pb_fonts_count(const pb_fonts *f) { return f ? f->nfaces : 0; }

/* ---- memo of measurements ------------------------------------------- */

#define MEMO_SEED 0x6d656d6f77696474ULL /* "memowidt" */

static struct memo *memo_slot(const pb_fonts *f, uint64_t h, const void *key, size_t klen) {
  for (size_t i = h & (f->memo_cap - 1);; i = (i + 1) & (f->memo_cap - 1)) {
    struct memo *m = &f->memo[i];
    if (!m->key || (m->hash == h && m->klen == klen && memcmp(m->key, key, klen) == 0)) return m;
  }
}

int pb_fonts_memo_get(pb_fonts *f, const void *key, size_t klen, double *value) {
  if (!f || !f->memo_cap) return 0;
  const struct memo *m = memo_slot(f, pb_hash64(key, klen, MEMO_SEED), key, klen);
  if (!m->key) return 0;
  *value = m->value;
  return 1;
}

void pb_fonts_memo_put(pb_fonts *f, const void *key, size_t klen, double value) {
  if (!f) return;
  if ((f->memo_used + 1) * 2 > f->memo_cap) { /* at most half full: probes stay short */
    size_t old_cap = f->memo_cap;
    struct memo *old = f->memo;
    f->memo_cap = old_cap ? old_cap * 2 : 1024;
    f->memo = pb_xcalloc(f->memo_cap, sizeof *f->memo);
    for (size_t i = 0; i < old_cap; i++)
      if (old[i].key) *memo_slot(f, old[i].hash, old[i].key, old[i].klen) = old[i];
    free(old);
  }
  if (!f->memo_arena) f->memo_arena = pb_arena_new();
  uint64_t h = pb_hash64(key, klen, MEMO_SEED);
  struct memo *m = memo_slot(f, h, key, klen);
  if (!m->key) {
    char *copy = pb_arena_alloc(f->memo_arena, klen ? klen : 1);
    memcpy(copy, key, klen);
    *m = (struct memo){h, copy, klen, value};
    f->memo_used++;
  }
  m->value = value;
}

static int valid_face(const pb_fonts *f, int fc) { return f && fc >= 0 && fc < f->nfaces; }

static font *face_font(pb_fonts *f, int fc) { return &f->fonts[f->faces[fc].font]; }

int pb_fonts_has_glyph(pb_fonts *f, int fc, uint32_t cp) {
  if (!valid_face(f, fc)) return 0;
  cache_entry *e = lookup(face_font(f, fc), cp);
  return e && e->gid != 0;
}

/* Candidate files for a fallback, sorted so that the choice does not
 * depend on fontconfig's cache order. */
typedef struct {
  char *path;
  int index;
} candidate;

static int cmp_candidate(const void *a, const void *b) {
  const candidate *x = a, *y = b;
  int c = strcmp(x->path, y->path);
  return c ? c : x->index - y->index;
}

/* Asks fontconfig for installed fonts covering cp and loads the first one
 * that has outlines and a glyph for it (colour emoji fonts often have only
 * bitmaps, which a PDF font cannot embed). Each code point is searched once. */
static int fallback_face(pb_fonts *f, uint32_t cp) {
  if (cp >= 0x110000 || cp < 0x20) return -1;
  if (!f->missing) f->missing = pb_xcalloc(0x110000 / 64, sizeof *f->missing);
  uint64_t bit = (uint64_t)1 << (cp & 63);
  if (f->missing[cp >> 6] & bit) return -1;
  f->missing[cp >> 6] |= bit;
  if (!f->fc) f->fc = FcInitLoadConfigAndFonts();
  if (!f->fc) return -1;
  pb_ctx_at_free(FcFini);
  FcPattern *pat = FcPatternCreate();
  FcCharSet *cs = FcCharSetCreate();
  FcCharSetAddChar(cs, cp);
  FcPatternAddCharSet(pat, FC_CHARSET, cs);
  FcPatternAddBool(pat, FC_OUTLINE, FcTrue);
  FcObjectSet *os = FcObjectSetBuild(FC_FILE, FC_INDEX, NULL);
  FcFontSet *fs = FcFontList(f->fc, pat, os);
  candidate *cand = NULL;
  int ncand = 0, result = -1;
  for (int i = 0; fs && i < fs->nfont; i++) {
    FcChar8 *file;
    int idx = 0;
    if (FcPatternGetString(fs->fonts[i], FC_FILE, 0, &file) != FcResultMatch) continue;
    FcPatternGetInteger(fs->fonts[i], FC_INDEX, 0, &idx);
    cand = pb_xrealloc(cand, (size_t)(ncand + 1) * sizeof *cand);
    cand[ncand++] = (candidate){pb_xstrdup((const char *)file), idx};
  }
  if (ncand) qsort(cand, (size_t)ncand, sizeof *cand, cmp_candidate);
  for (int i = 0; i < ncand && result < 0; i++) {
    int fnt = -1;
    for (int k = 0; k < f->nfonts; k++)
      if (f->fonts[k].index == cand[i].index && strcmp(f->fonts[k].path, cand[i].path) == 0)
        fnt = k;
    if (fnt < 0) {
      font ft;
      if (quiet_open(&ft, cand[i].path, cand[i].index) != 0) continue;
      f->fonts = pb_xrealloc(f->fonts, (size_t)(f->nfonts + 1) * sizeof *f->fonts);
      f->fonts[f->nfonts] = ft;
      fnt = f->nfonts++;
    }
    int fc = add_face(f, fnt, 0, 0);
    if (pb_fonts_has_glyph(f, fc, cp)) result = fc;
  }
  for (int i = 0; i < ncand; i++) free(cand[i].path);
  free(cand);
  if (fs) FcFontSetDestroy(fs);
  FcObjectSetDestroy(os);
  FcCharSetDestroy(cs);
  FcPatternDestroy(pat);
  if (result >= 0) f->missing[cp >> 6] &= ~bit;
  return result;
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
  return fallback_face(f, cp);
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

/* ---- shaping --------------------------------------------------------- */

static uint64_t text_hash(const char *s, size_t n, int kern) {
  uint64_t h = 1469598103934665603ull ^ (uint64_t)(kern != 0);
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
  return h;
}

/* Slots store len * 2 + kern flag, so the same text shaped both ways has
 * two entries. */
static void shape_put(shape_cache *c, shape_slot sl) {
  size_t i = sl.hash & (c->cap - 1);
  while (c->slots[i].text) i = (i + 1) & (c->cap - 1);
  c->slots[i] = sl;
}

static void shape_grow(shape_cache *c) {
  shape_slot *old = c->slots;
  size_t ocap = c->cap;
  c->cap = c->cap ? c->cap * 2 : 256;
  c->slots = pb_xcalloc(c->cap, sizeof *c->slots);
  for (size_t i = 0; i < ocap; i++)
    if (old[i].text) shape_put(c, old[i]);
  free(old);
}

static const pb_glyph *shape_piece(font *ft, const char *text, size_t len, int kern, size_t *n);

/* Han ideographs: no OpenType feature the default shaping applies acts
 * between two of them, so a text is shaped in pieces split around each
 * (a mark or variation selector stays with its base), and each piece is
 * cached: a page of Chinese then costs one HarfBuzz call per distinct
 * character instead of one per line. */
static int is_ideograph(uint32_t cp) {
  return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3FFFF);
}

static int attaches(uint32_t cp) {
  hb_unicode_general_category_t gc =
      hb_unicode_general_category(hb_unicode_funcs_get_default(), cp);
  return gc == HB_UNICODE_GENERAL_CATEGORY_NON_SPACING_MARK ||
         gc == HB_UNICODE_GENERAL_CATEGORY_SPACING_MARK ||
         gc == HB_UNICODE_GENERAL_CATEGORY_ENCLOSING_MARK || cp == 0x200D ||
         (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF);
}

/* ---- shapes kept in the store ---------------------------------------
 * One record per font file: shapes/<hash of the key>.bin, the key naming
 * the file (path, face index, size, modification time, inode) and
 * HarfBuzz's version, so that a changed font or shaper never reuses old
 * glyphs. The record is
 *   "PBSHAPE1", u64 hash of the payload, u64 payload length, payload:
 *   per entry u32 key (text length * 2 + kern flag), u32 glyph count, the
 *   text padded to 4 bytes, the glyphs (pb_glyph, 20 bytes each),
 * in this machine's byte order (a store is local). A record that is short,
 * long, or does not hash to what it says is ignored as a whole. Loaded
 * slots point into the record's buffer, so reading it costs one pass. */
#define SHAPES_MAGIC "PBSHAPE1"
#define SHAPES_HEAD 24
#define SHAPES_MAX_BYTES ((size_t)64 << 20)
#define SHAPES_SEED 0x7368617065733031ULL /* "shapes01" */

typedef char glyph_is_20_bytes[sizeof(pb_glyph) == 20 ? 1 : -1];

static void shape_key(const font *ft, pb_buf *key) {
  struct stat st;
  if (stat(ft->path, &st) != 0) memset(&st, 0, sizeof st);
  pb_buf_printf(key, "paperbook shapes 1\nharfbuzz %s\n%s\n%d %lld %lld.%09ld %llu",
                hb_version_string(), ft->path, ft->index, (long long)st.st_size,
                (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec,
                (unsigned long long)st.st_ino);
}

/* Walks the payload; with c, puts every entry into it. Returns the number
 * of entries, or -1 when the payload is malformed. */
static long shapes_walk(const char *p, size_t len, shape_cache *c) {
  size_t off = 0;
  long count = 0;
  while (off < len) {
    if (len - off < 8) return -1;
    uint32_t key = pb_load_u32(p + off), ng = pb_load_u32(p + off + 4);
    size_t tlen = key / 2, padded = (tlen + 3) & ~(size_t)3;
    off += 8;
    if (tlen == 0 || padded > len - off || (len - off - padded) / sizeof(pb_glyph) < ng) return -1;
    if (c) {
      const char *text = p + off;
      if ((c->used + 1) * 2 > c->cap) shape_grow(c);
      shape_put(c, (shape_slot){text_hash(text, tlen, key & 1), text, key, ng,
                                (const pb_glyph *)(const void *)(p + off + padded)});
      c->used++;
    }
    off += padded + (size_t)ng * sizeof(pb_glyph);
    count++;
  }
  return count;
}

/* Reads the font's record from the store into its (still empty) table. */
static void shapes_load(const char *root, font *ft) {
  ft->shapes_loaded = 1;
  pb_buf key = PB_BUF_INIT;
  shape_key(ft, &key);
  pb_buf *b = &ft->shapes_file;
  int ok = pb_store_get(root, "shapes", key.data, key.len, ".bin", SHAPES_MAX_BYTES, b) == 0 &&
           b->len >= SHAPES_HEAD && memcmp(b->data, SHAPES_MAGIC, 8) == 0 &&
           pb_load_u64(b->data + 16) == b->len - SHAPES_HEAD &&
           pb_load_u64(b->data + 8) ==
               pb_hash64(b->data + SHAPES_HEAD, b->len - SHAPES_HEAD, SHAPES_SEED) &&
           shapes_walk(b->data + SHAPES_HEAD, b->len - SHAPES_HEAD, NULL) >= 0;
  if (ok)
    shapes_walk(b->data + SHAPES_HEAD, b->len - SHAPES_HEAD, &ft->shapes);
  else
    pb_buf_free(b);
  pb_buf_free(&key);
}

/* Writes the font's table to the store when shaping added to it. */
static void shapes_save(const char *root, font *ft) {
  if (!ft->shapes_dirty) return;
  ft->shapes_dirty = 0;
  const shape_cache *c = &ft->shapes;
  pb_buf out = PB_BUF_INIT;
  static const char zeros[24] = {0};
  pb_buf_append(&out, SHAPES_MAGIC, 8);
  pb_buf_append(&out, zeros, 16);
  for (size_t i = 0; i < c->cap; i++) {
    const shape_slot *t = &c->slots[i];
    if (!t->text) continue;
    size_t tlen = t->len / 2;
    pb_buf_append(&out, &t->len, 4);
    pb_buf_append(&out, &t->nglyphs, 4);
    pb_buf_append(&out, t->text, tlen);
    pb_buf_append(&out, zeros, ((tlen + 3) & ~(size_t)3) - tlen);
    pb_buf_append(&out, t->glyphs, (size_t)t->nglyphs * sizeof(pb_glyph));
  }
  uint64_t plen = out.len - SHAPES_HEAD;
  uint64_t h = pb_hash64(out.data + SHAPES_HEAD, plen, SHAPES_SEED);
  memcpy(out.data + 8, &h, 8);
  memcpy(out.data + 16, &plen, 8);
  pb_buf key = PB_BUF_INIT;
  shape_key(ft, &key);
  if (out.len <= SHAPES_MAX_BYTES)
    pb_store_put(root, "shapes", key.data, key.len, ".bin", out.data, out.len);
  pb_buf_free(&key);
  pb_buf_free(&out);
}

const char *pb_fonts_store_root(const pb_fonts *f) { return f ? f->shape_root : NULL; }

int pb_fonts_identity(pb_fonts *f, pb_buf *out) {
  if (!f) return 0;
  pb_buf_printf(out, "faces %d\n", f->nfaces);
  for (int i = 0; i < f->nfaces; i++) {
    const face *fc = &f->faces[i];
    shape_key(&f->fonts[fc->font], out);
    pb_buf_printf(out, " bold %d italic %d base %d\n", fc->fake_bold, fc->fake_italic, fc->base);
  }
  for (int fam = 0; fam < 3; fam++)
    for (int st = 0; st < 4; st++) pb_buf_printf(out, "%d %d ", f->latin[fam][st], f->cjk[fam][st]);
  for (int st = 0; st < 4; st++) pb_buf_printf(out, "%d ", f->symbol[st]);
  return f->nfaces;
}

void pb_fonts_use_shape_store(pb_fonts *f, const char *root) {
  if (!f) return;
  free(f->shape_root);
  f->shape_root = root && *root ? pb_xstrdup(root) : NULL;
}

void pb_fonts_save_shapes(pb_fonts *f) {
  if (!f || !f->shape_root) return;
  for (int i = 0; i < f->nfonts; i++) shapes_save(f->shape_root, &f->fonts[i]);
}

const pb_glyph *pb_fonts_shape(pb_fonts *f, int fc, const char *text, size_t len, int kern,
                               size_t *n) {
  *n = 0;
  if (!valid_face(f, fc) || !text || len == 0 || len > 0xFFFFFFF) return NULL;
  font *ft = face_font(f, fc);
  if (f->shape_root && !ft->shapes_loaded) shapes_load(f->shape_root, ft);
  shape_cache *c = &ft->shapes;
  c->njoined = 0;
  size_t start = 0, i = 0;
  int prev_ideo = 0, pieces = 0;
  while (i <= len) {
    uint32_t cp = 0;
    int k = 0;
    if (i < len) {
      k = pb_utf8_decode(text + i, len - i, &cp);
      if (k <= 0) k = 1;
    }
    int ideo = i < len && is_ideograph(cp);
    int cut = i == len || (i > start && (ideo || (prev_ideo && !attaches(cp))));
    if (cut) {
      if (i == len && pieces == 0) return shape_piece(ft, text, len, kern, n);
      size_t m;
      const pb_glyph *g = shape_piece(ft, text + start, i - start, kern, &m);
      if (c->njoined + m > c->capjoined) {
        c->capjoined = (c->njoined + m) * 2;
        c->joined = pb_xrealloc(c->joined, c->capjoined * sizeof *c->joined);
      }
      for (size_t j = 0; j < m; j++) {
        c->joined[c->njoined] = g[j];
        c->joined[c->njoined++].cluster += (uint32_t)start;
      }
      pieces++;
      start = i;
    }
    if (i == len) break;
    prev_ideo = ideo;
    i += (size_t)k;
  }
  *n = c->njoined;
  return c->joined;
}

static const pb_glyph *shape_piece(font *ft, const char *text, size_t len, int kern, size_t *n) {
  *n = 0;
  if (len == 0) return NULL;
  shape_cache *c = &ft->shapes;
  uint64_t h = text_hash(text, len, kern);
  uint32_t key = (uint32_t)(len * 2 + (kern != 0));
  for (size_t i = c->cap ? (h & (c->cap - 1)) : 0; c->cap && c->slots[i].text;
       i = (i + 1) & (c->cap - 1)) {
    shape_slot *t = &c->slots[i];
    if (t->hash == h && t->len == key && memcmp(t->text, text, len) == 0) {
      *n = t->nglyphs;
      return t->glyphs;
    }
  }
  if ((c->used + 1) * 2 > c->cap) shape_grow(c);
  if (!c->arena) c->arena = pb_arena_new();
  if (!c->buf) c->buf = hb_buffer_create();
  hb_buffer_t *buf = c->buf;
  hb_buffer_clear_contents(buf);
  hb_buffer_add_utf8(buf, text, (int)len, 0, (int)len);
  hb_buffer_guess_segment_properties(buf);
  hb_buffer_set_direction(buf, HB_DIRECTION_LTR); /* the layout is left to right */
  hb_feature_t nokern = {HB_TAG('k', 'e', 'r', 'n'), 0, 0, (unsigned)-1};
  hb_shape(ft->font, buf, kern ? NULL : &nokern, kern ? 0 : 1);
  unsigned count = 0;
  const hb_glyph_info_t *info = hb_buffer_get_glyph_infos(buf, &count);
  const hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(buf, NULL);
  pb_glyph *g = pb_arena_alloc(c->arena, (count ? count : 1) * sizeof *g);
  for (unsigned i = 0; i < count; i++) {
    g[i].gid = info[i].codepoint;
    g[i].cluster = info[i].cluster;
    g[i].adv = (float)(pos[i].x_advance * ft->scale);
    g[i].dx = (float)(pos[i].x_offset * ft->scale);
    g[i].dy = (float)(pos[i].y_offset * ft->scale);
  }
  shape_put(c, (shape_slot){h, pb_arena_strndup(c->arena, text, len), key, count, g});
  c->used++;
  ft->shapes_dirty = 1;
  *n = count;
  return g;
}

int pb_fonts_ink(pb_fonts *f, int fc, uint32_t cp, double *left, double *right) {
  if (!valid_face(f, fc)) return 0;
  font *ft = face_font(f, fc);
  cache_entry *e = lookup(ft, cp);
  hb_glyph_extents_t ext;
  if (!e || !e->gid || !hb_font_get_glyph_extents(ft->font, e->gid, &ext) || ext.width <= 0)
    return 0;
  *left = ext.x_bearing * ft->scale;
  *right = (ext.x_bearing + ext.width) * ft->scale;
  return 1;
}

double pb_fonts_glyph_advance(pb_fonts *f, int fc, uint32_t gid) {
  if (!valid_face(f, fc)) return 0;
  font *ft = face_font(f, fc);
  return hb_font_get_glyph_h_advance(ft->font, gid) * ft->scale;
}

/* ---- embedding ------------------------------------------------------- */

static int be16(const unsigned char *p) { return (int16_t)(uint16_t)((p[0] << 8) | p[1]); }

void pb_fonts_info(pb_fonts *f, int fc, pb_font_info *out) {
  memset(out, 0, sizeof *out);
  if (!valid_face(f, fc)) return;
  font *ft = face_font(f, fc);
  out->format = ft->format;
  char name[64];
  unsigned len = sizeof name;
  if (!hb_ot_name_get_utf8(ft->face, HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &len,
                           name))
    snprintf(name, sizeof name, "Font%d", fc);
  size_t k = 0;
  for (const char *p = name; *p && k + 1 < sizeof out->psname; p++)
    if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
        *p == '-' || *p == '_')
      out->psname[k++] = *p;
  if (!k) snprintf(out->psname, sizeof out->psname, "Font%d", fc);
  hb_blob_t *head = hb_face_reference_table(ft->face, HB_TAG('h', 'e', 'a', 'd'));
  unsigned hl = 0;
  const unsigned char *hd = (const unsigned char *)hb_blob_get_data(head, &hl);
  if (hd && hl >= 44)
    for (int i = 0; i < 4; i++) out->bbox[i] = be16(hd + 36 + 2 * i) * ft->scale;
  hb_blob_destroy(head);
  hb_blob_t *post = hb_face_reference_table(ft->face, HB_TAG('p', 'o', 's', 't'));
  unsigned pl = 0;
  const unsigned char *pd = (const unsigned char *)hb_blob_get_data(post, &pl);
  if (pd && pl >= 16) {
    out->italic_angle = be16(pd + 4) + ((pd[6] << 8) | pd[7]) / 65536.0;
    out->fixed_pitch = (pd[12] | pd[13] | pd[14] | pd[15]) != 0;
  }
  hb_blob_destroy(post);
  out->ascent = ft->ascent;
  out->descent = ft->descent;
  hb_position_t cap = 0;
  out->cap_height = hb_ot_metrics_get_position(ft->font, HB_OT_METRICS_TAG_CAP_HEIGHT, &cap)
                        ? cap * ft->scale
                        : ft->ascent;
  if (ft->format == PB_FONT_CFF) {
    if (!ft->cff_read) { /* once per font: the charset of a large CJK font is 130 KB */
      hb_blob_t *cff = hb_face_reference_table(ft->face, HB_TAG('C', 'F', 'F', ' '));
      unsigned cl = 0;
      const unsigned char *cd = (const unsigned char *)hb_blob_get_data(cff, &cl);
      if (pb_cff_read(cd, cl, &ft->cff) != 0)
        pb_warn(ft->path, 0, "the font's CFF table could not be read; its glyphs may not show");
      hb_blob_destroy(cff);
      ft->cff_read = 1;
    }
    out->cid_keyed = ft->cff.cid_keyed;
    out->cid = ft->cff.cid;
    out->nglyphs = ft->cff.nglyphs;
  }
}

int pb_fonts_subset(pb_fonts *f, int fc, const uint32_t *gids, size_t n, pb_buf *out) {
  if (!valid_face(f, fc)) return PB_EFONT;
  font *ft = face_font(f, fc);
  hb_subset_input_t *in = hb_subset_input_create_or_fail();
  if (!in) return PB_ENOMEM;
  hb_set_t *glyphs = hb_subset_input_glyph_set(in);
  hb_set_add(glyphs, 0);
  for (size_t i = 0; i < n; i++) hb_set_add(glyphs, gids[i]);
  hb_set_clear(hb_subset_input_unicode_set(in));
  /* A PDF font draws glyphs by id: layout tables (whose closure would
   * also pull in alternate glyphs), bitmaps, colour, vertical metrics and
   * hinting are dead weight. Glyph ids are kept, so that the codes the
   * page content uses need no renumbering. */
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
      HB_TAG('f', 'e', 'a', 't'), HB_TAG('P', 'C', 'L', 'T'), HB_TAG('c', 'm', 'a', 'p'),
      HB_TAG('S', 'T', 'A', 'T'), HB_TAG('f', 'v', 'a', 'r'), HB_TAG('g', 'v', 'a', 'r'),
      HB_TAG('H', 'V', 'A', 'R'), HB_TAG('M', 'V', 'A', 'R')};
  hb_set_t *drop_tables = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
  for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++) hb_set_add(drop_tables, drop[i]);
  /* A CID-keyed CFF keeps each glyph's CID in its charset when subset, and
   * the PDF selects CFF glyphs by CID: its glyph ids need not be kept
   * (which would leave tens of thousands of empty charstrings). */
  pb_font_info info;
  pb_fonts_info(f, fc, &info);
  unsigned flags = HB_SUBSET_FLAGS_NO_HINTING;
  if (!(info.format == PB_FONT_CFF && info.cid_keyed)) flags |= HB_SUBSET_FLAGS_RETAIN_GIDS;
  hb_subset_input_set_flags(in, flags);
  hb_face_t *sub = hb_subset_or_fail(ft->face, in);
  hb_subset_input_destroy(in);
  if (!sub) {
    pb_error(ft->path, 0, "HarfBuzz could not subset the font");
    return PB_EFONT;
  }
  hb_blob_t *blob = hb_face_reference_blob(sub);
  hb_face_destroy(sub);
  if (ft->format == PB_FONT_CFF) {
    /* the subsetter's face lists no tables: read the CFF from its bytes */
    hb_face_t *parsed = hb_face_create(blob, 0);
    hb_blob_destroy(blob);
    blob = hb_face_reference_table(parsed, HB_TAG('C', 'F', 'F', ' '));
    hb_face_destroy(parsed);
  }
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
  return rc;
}
