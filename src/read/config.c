#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "diag.h"
#include "links.h"
#include "yamlguard.h"

typedef struct {
  const char *key;
  size_t offset; /* of a const char * in pb_config */
} str_key;

#define STRKEY(k, f)                                                                               \
  { k, offsetof(pb_config, f) }
static const str_key str_keys[] = {
    STRKEY("title", title),       STRKEY("group", group),         STRKEY("semester", semester),
    STRKEY("author", author),     STRKEY("page_size", page_size), STRKEY("output", output),
    STRKEY("group_by", group_by), STRKEY("order", order),         STRKEY("base_url", base_url),
    STRKEY("repo_url", repo_url), STRKEY("minutes", minutes),     STRKEY("lang", lang),
};
static const str_key font_keys[] = {
    STRKEY("body", font_text),         STRKEY("heading", font_sans),
    STRKEY("text", font_text),         STRKEY("sans", font_sans),
    STRKEY("mono", font_mono),         STRKEY("cjk_text", font_cjk_text),
    STRKEY("cjk_sans", font_cjk_sans), STRKEY("symbol", font_symbol),
};

static const str_key mail_keys[] = {
    STRKEY("from", mail_from),
    STRKEY("subject", mail_subject),
    STRKEY("booklet_url", mail_booklet_url),
};

/* Where the login goes and with what: the user's settings only (the
 * command line, PAPERBOOK_SMTP*), never a library's, which could name its
 * own server, a CA of its own or another variable (GITHUB_TOKEN) as the
 * password, and so take the secret. */
static const struct {
  const char *key, *instead;
} user_only_mail_keys[] = {
    {"server", "--smtp URL or PAPERBOOK_SMTP"},
    {"user", "--smtp-user NAME or PAPERBOOK_SMTP_USER"},
    {"password_env", "PAPERBOOK_SMTP_PASSWORD or ~/.netrc"},
    {"ca_file", "--smtp-ca FILE or PAPERBOOK_SMTP_CA"},
};

static int user_only_mail_key(const pb_config *cfg, const char *key, int line) {
  for (size_t i = 0; i < sizeof user_only_mail_keys / sizeof *user_only_mail_keys; i++)
    if (strcmp(key, user_only_mail_keys[i].key) == 0) {
      pb_warn(cfg->path, line,
              "mail '%s' is not read from a library's paperbook.yml (it could send your "
              "password elsewhere); ignored: use %s",
              key, user_only_mail_keys[i].instead);
      return 1;
    }
  return 0;
}

static const char *scalar(yaml_node_t *n) {
  return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int set_str(pb_config *cfg, const str_key *keys, size_t nkeys, const char *key,
                   yaml_node_t *v) {
  for (size_t i = 0; i < nkeys; i++) {
    if (strcmp(keys[i].key, key) != 0) continue;
    const char *s = scalar(v);
    if (!s) {
      pb_warn(cfg->path, (int)v->start_mark.line + 1, "'%s' should be a text value; ignored", key);
      return 1;
    }
    *(const char **)((char *)cfg + keys[i].offset) = pb_arena_strdup(cfg->arena, s);
    return 1;
  }
  return 0;
}

/* base_url and repo_url make links of every library file: they must pass
 * the link policy as http or https URLs, or they are not used. */
static void check_url_key(pb_config *cfg, const char *key, int line) {
  const char **slot = strcmp(key, "base_url") == 0   ? &cfg->base_url
                      : strcmp(key, "repo_url") == 0 ? &cfg->repo_url
                                                     : NULL;
  if (!slot || !*slot) return;
  pb_links_verdict v;
  pb_links_judge(*slot, strlen(*slot), &v);
  if (v.cls != PB_LINKS_WEB || strncmp(v.clean, "http", 4) != 0)
    pb_warn(cfg->path, line, "'%s' should be an http or https URL; ignored", key);
  *slot = v.cls == PB_LINKS_WEB ? pb_arena_strdup(cfg->arena, v.clean) : NULL;
  pb_links_verdict_free(&v);
}

static void read_list(pb_config *cfg, yaml_document_t *doc, yaml_node_t *v, const char *key,
                      const char ***items, size_t *n, size_t *cap) {
  if (scalar(v)) {
    *PB_PUSH(cfg->arena, *items, *n, *cap) = pb_arena_strdup(cfg->arena, scalar(v));
    return;
  }
  if (v->type != YAML_SEQUENCE_NODE) {
    pb_warn(cfg->path, (int)v->start_mark.line + 1, "'%s' should be a list; ignored", key);
    return;
  }
  for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
    yaml_node_t *item = yaml_document_get_node(doc, *it);
    const char *s = scalar(item);
    if (!s) {
      pb_warn(cfg->path, (int)item->start_mark.line + 1, "an item of '%s' should be text; ignored",
              key);
      continue;
    }
    *PB_PUSH(cfg->arena, *items, *n, *cap) = pb_arena_strdup(cfg->arena, s);
  }
}

