#ifndef NOETHER_CCRYPTO_SHIM_H
#define NOETHER_CCRYPTO_SHIM_H

// OpenSSL's libcrypto (Debian: libssl-dev), for the HMAC-SHA256 signatures of the
// Jupyter messaging protocol and the constant-time comparison that checks them.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#endif
