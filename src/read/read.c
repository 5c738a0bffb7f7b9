/* Which reader reads a Markdown file: the dialect is sniffed from the text
 * (a YAML card, a check-in log, a REPORT.md-style file) and the file handed
 * to that reader. This dispatcher sits above the three readers and the
 * helpers they share (read_common.c), so that nothing in read_common.c
 * calls back into a reader. */
#include <string.h>

#include "diag.h"
#include "read_common.h"

pb_sniff_kind pb_read_sniff(const char *path) {
  pb_buf raw = PB_BUF_INIT;
  size_t heads = 0, subheadings = 0, headings = 0, quoted_links = 0;
  int front_matter = 0;
  /* the reader chosen later reports problems; sniffing stays silent */
  if (pb_read_file(path, PB_READ_MAX_FILE, &raw) != 0 || !raw.data) {
    pb_buf_free(&raw);
    return PB_SNIFF_NONE;
  }
  pb_read_lone_cr_to_lf(&raw);
  const char *p = raw.data, *end = raw.data + raw.len;
  /* a papers/ card: "---" first, "title:" inside */
  front_matter = raw.len > 4 && memcmp(p, "---", 3) == 0 && (p[3] == '\n' || p[3] == '\r') &&
                 memmem(p, raw.len, "\ntitle:", 7) != NULL;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    pb_read_str l = {p, nl ? (size_t)(nl - p) : (size_t)(end - p)};
    p = nl ? nl + 1 : end;
    size_t k = pb_read_unquote(l.s, l.len, 0, NULL);
    pb_read_str u = pb_read_trim((pb_read_str){l.s + k, l.len - k});
    if (pb_read_is_checkin_head(u)) heads++;
    if (pb_read_starts_with(l, "### ")) subheadings++;
    if (pb_read_starts_with(l, "#")) headings++;
    /* a card line of a REPORT file: quoted, with a link or a figure */
    if (k && (memmem(u.s, u.len, "](", 2) || pb_read_starts_with(u, "<img"))) quoted_links++;
  }
  int minutes = !front_matter && pb_read_is_minutes_text(raw.data, raw.len);
  pb_buf_free(&raw);
  if (minutes) return PB_SNIFF_MINUTES;
  if (front_matter) return PB_SNIFF_CARD;
  /* a check-in log is mostly dated heads; a REPORT file has a category tree
   * and may quote a date or two */
  if (heads >= 2 || (heads == 1 && !subheadings)) return PB_SNIFF_CHECKINS;
  if (headings && quoted_links >= 2) return PB_SNIFF_REPORT;
  return PB_SNIFF_NONE;
}

int pb_read_markdown(pb_library *lib, const char *path, const pb_read_options *opt) {
  switch (pb_read_sniff(path)) {
  case PB_SNIFF_MINUTES: return pb_read_minutes(lib, path, opt);
  case PB_SNIFF_CARD: return pb_read_card(lib, path, opt);
  case PB_SNIFF_CHECKINS: return pb_read_checkins(lib, path, opt);
  default: return pb_read_report(lib, path, opt); /* named: read as it is */
  }
}