/* The lines of the items read_list just added (items[before..n)), into
 * *lines (grown in the arena to n). */
static void list_lines(pb_config *cfg, yaml_document_t *doc, yaml_node_t *v, size_t before,
                       size_t n, int **lines) {
  int *l = pb_arena_alloc(cfg->arena, (n ? n : 1) * sizeof *l);
  if (*lines && before) memcpy(l, *lines, before * sizeof *l);
  *lines = l;
  size_t k = before;
  if (v->type == YAML_SEQUENCE_NODE) {
    for (yaml_node_item_t *it = v->data.sequence.items.start;
         it < v->data.sequence.items.top && k < n; it++) {
      yaml_node_t *item = yaml_document_get_node(doc, *it);
      if (scalar(item)) l[k++] = (int)item->start_mark.line + 1;
    }
  }
  while (k < n) l[k++] = (int)v->start_mark.line + 1;
}

/* The mail: block. A password here is refused without being echoed. */
static void read_mail(pb_config *cfg, yaml_document_t *doc, yaml_node_t *v, int line) {
  if (v->type != YAML_MAPPING_NODE) {
    pb_warn(cfg->path, line, "'mail' should be a mapping (from: ..., to: [...]); ignored");
    return;
  }
  for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top; q++) {
    yaml_node_t *mk = yaml_document_get_node(doc, q->key);
    yaml_node_t *mv = yaml_document_get_node(doc, q->value);
    const char *mkey = scalar(mk);
    int mline = (int)mk->start_mark.line + 1;
    if (mkey && set_str(cfg, mail_keys, sizeof mail_keys / sizeof *mail_keys, mkey, mv)) continue;
    if (mkey && user_only_mail_key(cfg, mkey, mline)) continue;
    if (mkey && strcmp(mkey, "to") == 0)
      read_list(cfg, doc, mv, "to", &cfg->mail_to, &cfg->nmail_to, &cfg->capmail_to);
    else if (mkey && strcmp(mkey, "cc") == 0)
      read_list(cfg, doc, mv, "cc", &cfg->mail_cc, &cfg->nmail_cc, &cfg->capmail_cc);
    else if (mkey && strcmp(mkey, "timeout") == 0) {
      const char *s = scalar(mv);
      char *end = NULL;
      long t = s ? strtol(s, &end, 10) : 0;
      if (!s || end == s || *end || t < 1 || t > 3600)
        pb_warn(cfg->path, mline, "'timeout' should be seconds from 1 to 3600; ignored");
      else
        cfg->mail_timeout = (int)t;
    } else if (mkey && strcmp(mkey, "password") == 0)
      /* a warning like every ignored setting: an error means exit 1 */
      pb_warn(cfg->path, mline,
              "a password is never read from paperbook.yml (ignored): set "
              "PAPERBOOK_SMTP_PASSWORD or use ~/.netrc");
    else
      pb_warn(cfg->path, mline,
              "unknown mail setting '%s' (known: from, to, cc, subject, booklet_url, "
              "timeout); ignored",
              mkey ? mkey : "?");
  }
}

