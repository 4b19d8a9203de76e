#ifndef NOETHER_CXSMM_SHIM_H
#define NOETHER_CXSMM_SHIM_H

// libxsmm (Debian's libxsmm-dev 1.17, a static library): JIT-generated kernels for
// small products. Its kernels are column-major; a row-major product C = op(A)·op(B)
// (m × n) is the column-major Cᵀ = op(B)ᵀ·op(A)ᵀ (n × m), so B is passed first and the
// transposes trade places. Issue 13 §2: used only where it measured faster than
// Noether's kernels and OpenBLAS (see SmallProducts.swift).

#include <libxsmm.h>

/// C = op(A)·op(B) + β·C, row-major, β = 0 (C overwritten) or 1 (accumulated); returns 0
/// when libxsmm has no kernel for the shape (nothing written), 1 otherwise. The kernel is
/// looked up (and generated the first time) in libxsmm's thread-safe registry on every call.
static inline int noether_xsmm_dgemm_beta(int transA, int transB, long m, long n, long k, const double *a,
                                          long lda, const double *b, long ldb, double beta, double *c,
                                          long ldc) {
    int flags = (transB ? LIBXSMM_GEMM_FLAG_TRANS_A : 0) | (transA ? LIBXSMM_GEMM_FLAG_TRANS_B : 0);
    libxsmm_blasint la = (libxsmm_blasint)ldb, lb = (libxsmm_blasint)lda, lc = (libxsmm_blasint)ldc;
    double alpha = 1;
    libxsmm_dmmfunction f = libxsmm_dmmdispatch((libxsmm_blasint)n, (libxsmm_blasint)m, (libxsmm_blasint)k, &la,
                                                &lb, &lc, &alpha, &beta, &flags, NULL);
    if (f == NULL) return 0;
    f(b, a, c);
    return 1;
}

/// libxsmm's version, e.g. "1.17".
static inline const char *noether_xsmm_version(void) { return LIBXSMM_VERSION; }

#endif
