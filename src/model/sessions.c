#include "sessions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const pb_session *pb_session_on(const pb_library *lib, const char *date) {
  const pb_session *planned = NULL;
  for (size_t i = 0; date && i < lib->nsessions; i++) {
    const pb_session *s = &lib->sessions[i];
    if (strcmp(s->date, date) != 0) continue;
    if (!s->planned) return s;
    if (!planned) planned = s;
  }
  return planned;
}

const pb_session *pb_session_next(const pb_library *lib, const char *date) {
  const pb_session *best = NULL;
  for (size_t i = 0; i < lib->nsessions; i++) {
    const pb_session *s = &lib->sessions[i];
    if (strcmp(s->date, date) < 0) continue;
    if (!best || strcmp(s->date, best->date) < 0 ||
        (strcmp(s->date, best->date) == 0 && best->planned && !s->planned))
      best = s;
  }
  return best;
}

const pb_session *pb_session_last(const pb_library *lib) {
  const pb_session *last = lib->nsessions ? &lib->sessions[0] : NULL;
  for (size_t i = 1; i < lib->nsessions; i++) {
    const pb_session *s = &lib->sessions[i];
    if (s->date && (!last->date || strcmp(s->date, last->date) > 0)) last = s;
  }
  return last;
}

const pb_session *pb_session_before(const pb_library *lib, const char *date) {
  const pb_session *best = NULL;
  for (size_t i = 0; i < lib->nsessions; i++) {
    const pb_session *s = &lib->sessions[i];
    if (s->planned || strcmp(s->date, date) >= 0) continue;
    if (!best || strcmp(s->date, best->date) > 0) best = s;
  }
  return best;
}

void pb_sessions_count(const pb_library *lib, size_t *held, size_t *planned) {
  *held = *planned = 0;
  for (size_t i = 0; i < lib->nsessions; i++) ++*(lib->sessions[i].planned ? planned : held);
}

int pb_sessions_presented(const pb_library *lib, const char *name, long week) {
  for (size_t i = 0; name && i < lib->nsessions; i++) {
    const pb_session *s = &lib->sessions[i];
    if (s->planned || pb_date_week(s->date) != week) continue;
    for (size_t k = 0; k < s->ntalks; k++)
      if (s->talks[k].presenter && strcmp(s->talks[k].presenter, name) == 0) return 1;
    /* a head name without a talk line of their own still presented */
    for (size_t k = 0; k < s->npresenters; k++)
      if (strcmp(s->presenters[k], name) == 0) return 1;
  }
  return 0;
}

int pb_session_latest_reading(const pb_library *lib, const pb_entry *e, const char *date) {
  const pb_session *s = date ? pb_session_on(lib, date) : NULL;
  if (!s || !e->presenter || !e->date) return 0;
  int named = 0;
  for (size_t i = 0; i < s->npresenters; i++) named |= strcmp(s->presenters[i], e->presenter) == 0;
  if (!named) return 0;
  char end[11];
  pb_week_monday(pb_date_week(date) + 1, end); /* the Monday after: exclusive */
  if (strcmp(e->date, end) >= 0) return 0;
  int newer = 0;
  for (size_t i = 0; i < lib->nentries && newer < 2; i++) {
    const pb_entry *f = lib->entries[i];
    if (f == e || !f->presenter || !f->date || strcmp(f->presenter, e->presenter) != 0) continue;
    if (strcmp(f->date, end) < 0 &&
        (strcmp(f->date, e->date) > 0 || (strcmp(f->date, e->date) == 0 && f->index > e->index)))
      newer++;
  }
  return newer < 2;
}

static void loc(pb_buf *b, const char *file, int line) {
  pb_buf l = PB_BUF_INIT;
  pb_buf_printf(&l, "%s:%d", file ? file : "", line);
  pb_buf_json_str(b, l.data);
  pb_buf_free(&l);
}

static void names(pb_buf *b, const char *const *v, size_t n) {
  pb_buf_putc(b, '[');
  for (size_t i = 0; i < n; i++) {
    if (i) pb_buf_puts(b, ", ");
    pb_buf_json_str(b, v[i]);
  }
  pb_buf_putc(b, ']');
}

