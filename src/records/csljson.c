/* CSL-JSON in (json-c), and the JSON record shape Crossref shares with it
 * (see bibtex.h); the writer is export/csljson_write.c. */
#include <ctype.h>
#include <json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bibtex.h"
#include "diag.h"
#include "entities.h"
#include "read.h"
#include "utf8.h"

/* The largest nesting json-c is allowed (CSL and Crossref need about 6). */
#define JSON_DEPTH 32
/* json-c spends some 100 to 700 bytes on every array and object: 15 MB of
 * "[[],[]]" took 1.9 GB. A CSL-JSON file is read one item at a time, and
 * an item (or a whole API answer) with more arrays and objects than this is
 * not handed to json-c (a paper with 3,000 authors has about 3,000). */
#define JSON_MAX_CONTAINERS 20000
/* The same for a whole answer of a scholarly API (at most 4 MB; a search
 * answer holds several works with their reference lists). */
#define JSON_MAX_CONTAINERS_ANSWER 200000
/* Items read from one CSL-JSON file; the rest are left with a warning. */
#define CSL_MAX_ITEMS 100000
/* Items that are not objects are each a warning, up to this many. */
#define CSL_MAX_ITEM_WARNINGS 10

/* A string member, or the first string of an array member (Crossref gives
 * "title": ["..."]); NULL otherwise. */
static const char *str_or_first(struct json_object *o, const char *name) {
  struct json_object *v;
  if (!json_object_object_get_ex(o, name, &v)) return NULL;
  if (json_object_is_type(v, json_type_array)) {
    if (json_object_array_length(v) == 0) return NULL;
    v = json_object_array_get_idx(v, 0);
  }
  return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

char *pb_bib_clean_text(const char *s) {
  pb_buf b = PB_BUF_INIT;
  pb_buf_puts(&b, "");
  int space = 0;
  for (const char *p = s; *p; p++) {
    if (*p == '<') {
      const char *e = strchr(p, '>');
      if (e && e - p < 80) {
        p = e;
        space = b.len > 0;
        continue;
      }
    }
    if (*p == '&') {
      uint32_t cp;
      size_t n = pb_entity_read(p, strnlen(p, 64), 0, &cp);
      if (n && pb_entity_text_char(cp)) {
        if (space) pb_buf_putc(&b, ' ');
        space = 0;
        pb_utf8_put(&b, cp);
        p += n - 1;
        continue;
      }
    }
    if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') {
      space = b.len > 0;
      continue;
    }
    if (space) pb_buf_putc(&b, ' ');
    space = 0;
    pb_buf_putc(&b, *p);
  }
  pb_buf c = PB_BUF_INIT;
  pb_utf8_clean(b.data, b.len, &c, NULL);
  pb_buf_free(&b);
  if (!c.data) pb_buf_puts(&c, "");
  return pb_buf_detach(&c);
}

static const char *arena_clean(pb_arena *a, const char *s) {
  if (!s) return NULL;
  char *c = pb_bib_clean_text(s);
  const char *r = *c ? pb_arena_strdup(a, c) : NULL;
  free(c);
  return r;
}

/* The year of "issued" ({"date-parts": [[2020, 5]]} or {"raw": "2020"}),
 * else of "published" / "published-print" / "created" (Crossref). */
static int item_year(struct json_object *o) {
  static const char *const names[] = {"issued", "published", "published-print", "published-online"};
  for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
    struct json_object *d, *parts;
    if (!json_object_object_get_ex(o, names[k], &d) || !json_object_is_type(d, json_type_object))
      continue;
    if (json_object_object_get_ex(d, "date-parts", &parts) &&
        json_object_is_type(parts, json_type_array) && json_object_array_length(parts) > 0) {
      struct json_object *first = json_object_array_get_idx(parts, 0);
      if (json_object_is_type(first, json_type_array) && json_object_array_length(first) > 0) {
        struct json_object *y = json_object_array_get_idx(first, 0);
        int v = 0;
        if (json_object_is_type(y, json_type_int))
          v = (int)json_object_get_int64(y);
        else if (json_object_is_type(y, json_type_string))
          v = atoi(json_object_get_string(y));
        if (v >= 1000 && v <= 2999) return v;
      }
    }
    const char *raw = str_or_first(d, "raw");
    if (raw && atoi(raw) >= 1000 && atoi(raw) <= 2999) return atoi(raw);
  }
  return 0;
}

