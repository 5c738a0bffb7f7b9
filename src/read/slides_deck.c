/* Reading deck files for the slide index. See slides_deck.h. */
#include "slides_deck.h"

#include <cairo.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <poppler.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "context.h"
#include "diag.h"
#include "dynlib.h"
#include "store.h"
#include "utf8.h"

#define PB_DECK_PDF_MAX ((size_t)256 << 20) /* bytes of a PDF deck we open */
#define PB_DECK_HTML_MAX ((size_t)32 << 20) /* bytes of an HTML deck we parse */
#define PB_DECK_PAGE_MAX 14400.0            /* points: the PDF limit for a page side */
#define PB_DECK_CHILD_MEM ((rlim_t)1 << 30) /* address space of the PDF child */
#define PB_DECK_CHILD_OUT 65536             /* bytes the PDF child may report */
#define PB_DECK_PDF_TIMEOUT 15.0            /* seconds */
#define PB_DECK_BROWSER_TIMEOUT 30.0        /* seconds */
#define PB_DECK_SHOT_MAX ((size_t)32 << 20) /* bytes of a browser screenshot */
#define PB_DECK_TITLE_MAX 200               /* bytes of a title */

#if defined(__SANITIZE_ADDRESS__)
#define PB_DECK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PB_DECK_ASAN 1
#endif
#endif
#ifndef PB_DECK_ASAN
#define PB_DECK_ASAN 0
#endif

/* ====================================================================== */
/* poppler and cairo, opened on first use                                  */
/* ====================================================================== */

/* Every function of poppler-glib (with GObject's unref, reached through
 * it) and cairo this file calls, called through dl: the libraries are
 * opened (dynlib.h) only when a deck is rendered, so a booklet without the
 * slide index never maps them. They are opened in the parent, before a
 * reader is forked: the loader's lock may be held by another thread at the
 * fork. */
#define POPPLER_FUNCTIONS(X)                                                                       \
  X(poppler_document_get_n_pages)                                                                  \
  X(poppler_document_get_page)                                                                     \
  X(poppler_document_get_title)                                                                    \
  X(poppler_document_new_from_bytes)                                                               \
  X(poppler_page_get_size)                                                                         \
  X(poppler_page_get_text)                                                                         \
  X(poppler_page_render)                                                                           \
  X(g_object_unref)
#define CAIRO_FUNCTIONS(X)                                                                         \
  X(cairo_create)                                                                                  \
  X(cairo_destroy)                                                                                 \
  X(cairo_get_source)                                                                              \
  X(cairo_image_surface_create)                                                                    \
  X(cairo_image_surface_create_from_png)                                                           \
  X(cairo_image_surface_get_height)                                                                \
  X(cairo_image_surface_get_width)                                                                 \
  X(cairo_paint)                                                                                   \
  X(cairo_pattern_set_filter)                                                                      \
  X(cairo_scale)                                                                                   \
  X(cairo_set_source_rgb)                                                                          \
  X(cairo_set_source_surface)                                                                      \
  X(cairo_status)                                                                                  \
  X(cairo_surface_destroy)                                                                         \
  X(cairo_surface_status)                                                                          \
  X(cairo_surface_write_to_png)                                                                    \
  X(cairo_surface_write_to_png_stream)                                                             \
  X(cairo_debug_reset_static_data)

#define DL_SLOT(f) __typeof__(&f) f;
static struct {
  POPPLER_FUNCTIONS(DL_SLOT)
  CAIRO_FUNCTIONS(DL_SLOT)
} dl;
#undef DL_SLOT
static char dl_why[256]; /* why they could not be opened, "" when they were */
static pthread_once_t dl_once = PTHREAD_ONCE_INIT;

