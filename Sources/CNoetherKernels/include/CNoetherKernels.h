#ifndef NOETHER_CNOETHERKERNELS_H
#define NOETHER_CNOETHERKERNELS_H

// Noether's own C: what the CPU supports (cpuid + xgetbv), and small kernels compiled
// once per instruction set with function multi-versioning (target_clones), so one
// binary runs AVX-512, AVX2 or SSE2 code on whatever x86-64 CPU it lands on.

#include <stddef.h>

/// Feature bits of `noether_cpu_features` (each only when the OS also saves the
/// registers it needs: xgetbv says so).
enum {
    NOETHER_CPU_SSE3 = 1 << 0,
    NOETHER_CPU_AVX = 1 << 1,
    NOETHER_CPU_AVX2 = 1 << 2,
    NOETHER_CPU_FMA = 1 << 3,
    NOETHER_CPU_AVX512F = 1 << 4,
    NOETHER_CPU_AVX512BW = 1 << 5,
    NOETHER_CPU_AVX512DQ = 1 << 6,
    NOETHER_CPU_AVX512VL = 1 << 7,
};

/// The CPU's usable features (a mask of NOETHER_CPU_*) and its vendor string
/// ("GenuineIntel", "AuthenticAMD", …) in `vendor` (13 bytes with the NUL); 0 and ""
/// off x86-64.
unsigned noether_cpu_features(char vendor[13]);

/// The instruction set the multi-versioned kernels run with in this process:
/// "avx512f", "avx2" or "default" (what the ifunc resolver picked).
const char *noether_kernel_isa(void);



/// C = op(A)·op(B) for small products (row-major; C is overwritten: β = 0, α = 1);
/// op(A) is m × k, op(B) k × n; transA/transB nonzero for a transposed operand.
/// Uses per-thread scratch of 16384 doubles: returns 0 (and does nothing) when k·16 or,
/// for op(B) = Bᵀ, k·n exceeds it; 1 when C holds the product. Each entry is summed
/// over p in increasing order, so results never depend on the run.
int noether_small_dgemm(int transA, int transB, long m, long n, long k, const double *a, long lda,
                        const double *b, long ldb, double *c, long ldc);

/// The same product with an element-wise pass fused into its stores (C's leading
/// dimension also indexes `relu` and `mask`): kind 0 none; 1 also writes max(C, 0)
/// into `relu` (NaN → 0); 2 multiplies C by 1 where mask > 0, by 0 elsewhere.
int noether_small_dgemm_epilogue(int transA, int transB, long m, long n, long k, const double *a,
                                 long lda, const double *b, long ldb, double *c, long ldc, int kind,
                                 double *relu, const double *mask);

/// B (op(B) k × n; B stored k × n, or n × k when transB) copied into panel-major form for
/// `noether_small_dgemm_panels`: ⌈n/16⌉ panels of k rows × 16 doubles, zero-padded
/// (`panels` holds ⌈n/16⌉·16·k doubles).
void noether_pack_panels(const double *b, long ldb, long k, long n, int transB, double *panels);

/// C = A·B (A m × k row-major, not transposed) with B in panel-major form (above) and the
/// epilogue of `noether_small_dgemm_epilogue`; the same bits as that function. For wide B
/// (hundreds of columns) reused over many row blocks. Returns 0 (nothing written) when
/// k·16 exceeds the per-thread scratch.
int noether_small_dgemm_panels(long m, long n, long k, const double *a, long lda, const double *panels,
                               double *c, long ldc, int kind, double *relu, const double *mask);

/// y[i] = exp(x[i]) for n entries (x and y may be the same array), vectorized; within
/// 1 ulp of the correctly rounded result, same special values as exp.
void noether_exp(const double *x, double *y, long n);

#endif