/* Whether a name part is written in Han, kana or hangul (then family
 * name first, no blank). */
static int cjk_name(const char *s) {
  uint32_t cp;
  return *s && pb_utf8_decode(s, strlen(s), &cp) > 0 && pb_is_cjk(cp);
}

static void item_authors(struct json_object *o, pb_biblist *l, pb_bibrec *r) {
  struct json_object *arr;
  if (!json_object_object_get_ex(o, "author", &arr) || !json_object_is_type(arr, json_type_array))
    return;
  size_t n = json_object_array_length(arr);
  for (size_t i = 0; i < n && i < 10000; i++) {
    struct json_object *a = json_object_array_get_idx(arr, i);
    if (!json_object_is_type(a, json_type_object)) continue;
    const char *lit = str_or_first(a, "literal");
    if (!lit) lit = str_or_first(a, "name"); /* Crossref: an organisation */
    const char *given = str_or_first(a, "given"), *family = str_or_first(a, "family");
    pb_buf b = PB_BUF_INIT;
    if (lit) {
      pb_buf_puts(&b, lit);
    } else if (given && family && cjk_name(given) && cjk_name(family)) {
      pb_buf_printf(&b, "%s%s", family, given); /* 张 + 雪松: 张雪松 */
    } else {
      if (given) pb_buf_puts(&b, given);
      if (family) pb_buf_printf(&b, "%s%s", b.len ? " " : "", family);
    }
    if (b.len) {
      char *c = pb_bib_clean_text(b.data);
      pb_bibrec_add_author(l, r, c);
      free(c);
    }
    pb_buf_free(&b);
  }
}

void pb_csl_item_record(struct json_object *o, pb_biblist *l, pb_bibrec *r) {
  pb_arena *a = l->arena;
  r->title = arena_clean(a, str_or_first(o, "title"));
  item_authors(o, l, r);
  r->venue = arena_clean(a, str_or_first(o, "container-title"));
  if (!r->venue) r->venue = arena_clean(a, str_or_first(o, "event-title"));
  r->year = item_year(o);
  const char *doi = str_or_first(o, "DOI");
  if (!doi) doi = str_or_first(o, "doi");
  if (doi && strstr(doi, "10.")) r->doi = arena_clean(a, strstr(doi, "10."));
  const char *url = str_or_first(o, "URL");
  if (url) {
    r->url = arena_clean(a, url);
    pb_link_ids ids;
    pb_link_ids_parse(url, &ids);
    if (ids.arxiv) r->arxiv = pb_arena_strdup(a, ids.arxiv);
    if (ids.doi && !r->doi) r->doi = pb_arena_strdup(a, ids.doi);
    pb_link_ids_free(&ids);
  }
  r->abstract = arena_clean(a, str_or_first(o, "abstract"));
  const char *type = str_or_first(o, "type");
  if (type) r->type = pb_arena_strdup(a, type);
  const char *id = str_or_first(o, "id");
  if (id) r->key = pb_arena_strdup(a, id);
}

/* file:line:col of byte offset off in text. */
static void offset_position(const char *text, size_t off, int *line, int *col) {
  *line = 1;
  *col = 1;
  for (size_t i = 0; i < off; i++) {
    if (text[i] == '\n') {
      (*line)++;
      *col = 1;
    } else {
      (*col)++;
    }
  }
}

/* Scans the JSON value that starts at text[i] (after blanks): strings
 * with their escapes, brackets nested. *end gets the offset just past it,
 * *containers the arrays and objects in it; *line counts the line breaks
 * passed. Returns 0, or -1 at the offset *end where it is malformed or the
 * text ends (the parser proper says why). */
static int scan_value(const char *text, size_t len, size_t i, size_t *end, size_t *containers,
                      int *line) {
  size_t depth = 0;
  *containers = 0;
  for (;;) {
    if (i >= len) {
      *end = len;
      return -1;
    }
    char c = text[i];
    if (c == '"') {
      for (i++; i < len && text[i] != '"'; i++) {
        if (text[i] == '\\')
          i++;
        else if (text[i] == '\n')
          (*line)++;
      }
      if (i >= len) {
        *end = len;
        return -1;
      }
      i++;
      if (depth == 0) break;
      continue;
    }
    if (c == '[' || c == '{') {
      depth++;
      (*containers)++;
    } else if (c == ']' || c == '}') {
      if (depth == 0) {
        *end = i;
        return -1;
      }
      if (--depth == 0) {
        i++;
        break;
      }
    } else if (depth == 0 && (c == ',' || isspace((unsigned char)c))) {
      break; /* the end of a number, true, false or null */
    }
    if (c == '\n') (*line)++;
    i++;
  }
  *end = i;
  return 0;
}