static void dl_open_all(void) {
  void *poppler = pb_dynlib_open(PB_SONAME_POPPLER_GLIB, dl_why, sizeof dl_why);
  void *cairo = poppler ? pb_dynlib_open(PB_SONAME_CAIRO, dl_why, sizeof dl_why) : NULL;
  int ok = cairo != NULL;
#define DL_POPPLER(f)                                                                              \
  if (ok) ok = pb_dynlib_sym(poppler, #f, &dl.f, sizeof dl.f, dl_why, sizeof dl_why) == 0;
#define DL_CAIRO(f)                                                                                \
  if (ok) ok = pb_dynlib_sym(cairo, #f, &dl.f, sizeof dl.f, dl_why, sizeof dl_why) == 0;
  POPPLER_FUNCTIONS(DL_POPPLER)
  CAIRO_FUNCTIONS(DL_CAIRO)
#undef DL_POPPLER
#undef DL_CAIRO
  if (ok)
    dl_why[0] = 0;
  else if (!dl_why[0])
    snprintf(dl_why, sizeof dl_why, "cannot load poppler and cairo");
}

/* Opens poppler and cairo once. Returns NULL when they are usable, else
 * why not. */
static const char *dl_load(void) {
  pthread_once(&dl_once, dl_open_all);
  return dl_why[0] ? dl_why : NULL;
}

/* ====================================================================== */
/* Text and files                                                          */
/* ====================================================================== */

const char *pb_deck_tidy_text(pb_arena *a, const char *s, size_t len, size_t max) {
  if (!s) return NULL;
  pb_buf clean = PB_BUF_INIT, out = PB_BUF_INIT;
  pb_utf8_clean(s, len, &clean, NULL);
  int space = 0;
  for (size_t i = 0; i < clean.len;) {
    uint32_t cp;
    size_t n = (size_t)pb_utf8_decode(clean.data + i, clean.len - i, &cp);
    int ws = cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x00A0 || cp == 0x3000 ||
             cp == 0x2028 || cp == 0x2029 || cp == 0x0B || cp == 0x0C;
    if (ws) {
      space = out.len > 0;
    } else {
      if (space) pb_buf_putc(&out, ' ');
      space = 0;
      if (out.len + n > max) {
        pb_buf_puts(&out, "…");
        break;
      }
      pb_buf_append(&out, clean.data + i, n);
    }
    i += n;
  }
  const char *r = out.len ? pb_arena_strndup(a, out.data, out.len) : NULL;
  pb_buf_free(&clean);
  pb_buf_free(&out);
  return r;
}

/* mkdir -p. Returns 0 or -1 (errno set). */
static int make_dirs(const char *path) {
  char *p = pb_xstrdup(path);
  int rc = 0;
  for (char *q = p + 1;; q++) {
    if (*q == '/' || *q == 0) {
      char c = *q;
      *q = 0;
      if (mkdir(p, 0777) != 0 && errno != EEXIST) {
        rc = -1;
        *q = c;
        break;
      }
      *q = c;
      if (!c) break;
    }
  }
  free(p);
  return rc;
}

/* The thumbnail cache is three kinds of the content-addressed store
 * (store.h) under the thumbnail directory, which never reads a record
 * through a symbolic link (one a clone committed under a name it can work
 * out could show a picture of the user's in the PDF) and takes a damaged
 * record for a miss:
 *   images/<hash>.png|jpeg  every deck's thumbnail, keyed by its bytes: what
 *                          s->thumbnail names and the deck index (slides.c)
 *                          points at
 *   pdf/<hash>.txt|.png    a PDF deck's report and rendered first page, keyed
 *                          by the deck's bytes and the render settings
 *   html/<hash>.png        an HTML deck's screenshot, keyed by the page's
 *                          bytes and the render settings */

/* The store key of a rendering of content: what it depends on, the
 * content's hash and the settings (a version for the renderer's report,
 * the thumbnail's width). */
static void render_key(const char *what, const void *data, size_t len, pb_buf *key) {
  char h[33];
  pb_hash_name(data, len, h);
  pb_buf_reset(key);
  pb_buf_printf(key, "%s\n%s\nwidth %d\n", what, h, PB_DECK_THUMB_PX);
}

static int is_png(const pb_buf *b) {
  return b->len > 8 && memcmp(b->data, "\x89PNG\r\n\x1a\n", 8) == 0;
}

static int thumb_dir_ready(pb_deck_ctx *c, const char *deck) {
  if (c->thumb_dir_failed) return 0;
  if (make_dirs(c->thumb_dir) == 0) return 1;
  pb_deck_warn(c, deck,
               "cannot create thumbnail directory %s (%s); decks are listed without thumbnails",
               c->thumb_dir, strerror(errno));
  c->thumb_dir_failed = 1;
  return 0;
}

const char *pb_deck_store_thumbnail(pb_deck_ctx *c, const char *deck, const void *bytes, size_t len,
                                    const char *ext) {
  if (!thumb_dir_ready(c, deck)) return NULL;
  char dot[16], name[PB_STORE_NAME_MAX];
  snprintf(dot, sizeof dot, ".%s", ext);
  pb_store_name(bytes, len, dot, name);
  pb_buf have = PB_BUF_INIT;
  int kept = pb_store_get_named(c->thumb_dir, "images", name, len, &have) == 0 && have.len == len &&
             memcmp(have.data, bytes, len) == 0;
  pb_buf_free(&have);
  if (!kept && pb_store_put(c->thumb_dir, "images", bytes, len, dot, bytes, len) != 0) {
    pb_deck_warn(c, deck, "cannot write thumbnail %s/images/%s (%s); deck listed without it",
                 c->thumb_dir, name, strerror(errno));
    return NULL;
  }
  char *path = pb_store_path(c->thumb_dir, "images", bytes, len, dot);
  const char *r = pb_arena_strdup(c->lib->arena, path);
  free(path);
  return r;
}

/* A new private file (or, with dir set, directory) in the thumbnail
 * directory, under a name mkstemp or mkdtemp makes up: a name known in
 * advance (.pdf-PID-N) could be a link the library committed there, and
 * the renderer would write its PNG through it into a file of the user's.
 * malloc'd; NULL (errno set) when it cannot be made. */
static char *temp_path(pb_deck_ctx *c, const char *what, int dir) {
  pb_buf b = PB_BUF_INIT;
  pb_buf_printf(&b, "%s/.%s-XXXXXX", c->thumb_dir, what);
  int ok;
  if (dir) {
    ok = mkdtemp(b.data) != NULL;
  } else {
    int fd = mkstemp(b.data);
    ok = fd >= 0;
    if (ok) close(fd);
  }
  if (!ok) {
    pb_buf_free(&b);
    return NULL;
  }
  return b.data;
}

/* ====================================================================== */
/* Child processes with a time limit                                       */
/* ====================================================================== */

typedef int (*child_fn)(void *arg, int out_fd);

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs fn in a child process (its own process group, stdin, stdout and
 * stderr on /dev/null, address space limited to mem bytes unless mem is 0) and
 * collects what it writes to out_fd (at most PB_DECK_CHILD_OUT bytes).
 * Returns 0 when the child exited with 0 in time; otherwise -1 with the
 * reason in why. The whole process group is killed in every case. */
static int run_child(child_fn fn, void *arg, double timeout, rlim_t mem, pb_buf *out, char *why,
                     size_t whylen) {
  int fds[2];
  if (pipe(fds) != 0) {
    snprintf(why, whylen, "cannot create a pipe: %s", strerror(errno));
    return -1;
  }
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) {
    snprintf(why, whylen, "cannot start a process: %s", strerror(errno));
    close(fds[0]);
    close(fds[1]);
    return -1;
  }
  if (pid == 0) {
    close(fds[0]);
    setpgid(0, 0);
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
      dup2(null, 0);
      dup2(null, 1); /* never into paperbook's own output (dump writes JSON there) */
      dup2(null, 2);
      if (null > 2) close(null);
    }
    if (mem) {
      struct rlimit rl = {mem, mem};
      setrlimit(RLIMIT_AS, &rl);
    }
    _exit(fn(arg, fds[1]) == 0 ? 0 : 3);
  }
  close(fds[1]);
  setpgid(pid, pid); /* also here: no race with the child's own call */
  double deadline = now_s() + timeout;
  int timed_out = 0, status = 0;
  char chunk[4096];
  for (;;) {
    double left = deadline - now_s();
    if (left <= 0) {
      timed_out = 1;
      break;
    }
    struct pollfd p = {fds[0], POLLIN, 0};
    int r = poll(&p, 1, (int)(left * 1000) + 1);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    ssize_t n = read(fds[0], chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (out->len + (size_t)n <= PB_DECK_CHILD_OUT) pb_buf_append(out, chunk, (size_t)n);
  }
  close(fds[0]);
  /* The pipe is closed: the child is done or about to be; wait for it
   * within what is left of the time. */
  while (!timed_out) {
    pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) break;
    if (now_s() > deadline)
      timed_out = 1;
    else
      usleep(10000);
  }
  kill(-pid, SIGKILL); /* helpers the child left behind (a browser's) */
  if (timed_out) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    snprintf(why, whylen, "gave up after %.0f s", timeout);
    return -1;
  }
  if (WIFSIGNALED(status)) {
    snprintf(why, whylen, "the reader crashed (signal %d)", WTERMSIG(status));
    return -1;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    snprintf(why, whylen, "the reader failed (exit %d)",
             WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return -1;
  }
  return 0;
}

