#include <zlib.h>

// deflateInit2 and inflateInit2 are macros, which Swift cannot call.
// windowBits 31 selects the gzip wrapper (RFC 1952) in both directions.
static inline int chatbundle_deflate_init_gzip(z_streamp stream, int level) {
  return deflateInit2(stream, level, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
}

static inline int chatbundle_inflate_init_gzip(z_streamp stream) {
  return inflateInit2(stream, 31);
}

// windowBits -15: raw deflate (RFC 1951) with a 32 KiB window and no wrapper, for the
// blocks of a parallel gzip member, whose header and trailer the caller writes.
static inline int chatbundle_deflate_init_raw(z_streamp stream, int level) {
  return deflateInit2(stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
}