/* The `enrich:` mapping: mailto (text); interval, timeout, deadline
 * (seconds), cache_max_mb, retries (numbers). arxiv_api and crossref_api
 * are the user's (PAPERBOOK_ARXIV_API, PAPERBOOK_CROSSREF_API): a library
 * naming the server would send requests to any host, the intranet's too. */
static void read_enrich(pb_config *cfg, yaml_document_t *doc, yaml_node_t *v, int line) {
  static const str_key keys[] = {STRKEY("mailto", enrich_mailto)};
  static const struct {
    const char *key;
    size_t offset; /* of a double */
    double max;    /* the most a library may set (0: no bound) */
  } nums[] = {{"interval", offsetof(pb_config, enrich_interval), PB_CONFIG_ENRICH_INTERVAL_MAX},
              {"timeout", offsetof(pb_config, enrich_timeout), PB_CONFIG_ENRICH_TIMEOUT_MAX},
              {"deadline", offsetof(pb_config, enrich_deadline), PB_CONFIG_ENRICH_DEADLINE_MAX},
              {"cache_max_mb", offsetof(pb_config, enrich_cache_mb), 0}};
  cfg->enrich_line = line;
  if (v->type != YAML_MAPPING_NODE) {
    pb_warn(cfg->path, line, "'enrich' should be a mapping (mailto: ..., interval: ...); ignored");
    return;
  }
  for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top; q++) {
    yaml_node_t *k = yaml_document_get_node(doc, q->key);
    yaml_node_t *val = yaml_document_get_node(doc, q->value);
    const char *key = scalar(k);
    int kl = (int)k->start_mark.line + 1;
    if (key && set_str(cfg, keys, sizeof keys / sizeof *keys, key, val)) continue;
    if (key && (strcmp(key, "arxiv_api") == 0 || strcmp(key, "crossref_api") == 0)) {
      pb_warn(cfg->path, kl,
              "'enrich.%s' is not read from a library's paperbook.yml (it could send requests "
              "to any server); ignored: use %s",
              key, key[0] == 'a' ? "PAPERBOOK_ARXIV_API" : "PAPERBOOK_CROSSREF_API");
      continue;
    }
    int done = 0;
    for (size_t i = 0; key && i < sizeof nums / sizeof *nums && !done; i++) {
      if (strcmp(nums[i].key, key) != 0) continue;
      done = 1;
      const char *s = scalar(val);
      char *end = NULL;
      double d = s ? strtod(s, &end) : 0;
      if (!s || end == s || *end || !(d >= 0) || d > 1e9) {
        pb_warn(cfg->path, kl, "'enrich.%s' should be a number of %s; ignored", key,
                strcmp(key, "cache_max_mb") == 0 ? "megabytes" : "seconds");
        continue;
      }
      /* a library cannot make a build wait for hours: its waits are
       * bounded; the command line's --enrich-* options are not */
      if (nums[i].max > 0 && d > nums[i].max) {
        pb_warn(cfg->path, kl,
                "'enrich.%s' of %g s is more than a library may set; %g s used (the command "
                "line's --enrich-%s may set more)",
                key, d, nums[i].max, key);
        d = nums[i].max;
      }
      *(double *)((char *)cfg + nums[i].offset) = d;
    }
    if (!done && key && strcmp(key, "retries") == 0) {
      const char *s = scalar(val);
      char *end = NULL;
      long n = s ? strtol(s, &end, 10) : -1;
      if (!s || end == s || *end || n < 0 || n > 10)
        pb_warn(cfg->path, kl, "'enrich.retries' should be a number from 0 to 10; ignored");
      else {
        cfg->enrich_retries = (int)n;
        cfg->enrich_retries_set = 1;
      }
      done = 1;
    }
    if (!done)
      pb_warn(cfg->path, kl,
              "unknown enrich setting '%s' (known: mailto, interval, timeout, retries, "
              "deadline, cache_max_mb)",
              key ? key : "?");
  }
}

