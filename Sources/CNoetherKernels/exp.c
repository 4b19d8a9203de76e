#include "CNoetherKernels.h"

#include <string.h>

// exp over an array, 8 lanes at a time (one AVX-512 register, two AVX2 or four SSE2
// ones), for the softmax of the cross-entropy loss: glibc's scalar exp costs ≈ 7 ns a
// call, most of the loss's time. Cody–Waite reduction x = k·ln2 + r, |r| ≤ ln2/2 (plus
// rounding slack), Taylor polynomial to degree 13 (truncation < 1e-17 relative), and
// 2^k applied as two exact power-of-two factors so that subnormal results come out
// right. Within 1 ulp of the correctly rounded result; exp(NaN) = NaN, exp(−∞) = 0,
// exp(+∞) = +∞, 0 below −745.2, +∞ above 709.8.

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(__APPLE__)
#define NOETHER_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define NOETHER_CLONES
#endif

typedef double v8d __attribute__((vector_size(64), aligned(8)));
typedef long long v8l __attribute__((vector_size(64), aligned(8)));

#define INLINE static inline __attribute__((always_inline))

#define splat(x) ((v8d){(x), (x), (x), (x), (x), (x), (x), (x)})

#define select8(mask, yes, no) ((v8d)((((v8l)(yes)) & (mask)) | (((v8l)(no)) & ~(mask))))

INLINE void exp8(const double *in, double *out) {
    v8d x;
    memcpy(&x, in, sizeof x);
    const v8d shift = splat(0x1.8p52);
    v8d t = x * splat(0x1.71547652b82fep0) + shift;  // x/ln2 rounded to an integer, in t's low bits
    v8d kd = t - shift;
    v8l k = (v8l)t - (v8l)shift;
    v8d r = x - kd * splat(0x1.62e42fefa3800p-1);    // ln2, high part (k·hi exact)
    r = r - kd * splat(0x1.ef35793c76730p-45);       // ln2, low part
    v8d p = splat(1.0 / 6227020800.0);               // 1/13!
    p = p * r + splat(1.0 / 479001600.0);
    p = p * r + splat(1.0 / 39916800.0);
    p = p * r + splat(1.0 / 3628800.0);
    p = p * r + splat(1.0 / 362880.0);
    p = p * r + splat(1.0 / 40320.0);
    p = p * r + splat(1.0 / 5040.0);
    p = p * r + splat(1.0 / 720.0);
    p = p * r + splat(1.0 / 120.0);
    p = p * r + splat(1.0 / 24.0);
    p = p * r + splat(1.0 / 6.0);
    p = p * r + splat(0.5);
    p = p * r + splat(1.0);
    p = p * r + splat(1.0);
    v8l k1 = k >> 1;
    v8l k2 = k - k1;
    v8d s1 = (v8d)((k1 + 1023) << 52);
    v8d s2 = (v8d)((k2 + 1023) << 52);
    v8d y = (p * s1) * s2;
    y = select8((v8l)(x < splat(-745.2)), splat(0), y);
    y = select8((v8l)(x > splat(709.78)), splat(__builtin_inf()), y);
    y = select8((v8l)(x != x), x + x, y);
    memcpy(out, &y, sizeof y);
}

NOETHER_CLONES
void noether_exp(const double *x, double *y, long n) {
    long i = 0;
    for (; i + 8 <= n; i += 8) exp8(x + i, y + i);
    if (i < n) {
        double in[8] = {0, 0, 0, 0, 0, 0, 0, 0}, out[8];
        memcpy(in, x + i, (size_t)(n - i) * sizeof(double));
        exp8(in, out);
        memcpy(y + i, out, (size_t)(n - i) * sizeof(double));
    }
}