/* The time one reader may take: the context's, else PAPERBOOK_DECK_TIMEOUT
 * (seconds), else the default. */
static double deck_timeout(const pb_deck_ctx *c, double dflt) {
  if (c->timeout > 0) return c->timeout;
  const char *env = getenv("PAPERBOOK_DECK_TIMEOUT");
  double v = env ? strtod(env, NULL) : 0;
  return v > 0 && v < 3600 ? v : dflt;
}

/* ====================================================================== */
/* PDF decks                                                               */
/* ====================================================================== */

typedef struct {
  const char *data; /* the deck's bytes */
  size_t len;
  const char *thumb; /* where to write the PNG, NULL: no thumbnail */
} pdf_job;

int pb_deck_is_junk_title(const char *t) {
  /* Prefixes no real title has, and whole titles that are only a word. */
  static const char *const prefix[] = {"untitled", "powerpoint", "microsoft powerpoint",
                                       "演示文稿", "幻灯片",     "无标题"};
  static const char *const whole[] = {"presentation", "slide 1", "title", "slides", "标题"};
  if (!t || !*t) return 1;
  for (size_t i = 0; i < sizeof prefix / sizeof *prefix; i++)
    if (strncasecmp(t, prefix[i], strlen(prefix[i])) == 0) return 1;
  for (size_t i = 0; i < sizeof whole / sizeof *whole; i++)
    if (strcasecmp(t, whole[i]) == 0) return 1;
  const char *dot = strrchr(t, '.');
  if (dot && (strcasecmp(dot, ".pptx") == 0 || strcasecmp(dot, ".ppt") == 0 ||
              strcasecmp(dot, ".pdf") == 0 || strcasecmp(dot, ".key") == 0 ||
              strcasecmp(dot, ".tex") == 0 || strcasecmp(dot, ".docx") == 0))
    return 1;
  return 0;
}

/* Writes "K value\n" with newlines in value turned into spaces. */
static void put_field(pb_buf *b, char key, const char *value) {
  if (!value) return;
  pb_buf_putc(b, key);
  pb_buf_putc(b, ' ');
  size_t n = strlen(value);
  if (n > 4096) n = 4096;
  for (size_t i = 0; i < n; i++)
    pb_buf_putc(b, value[i] == '\n' || value[i] == '\r' ? ' ' : value[i]);
  pb_buf_putc(b, '\n');
}

/* The first line of text on the page with at least two visible
 * characters (g_free'd by the caller), or NULL. */
static char *first_text_line(PopplerPage *pg) {
  char *text = dl.poppler_page_get_text(pg);
  if (!text) return NULL;
  char *line = NULL;
  for (char *p = text; *p && !line;) {
    char *end = strchr(p, '\n');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    size_t visible = 0;
    for (size_t i = 0; i < n; i++)
      if ((unsigned char)p[i] > ' ') visible++;
    if (visible >= 2) line = g_strndup(p, n);
    p += n + (end ? 1 : 0);
  }
  g_free(text);
  return line;
}

/* Renders page pg to job->thumb: PB_DECK_THUMB_PX wide, at most 4:1 tall. */
static const char *render_page(PopplerPage *pg, const char *thumb) {
  double w = 0, h = 0;
  dl.poppler_page_get_size(pg, &w, &h);
  if (!(w >= 1 && h >= 1 && w <= PB_DECK_PAGE_MAX && h <= PB_DECK_PAGE_MAX))
    return "first page size is outside 1..14400 points; not rendered";
  double scale = PB_DECK_THUMB_PX / w;
  int pw = PB_DECK_THUMB_PX, ph = (int)(h * scale + 0.5);
  if (ph < 1) ph = 1;
  if (ph > 4 * pw) ph = 4 * pw;
  cairo_surface_t *sf = dl.cairo_image_surface_create(CAIRO_FORMAT_RGB24, pw, ph);
  cairo_t *cr = dl.cairo_create(sf);
  dl.cairo_set_source_rgb(cr, 1, 1, 1);
  dl.cairo_paint(cr);
  dl.cairo_scale(cr, scale, scale);
  dl.poppler_page_render(pg, cr);
  cairo_status_t st = dl.cairo_status(cr);
  dl.cairo_destroy(cr);
  if (st == CAIRO_STATUS_SUCCESS) st = dl.cairo_surface_write_to_png(sf, thumb);
  dl.cairo_surface_destroy(sf);
  return st == CAIRO_STATUS_SUCCESS ? NULL : "cannot render the first page";
}

/* The work on one PDF, in whatever process: reports "P pages", "T title",
 * "W warning", "E error" lines into out. */
