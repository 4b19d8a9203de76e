#ifndef NOETHER_COPENBLAS_SHIM_H
#define NOETHER_COPENBLAS_SHIM_H

// CBLAS from OpenBLAS (Debian: libopenblas-dev; the header lives in the
// openblas-pthread include folder that `pkg-config --cflags openblas` names).
#include <cblas.h>

// LAPACK routines exported by libopenblas without a header of their own.
// Fortran calling convention: every argument by pointer, column-major arrays.
// The trailing size_t arguments are the hidden lengths of the character arguments.

/// Symmetric eigen-decomposition, divide and conquer.
void dsyevd_(const char *jobz, const char *uplo, const blasint *n, double *a,
             const blasint *lda, double *w, double *work, const blasint *lwork,
             blasint *iwork, const blasint *liwork, blasint *info,
             size_t jobz_len, size_t uplo_len);

/// Symmetric eigenvalues by the two-stage reduction (dense → band → tridiagonal),
/// divide and conquer; LAPACK ≥ 3.7 supports jobz = 'N' only.
void dsyevd_2stage_(const char *jobz, const char *uplo, const blasint *n, double *a,
                    const blasint *lda, double *w, double *work, const blasint *lwork,
                    blasint *iwork, const blasint *liwork, blasint *info,
                    size_t jobz_len, size_t uplo_len);

/// Symmetric eigen-decomposition of selected eigenvalues (MRRR).
void dsyevr_(const char *jobz, const char *range, const char *uplo,
             const blasint *n, double *a, const blasint *lda,
             const double *vl, const double *vu, const blasint *il,
             const blasint *iu, const double *abstol, blasint *m, double *w,
             double *z, const blasint *ldz, blasint *isuppz, double *work,
             const blasint *lwork, blasint *iwork, const blasint *liwork,
             blasint *info, size_t jobz_len, size_t range_len, size_t uplo_len);

/// Symmetric tridiagonal eigen-decomposition of selected eigenvalues (MRRR).
void dstevr_(const char *jobz, const char *range, const blasint *n, double *d,
             double *e, const double *vl, const double *vu, const blasint *il,
             const blasint *iu, const double *abstol, blasint *m, double *w,
             double *z, const blasint *ldz, blasint *isuppz, double *work,
             const blasint *lwork, blasint *iwork, const blasint *liwork,
             blasint *info, size_t jobz_len, size_t range_len);

/// Number of threads OpenBLAS uses (exported by libopenblas).
static inline int noether_openblas_threads(void) { return openblas_get_num_threads(); }
static inline void noether_openblas_set_threads(int n) { openblas_set_num_threads(n); }

#endif