static void dump_talk(pb_buf *b, const pb_talk *t) {
  pb_buf_puts(b, "{\"presenter\": ");
  pb_buf_json_str(b, t->presenter);
  pb_buf_puts(b, ", \"text\": ");
  pb_buf_json_str(b, t->text);
  pb_buf_puts(b, ", \"links\": [");
  for (size_t i = 0; i < t->nlinks; i++) {
    if (i) pb_buf_puts(b, ", ");
    pb_link_dump(b, &t->links[i]);
  }
  pb_buf_puts(b, "], \"source\": ");
  loc(b, t->file, t->line);
  pb_buf_putc(b, '}');
}

static void dump_session(pb_buf *b, const pb_session *s) {
  pb_buf_puts(b, "{\"date\": ");
  pb_buf_json_str(b, s->date);
  pb_buf_printf(b, ", \"planned\": %s, \"presenters\": ", s->planned ? "true" : "false");
  names(b, s->presenters, s->npresenters);
  if (s->note) {
    pb_buf_puts(b, ", \"note\": ");
    pb_buf_json_str(b, s->note);
  }
  pb_buf_puts(b, ", \"source\": ");
  loc(b, s->file, s->line);
  if (!s->planned) {
    pb_buf_puts(b, ",\n      \"talks\": [");
    for (size_t i = 0; i < s->ntalks; i++) {
      pb_buf_puts(b, i ? ",\n        " : "\n        ");
      dump_talk(b, &s->talks[i]);
    }
    pb_buf_puts(b, "],\n      \"absent\": [");
    for (size_t i = 0; i < s->nabsent; i++) {
      if (i) pb_buf_puts(b, ", ");
      pb_buf_puts(b, "{\"name\": ");
      pb_buf_json_str(b, s->absent[i].name);
      pb_buf_puts(b, ", \"note\": ");
      pb_buf_json_str(b, s->absent[i].note);
      pb_buf_putc(b, '}');
    }
    pb_buf_puts(b, "], \"roll_source\": ");
    if (s->absent_line)
      loc(b, s->file, s->absent_line);
    else
      pb_buf_puts(b, "null");
    pb_buf_puts(b, ", \"best_questioners\": ");
    names(b, s->best, s->nbest);
    pb_buf_puts(b, ",\n      \"writeups\": [");
    for (size_t i = 0; i < s->nwriteups; i++) {
      const pb_writeup *w = &s->writeups[i];
      pb_buf_puts(b, i ? ",\n        {\"title\": " : "\n        {\"title\": ");
      pb_buf_json_str(b, w->title);
      pb_buf_puts(b, ", \"url\": ");
      pb_buf_json_str(b, w->url);
      pb_buf_puts(b, ", \"author\": ");
      pb_buf_json_str(b, w->author);
      pb_buf_printf(b, ", \"done\": %s, \"note\": ", w->done ? "true" : "false");
      pb_buf_json_str(b, w->note);
      pb_buf_puts(b, ", \"source\": ");
      loc(b, w->file, w->line);
      pb_buf_putc(b, '}');
    }
    pb_buf_putc(b, ']');
  }
  pb_buf_putc(b, '}');
}

void pb_sessions_dump_json(const pb_library *lib, pb_buf *b) {
  size_t held, planned;
  pb_sessions_count(lib, &held, &planned);
  pb_buf_printf(b, "  \"sessions_held\": %zu,\n  \"sessions_planned\": %zu,\n", held, planned);
  pb_buf_puts(b, "  \"sessions\": [");
  for (size_t i = 0; i < lib->nsessions; i++) {
    pb_buf_puts(b, i ? ",\n    " : "\n    ");
    dump_session(b, &lib->sessions[i]);
  }
  pb_buf_puts(b, lib->nsessions ? "\n  ],\n" : "],\n");
  pb_buf_puts(b, "  \"notes\": [");
  for (size_t i = 0; i < lib->nnotes; i++) {
    const pb_absence *a = &lib->notes[i];
    pb_buf_puts(b, i ? ",\n    {\"date\": " : "\n    {\"date\": ");
    pb_buf_json_str(b, a->date);
    pb_buf_puts(b, ", \"presenter\": ");
    pb_buf_json_str(b, a->presenter);
    pb_buf_puts(b, ", \"note\": ");
    pb_buf_json_str(b, a->note);
    pb_buf_puts(b, ", \"source\": ");
    loc(b, a->file, a->line);
    pb_buf_putc(b, '}');
  }
  pb_buf_puts(b, lib->nnotes ? "\n  ],\n" : "],\n");
}