static void pdf_examine(const pdf_job *job, pb_buf *out) {
  GBytes *bytes = g_bytes_new_static(job->data, job->len);
  GError *err = NULL;
  PopplerDocument *doc = dl.poppler_document_new_from_bytes(bytes, NULL, &err);
  g_bytes_unref(bytes);
  if (!doc) {
    pb_buf m = PB_BUF_INIT;
    pb_buf_printf(&m, "not a readable PDF (%s)", err && err->message ? err->message : "poppler");
    put_field(out, 'E', m.data);
    pb_buf_free(&m);
    if (err) g_error_free(err);
    return;
  }
  int n = dl.poppler_document_get_n_pages(doc);
  pb_buf_printf(out, "P %d\n", n);
  char *title = dl.poppler_document_get_title(doc);
  PopplerPage *pg = n > 0 ? dl.poppler_document_get_page(doc, 0) : NULL;
  if (pg) {
    char *line = NULL;
    if (pb_deck_is_junk_title(title)) line = first_text_line(pg);
    put_field(out, 'T', line ? line : (pb_deck_is_junk_title(title) ? NULL : title));
    g_free(line);
    const char *why = job->thumb ? render_page(pg, job->thumb) : NULL;
    if (why)
      put_field(out, 'W', why);
    else if (job->thumb)
      put_field(out, 'I', job->thumb);
    dl.g_object_unref(pg);
  } else {
    put_field(out, 'W', "no pages; no thumbnail");
  }
  g_free(title);
  dl.g_object_unref(doc);
}

static int pdf_child(void *arg, int out_fd) {
  pb_buf out = PB_BUF_INIT;
  pdf_examine(arg, &out);
  size_t off = 0;
  int rc = 0;
  while (off < out.len && rc == 0) {
    ssize_t n = write(out_fd, out.data + off, out.len - off);
    if (n <= 0) {
      rc = 1;
      break;
    }
    off += (size_t)n;
  }
  pb_buf_free(&out);
  return rc;
}

/* Reads the report lines of pdf_examine into the deck. */
static void pdf_take_report(pb_deck_ctx *c, pb_slide *s, const char *file, const pb_buf *png,
                            const pb_buf *rep) {
  const char *p = rep->data ? rep->data : "";
  while (*p) {
    const char *end = strchr(p, '\n');
    if (!end) break; /* a line cut short: the child died mid-write */
    if (end - p >= 2 && p[1] == ' ') {
      const char *v = p + 2;
      size_t n = (size_t)(end - v);
      switch (p[0]) {
      case 'P': {
        long pages = strtol(v, NULL, 10);
        s->slides = pages > 0 && pages < 1000000 ? (int)pages : 0;
        break;
      }
      case 'T': s->title = pb_deck_tidy_text(c->lib->arena, v, n, PB_DECK_TITLE_MAX); break;
      case 'E':
      case 'W': {
        const char *msg = pb_deck_tidy_text(c->lib->arena, v, n, 300);
        pb_warn(file, 0, "%s%s", msg ? msg : "unreadable",
                p[0] == 'E' ? "; listed without page count or thumbnail" : "");
        s->note = p[0] == 'E' ? "unreadable PDF" : "no thumbnail";
        break;
      }
      case 'I': /* the image is what the parent read, whatever the line says */
        if (png && is_png(png))
          s->thumbnail = pb_deck_store_thumbnail(c, file, png->data, png->len, "png");
        break;
      default: break;
      }
    }
    p = end + 1;
  }
}

/* Runs the examination of one PDF (in a child unless in_process). Returns 0
 * when it finished, whatever it found; -1 after a warning (timeout, crash). */
static int pdf_run(pb_deck_ctx *c, pb_slide *s, const char *file, const pdf_job *job, pb_buf *rep) {
  const char *unloaded = dl_load();
  if (unloaded) {
    pb_warn(file, 0, "PDF deck not read: %s; listed without page count or thumbnail", unloaded);
    s->note = "unreadable PDF";
    pb_buf_reset(rep);
    return -1;
  }
  if (c->in_process) {
    pdf_examine(job, rep);
    return 0;
  }
  char why[160];
  double t = deck_timeout(c, PB_DECK_PDF_TIMEOUT);
  if (run_child(pdf_child, (void *)job, t, PB_DECK_ASAN ? 0 : PB_DECK_CHILD_MEM, rep, why,
                sizeof why) == 0)
    return 0;
  pb_warn(file, 0, "PDF deck not read: %s; listed without page count or thumbnail", why);
  s->note = "unreadable PDF";
  pb_buf_reset(rep);
  return -1;
}

/* A kept report starts with this line and ends with a whole line. */
#define PDF_REPORT_MAGIC "paperbook pdf report 3\n"

/* The kept report of key into rep (its first line taken off); 0 when there
 * is none or it is damaged. */
static int kept_report(pb_deck_ctx *c, const pb_buf *key, pb_buf *rep) {
  size_t ml = strlen(PDF_REPORT_MAGIC);
  if (pb_store_get(c->thumb_dir, "pdf", key->data, key->len, ".txt", PB_DECK_CHILD_OUT, rep) != 0 ||
      rep->len < ml || memcmp(rep->data, PDF_REPORT_MAGIC, ml) != 0 ||
      (rep->len > ml && rep->data[rep->len - 1] != '\n')) {
    pb_buf_reset(rep);
    return 0;
  }
  memmove(rep->data, rep->data + ml, rep->len - ml + 1);
  rep->len -= ml;
  return 1;
}

/* Whether a kept report names a thumbnail (an 'I' line). */
static int report_has_image(const pb_buf *rep) {
  const char *d = rep->data ? rep->data : "";
  return strncmp(d, "I ", 2) == 0 || strstr(d, "\nI ") != NULL;
}

/* What was found in a PDF is kept in the store (pdf/: the report and the
 * rendered page, keyed by the deck's bytes and the render settings), so a
 * deck is opened once (not in process: fuzzing wants every input read). A
 * report whose page is missing or no PNG is a miss. */
