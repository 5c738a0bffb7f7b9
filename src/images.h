/* Figures: the format is sniffed from the bytes (never the extension),
 * sizes are read from headers for the layout, and each figure is encoded
 * into a PDF image stream: PNG IDAT passed through with predictors, JPEG
 * passed through (DCTDecode), everything else decoded and re-encoded with
 * PNG row filters + deflate, alpha as an /SMask only when some pixel is not
 * opaque. No libharu here: the PDF back end attaches the streams. */
#ifndef PB_IMAGES_H
#define PB_IMAGES_H

#include <stddef.h>

#include "mem.h"

typedef enum {
  PB_IMG_UNKNOWN,
  PB_IMG_PNG,
  PB_IMG_JPEG,
  PB_IMG_WEBP,
  PB_IMG_GIF,
  PB_IMG_OTHER /* recognised but not embeddable (SVG, BMP, TIFF, ...) */
} pb_img_format;

typedef struct {
  pb_img_format format;
  int width, height; /* displayed size in pixels, after EXIF orientation */
  const char *format_name; /* "PNG", "JPEG", "WebP", "GIF", "SVG", ... */
} pb_img_info;

/* Sniffs the format of data[0..len) (a file's first bytes; 32 are enough). */
pb_img_format pb_image_sniff(const void *data, size_t len, const char **name);

/* Reads only as much of path as needed to learn its format and size.
 * Returns 0, or a PB_E* code with a message for people in err. Pixel counts
 * above 100 megapixels give PB_ELIMIT. */
int pb_image_probe(const char *path, pb_img_info *info, char *err, size_t errlen);

typedef struct {
  int width, height, bpc;
  const char *colorspace; /* "DeviceRGB", "DeviceGray", "DeviceCMYK"; NULL when indexed */
  unsigned char *palette; /* indexed: RGB triplets */
  int palette_n;
  const char *filter;     /* "FlateDecode" or "DCTDecode" */
  int predictor;          /* 15 for PNG-predicted data, 0 = no DecodeParms */
  int colors;             /* DecodeParms /Colors */
  int decode_invert;      /* /Decode [1 0 1 0 ...] (Adobe CMYK JPEG) */
  pb_buf data;
  int has_smask;
  int smask_bpc;
  int smask_predictor;
  pb_buf smask;           /* deflated gray alpha, same size */
} pb_image_stream;

typedef struct {
  double dpi;         /* downsample above this at the placed size; 0 = off */
  double placed_w, placed_h; /* points, for dpi */
  int compression;    /* zlib level for re-encoded data */
} pb_encode_options;

/* Encodes path into a PDF image stream. Returns 0 or a PB_E* code with a
 * message in err. Never aborts on corrupt input. */
int pb_image_encode(const char *path, const pb_encode_options *opt, pb_image_stream *out,
                    char *err, size_t errlen);
void pb_image_stream_free(pb_image_stream *s); /* accepts NULL */

#endif