/* Parses text[0..len) with json-c; NULL with "line:col: reason" in err,
 * positions counted from base (the start of the whole text) when given. */
static struct json_object *json_parse_at(const char *base, size_t off, const char *text, size_t len,
                                         char *err, size_t errlen) {
  struct json_tokener *tok = json_tokener_new_ex(JSON_DEPTH);
  if (!tok) {
    pb_errf(err, errlen, "out of memory (json-c)");
    return NULL;
  }
  struct json_object *o =
      len > 0 && len < (size_t)0x7fffffff ? json_tokener_parse_ex(tok, text, (int)len) : NULL;
  enum json_tokener_error jerr = json_tokener_get_error(tok);
  size_t end = json_tokener_get_parse_end(tok);
  /* Only blanks may follow the value. */
  int trailing = 0;
  for (size_t i = end; o && i < len; i++)
    if (!isspace((unsigned char)text[i])) trailing = 1;
  if (!o || jerr != json_tokener_success || trailing) {
    int line, col;
    offset_position(base, off + (end < len ? end : len), &line, &col);
    const char *why = len == 0                        ? "empty"
                      : trailing                      ? "text after the value"
                      : jerr == json_tokener_success  ? "unexpected end"
                      : jerr == json_tokener_continue ? "unexpected end"
                                                      : json_tokener_error_desc(jerr);
    pb_errf(err, errlen, "%d:%d: %s", line, col, why);
    if (o) json_object_put(o);
    o = NULL;
  }
  json_tokener_free(tok);
  return o;
}

struct json_object *pb_json_parse(const char *text, size_t len, char *err, size_t errlen) {
  size_t i = 0, end = 0, containers = 0;
  int line = 1;
  while (i < len && isspace((unsigned char)text[i])) i++;
  if (i < len && scan_value(text, len, i, &end, &containers, &line) == 0 &&
      containers > JSON_MAX_CONTAINERS_ANSWER) {
    pb_errf(err, errlen, "1:1: more than %d arrays and objects; not read",
            JSON_MAX_CONTAINERS_ANSWER);
    return NULL;
  }
  return json_parse_at(text, 0, text, len, err, errlen);
}

static void csl_syntax_error(const char *file, const char *err) {
  int line = 0, col = 0, off = 0;
  if (sscanf(err, "%d:%d: %n", &line, &col, &off) < 2) off = 0;
  pb_diag(PB_DIAG_ERROR, file, line, col, "not valid CSL-JSON: %s", err + off);
}

/* One item of a CSL-JSON file, text[start..end) on line line. Returns 1
 * when a record was added, 0 when the item was left (a warning), -1 on a
 * syntax error (reported). */
static int csl_item(const char *text, size_t start, size_t end, size_t containers, int line,
                    size_t nth, const char *file, const char *source, pb_biblist *list,
                    size_t *not_objects) {
  if (text[start] != '{') {
    if (!strchr("[\"-0123456789tfn", text[start])) {
      char err[64];
      int l, c;
      offset_position(text, start, &l, &c);
      pb_errf(err, sizeof err, "%d:%d: unexpected character", l, c);
      csl_syntax_error(file, err);
      return -1;
    }
    if (++*not_objects <= CSL_MAX_ITEM_WARNINGS)
      pb_warn(file, line, "item %zu is not an object; ignored", nth);
    return 0;
  }
  if (containers > JSON_MAX_CONTAINERS) {
    pb_warn(file, line, "item %zu has more than %d arrays and objects; ignored", nth,
            JSON_MAX_CONTAINERS);
    return 0;
  }
  char err[256];
  struct json_object *it = json_parse_at(text, start, text + start, end - start, err, sizeof err);
  if (!it) {
    csl_syntax_error(file, err);
    return -1;
  }
  pb_bibrec *r = pb_biblist_add(list, source, file, line);
  pb_csl_item_record(it, list, r);
  if (!r->title) pb_warn(file, line, "item %zu has no title; it cannot be matched", nth);
  json_object_put(it);
  return 1;
}

