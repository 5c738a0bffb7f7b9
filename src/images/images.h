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

/* Largest figure accepted, in pixels (decoded size is what costs memory). */
#define PB_IMAGE_MAX_PIXELS 100000000LL

typedef struct {
  pb_img_format format;
  int width, height;       /* displayed size in pixels, after EXIF orientation */
  const char *format_name; /* "PNG", "JPEG", "WebP", "GIF", "SVG", ... */
  /* Header details (0 when not applicable), for the encoder. */
  int stored_width, stored_height; /* before EXIF orientation */
  int bit_depth;                   /* PNG bit depth, JPEG sample precision */
  int color_type;                  /* PNG colour type */
  int interlaced;                  /* PNG Adam7 */
  int has_trns;                    /* PNG tRNS chunk before IDAT */
  int has_alpha;                   /* PNG colour type with alpha, WebP alpha */
  int components;                  /* JPEG components */
  int jpeg_sof; /* JPEG SOF marker low nibble: 0 baseline, 1 extended, 2 progressive, ... */
  int adobe;    /* JPEG Adobe APP14 present */
  int adobe_transform;
  int orientation;   /* EXIF orientation 1..8 (1 when absent) */
  int webp_lossless; /* VP8L bitstream */
} pb_img_info;

/* Sniffs the format of data[0..len) (a file's first bytes; 32 are enough,
 * 512 let text formats such as SVG be recognised). *name gets a static
 * name, "unknown" when the format is not recognised. */
pb_img_format pb_image_sniff(const void *data, size_t len, const char **name);

/* Reads only as much of path as needed to learn its format and size.
 * Returns 0, or a PB_E* code with a message for people in err. Pixel counts
 * above PB_IMAGE_MAX_PIXELS give PB_ELIMIT; PB_IMG_OTHER and unknown
 * formats give PB_EFORMAT (info->format and format_name are still set). */
int pb_image_probe(const char *path, pb_img_info *info, char *err, size_t errlen);
/* The same for a whole file already in memory. */
int pb_image_probe_mem(const void *data, size_t len, pb_img_info *info, char *err, size_t errlen);

typedef struct {
  int width, height, bpc;
  const char *colorspace; /* "DeviceRGB", "DeviceGray", "DeviceCMYK"; NULL when indexed */
  unsigned char *palette; /* indexed: RGB triplets (malloc'd) */
  int palette_n;
  const char *filter; /* "FlateDecode" or "DCTDecode" */
  int predictor;      /* 15 for PNG-predicted data, 0 = no DecodeParms */
  int colors;         /* DecodeParms /Colors */
  int decode_invert;  /* /Decode [1 0 1 0 ...] (Adobe CMYK JPEG) */
  pb_buf data;
  int has_smask;
  int smask_bpc;
  int smask_predictor;
  pb_buf smask; /* deflated gray alpha, same size */
} pb_image_stream;

typedef struct {
  double dpi;                /* downsample above this at the placed size; 0 = off */
  double placed_w, placed_h; /* points, for dpi */
  int compression;           /* zlib level for re-encoded data; 0 = the measured default */
  int jpeg_quality;          /* for JPEG re-encoding (rotation, downsampling, lossy
                                WebP); 0 = 92 */
  int webp_as_flate;         /* 1: lossy WebP as Flate (pixel exact, ~7x larger);
                                0: lossy WebP as JPEG (alpha, if any, as a Flate SMask) */
  int lossy;                 /* 1: every figure that is decoded anyway (downsampled,
                                rotated, PNG with alpha, WebP, GIF without palette)
                                gets JPEG colour; pass-through figures stay as they
                                are. For --dpi digests. */
  int gray;                  /* 1: every figure as DeviceGray (luma, alpha kept): --print */
  int judge_only;            /* 1: the figure is read, decoded and checked exactly as for
                                the stream, but no stream is made (filtering, deflating
                                and JPEG encoding left out): a verdict for outputs that
                                copy or convert the files themselves (the LaTeX
                                export). The result has only width and height. */
} pb_encode_options;

/* The options every PDF figure is encoded with, for dpi (0: full
 * resolution) and gray (--print), placed size 0 (the caller sets it): the
 * one policy for the plan, which judges the figures, and the PDF back end,
 * which makes the smaller streams --dpi asks for. */
void pb_image_encode_options(pb_encode_options *o, double dpi, int gray);
/* 1 when a figure of w x h displayed pixels has more than opt->dpi needs
 * at opt's placed size, so that its stream is downsampled (the encoder's
 * own test); 0 without dpi or placed size. */
int pb_image_dpi_shrinks(int w, int h, const pb_encode_options *opt);

/* Call once before encoding from several threads (the libraries' lazy
 * set-up is done here, in one thread). */
void pb_image_encode_threads(void);

/* Bumped whenever the encoder's output for the same input changes, so that
 * cached streams from older versions are not reused. */
/* 2: PNG with alpha streamed at 8 bits; 3: also gray figures for print;
 * 5: RGBA PNG rows split still filtered (colour and alpha streams);
 * 6: re-encoded pixels deflated at level 1 (reverted); 7: row filter judged
 * on a sample (with level 1); 8: the same at level 4 */
#define PB_IMAGE_ENCODER_VERSION 8

/* Encodes path into a PDF image stream. Returns 0 or a PB_E* code with a
 * message in err. Never aborts on corrupt input. opt may be NULL (defaults).
 * out is overwritten; free it with pb_image_stream_free even on failure. */
int pb_image_encode(const char *path, const pb_encode_options *opt, pb_image_stream *out, char *err,
                    size_t errlen);
/* The same for a file already in memory. */
int pb_image_encode_mem(const void *data, size_t len, const pb_encode_options *opt,
                        pb_image_stream *out, char *err, size_t errlen);
/* Frees what s owns (not s itself); accepts NULL. */
void pb_image_stream_free(pb_image_stream *s);

/* The figure data[0..len) as a file xelatex (xdvipdfmx) can include, for
 * the LaTeX export, after the figure was judged (pb_encode_options.
 * judge_only): a JPEG as it is, with *angle the rotation in degrees that
 * undoes its EXIF orientation (xdvipdfmx ignores EXIF; mirrored ones as
 * their unmirrored twins); a PNG as it is when it ends with its IEND chunk;
 * a PNG without one, a WebP and the first frame of a GIF written as a new
 * 8-bit PNG (RGB, or RGBA when some pixel is not opaque; a PNG keeps gray
 * and alpha as it has them) appended to out. *as_is is 1 when data itself
 * is the file (out untouched). *ext gets "png" or "jpg". Returns 0, or a
 * PB_E* code with a message in err (*ext NULL). */
int pb_image_latex_file(const void *data, size_t len, pb_buf *out, const char **ext, int *angle,
                        int *as_is, char *err, size_t errlen);

/* A small JPEG of any figure the module reads (PNG, JPEG, WebP, GIF first
 * frame): oriented upright, alpha composited over white, CMYK made RGB,
 * scaled down (area average) to fit max_w x max_h pixels (0 = no limit),
 * never up. Appends the JPEG file to out and sets its size in *w, *h.
 * quality 0 means 80. Returns 0, or a PB_E* code with a message in err. */
int pb_image_thumbnail(const void *data, size_t len, int max_w, int max_h, int quality, pb_buf *out,
                       int *w, int *h, char *err, size_t errlen);

#endif