static void venue_pair(pb_config *cfg, const char *written, const char *shown) {
  *PB_PUSH(cfg->arena, cfg->venue_names, cfg->nvenue_names, cfg->capvenue_names) = written;
  *PB_PUSH(cfg->arena, cfg->venue_names, cfg->nvenue_names, cfg->capvenue_names) = shown;
}

/* venues:
 *   IEEE TAFFC: [TAFFC, IEEE Transactions on Affective Computing]
 *   ACM MM: MM
 * the name shown, then how it is written (one spelling or a list). */
static void read_venues(pb_config *cfg, yaml_document_t *doc, yaml_node_t *v, int line) {
  if (!v || v->type != YAML_MAPPING_NODE) {
    pb_warn(cfg->path, line, "'venues' should be a mapping (name shown: [spellings]); ignored");
    return;
  }
  for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top; q++) {
    yaml_node_t *k = yaml_document_get_node(doc, q->key);
    yaml_node_t *w = yaml_document_get_node(doc, q->value);
    const char *shown = scalar(k);
    if (!shown || !*shown) {
      pb_warn(cfg->path, k ? (int)k->start_mark.line + 1 : line, "a venue name should be text");
      continue;
    }
    shown = pb_arena_strdup(cfg->arena, shown);
    venue_pair(cfg, shown, shown);
    if (w && w->type == YAML_SEQUENCE_NODE) {
      for (yaml_node_item_t *it = w->data.sequence.items.start; it < w->data.sequence.items.top;
           it++) {
        const char *sp = scalar(yaml_document_get_node(doc, *it));
        if (sp && *sp)
          venue_pair(cfg, pb_arena_strdup(cfg->arena, sp), shown);
        else
          pb_warn(cfg->path, (int)w->start_mark.line + 1, "a spelling of '%s' should be text",
                  shown);
      }
    } else if (scalar(w) && *scalar(w)) {
      venue_pair(cfg, pb_arena_strdup(cfg->arena, scalar(w)), shown);
    } else if (w && w->type != YAML_SCALAR_NODE) {
      pb_warn(cfg->path, (int)w->start_mark.line + 1,
              "the spellings of '%s' should be text or a list", shown);
    }
  }
}