void pb_deck_read_pdf(pb_deck_ctx *c, pb_slide *s, const char *file) {
  pb_buf data = PB_BUF_INIT;
  int rc = pb_read_file(file, PB_DECK_PDF_MAX, &data);
  if (rc != PB_OK) {
    pb_warn(file, 0, "%s; listed without page count or thumbnail",
            rc == PB_ELIMIT ? "PDF deck larger than 256 MB, not opened" : strerror(errno));
    s->note = rc == PB_ELIMIT ? "too large to read" : "unreadable";
    pb_buf_free(&data);
    return;
  }
  int thumbs = thumb_dir_ready(c, file), cache = thumbs && !c->in_process;
  /* "pdfdeck3": bump when the report changes */
  pb_buf key = PB_BUF_INIT, png = PB_BUF_INIT, rep = PB_BUF_INIT;
  render_key("pdfdeck3", data.data, data.len, &key);
  if (cache && kept_report(c, &key, &rep) &&
      (!report_has_image(&rep) ||
       (pb_store_get(c->thumb_dir, "pdf", key.data, key.len, ".png", 8u << 20, &png) == 0 &&
        is_png(&png)))) {
    pdf_take_report(c, s, file, &png, &rep);
  } else {
    pb_buf_reset(&rep);
    pb_buf_reset(&png);
    char *tmp = thumbs ? temp_path(c, "pdf", 0) : NULL;
    pdf_job job = {data.data, data.len, tmp};
    if (pdf_run(c, s, file, &job, &rep) == 0) {
      if (tmp && (pb_read_file(tmp, 8u << 20, &png) != PB_OK || !is_png(&png))) pb_buf_reset(&png);
      pdf_take_report(c, s, file, &png, &rep);
      /* a cache: a failed write costs a render next time */
      if (cache && (!s->thumbnail || pb_store_put(c->thumb_dir, "pdf", key.data, key.len, ".png",
                                                  png.data, png.len) == 0)) {
        pb_buf kept = PB_BUF_INIT;
        pb_buf_printf(&kept, "%s%s", PDF_REPORT_MAGIC, rep.data ? rep.data : "");
        pb_store_put(c->thumb_dir, "pdf", key.data, key.len, ".txt", kept.data, kept.len);
        pb_buf_free(&kept);
      }
    }
    if (tmp) remove(tmp);
    free(tmp);
  }
  pb_buf_free(&key);
  pb_buf_free(&png);
  pb_buf_free(&rep);
  pb_buf_free(&data);
}

/* ====================================================================== */
/* XML helpers                                                             */
/* ====================================================================== */

static int is_elem(const xmlNode *n, const char *local) {
  return n->type == XML_ELEMENT_NODE && n->name && strcasecmp((const char *)n->name, local) == 0;
}

/* The next node of a document-order walk below root (no recursion). An
 * entity reference is not entered: its children are the entity's
 * declaration in the DTD, whose parents lead up past root to the document
 * and back to root's element, so the walk would go round for ever (a
 * slide whose only text is "&x;" hung the build). */
static xmlNode *walk_next(xmlNode *n, const xmlNode *root, int descend) {
  if (descend && n->children && n->type != XML_ENTITY_REF_NODE) return n->children;
  while (n && n != root) {
    if (n->next) return n->next;
    n = n->parent;
  }
  return NULL;
}

/* Appends the text nodes below root (entity references are not followed),
 * with a space between block elements named sep. */
static void gather_text(const xmlNode *root, const char *sep, pb_buf *out) {
  for (xmlNode *n = root->children; n; n = walk_next(n, root, 1)) {
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      if (n->content) pb_buf_puts(out, (const char *)n->content);
    } else if (sep && is_elem(n, sep) && out->len) {
      pb_buf_putc(out, ' ');
    }
    if (out->len > 64 * 1024) break;
  }
}

static void xml_why(xmlParserCtxtPtr ctx, char *why, size_t whylen) {
  const xmlError *e = ctx ? xmlCtxtGetLastError(ctx) : NULL;
  if (e && e->message) {
    size_t n = strcspn(e->message, "\n");
    snprintf(why, whylen, "%d:%d: %.*s", e->line, e->int2, (int)n, e->message);
  } else {
    snprintf(why, whylen, "1:1: not well-formed XML");
  }
}

/* ====================================================================== */
/* .pptx slide titles                                                      */
/* ====================================================================== */

