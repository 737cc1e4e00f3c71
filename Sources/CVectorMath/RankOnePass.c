// The rank-1 network's fused forward step and backward pass (RankOnePass.h). Four neurons
// per vector: a block's rows are transposed into (m, u, v, z) lane vectors once, and the
// backward pass keeps δ and the four gradient columns of those neurons in registers for
// all T steps, so P and the gradient are read and written once per trial, not once per step.
// Without AVX2: the same arithmetic one neuron at a time with VectorMath's functions.
#include "RankOnePass.h"
#include "VectorMath.h"
#include <string.h>

#if defined(__x86_64__)
#include "Activations4.h"
#pragma clang attribute push (__attribute__((target("avx2,fma"))), apply_to = function)

/// Rows first..first+m (m ≤ 4) of stride 4 as lane vectors (a 4×4 transpose in registers);
/// missing lanes 0.
/// (A full group of four is four plain loads: the array and its conditional copies kept the
/// loop's sums on the stack.)
static inline void load_rows4(const double *rows, size_t m, v4 *mv, v4 *uv, v4 *vv, v4 *zv) {
    v4 r0 = {0, 0, 0, 0}, r1 = r0, r2 = r0, r3 = r0;
    if (m == 4) {
        memcpy(&r0, rows, 32); memcpy(&r1, rows + 4, 32); memcpy(&r2, rows + 8, 32); memcpy(&r3, rows + 12, 32);
    } else {
        memcpy(&r0, rows, 32);
        if (m > 1) memcpy(&r1, rows + 4, 32);
        if (m > 2) memcpy(&r2, rows + 8, 32);
    }
    v4 t0 = __builtin_shufflevector(r0, r1, 0, 4, 2, 6), t1 = __builtin_shufflevector(r0, r1, 1, 5, 3, 7);
    v4 t2 = __builtin_shufflevector(r2, r3, 0, 4, 2, 6), t3 = __builtin_shufflevector(r2, r3, 1, 5, 3, 7);
    *mv = __builtin_shufflevector(t0, t2, 0, 1, 4, 5); *vv = __builtin_shufflevector(t0, t2, 2, 3, 6, 7);
    *uv = __builtin_shufflevector(t1, t3, 0, 1, 4, 5); *zv = __builtin_shufflevector(t1, t3, 2, 3, 6, 7);
}

static inline v4 splat(double x) { return (v4){x, x, x, x}; }
/// The first m ≤ 4 lanes from x, the others 0 (a fixed-size copy when m = 4, so no call).
static inline v4 load4(const double *x, size_t m) {
    v4 v = {0, 0, 0, 0};
    if (m == 4) memcpy(&v, x, 32); else memcpy(&v, x, m * sizeof(double));
    return v;
}
static inline void store4(double *x, v4 v, size_t m) {
    if (m == 4) memcpy(x, &v, 32); else memcpy(x, &v, m * sizeof(double));
}
static inline v4 tanh_slope4(v4 phi) { return 1.0 - phi * phi; }
/// One backward step of four neurons, written once so that every kernel rounds it alike:
/// δ ← φ' (v k0 + z k1) + keep δ (φ' = 1 for linear φ), then the gradient columns.
static inline void backward_step4(int kind, v4 f, v4 d, v4 vv, v4 zv, v4 K0, v4 K1, v4 W0, v4 W1, v4 keep,
                                  v4 *delta, v4 *gm, v4 *gu, v4 *gv, v4 *gz) {
    v4 source = vv * K0 + zv * K1;
    *delta = (kind == 0 ? source : d * source) + keep * *delta;
    *gm += *delta * W0; *gu += *delta * W1;
    *gv += f * K0; *gz += f * K1;
}
static inline double lane_sum(v4 s) { return (s[0] + s[1]) + (s[2] + s[3]); }

/// φ and φ' of one lane vector; slope only when asked (erf's costs an exponential).
static inline __attribute__((always_inline)) v4 activate4(v4 h, int kind, double s, v4 *slope) {
    switch (kind) {
    case 1: {
        v4 phi = tanh4(h);
        if (slope) *slope = tanh_slope4(phi);
        return phi;
    }
    case 2: {
        v4 phi;
        erf4(h, s, &phi, slope);
        return phi;
    }
    default:
        if (slope) *slope = splat(1);
        return h;
    }
}

