// Why C and not a system-library module over sleef.h: SLEEF's 4-wide AVX2 functions are
// declared only when the includer is compiled with AVX enabled, and a 256-bit vector
// argument needs a caller compiled for AVX (the ABI passes it in a ymm register). Here
// only the loops below are compiled for AVX2+FMA (function attributes, no global flags),
// and chosen at run time when the processor has them; otherwise SLEEF's 2-wide SSE2
// dispatchers, which every x86-64 processor runs.
#include "VectorMath.h"
#include <string.h>

#if defined(__x86_64__)
#include <math.h>
#include <sleef.h>  // the SSE2 (__m128d) functions

#include "Activations4.h"
#pragma clang attribute push (__attribute__((target("avx2,fma"))), apply_to = function)

static void tanh_avx2(const double *x, double *y, size_t n) {
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        v4 v; memcpy(&v, x + i, sizeof v);
        v = tanh4(v);
        memcpy(y + i, &v, sizeof v);
    }
    if (i < n) {
        v4 v = {0, 0, 0, 0};
        memcpy(&v, x + i, (n - i) * sizeof(double));
        v = tanh4(v);
        memcpy(y + i, &v, (n - i) * sizeof(double));
    }
}

static inline void erf_block4(const double *x, double *value, double *slope, double s, size_t m) {
    v4 v = {0, 0, 0, 0}, e, d;
    memcpy(&v, x, m * sizeof(double));
    erf4(v, s, value ? &e : 0, slope ? &d : 0);
    if (slope) memcpy(slope, &d, m * sizeof(double));
    if (value) memcpy(value, &e, m * sizeof(double));
}

static void erf_scaled_avx2(const double *x, double *value, double *slope, size_t n, double s) {
    size_t i = 0;
    for (; i + 4 <= n; i += 4) erf_block4(x + i, value ? value + i : 0, slope ? slope + i : 0, s, 4);
    if (i < n) erf_block4(x + i, value ? value + i : 0, slope ? slope + i : 0, s, n - i);
}
#pragma clang attribute pop

static void tanh_sse2(const double *x, double *y, size_t n) {
    for (size_t i = 0; i < n; i += 2) {
        size_t m = n - i < 2 ? n - i : 2;
        __m128d v = _mm_setzero_pd();
        memcpy(&v, x + i, m * sizeof(double));
        v = Sleef_tanhd2_u10(v);
        memcpy(y + i, &v, m * sizeof(double));
    }
}

static void erf_scaled_sse2(const double *x, double *value, double *slope, size_t n, double s) {
    const double c = -3.14159265358979323846264338327950288;
    for (size_t i = 0; i < n; i += 2) {
        size_t m = n - i < 2 ? n - i : 2;
        double in[2] = {0, 0};
        memcpy(in, x + i, m * sizeof(double));
        __m128d v = _mm_loadu_pd(in);
        if (slope) {
            __m128d a = _mm_set_pd(c * in[1] * in[1] * 0.25, c * in[0] * in[0] * 0.25);
            __m128d d = Sleef_expd2_u10(a);
            memcpy(slope + i, &d, m * sizeof(double));
        }
        if (value) {
            __m128d e = Sleef_erfd2_u10(_mm_mul_pd(_mm_set1_pd(s), v));
            memcpy(value + i, &e, m * sizeof(double));
        }
    }
}

static int has_avx2(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    return cached;
}

void gf_tanh(const double *x, double *y, size_t n) {
    if (has_avx2()) tanh_avx2(x, y, n); else tanh_sse2(x, y, n);
}

void gf_erf_scaled(const double *x, double *value, double *slope, size_t n, double s) {
    if (has_avx2()) erf_scaled_avx2(x, value, slope, n, s); else erf_scaled_sse2(x, value, slope, n, s);
}

int gf_vector_math_uses_avx2(void) { return has_avx2(); }

#else  // not x86-64: libm, one element at a time
#include <math.h>
void gf_tanh(const double *x, double *y, size_t n) { for (size_t i = 0; i < n; i++) y[i] = tanh(x[i]); }
void gf_erf_scaled(const double *x, double *value, double *slope, size_t n, double s) {
    const double c = -3.14159265358979323846264338327950288;
    for (size_t i = 0; i < n; i++) {
        double xi = x[i];
        if (slope) slope[i] = exp(c * xi * xi * 0.25);
        if (value) value[i] = erf(s * xi);
    }
}
int gf_vector_math_uses_avx2(void) { return 0; }
#endif