int pb_deck_slide_title(pb_arena *a, const char *xml, size_t len, const char **title, char *why,
                        size_t whylen) {
  *title = NULL;
  if (len > INT32_MAX) {
    snprintf(why, whylen, "1:1: too large");
    return -1;
  }
  xmlParserCtxtPtr ctx = xmlNewParserCtxt();
  if (!ctx) {
    snprintf(why, whylen, "1:1: out of memory");
    return -1;
  }
  /* No network, no entity substitution, no DTD loading. */
  xmlDocPtr doc = xmlCtxtReadMemory(ctx, xml, (int)len, "slide.xml", NULL,
                                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (!doc) {
    xml_why(ctx, why, whylen);
    xmlFreeParserCtxt(ctx);
    return -1;
  }
  xmlNode *root = xmlDocGetRootElement(doc);
  int found = 0;
  for (xmlNode *n = root; n && !found; n = walk_next(n, root, 1)) {
    if (!is_elem(n, "ph")) continue;
    xmlChar *type = xmlGetNoNsProp(n, (const xmlChar *)"type");
    int is_title = type && (strcmp((const char *)type, "title") == 0 ||
                            strcmp((const char *)type, "ctrTitle") == 0);
    xmlFree(type);
    if (!is_title) continue;
    xmlNode *sp = n->parent;
    while (sp && !is_elem(sp, "sp")) sp = sp->parent;
    if (!sp) continue;
    pb_buf text = PB_BUF_INIT;
    for (xmlNode *t = sp->children; t; t = walk_next(t, sp, 1)) {
      if (is_elem(t, "p") && text.len) pb_buf_putc(&text, ' ');
      if (is_elem(t, "br")) pb_buf_putc(&text, ' ');
      if (is_elem(t, "t")) gather_text(t, NULL, &text);
      if (text.len > 64 * 1024) break;
    }
    *title = pb_deck_tidy_text(a, text.data, text.len, PB_DECK_TITLE_MAX);
    found = *title != NULL;
    pb_buf_free(&text);
  }
  xmlFreeDoc(doc);
  xmlFreeParserCtxt(ctx);
  return found;
}

/* ====================================================================== */
/* HTML decks                                                              */
/* ====================================================================== */

/* Title and slide count from the parsed page. */
static void html_read_tree(pb_deck_ctx *c, pb_slide *s, xmlNode *root) {
  const char *title = NULL, *og = NULL, *h1 = NULL;
  int sections = 0;
  long marp_total = 0;
  pb_buf t = PB_BUF_INIT;
  for (xmlNode *n = root; n; n = walk_next(n, root, 1)) {
    if (n->type != XML_ELEMENT_NODE) continue;
    if (!title && is_elem(n, "title")) {
      pb_buf_reset(&t);
      gather_text(n, NULL, &t);
      title = pb_deck_tidy_text(c->lib->arena, t.data, t.len, PB_DECK_TITLE_MAX);
    } else if (!og && is_elem(n, "meta")) {
      xmlChar *prop = xmlGetProp(n, (const xmlChar *)"property");
      if (prop && strcmp((const char *)prop, "og:title") == 0) {
        xmlChar *v = xmlGetProp(n, (const xmlChar *)"content");
        if (v)
          og = pb_deck_tidy_text(c->lib->arena, (const char *)v, strlen((const char *)v),
                                 PB_DECK_TITLE_MAX);
        xmlFree(v);
      }
      xmlFree(prop);
    } else if (!h1 && is_elem(n, "h1")) {
      pb_buf_reset(&t);
      gather_text(n, NULL, &t);
      h1 = pb_deck_tidy_text(c->lib->arena, t.data, t.len, PB_DECK_TITLE_MAX);
    }
    if (is_elem(n, "section")) {
      /* libxml2's HTML 4 parser nests sections it should not (inside SVG
       * foreignObject, as Marp writes them), so every one is counted; Marp
       * also says its total on paginated slides. */
      sections++;
      xmlChar *total = xmlGetProp(n, (const xmlChar *)"data-marpit-pagination-total");
      long v = total ? strtol((const char *)total, NULL, 10) : 0;
      if (v > marp_total && v < 100000) marp_total = v;
      xmlFree(total);
    }
  }
  pb_buf_free(&t);
  s->title = title ? title : og ? og : h1;
  s->slides = marp_total > 0 ? (int)marp_total : sections;
}

/* Is there an executable browser? Returns its path (static) or NULL. Only
 * absolute directories of PATH are searched: a relative entry ("bin", ".")
 * names a folder of the library paperbook runs in, and a library could ship
 * its own executable "chromium" there. */
static const char *find_browser(void) {
  const char *env = getenv("PAPERBOOK_BROWSER");
  if (env && *env) return strcmp(env, "none") == 0 ? NULL : (access(env, X_OK) == 0 ? env : NULL);
  static const char *const names[] = {"chromium", "chromium-browser"};
  static char found[4096];
  const char *path = getenv("PATH");
  if (!path) path = "/usr/bin:/bin";
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    for (const char *p = path; *p;) {
      size_t n = strcspn(p, ":");
      if (n && p[0] == '/' && n + strlen(names[i]) + 2 < sizeof found) {
        snprintf(found, sizeof found, "%.*s/%s", (int)n, p, names[i]);
        if (access(found, X_OK) == 0) return found;
      }
      p += n + (p[n] == ':');
    }
  }
  return NULL;
}

/* ---------------------------------------------------------------------- */
/* The page's only origin: a private loopback server                       */
/* ---------------------------------------------------------------------- */

/* A deck is a stranger's page. Opened as a file: URL it could show any file
 * the user can read (<iframe src="file:///etc/passwd">, <img>, CSS url(),
 * a meta refresh) in its screenshot, which becomes its thumbnail in the
 * PDF. So the browser never sees a file: URL: the deck's bytes are served
 * from memory by a child process on 127.0.0.1 at an ephemeral port, under a
 * random path, with a Content-Security-Policy that lets the page load
 * nothing but inline styles and data: images and fonts, and sandboxes it
 * (no scripts, no forms, no meta refresh). A page from an http origin may
 * not load file: URLs at all; every other host is unresolvable and every
 * other address (other loopback ports included) goes to a closed proxy. */
#define PB_DECK_CSP                                                                                \
  "default-src 'none'; style-src 'unsafe-inline' data:; img-src data:; font-src data:; "           \
  "media-src data:; form-action 'none'; base-uri 'none'; sandbox"

typedef struct {
  int fd;         /* listening socket, -1 when none */
  int port;       /* its port */
  pid_t pid;      /* the serving process */
  char token[33]; /* the random first part of the page's path */
} deck_server;