/// The forward step of one trial with its lane sums in registers: the same operations in the
/// same order as `forward_avx2` gives each trial, so the same bits. With the sums in memory a
/// lone trial waited for each store to reach the next load (one chain of dependent additions):
/// filter, N = 5000, T = 400, one thread, 1.5× the CPU of this loop.
static inline __attribute__((always_inline))
void forward_one_avx2(const double *rows, size_t n, const double *c, const int kind, double s,
                      double *phi, double *slope, const int gram, double *sums) {
    v4 sv = {0, 0, 0, 0}, sz = sv, guv = sv, guz = sv;
    const v4 c0 = splat(c[0]), c1 = splat(c[1]);
    // Full groups of four with fixed-size loads and stores (so nothing is kept on the stack), then the rest.
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        v4 mv, uv, vv, zv, d;
        load_rows4(rows + 4 * i, 4, &mv, &uv, &vv, &zv);
        v4 h = mv * c0 + uv * c1;
        v4 f = activate4(h, kind, s, gram || slope ? &d : 0);
        if (phi) memcpy(phi + i, &f, 32);
        if (slope) memcpy(slope + i, &d, 32);
        sv += vv * f; sz += zv * f;
        if (gram) {
            v4 us = uv * d;
            guv += vv * us; guz += zv * us;
        }
    }
    if (i < n) {
        size_t m = n - i;
        v4 mv, uv, vv, zv, d;
        load_rows4(rows + 4 * i, m, &mv, &uv, &vv, &zv);
        v4 h = mv * c0 + uv * c1;
        v4 f = activate4(h, kind, s, gram || slope ? &d : 0);
        if (phi) store4(phi + i, f, m);
        if (slope) store4(slope + i, d, m);
        sv += vv * f; sz += zv * f;
        if (gram) {
            v4 us = uv * d;
            guv += vv * us; guz += zv * us;
        }
    }
    sums[0] = lane_sum(sv); sums[1] = lane_sum(sz);
    if (gram) { sums[2] = lane_sum(guv); sums[3] = lane_sum(guz); }
}

/// The forward step for G trials: each group of four rows is loaded and transposed once and
/// serves every trial; per trial, lane sums (Σ vφ, Σ zφ, Σ uvφ', Σ uzφ') wait in `lanes`
/// (G×16 doubles). Inlined into one copy per φ and `gram` (constants), no branch on either inside.
static inline __attribute__((always_inline))
void forward_avx2(const double *rows, size_t n, size_t G, const double *c, const int kind, double s,
                  double *phi, double *slope, size_t trialStride, const int gram, double *sums, double *lanes) {
    if (G == 1) { forward_one_avx2(rows, n, c, kind, s, phi, slope, gram, sums); return; }
    memset(lanes, 0, G * 16 * sizeof(double));
    for (size_t i = 0; i < n; i += 4) {
        size_t m = n - i < 4 ? n - i : 4;
        v4 mv, uv, vv, zv, d;
        if (m == 4) load_rows4(rows + 4 * i, 4, &mv, &uv, &vv, &zv);  // fixed-size loads for full groups
        else load_rows4(rows + 4 * i, m, &mv, &uv, &vv, &zv);
        for (size_t b = 0; b < G; b++) {
            v4 h = mv * splat(c[2 * b]) + uv * splat(c[2 * b + 1]);
            v4 f = activate4(h, kind, s, gram || slope ? &d : 0);
            if (phi) store4(phi + b * trialStride + i, f, m);
            if (slope) store4(slope + b * trialStride + i, d, m);
            double *l = lanes + 16 * b;
            v4 sv, sz;
            memcpy(&sv, l, 32); memcpy(&sz, l + 4, 32);
            sv += vv * f; sz += zv * f;
            memcpy(l, &sv, 32); memcpy(l + 4, &sz, 32);
            if (gram) {
                v4 guv, guz, us = uv * d;
                memcpy(&guv, l + 8, 32); memcpy(&guz, l + 12, 32);
                guv += vv * us; guz += zv * us;
                memcpy(l + 8, &guv, 32); memcpy(l + 12, &guz, 32);
            }
        }
    }
    for (size_t b = 0; b < G; b++) {
        const double *l = lanes + 16 * b;
        double *out = sums + 4 * b;
        out[0] = (l[0] + l[1]) + (l[2] + l[3]); out[1] = (l[4] + l[5]) + (l[6] + l[7]);
        if (gram) { out[2] = (l[8] + l[9]) + (l[10] + l[11]); out[3] = (l[12] + l[13]) + (l[14] + l[15]); }
    }
}

