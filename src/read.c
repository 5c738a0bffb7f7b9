/* Which reader reads a Markdown file: the dialect is sniffed from the text
 * (a YAML card, a check-in log, a REPORT.md-style file) and the file handed
 * to that reader. This dispatcher sits above the three readers and the
 * helpers they share (read_common.c), so that nothing in read_common.c
 * calls back into a reader. */
#include <string.h>

#include "diag.h"
#include "read_common.h"

int pb_read_markdown(pb_library *lib, const char *path, const pb_read_options *opt) {
  pb_buf raw = PB_BUF_INIT;
  size_t heads = 0, subheadings = 0;
  int front_matter = 0;
  /* the reader chosen below reports problems; sniffing stays silent */
  if (pb_read_file(path, PB_READ_MAX_FILE, &raw) == 0 && raw.data) {
    pb_read_lone_cr_to_lf(&raw);
    const char *p = raw.data, *end = raw.data + raw.len;
    /* a papers/ card named on the command line: "---" first, "title:" inside */
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
    }
  }
  int minutes = raw.data && !front_matter && pb_read_is_minutes_text(raw.data, raw.len);
  pb_buf_free(&raw);
  if (minutes) return pb_read_minutes(lib, path, opt);
  if (front_matter) return pb_read_card(lib, path, opt);
  /* a check-in log is mostly dated heads; a REPORT file has a category tree
   * and may quote a date or two */
  if (heads >= 2 || (heads == 1 && !subheadings)) return pb_read_checkins(lib, path, opt);
  return pb_read_report(lib, path, opt);
}
