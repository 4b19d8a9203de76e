#include "CNoetherKernels.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

// Small products C = op(A)·op(B) (row-major, β = 0: C is overwritten), for the thin
// products of a training step where OpenBLAS's per-call overhead (interface, packing,
// a β pass) costs as much as the arithmetic. One source, compiled for AVX-512, AVX2
// and SSE2; the loader's ifunc resolver picks the widest the CPU has.
//
// Every element is a sum over p in increasing order with one accumulator per element
// (multiply then add, or fused where the target has FMA), so the result depends only
// on the instruction set, never on the run.

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(__APPLE__)
#define NOETHER_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define NOETHER_CLONES
#endif

#define NB 16   // columns per register block (two AVX-512 or four AVX2 vectors)
#define MB 4    // rows per register block


#define INLINE static inline __attribute__((always_inline))

typedef double v8d __attribute__((vector_size(64), aligned(8)));

INLINE v8d load8(const double *p) {
    v8d v;
    memcpy(&v, p, sizeof v);
    return v;
}

INLINE void store8(double *p, v8d v) { memcpy(p, &v, sizeof v); }

typedef long long v8l __attribute__((vector_size(64), aligned(8)));

// What happens to the product on its way to memory, at offset (c − base) of C:
// kind 0 stores it; 1 also stores max(x, 0) (ReLU; NaN → 0) into `relu` at the same
// offset (leading dimension equal to C's); 2 multiplies it by 1 where mask > 0 and by 0
// elsewhere (ReLU's σ′ from the activations; a product, so inf/NaN still propagate).
struct epilogue {
    int kind;
    const double *base;
    double *relu;
    const double *mask;
};

INLINE v8d positive_ones(v8d x) {
    v8l ones = (v8l)((v8d){1, 1, 1, 1, 1, 1, 1, 1});
    return (v8d)(ones & (v8l)(x > (v8d){0}));
}

INLINE void out8(double *c, v8d v, const struct epilogue *e, const int kind) {
    if (kind == 2) v = v * positive_ones(load8(e->mask + (c - e->base)));
    store8(c, v);
    if (kind == 1) store8(e->relu + (c - e->base), (v8d)((v8l)v & (v8l)(v > (v8d){0})));
}

// A 4 × 16 tile of C over p: rows a0…a3 of A' (A'(r, p) = ar[p·acs]), B' row-major
// (16 columns at b, leading dimension ldb); eight 8-wide accumulators stay in
// registers (one AVX-512 register each, two AVX2 or four SSE2 ones otherwise).
INLINE void tile(const double *a0, const double *a1, const double *a2, const double *a3, long acs,
                 const double *b, long ldb, long k, double *c, long ldc, const struct epilogue *e,
                 const int kind) {
    v8d c00 = {0}, c01 = {0}, c10 = {0}, c11 = {0}, c20 = {0}, c21 = {0}, c30 = {0}, c31 = {0};
    for (long p = 0; p < k; p++) {
        const double *bp = b + p * ldb;
        v8d b0 = load8(bp), b1 = load8(bp + 8);
        long o = p * acs;
        double x0 = a0[o], x1 = a1[o], x2 = a2[o], x3 = a3[o];
        c00 += x0 * b0;
        c01 += x0 * b1;
        c10 += x1 * b0;
        c11 += x1 * b1;
        c20 += x2 * b0;
        c21 += x2 * b1;
        c30 += x3 * b0;
        c31 += x3 * b1;
    }
    out8(c, c00, e, kind);
    out8(c + 8, c01, e, kind);
    out8(c + ldc, c10, e, kind);
    out8(c + ldc + 8, c11, e, kind);
    out8(c + 2 * ldc, c20, e, kind);
    out8(c + 2 * ldc + 8, c21, e, kind);
    out8(c + 3 * ldc, c30, e, kind);
    out8(c + 3 * ldc + 8, c31, e, kind);
}

// C = A'·B' with B' row-major k × n (leading dimension ldb) and A'(i, p) =
// a[i·ars + p·acs]. Column blocks narrower than 16 are computed on a zero-padded copy
// of B' in `pad` (k·16 doubles), row blocks shorter than 4 repeat their last row; both
// only into a local tile, of which the real part is copied out.
INLINE void rows(const double *a, long ars, long acs, const double *b, long ldb, double *c, long ldc,
                 long m, long n, long k, double *pad, const struct epilogue *e, const int kind) {
    for (long j0 = 0; j0 < n; j0 += NB) {
        long nb = n - j0 < NB ? n - j0 : NB;
        const double *panel = b + j0;
        long ldp = ldb;
        if (nb < NB) {
            for (long p = 0; p < k; p++) {
                for (long j = 0; j < nb; j++) pad[p * NB + j] = b[p * ldb + j0 + j];
                for (long j = nb; j < NB; j++) pad[p * NB + j] = 0;
            }
            panel = pad;
            ldp = NB;
        }
        for (long i0 = 0; i0 < m; i0 += MB) {
            long mr = m - i0 < MB ? m - i0 : MB;
            const double *r0 = a + i0 * ars;
            const double *r1 = mr > 1 ? r0 + ars : r0;
            const double *r2 = mr > 2 ? r0 + 2 * ars : r1;
            const double *r3 = mr > 3 ? r0 + 3 * ars : r2;
            if (mr == MB && nb == NB) {
                tile(r0, r1, r2, r3, acs, panel, ldp, k, c + i0 * ldc + j0, ldc, e, kind);
            } else {
                double t[MB * NB];
                struct epilogue plain = {0, t, 0, 0};
                tile(r0, r1, r2, r3, acs, panel, ldp, k, t, NB, &plain, 0);
                for (long r = 0; r < mr; r++)
                    for (long j = 0; j < nb; j++) {
                        long o = (i0 + r) * ldc + j0 + j;
                        double x = t[r * NB + j];
                        if (kind == 2) x = x * (e->mask[o] > 0 ? 1.0 : 0.0);
                        c[o] = x;
                        if (kind == 1) e->relu[o] = x > 0 ? x : 0;
                    }
            }
        }
    }
}

