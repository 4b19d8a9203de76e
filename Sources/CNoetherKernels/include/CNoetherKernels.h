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

#endif