static int write_all(int fd, const char *p, size_t n) {
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Answers one request on connection c: the page at /TOKEN/deck.html,
 * 404 for anything else. */
static void serve_request(int c, const deck_server *srv, const pb_buf *page) {
  struct timeval tv = {5, 0};
  setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  char req[8192];
  size_t n = 0;
  while (n < sizeof req - 1) {
    ssize_t r = read(c, req + n, sizeof req - 1 - n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    n += (size_t)r;
    req[n] = 0;
    if (strstr(req, "\r\n\r\n")) break;
  }
  req[n] = 0;
  char want[80];
  snprintf(want, sizeof want, "GET /%s/deck.html ", srv->token);
  int ok = strncmp(req, want, strlen(want)) == 0;
  char head[1024];
  int hl = snprintf(head, sizeof head,
                    "HTTP/1.1 %s\r\nContent-Type: text/html\r\nContent-Length: %zu\r\n"
                    "Content-Security-Policy: " PB_DECK_CSP "\r\n"
                    "X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n"
                    "Connection: close\r\n\r\n",
                    ok ? "200 OK" : "404 Not Found", ok ? page->len : (size_t)0);
  if (hl > 0 && (size_t)hl < sizeof head && write_all(c, head, (size_t)hl) == 0 && ok)
    write_all(c, page->data ? page->data : "", page->len);
  shutdown(c, SHUT_WR);
  close(c);
}

/* Starts serving page on 127.0.0.1 (a process of its own, which gives up by
 * itself after life seconds). Returns 0, or -1 with the reason in why. */
static int server_start(deck_server *srv, const pb_buf *page, double life, char *why,
                        size_t whylen) {
  srv->fd = -1;
  srv->pid = -1;
  unsigned char rnd[16];
  int rfd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  ssize_t got = rfd >= 0 ? read(rfd, rnd, sizeof rnd) : -1;
  if (rfd >= 0) close(rfd);
  if (got != (ssize_t)sizeof rnd) {
    snprintf(why, whylen, "cannot read /dev/urandom");
    return -1;
  }
  for (size_t i = 0; i < sizeof rnd; i++) snprintf(srv->token + 2 * i, 3, "%02x", rnd[i]);
  srv->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t alen = sizeof a;
  if (srv->fd < 0 || bind(srv->fd, (struct sockaddr *)&a, sizeof a) != 0 ||
      listen(srv->fd, 16) != 0 || getsockname(srv->fd, (struct sockaddr *)&a, &alen) != 0) {
    snprintf(why, whylen, "cannot serve the page on 127.0.0.1: %s", strerror(errno));
    if (srv->fd >= 0) close(srv->fd);
    srv->fd = -1;
    return -1;
  }
  srv->port = ntohs(a.sin_port);
  fflush(NULL);
  srv->pid = fork();
  if (srv->pid < 0) {
    snprintf(why, whylen, "cannot start a process: %s", strerror(errno));
    close(srv->fd);
    srv->fd = -1;
    return -1;
  }
  if (srv->pid == 0) {
    setpgid(0, 0);
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) { /* never holding paperbook's output open */
      dup2(null, 0);
      dup2(null, 1);
      dup2(null, 2);
      if (null > 2) close(null);
    }
    signal(SIGCHLD, SIG_IGN); /* connection processes reap themselves */
    alarm((unsigned)life + 10);
    for (;;) {
      int c = accept(srv->fd, NULL, NULL);
      if (c < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        _exit(1);
      }
      /* each connection in a process of its own: an idle one (a
       * browser's preconnect) does not hold up the page's request */
      pid_t w = fork();
      if (w == 0) {
        close(srv->fd);
        serve_request(c, srv, page);
        _exit(0);
      }
      close(c);
    }
  }
  setpgid(srv->pid, srv->pid);
  return 0;
}

static void server_stop(deck_server *srv) {
  if (srv->pid > 0) {
    kill(-srv->pid, SIGKILL);
    kill(srv->pid, SIGKILL);
    waitpid(srv->pid, NULL, 0);
  }
  if (srv->fd >= 0) close(srv->fd);
  srv->pid = -1;
  srv->fd = -1;
}

typedef struct {
  const char *browser, *profile, *shot, *url;
  int port; /* of the page's server: the one address that bypasses the closed proxy */
} browser_job;

static int browser_child(void *arg, int out_fd) {
  const browser_job *j = arg;
  (void)out_fd;
  char shot[4200], profile[4200], bypass[80];
  snprintf(shot, sizeof shot, "--screenshot=%s", j->shot);
  snprintf(profile, sizeof profile, "--user-data-dir=%s", j->profile);
  snprintf(bypass, sizeof bypass, "--proxy-bypass-list=<-loopback>;127.0.0.1:%d", j->port);
  /* No network: every host name resolves to nothing, and every address
   * but the page's own server (other loopback ports included: the implicit
   * loopback bypass is taken away) goes to a closed local proxy. No
   * sandbox: it needs user namespaces, which a root or container run lacks;
   * the profile is throwaway and the page is confined by the policy its
   * server sends. */
  execl(j->browser, j->browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-extensions", "--disable-background-networking", "--disable-sync",
        "--disable-component-update", "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--proxy-server=127.0.0.1:9",
        bypass, "--virtual-time-budget=3000", "--window-size=1280,720", profile, shot, j->url,
        (char *)NULL);
  return 1;
}

static cairo_status_t png_to_buf(void *closure, const unsigned char *data, unsigned int len) {
  pb_buf_append(closure, data, len);
  return CAIRO_STATUS_SUCCESS;
}

/* Scales a screenshot PNG down to PB_DECK_THUMB_PX wide, as PNG bytes. */
static int shrink_png(const char *file, pb_buf *out) {
  pb_ctx_at_free(dl.cairo_debug_reset_static_data); /* cairo's caches, at the end of the run */
  cairo_surface_t *src = dl.cairo_image_surface_create_from_png(file);
  if (dl.cairo_surface_status(src) != CAIRO_STATUS_SUCCESS) {
    dl.cairo_surface_destroy(src);
    return -1;
  }
  int w = dl.cairo_image_surface_get_width(src), h = dl.cairo_image_surface_get_height(src);
  int rc = -1;
  if (w > 0 && h > 0 && w <= 8192 && h <= 8192) {
    double scale = (double)PB_DECK_THUMB_PX / w;
    int th = (int)(h * scale + 0.5);
    if (th < 1) th = 1;
    cairo_surface_t *dst = dl.cairo_image_surface_create(CAIRO_FORMAT_RGB24, PB_DECK_THUMB_PX, th);
    cairo_t *cr = dl.cairo_create(dst);
    dl.cairo_set_source_rgb(cr, 1, 1, 1);
    dl.cairo_paint(cr);
    dl.cairo_scale(cr, scale, scale);
    dl.cairo_set_source_surface(cr, src, 0, 0);
    dl.cairo_pattern_set_filter(dl.cairo_get_source(cr), CAIRO_FILTER_GOOD);
    dl.cairo_paint(cr);
    dl.cairo_destroy(cr);
    if (dl.cairo_surface_write_to_png_stream(dst, png_to_buf, out) == CAIRO_STATUS_SUCCESS) rc = 0;
    dl.cairo_surface_destroy(dst);
  }
  dl.cairo_surface_destroy(src);
  return rc;
}

/* Removes the throwaway browser directory (profile and screenshot). */
static void remove_tree(const char *dir) {
  pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/rm", "rm", "-rf", "--", dir, (char *)NULL);
    _exit(127);
  }
  if (pid > 0) waitpid(pid, NULL, 0);
}

