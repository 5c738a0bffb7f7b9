/* The order in which people are listed: names compared by ICU's Chinese
 * collator ("zh": Han characters by pinyin, 陈 before 李 before 张, Latin
 * letters alphabetically whatever their case), then byte by byte, so that
 * the order is total and equal names stay adjacent. The collator is opened
 * once per run and kept in the context (PB_SLOT_COLLATOR); when ICU cannot
 * open it, names compare byte by byte. */
#ifndef PB_COLLATE_H
#define PB_COLLATE_H

/* <0, 0 or >0 as a sorts before, with or after b; NULL sorts last. */
int pb_name_cmp(const char *a, const char *b);

#endif
