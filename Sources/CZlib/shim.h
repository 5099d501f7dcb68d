#include <zlib.h>

// deflateInit2 and inflateInit2 are macros, which Swift cannot call.
// windowBits 31 selects the gzip wrapper (RFC 1952) in both directions.
static inline int chatbundle_deflate_init_gzip(z_streamp stream, int level) {
  return deflateInit2(stream, level, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
}

static inline int chatbundle_inflate_init_gzip(z_streamp stream) {
  return inflateInit2(stream, 31);
}