/* The thumbnail of an HTML deck from a browser screenshot of the page
 * alone, served from a private loopback origin (see deck_server). The
 * result is kept by the deck's content hash, so a deck is shot once. */
static void html_thumbnail(pb_deck_ctx *c, pb_slide *s, const char *file, const pb_buf *page) {
  const char *browser = c->no_browser ? NULL : find_browser();
  if (!browser) {
    s->note = "no thumbnail: no headless browser (chromium) installed";
    return;
  }
  if (!thumb_dir_ready(c, file)) return;
  /* "htmlsht3": shots taken from a file: URL (before the page was served
   * confined) are not reused */
  pb_buf key = PB_BUF_INIT, kept = PB_BUF_INIT;
  render_key("htmlsht3", page->data, page->len, &key);
  if (pb_store_get(c->thumb_dir, "html", key.data, key.len, ".png", PB_DECK_SHOT_MAX, &kept) == 0 &&
      is_png(&kept))
    s->thumbnail = pb_deck_store_thumbnail(c, file, kept.data, kept.len, "png");
  pb_buf_free(&kept);
  if (s->thumbnail) {
    pb_buf_free(&key);
    return;
  }
  char *dir = temp_path(c, "browser", 1);
  if (!dir) {
    pb_deck_warn(c, file, "no thumbnail: cannot make a directory in %s: %s", c->thumb_dir,
                 strerror(errno));
    s->note = "no thumbnail: the browser could not render it";
    pb_buf_free(&key);
    return;
  }
  pb_buf profile = PB_BUF_INIT, shot = PB_BUF_INIT, url = PB_BUF_INIT;
  pb_buf_printf(&profile, "%s/profile", dir);
  pb_buf_printf(&shot, "%s/shot.png", dir);
  char why[160] = "";
  double t = deck_timeout(c, PB_DECK_BROWSER_TIMEOUT);
  deck_server srv;
  if (make_dirs(profile.data) != 0) {
    snprintf(why, sizeof why, "cannot write %s: %s", dir, strerror(errno));
  } else if (server_start(&srv, page, t, why, sizeof why) == 0) {
    pb_buf_printf(&url, "http://127.0.0.1:%d/%s/deck.html", srv.port, srv.token);
    browser_job j = {browser, profile.data, shot.data, url.data, srv.port};
    pb_buf out = PB_BUF_INIT;
    int ran = run_child(browser_child, &j, t, 0, &out, why, sizeof why);
    server_stop(&srv);
    if (ran == 0) {
      pb_buf png = PB_BUF_INIT;
      struct stat sb;
      const char *unloaded = NULL;
      if (stat(shot.data, &sb) != 0 || (size_t)sb.st_size > PB_DECK_SHOT_MAX)
        snprintf(why, sizeof why, "the browser wrote no screenshot");
      else if ((unloaded = dl_load()))
        snprintf(why, sizeof why, "%.150s", unloaded);
      else if (shrink_png(shot.data, &png) != 0)
        snprintf(why, sizeof why, "the browser's screenshot is not a readable PNG");
      else if ((s->thumbnail = pb_deck_store_thumbnail(c, file, png.data, png.len, "png")))
        /* a cache: a failed write costs a shot next time */
        pb_store_put(c->thumb_dir, "html", key.data, key.len, ".png", png.data, png.len);
      else
        snprintf(why, sizeof why, "cannot write to %s", c->thumb_dir);
      pb_buf_free(&png);
    }
    pb_buf_free(&out);
  }
  if (!s->thumbnail) {
    pb_deck_warn(c, file, "no thumbnail from %s: %s", browser, why);
    s->note = "no thumbnail: the browser could not render it";
  }
  remove_tree(dir);
  free(dir);
  pb_buf_free(&profile);
  pb_buf_free(&shot);
  pb_buf_free(&url);
  pb_buf_free(&key);
}

void pb_deck_read_html(pb_deck_ctx *c, pb_slide *s, const char *file) {
  pb_buf page = PB_BUF_INIT;
  int rc = pb_read_file(file, PB_DECK_HTML_MAX, &page);
  if (rc == PB_ELIMIT) {
    pb_deck_warn(c, file,
                 "HTML deck larger than %zu MB; listed without title, slide count or thumbnail",
                 PB_DECK_HTML_MAX >> 20);
    s->note = "too large to read";
  } else if (rc != PB_OK) {
    pb_deck_warn(c, file, "cannot read the HTML deck: %s", strerror(errno));
    s->note = "unreadable";
  } else {
    htmlParserCtxtPtr ctx = htmlNewParserCtxt();
    htmlDocPtr doc = ctx ? htmlCtxtReadMemory(ctx, page.data, (int)page.len, "deck.html", NULL,
                                              HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                                                  HTML_PARSE_NOWARNING | HTML_PARSE_RECOVER)
                         : NULL;
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!root) {
      char why[200];
      xml_why(ctx, why, sizeof why);
      pb_deck_warn(c, file, "not readable as HTML (%s); listed without title or slide count", why);
      s->note = "unreadable HTML";
    } else {
      html_read_tree(c, s, root);
      html_thumbnail(c, s, file, &page);
    }
    if (doc) xmlFreeDoc(doc);
    if (ctx) htmlFreeParserCtxt(ctx);
  }
  pb_buf_free(&page);
}