/* CSL-JSON is read one item at a time (json-c sees one item, never the
 * whole file), at most CSL_MAX_ITEMS of them. */
int pb_csljson_parse(const char *text, size_t len, const char *file, const char *source,
                     pb_biblist *list) {
  size_t before = list->n, i = 0;
  int line = 1;
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) i = 3;
  for (; i < len && isspace((unsigned char)text[i]); i++)
    if (text[i] == '\n') line++;
  if (i >= len || (text[i] != '[' && text[i] != '{')) {
    /* not an array nor an object: json-c says what it is instead */
    char err[256];
    struct json_object *root = len - i < 4096 ? pb_json_parse(text, len, err, sizeof err) : NULL;
    if (!root && len - i >= 4096) pb_errf(err, sizeof err, "1:1: not an array of items");
    if (!root) {
      csl_syntax_error(file, err);
      return -1;
    }
    json_object_put(root);
    pb_error(file, 1, "CSL-JSON should be an array of items");
    return 0;
  }
  size_t end, containers, not_objects = 0, nth = 0;
  if (text[i] == '{') { /* one item */
    int l0 = line;
    if (scan_value(text, len, i, &end, &containers, &line) != 0) end = len;
    int rc = csl_item(text, i, end, containers, l0, 1, file, source, list, &not_objects);
    if (rc >= 0) {
      size_t k = end;
      while (k < len && isspace((unsigned char)text[k])) k++;
      if (k < len) {
        char err[64];
        int l, c;
        offset_position(text, k, &l, &c);
        pb_errf(err, sizeof err, "%d:%d: text after the value", l, c);
        csl_syntax_error(file, err);
        rc = -1;
      }
    }
    if (rc < 0) list->n = before;
    return rc < 0 ? -1 : (int)(list->n - before);
  }
  i++; /* '[' */
  int rc = 0;
  for (;;) {
    for (; i < len && isspace((unsigned char)text[i]); i++)
      if (text[i] == '\n') line++;
    if (i < len && text[i] == ']' && nth == 0) {
      i++;
      break;
    }
    if (nth == CSL_MAX_ITEMS) {
      pb_warn(file, line, "more than %d items; the rest are not read", CSL_MAX_ITEMS);
      break;
    }
    nth++;
    int l0 = line;
    if (i >= len || scan_value(text, len, i, &end, &containers, &line) != 0) {
      char err[64];
      int l, c;
      offset_position(text, i < len ? end : len, &l, &c);
      pb_errf(err, sizeof err, "%d:%d: %s", l, c,
              i < len && end < len ? "unexpected character" : "unexpected end");
      csl_syntax_error(file, err);
      rc = -1;
      break;
    }
    if (csl_item(text, i, end, containers, l0, nth, file, source, list, &not_objects) < 0) {
      rc = -1;
      break;
    }
    i = end;
    for (; i < len && isspace((unsigned char)text[i]); i++)
      if (text[i] == '\n') line++;
    if (i < len && text[i] == ',') {
      i++;
      continue;
    }
    if (i < len && text[i] == ']') {
      i++;
      break;
    }
    char err[64];
    int l, c;
    offset_position(text, i, &l, &c);
    pb_errf(err, sizeof err, "%d:%d: %s", l, c, i < len ? "expected ',' or ']'" : "unexpected end");
    csl_syntax_error(file, err);
    rc = -1;
    break;
  }
  if (rc == 0 && nth <= CSL_MAX_ITEMS) {
    size_t k = i;
    while (k < len && isspace((unsigned char)text[k])) k++;
    if (k < len && nth < CSL_MAX_ITEMS) {
      char err[64];
      int l, c;
      offset_position(text, k, &l, &c);
      pb_errf(err, sizeof err, "%d:%d: text after the value", l, c);
      csl_syntax_error(file, err);
      rc = -1;
    }
  }
  if (not_objects > CSL_MAX_ITEM_WARNINGS)
    pb_warn(file, 0, "%zu more items are not objects; ignored",
            not_objects - CSL_MAX_ITEM_WARNINGS);
  if (rc < 0) {
    list->n = before;
    return -1;
  }
  return (int)(list->n - before);
}