int pb_config_load(pb_config *cfg, const char *path) {
  memset(cfg, 0, sizeof *cfg);
  cfg->arena = pb_arena_new();
  struct stat st;
  if (stat(path, &st) != 0)
    return errno == ENOENT ? PB_OK : (pb_error(path, 0, "%s", strerror(errno)), PB_EIO);
  if (S_ISDIR(st.st_mode)) {
    pb_error(path, 0, "is a directory, expected a YAML file");
    return PB_EIO;
  }
  if (!S_ISREG(st.st_mode)) { /* a FIFO would block for ever */
    pb_error(path, 0, "is not a regular file (a FIFO, device or socket); not read");
    return PB_EIO;
  }
  cfg->path = pb_arena_strdup(cfg->arena, path);
  pb_buf text = PB_BUF_INIT;
  int rrc = pb_read_file(path, 1 << 20, &text);
  if (rrc != PB_OK) {
    pb_error(path, 0, "cannot read: %s", rrc == PB_ELIMIT ? "larger than 1 MB" : strerror(errno));
    pb_buf_free(&text);
    return PB_EIO;
  }
  int deep_line = 0;
  if (pb_yaml_guard(text.data, text.len, PB_YAML_MAX_DEPTH, &deep_line) != 0) {
    pb_error(path, deep_line, "YAML nested more than %d levels deep; not read", PB_YAML_MAX_DEPTH);
    pb_buf_free(&text);
    return PB_EPARSE;
  }
  yaml_parser_t parser;
  yaml_document_t doc;
  int rc = PB_OK;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_string(&parser, (const unsigned char *)text.data, text.len);
  if (!yaml_parser_load(&parser, &doc)) {
    pb_error(path, (int)parser.problem_mark.line + 1, "YAML: %s",
             parser.problem ? parser.problem : "syntax error");
    yaml_parser_delete(&parser);
    pb_buf_free(&text);
    return PB_EPARSE;
  }
  yaml_node_t *root = yaml_document_get_root_node(&doc);
  if (!root) goto done; /* empty file */
  if (root->type != YAML_MAPPING_NODE) {
    pb_error(path, (int)root->start_mark.line + 1, "expected key: value settings");
    rc = PB_EPARSE;
    goto done;
  }
  for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
       p++) {
    yaml_node_t *k = yaml_document_get_node(&doc, p->key);
    yaml_node_t *v = yaml_document_get_node(&doc, p->value);
    const char *key = scalar(k);
    int line = (int)k->start_mark.line + 1;
    if (!key) {
      pb_warn(path, line, "a key should be text; ignored");
      continue;
    }
    if (set_str(cfg, str_keys, sizeof str_keys / sizeof *str_keys, key, v)) {
      if (strcmp(key, "minutes") == 0) cfg->minutes_line = line;
      check_url_key(cfg, key, line);
      continue;
    }
    if (strcmp(key, "inputs") == 0) {
      size_t before = cfg->ninputs;
      read_list(cfg, &doc, v, key, &cfg->inputs, &cfg->ninputs, &cfg->capinputs);
      list_lines(cfg, &doc, v, before, cfg->ninputs, &cfg->inputs_lines);
    } else if (strcmp(key, "category_order") == 0)
      read_list(cfg, &doc, v, key, &cfg->category_order, &cfg->ncategory_order,
                &cfg->capcategory_order);
    else if (strcmp(key, "appendices") == 0)
      read_list(cfg, &doc, v, key, &cfg->appendices, &cfg->nappendices, &cfg->capappendices);
    else if (strcmp(key, "bibliography") == 0) {
      size_t before = cfg->nbibliography;
      read_list(cfg, &doc, v, key, &cfg->bibliography, &cfg->nbibliography, &cfg->capbibliography);
      list_lines(cfg, &doc, v, before, cfg->nbibliography, &cfg->bibliography_lines);
    } else if (strcmp(key, "venues") == 0)
      read_venues(cfg, &doc, v, line);
    else if (strcmp(key, "enrich") == 0)
      read_enrich(cfg, &doc, v, line);
    else if (strcmp(key, "dpi") == 0) {
      const char *s = scalar(v);
      char *end = NULL;
      double d = s ? strtod(s, &end) : 0;
      if (!s || end == s || *end || !(d >= 1 && d <= 100000))
        pb_warn(path, line, "'dpi' should be a number; ignored");
      else
        cfg->dpi = d;
    } else if (strcmp(key, "fonts") == 0) {
      if (v->type != YAML_MAPPING_NODE) {
        pb_warn(path, line, "'fonts' should be a mapping (text: ..., cjk_text: ...); ignored");
        continue;
      }
      for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top; q++) {
        yaml_node_t *fk = yaml_document_get_node(&doc, q->key);
        yaml_node_t *fv = yaml_document_get_node(&doc, q->value);
        const char *fkey = scalar(fk);
        if (!fkey || !set_str(cfg, font_keys, sizeof font_keys / sizeof *font_keys, fkey, fv))
          pb_warn(path, (int)fk->start_mark.line + 1,
                  "unknown font role '%s' (known: body, heading, mono, "
                  "cjk_text, cjk_sans, symbol; text and sans are body and heading)",
                  fkey ? fkey : "?");
      }
    } else if (strcmp(key, "mail") == 0) {
      read_mail(cfg, &doc, v, line);
    } else {
      pb_warn(path, line, "unknown setting '%s'; ignored", key);
    }
  }
done:
  yaml_document_delete(&doc);
  yaml_parser_delete(&parser);
  pb_buf_free(&text);
  return rc;
}

void pb_config_free(pb_config *cfg) {
  if (!cfg) return;
  pb_arena_free(cfg->arena);
  memset(cfg, 0, sizeof *cfg);
}