static void forward_dispatch_avx2(const double *rows, size_t n, size_t G, const double *c, int kind, double s,
                                  double *phi, double *slope, size_t stride, int gram, double *sums, double *lanes) {
#define GF_FORWARD(K, GR) forward_avx2(rows, n, G, c, K, s, phi, slope, stride, GR, sums, lanes)
    switch (kind * 2 + (gram != 0)) {
    case 0: GF_FORWARD(0, 0); break;
    case 1: GF_FORWARD(0, 1); break;
    case 2: GF_FORWARD(1, 0); break;
    case 3: GF_FORWARD(1, 1); break;
    case 4: GF_FORWARD(2, 0); break;
    default: GF_FORWARD(2, 1); break;
    }
#undef GF_FORWARD
}

/// φ(h_t) rebuilt: each group of four neurons runs t = T..1 with δ and its gradient in registers.
static inline __attribute__((always_inline))
void backward_rebuilt_avx2(const double *rows, double *grad, size_t n, size_t T, const double *latent,
                           const double *w, const double *k, double keep, const int kind, double s) {
    const v4 KEEP = splat(keep);
    for (size_t i = 0; i < n; i += 4) {
        size_t m = n - i < 4 ? n - i : 4;
        v4 mv, uv, vv, zv;
        load_rows4(rows + 4 * i, m, &mv, &uv, &vv, &zv);
        v4 delta = {0}, gm = {0}, gu = {0}, gv = {0}, gz = {0};
        for (size_t t = T; t >= 1; t--) {
            const double *c = latent + 2 * t, *wt = w + 2 * (t - 1), *kt = k + 2 * (t - 1);
            v4 d, h = mv * splat(c[0]) + uv * splat(c[1]);
            v4 f = activate4(h, kind, s, &d);
            backward_step4(kind, f, d, vv, zv, splat(kt[0]), splat(kt[1]), splat(wt[0]), splat(wt[1]), KEEP,
                           &delta, &gm, &gu, &gv, &gz);
        }
        for (size_t j = 0; j < m; j++) {
            double *row = grad + 4 * (i + j);
            row[0] += gm[j]; row[1] += gu[j]; row[2] += gv[j]; row[3] += gz[j];
        }
    }
}

static void backward_rebuilt_dispatch_avx2(const double *rows, double *grad, size_t n, size_t T, const double *latent,
                                           const double *w, const double *k, double keep, int kind, double s) {
    if (kind == 1) backward_rebuilt_avx2(rows, grad, n, T, latent, w, k, keep, 1, s);
    else if (kind == 2) backward_rebuilt_avx2(rows, grad, n, T, latent, w, k, keep, 2, s);
    else backward_rebuilt_avx2(rows, grad, n, T, latent, w, k, keep, 0, s);
}

/// φ(h_t) (and erf's φ') stored: t outer, so each step's stored values are read as one
/// contiguous run; δ and the gradient columns of up to `chunk` neurons wait in L1 arrays.
/// Each neuron sees the same operations in the same order as in the rebuilt kernel.
static void backward_stored_avx2(const double *rows, double *grad, size_t n, size_t T, const double *k,
                                 const double *w, double keep, int kind, const double *phi,
                                 const double *slope, size_t stride) {
    enum { chunk = 128 };
    const v4 KEEP = splat(keep);
    for (size_t first = 0; first < n; first += chunk) {
        size_t count = n - first < chunk ? n - first : chunk;
        v4 vv[chunk / 4], zv[chunk / 4], delta[chunk / 4], gm[chunk / 4], gu[chunk / 4], gv[chunk / 4], gz[chunk / 4];
        for (size_t q = 0; q * 4 < count; q++) {
            v4 mv, uv;
            size_t m = count - 4 * q < 4 ? count - 4 * q : 4;
            load_rows4(rows + 4 * (first + 4 * q), m, &mv, &uv, &vv[q], &zv[q]);
            delta[q] = gm[q] = gu[q] = gv[q] = gz[q] = (v4){0, 0, 0, 0};
        }
        for (size_t t = T; t >= 1; t--) {
            const double *wt = w + 2 * (t - 1), *kt = k + 2 * (t - 1);
            const double *ft = phi + t * stride + first, *dt = slope ? slope + t * stride + first : 0;
            const v4 K0 = splat(kt[0]), K1 = splat(kt[1]), W0 = splat(wt[0]), W1 = splat(wt[1]);
            for (size_t q = 0; q * 4 < count; q++) {
                size_t m = count - 4 * q < 4 ? count - 4 * q : 4;
                v4 f = load4(ft + 4 * q, m);
                v4 d = dt ? load4(dt + 4 * q, m) : kind == 1 ? tanh_slope4(f) : splat(1);
                backward_step4(kind, f, d, vv[q], zv[q], K0, K1, W0, W1, KEEP, &delta[q], &gm[q], &gu[q], &gv[q], &gz[q]);
            }
        }
        for (size_t q = 0; q * 4 < count; q++) {
            size_t m = count - 4 * q < 4 ? count - 4 * q : 4;
            for (size_t j = 0; j < m; j++) {
                double *row = grad + 4 * (first + 4 * q + j);
                row[0] += gm[q][j]; row[1] += gu[q][j]; row[2] += gv[q][j]; row[3] += gz[q][j];
            }
        }
    }
}
#pragma clang attribute pop

