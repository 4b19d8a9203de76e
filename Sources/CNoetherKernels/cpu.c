#include "CNoetherKernels.h"

#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

static unsigned long long xgetbv0(void) {
    unsigned eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((unsigned long long)edx << 32) | eax;
}

unsigned noether_cpu_features(char vendor[13]) {
    unsigned a, b, c, d;
    memset(vendor, 0, 13);
    if (!__get_cpuid(0, &a, &b, &c, &d)) return 0;
    unsigned maxLeaf = a;
    memcpy(vendor, &b, 4);
    memcpy(vendor + 4, &d, 4);
    memcpy(vendor + 8, &c, 4);
    __get_cpuid(1, &a, &b, &c, &d);
    unsigned f = 0;
    if (c & bit_SSE3) f |= NOETHER_CPU_SSE3;
    int osxsave = (c & bit_OSXSAVE) != 0;
    unsigned long long xcr0 = osxsave ? xgetbv0() : 0;
    int ymm = (xcr0 & 0x6) == 0x6;       // SSE and AVX state
    int zmm = ymm && (xcr0 & 0xe0) == 0xe0;  // opmask, ZMM_Hi256, Hi16_ZMM
    if (ymm && (c & bit_AVX)) f |= NOETHER_CPU_AVX;
    if (ymm && (c & bit_FMA)) f |= NOETHER_CPU_FMA;
    if (maxLeaf >= 7) {
        __get_cpuid_count(7, 0, &a, &b, &c, &d);
        if (ymm && (b & bit_AVX2)) f |= NOETHER_CPU_AVX2;
        if (zmm) {
            if (b & bit_AVX512F) f |= NOETHER_CPU_AVX512F;
            if (b & bit_AVX512BW) f |= NOETHER_CPU_AVX512BW;
            if (b & bit_AVX512DQ) f |= NOETHER_CPU_AVX512DQ;
            if (b & bit_AVX512VL) f |= NOETHER_CPU_AVX512VL;
        }
    }
    return f;
}
#else
unsigned noether_cpu_features(char vendor[13]) {
    memset(vendor, 0, 13);
    return 0;
}
#endif

const char *noether_kernel_isa(void) {
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
    // The same order as the target_clones resolvers: the widest supported clone wins.
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return "avx512f";
    if (__builtin_cpu_supports("avx2")) return "avx2";
#endif
    return "default";
}
