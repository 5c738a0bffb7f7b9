/* Writing the model back out as papers/ card files (`paperbook import`):
 * one YAML-front-matter Markdown file per entry, every field kept, so that
 * reading the written cards gives the same entries. */
#ifndef PB_CARDS_WRITE_H
#define PB_CARDS_WRITE_H

#include "model.h"

/* Writes every entry of lib as a card under dir (created as needed), in a
 * subdirectory per top category (or per month when uncategorised). Existing
 * files are not overwritten (a warning, and the entry is skipped). Returns
 * the number of cards written, or a negative PB_E* code. */
int pb_cards_write(const pb_library *lib, const char *dir);

/* The card text of one entry (front matter + Markdown summary). */
void pb_card_format(const pb_library *lib, const pb_entry *e, pb_buf *out);

#endif