// One loop nest per epilogue, so the accumulators stay in registers.
NOETHER_CLONES
static void gemm_rows(const double *a, long ars, long acs, const double *b, long ldb, double *c,
                      long ldc, long m, long n, long k, double *pad, const struct epilogue *e) {
    switch (e->kind) {
    case 1: rows(a, ars, acs, b, ldb, c, ldc, m, n, k, pad, e, 1); break;
    case 2: rows(a, ars, acs, b, ldb, c, ldc, m, n, k, pad, e, 2); break;
    default: rows(a, ars, acs, b, ldb, c, ldc, m, n, k, pad, e, 0); break;
    }
}

// Per-thread scratch, on the heap (static TLS of this size would come out of every
// thread's stack): the packed Bᵀ (k·n) and the padded panel (k·16), SCRATCH doubles
// each, freed when the thread ends.
#define SCRATCH 16384
static pthread_key_t scratchKey;
static pthread_once_t scratchOnce = PTHREAD_ONCE_INIT;

static void makeScratchKey(void) { pthread_key_create(&scratchKey, free); }

static double *threadScratch(void) {
    pthread_once(&scratchOnce, makeScratchKey);
    double *s = pthread_getspecific(scratchKey);
    if (s == NULL) {
        s = malloc(2 * SCRATCH * sizeof(double));
        if (s != NULL && pthread_setspecific(scratchKey, s) != 0) {
            free(s);
            s = NULL;
        }
    }
    return s;
}

int noether_small_dgemm_epilogue(int transA, int transB, long m, long n, long k, const double *a,
                                 long lda, const double *b, long ldb, double *c, long ldc, int kind,
                                 double *relu, const double *mask) {
    if (m <= 0 || n <= 0 || k <= 0) return 1;
    if (k * NB > SCRATCH || (transB && k * n > SCRATCH)) return 0;
    double *packed = threadScratch();
    if (packed == NULL) return 0;
    double *padded = packed + SCRATCH;
    long ars = transA ? 1 : lda;
    long acs = transA ? lda : 1;
    if (transB) {
        // op(B) = Bᵀ: pack it into k rows of n once (B is n × k).
        for (long j = 0; j < n; j++)
            for (long p = 0; p < k; p++) packed[p * n + j] = b[j * ldb + p];
        b = packed;
        ldb = n;
    }
    struct epilogue e = {kind, c, relu, mask};
    gemm_rows(a, ars, acs, b, ldb, c, ldc, m, n, k, padded, &e);
    return 1;
}

int noether_small_dgemm(int transA, int transB, long m, long n, long k, const double *a, long lda,
                        const double *b, long ldb, double *c, long ldc) {
    return noether_small_dgemm_epilogue(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, 0, 0, 0);
}

// Panel-major B (see the header): one call of `rows` per 16-column panel, each panel k
// rows of 16 contiguous doubles, so the loads of a tile never stride by B's full width
// (at 1024 columns, 8 KB apart, the k rows of a panel would all fall in one L1 set).
NOETHER_CLONES
static void gemm_panels(const double *a, long lda, const double *panels, double *c, long ldc, long m, long n,
                        long k, double *pad, const struct epilogue *e) {
    for (long j0 = 0, q = 0; j0 < n; j0 += NB, q++) {
        long nb = n - j0 < NB ? n - j0 : NB;
        struct epilogue ej = {e->kind, c + j0, e->relu ? e->relu + j0 : 0, e->mask ? e->mask + j0 : 0};
        const double *panel = panels + q * k * NB;
        switch (e->kind) {
        case 1: rows(a, lda, 1, panel, NB, c + j0, ldc, m, nb, k, pad, &ej, 1); break;
        case 2: rows(a, lda, 1, panel, NB, c + j0, ldc, m, nb, k, pad, &ej, 2); break;
        default: rows(a, lda, 1, panel, NB, c + j0, ldc, m, nb, k, pad, &ej, 0); break;
        }
    }
}

void noether_pack_panels(const double *b, long ldb, long k, long n, int transB, double *panels) {
    for (long j0 = 0, q = 0; j0 < n; j0 += NB, q++) {
        double *panel = panels + q * k * NB;
        for (long p = 0; p < k; p++)
            for (long j = 0; j < NB; j++) {
                long col = j0 + j;
                panel[p * NB + j] = col < n ? (transB ? b[col * ldb + p] : b[p * ldb + col]) : 0;
            }
    }
}

int noether_small_dgemm_panels(long m, long n, long k, const double *a, long lda, const double *panels,
                               double *c, long ldc, int kind, double *relu, const double *mask) {
    if (m <= 0 || n <= 0 || k <= 0) return 1;
    if (k * NB > SCRATCH) return 0;
    double *scratch = threadScratch();
    if (scratch == NULL) return 0;
    struct epilogue e = {kind, c, relu, mask};
    gemm_panels(a, lda, panels, c, ldc, m, n, k, scratch + SCRATCH, &e);
    return 1;
}

