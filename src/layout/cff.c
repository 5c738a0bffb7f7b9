#include "cff.h"

#include <stdlib.h>
#include <string.h>

/* The CFF format is Adobe's Technical Note #5176: a header, then the
 * Name, Top DICT, String and Global Subr INDEXes; the Top DICT gives the
 * offsets of the charset and of the CharStrings INDEX. */

typedef struct {
  const unsigned char *d;
  size_t n;
} bytes;

static size_t be(const unsigned char *p, unsigned size) {
  size_t v = 0;
  for (unsigned i = 0; i < size; i++) v = v << 8 | p[i];
  return v;
}

/* An INDEX at off: its count and where element 0 starts and the last
 * ends. Returns the offset after the INDEX, or 0 when it does not fit. */
static size_t read_index(bytes b, size_t off, size_t *count, size_t *first, size_t *end) {
  if (off + 2 > b.n) return 0;
  *count = be(b.d + off, 2);
  if (*count == 0) {
    *first = *end = off + 2;
    return off + 2;
  }
  if (off + 3 > b.n) return 0;
  unsigned osz = b.d[off + 2];
  if (osz < 1 || osz > 4) return 0;
  size_t offs = off + 3, table = (*count + 1) * osz;
  if (offs + table > b.n) return 0;
  size_t base = offs + table - 1; /* element offsets count from 1 */
  size_t o0 = be(b.d + offs, osz), olast = be(b.d + offs + *count * osz, osz);
  if (o0 < 1 || olast < o0 || base + olast > b.n) return 0;
  *first = base + o0;
  *end = base + olast;
  return *end;
}

/* Walks a DICT d[from..to): records ROS, charset (15) and CharStrings (17). */
static int read_top_dict(bytes b, size_t from, size_t to, int *ros, long *charset,
                         long *charstrings) {
  long operand = 0;
  int have = 0, ops = 0;
  for (size_t q = from; q < to;) {
    unsigned c = b.d[q];
    if (c <= 21) { /* an operator */
      unsigned op = c;
      if (c == 12) {
        if (q + 1 >= to) return -1;
        op = 1200 + b.d[q + 1];
        q++;
      }
      q++;
      if (op == 1230 && ops == 0) *ros = 1; /* ROS counts only as the first operator */
      if (op == 15 && have) *charset = operand;
      if (op == 17 && have) *charstrings = operand;
      have = 0;
      ops++;
      continue;
    }
    have = 1;
    if (c == 28) {
      if (q + 3 > to) return -1;
      operand = (int16_t)be(b.d + q + 1, 2);
      q += 3;
    } else if (c == 29) {
      if (q + 5 > to) return -1;
      operand = (int32_t)be(b.d + q + 1, 4);
      q += 5;
    } else if (c == 30) { /* a real: nibbles up to 0xf */
      q++;
      while (q < to && (b.d[q] & 0x0F) != 0x0F && (b.d[q] & 0xF0) != 0xF0) q++;
      q++;
      operand = 0;
    } else if (c >= 32 && c <= 246) {
      operand = (long)c - 139;
      q++;
    } else if (c >= 247 && c <= 250) {
      if (q + 2 > to) return -1;
      operand = ((long)c - 247) * 256 + b.d[q + 1] + 108;
      q += 2;
    } else if (c >= 251 && c <= 254) {
      if (q + 2 > to) return -1;
      operand = -((long)c - 251) * 256 - b.d[q + 1] - 108;
      q += 2;
    } else {
      return -1; /* reserved byte */
    }
  }
  return 0;
}

/* Fills cid[1..n) from the charset at off; cid[0] is 0 (.notdef). */
static int read_charset(bytes b, size_t off, size_t n, uint16_t *cid) {
  if (off >= b.n) return -1;
  unsigned fmt = b.d[off++];
  size_t g = 1;
  cid[0] = 0;
  if (fmt == 0) {
    if (off + 2 * (n - 1) > b.n) return -1;
    for (; g < n; g++, off += 2) cid[g] = (uint16_t)be(b.d + off, 2);
    return 0;
  }
  if (fmt != 1 && fmt != 2) return -1;
  unsigned lsz = fmt == 1 ? 1 : 2;
  while (g < n) {
    if (off + 2 + lsz > b.n) return -1;
    size_t first = be(b.d + off, 2), left = be(b.d + off + 2, lsz);
    off += 2 + lsz;
    for (size_t k = 0; k <= left && g < n; k++, g++) {
      if (first + k > 0xFFFF) return -1;
      cid[g] = (uint16_t)(first + k);
    }
  }
  return 0;
}

int pb_cff_read(const unsigned char *d, size_t n, pb_cff_info *out) {
  memset(out, 0, sizeof *out);
  bytes b = {d, n};
  if (!d || n < 4 || d[2] < 4) return -1;
  size_t cnt, first, end;
  size_t off = read_index(b, d[2], &cnt, &first, &end); /* Name INDEX */
  if (!off || !cnt) return -1;
  if (!read_index(b, off, &cnt, &first, &end) || !cnt) return -1; /* Top DICT INDEX */
  /* the first font's Top DICT runs to the second element's start */
  unsigned osz = d[off + 2];
  size_t dict_end = cnt > 1 ? off + 3 + (cnt + 1) * osz - 1 + be(d + off + 3 + osz, osz) : end;
  if (dict_end > end) return -1;
  int ros = 0;
  long charset = 0, charstrings = 0;
  if (read_top_dict(b, first, dict_end, &ros, &charset, &charstrings) != 0) return -1;
  out->cid_keyed = ros;
  if (charstrings <= 0 || (size_t)charstrings >= n) return -1;
  if (!read_index(b, (size_t)charstrings, &cnt, &first, &end)) return -1;
  out->nglyphs = cnt;
  if (!ros || cnt == 0 || charset <= 2) return 0; /* predefined charsets: no CIDs */
  uint16_t *cid = malloc(cnt * sizeof *cid);
  if (!cid) return -1;
  if (read_charset(b, (size_t)charset, cnt, cid) != 0) {
    free(cid);
    out->cid_keyed = 0;
    return -1;
  }
  int identity = 1;
  for (size_t g = 0; g < cnt && identity; g++) identity = cid[g] == g;
  if (identity)
    free(cid);
  else
    out->cid = cid;
  return 0;
}

void pb_cff_info_free(pb_cff_info *info) {
  if (!info) return;
  free(info->cid);
  info->cid = NULL;
}
