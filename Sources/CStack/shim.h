#ifndef NOETHER_CSTACK_SHIM_H
#define NOETHER_CSTACK_SHIM_H

// The calling thread's stack bounds, for NoetherSyntax's StackGuard.
#include <pthread.h>
#include <stddef.h>

#ifdef __linux__
// glibc exports it, but declares it only under _GNU_SOURCE, which the system
// headers Swift imports are not compiled with.
extern int pthread_getattr_np(pthread_t thread, pthread_attr_t *attributes);
#endif

/// The lowest address and the size of the calling thread's stack; returns 0 on
/// success, non-zero when they are unknown (then *low and *size are untouched).
static inline int noether_thread_stack(void **low, size_t *size) {
#ifdef __linux__
    pthread_attr_t attributes;
    if (pthread_getattr_np(pthread_self(), &attributes) != 0) return -1;
    int status = pthread_attr_getstack(&attributes, low, size);
    pthread_attr_destroy(&attributes);
    return status;
#else
    (void)low;
    (void)size;
    return -1;
#endif
}

#endif