static int has_avx2_fma(void) { return gf_vector_math_uses_avx2(); }
#else
static int has_avx2_fma(void) { return 0; }
#endif

/// φ and φ' of one neuron through VectorMath's array functions (the processors without AVX2).
static double activate1(double h, int kind, double s, double *slope) {
    double f = h, d = 1;
    if (kind == 1) { gf_tanh(&h, &f, 1); d = 1 - f * f; }
    else if (kind == 2) gf_erf_scaled(&h, &f, &d, 1, s);
    if (slope) *slope = d;
    return f;
}

void gf_rank1_forward(const double *rows, size_t n, size_t G, const double *c, int kind, double s,
                      double *phi, double *slope, size_t stride, int gram, double *sums, double *lanes) {
#if defined(__x86_64__)
    if (has_avx2_fma()) { forward_dispatch_avx2(rows, n, G, c, kind, s, phi, slope, stride, gram, sums, lanes); return; }
#endif
    for (size_t b = 0; b < G; b++) {
        double sv[4] = {0}, sz[4] = {0}, guv[4] = {0}, guz[4] = {0};
        double *fb = phi ? phi + b * stride : 0, *db = slope ? slope + b * stride : 0;
        for (size_t i = 0; i < n; i++) {
            const double *r = rows + 4 * i;
            double d, h = r[0] * c[2 * b] + r[1] * c[2 * b + 1], f = activate1(h, kind, s, &d);
            if (fb) fb[i] = f;
            if (db) db[i] = d;
            sv[i % 4] += r[2] * f; sz[i % 4] += r[3] * f;
            if (gram) { double us = r[1] * d; guv[i % 4] += r[2] * us; guz[i % 4] += r[3] * us; }
        }
        double *out = sums + 4 * b;
        out[0] = (sv[0] + sv[1]) + (sv[2] + sv[3]); out[1] = (sz[0] + sz[1]) + (sz[2] + sz[3]);
        if (gram) { out[2] = (guv[0] + guv[1]) + (guv[2] + guv[3]); out[3] = (guz[0] + guz[1]) + (guz[2] + guz[3]); }
    }
}

void gf_rank1_backward(const double *rows, double *grad, size_t n, size_t T, const double *latent,
                       const double *w, const double *k, double keep, int kind, double s,
                       const double *phi, const double *slope, size_t stride) {
#if defined(__x86_64__)
    if (has_avx2_fma()) {
        if (phi) backward_stored_avx2(rows, grad, n, T, k, w, keep, kind, phi, slope, stride);
        else backward_rebuilt_dispatch_avx2(rows, grad, n, T, latent, w, k, keep, kind, s);
        return;
    }
#endif
    for (size_t i = 0; i < n; i++) {
        const double *r = rows + 4 * i;
        double delta = 0, g[4] = {0};
        for (size_t t = T; t >= 1; t--) {
            const double *c = latent + 2 * t, *wt = w + 2 * (t - 1), *kt = k + 2 * (t - 1);
            double f, d;
            if (phi) {
                f = phi[t * stride + i];
                d = slope ? slope[t * stride + i] : kind == 1 ? 1 - f * f : 1;
            } else {
                f = activate1(r[0] * c[0] + r[1] * c[1], kind, s, &d);
            }
            double source = r[2] * kt[0] + r[3] * kt[1];
            delta = (kind == 0 ? source : d * source) + keep * delta;
            g[0] += delta * wt[0]; g[1] += delta * wt[1]; g[2] += f * kt[0]; g[3] += f * kt[1];
        }
        for (int j = 0; j < 4; j++) grad[4 * i + j] += g[j];
    }
}
