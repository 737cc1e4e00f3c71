// Activations over whole vectors, for GramFlowNumerics' VectorMath only: tanh's exp from SLEEF
// (Debian libsleef-dev, u10: at most 1.0 ulp from the correctly rounded result), tanh by
// Cephes' rational and that exp, erf by fdlibm's method on four lanes (Activations4.h) and
// its slope by Activations4.h's inline exp (≤ 1 ulp).
// Tests: GramFlowNumericsTests.VectorMathTests (≤ 2 ulp from glibc's libm).
#ifndef GRAMFLOW_VECTOR_MATH_H
#define GRAMFLOW_VECTOR_MATH_H
#include <stddef.h>

/// y_i = tanh(x_i), i < n. x and y may be the same array.
void gf_tanh(const double *x, double *y, size_t n);

/// value_i = erf(s x_i) and slope_i = exp(−π x_i² / 4), i < n; with s = √π/2 the slope is
/// the derivative of erf(√π x/2). value or slope may be NULL (not wanted); x may alias either.
void gf_erf_scaled(const double *x, double *value, double *slope, size_t n, double s);

/// 1 when the 4-wide AVX2 kernels are in use, 0 for the 2-wide SSE2 ones.
int gf_vector_math_uses_avx2(void);

#endif
