#ifndef NOETHER_CZLIB_SHIM_H
#define NOETHER_CZLIB_SHIM_H

// zlib (Debian: zlib1g-dev), for reading .gz files.
#include <zlib.h>

// inflateInit2 is a macro (it passes the library version and the size of
// z_stream), which Swift cannot call: this is the function behind it.
// windowBits 15 + 16 reads the gzip container, with its CRC-32 and length checks.
static inline int noether_inflate_init_gzip(z_streamp stream) {
    return inflateInit2(stream, 15 + 16);
}

#endif
