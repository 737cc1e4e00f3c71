// The rank-1, one-input, one-output reduced dynamics with φ = erf (ReducedRankOne.h).
//
// Why a kernel: ReducedOverlapLoss's loops store the whole batch's trajectory time-major
// (B·T·(2 + 4) doubles, ≈ 2.5 MB at B = 128, T = 400) and stream through it three times, so
// an epoch waits on the L2; and Swift compiles them for baseline x86-64 (two lanes). Here
// the trials go four to a vector, GROUP = 4 vectors (16 trials) at a time (independent chains,
// so the square roots and divisions of one overlap the others'), and a group's scratch
// ((T+1)·16·10 doubles, ≈ 0.5 MB at T = 400, this machine's L2) is still in cache when its
// adjoint runs. Two vectors a group were about 3% slower in one set of paired twins runs (within
// their noise: ratios 0.85–1.02); the group size sets the order of the lane sums, so changing
// it moves results by rounding.
//
// Arithmetic (docs/theory.md §3–§4, the symbols of ReducedOverlapLoss): per trial,
//     κ_t = (1−α) κ_{t−1} + α F_{t−1} (a0 κ_{t−1} + a1 ξ_{t−1}),  ξ_t = (1−α) ξ_{t−1} + α x_{t−1},
//     Δ_t = c_tᵀ Q c_t,  F_t = (1 + πΔ_t/2)^{−1/2},  F'_t = −(π/4) F_t³,
//     y_t = F_t (c0 κ_t + c1 ξ_t),  e_t = 2w·mask·(y_t − target_t),
// and the adjoint μ_t = dL/dκ_t backwards from μ_{T+1} = 0 with s_t = e_t r_t + α μ_{t+1}(a0 κ_t + a1 ξ_t):
//     μ_t = (1−α) μ_{t+1} + F_t (c0 e_t + α a0 μ_{t+1}) + 2 F'_t s_t (q00 κ_t + q01 ξ_t).
// Sums over trials are kept per lane and added at the end, so the result differs from the
// Swift loops' (which add trial by trial) by rounding only: ≤ 1e-13 relative in the tests.
#include "ReducedRankOne.h"
#include "VectorMath.h"
#include <math.h>
#include <string.h>

typedef double v4 __attribute__((vector_size(32)));

enum { GROUP = 4, LANES = 4 * GROUP };
// Every helper is inlined into the AVX2 and the baseline entry points alike: a call between
// functions compiled for different vector widths would pass a 4-lane vector in different registers.
// (Hence -Wpsabi, which warns of such calls, is quiet here: there are none.)
#define INLINE static inline __attribute__((always_inline))
#pragma clang diagnostic ignored "-Wpsabi"
// Per step and vector: κ, ξ, F, F', e, r, y (the trajectory), then x, target, mask (the inputs).
enum { KAPPA, XI, GAIN, SLOPE, ERROR, READOUT, OUTPUT, INPUT, TARGET, MASK, FIELDS };

size_t gf_reduced_rank_one_scratch(size_t T) { return (T + 1) * FIELDS * LANES; }

INLINE v4 splat(double x) { return (v4){x, x, x, x}; }
INLINE double lane_sum(v4 s) { return (s[0] + s[1]) + (s[2] + s[3]); }

/// Field f of vector g at step t in a group's scratch: four doubles, one per lane.
INLINE double *field(double *scratch, size_t t, int f, int g) {
    return scratch + ((t * FIELDS + f) * GROUP + g) * 4;
}
INLINE v4 load(const double *p) { v4 v; memcpy(&v, p, sizeof v); return v; }
INLINE void store(double *p, v4 v) { memcpy(p, &v, sizeof v); }

/// One group of up to LANES trials from `first`: forward, loss terms, outputs, adjoint.
/// Missing lanes run on x = target = mask = 0 and contribute exact zeros.
INLINE void run_group(const gf_reduced_rank_one *p, size_t B, size_t T, size_t first, const double *x,
               const double *target, const double *mask, double *scratch, double *outputs,
               int wantGradient, v4 *loss, v4 *grad) {
    const size_t m = B - first < LANES ? B - first : LANES;
    const int graded = target != 0;
    // The group's inputs step-major (each trial's row read once, in order).
    for (size_t t = 0; t < T; t++)
        for (int g = 0; g < GROUP; g++) {
            store(field(scratch, t, INPUT, g), splat(0));
            store(field(scratch, t + 1, TARGET, g), splat(0));
            store(field(scratch, t + 1, MASK, g), splat(0));
        }
    for (size_t l = 0; l < m; l++) {
        const size_t b = first + l, g = l / 4, lane = l % 4;
        for (size_t t = 0; t < T; t++) {
            field(scratch, t, INPUT, (int)g)[lane] = x[b * T + t];
            if (graded) {
                field(scratch, t + 1, TARGET, (int)g)[lane] = target[b * T + t];
                field(scratch, t + 1, MASK, (int)g)[lane] = mask[b * T + t];
            }
        }
    }
    const v4 keep = splat(1 - p->alpha), alpha = splat(p->alpha);
    const v4 a0 = splat(p->a0), a1 = splat(p->a1), c0 = splat(p->c0), c1 = splat(p->c1);
    const v4 q00 = splat(p->q00), q01 = splat(p->q01), q10 = splat(p->q10), q11 = splat(p->q11);
    const v4 halfPi = splat(M_PI / 2), quarterPi = splat(-M_PI / 4), w = splat(p->weight), twoW = splat(2 * p->weight);
    v4 kappa[GROUP], xi[GROUP], gain[GROUP];
    for (int g = 0; g < GROUP; g++) { kappa[g] = splat(0); xi[g] = splat(0); gain[g] = splat(1); }
    for (size_t t = 1; t <= T; t++) {
        for (int g = 0; g < GROUP; g++) {
            const v4 drive = a0 * kappa[g] + a1 * xi[g];
            kappa[g] = keep * kappa[g] + alpha * gain[g] * drive;
            xi[g] = keep * xi[g] + alpha * load(field(scratch, t - 1, INPUT, g));
            const v4 k = kappa[g], s = xi[g];
            const v4 delta = k * (q00 * k + q01 * s) + s * (q10 * k + q11 * s);
            const v4 base = 1.0 + halfPi * delta;
            const v4 F = 1.0 / __builtin_elementwise_sqrt(base);  // base ≥ 1 for a PSD Q
            gain[g] = F;
            const v4 r = c0 * k + c1 * s, y = F * r;
            store(field(scratch, t, KAPPA, g), k); store(field(scratch, t, XI, g), s);
            store(field(scratch, t, GAIN, g), F); store(field(scratch, t, SLOPE, g), quarterPi * F * F * F);
            store(field(scratch, t, READOUT, g), r);
            if (graded) {
                const v4 residual = y - load(field(scratch, t, TARGET, g)), weighted = load(field(scratch, t, MASK, g)) * residual;
                *loss += w * weighted * residual;
                store(field(scratch, t, ERROR, g), twoW * weighted);
            }
            if (outputs) store(field(scratch, t, OUTPUT, g), y);
        }
    }
    if (outputs)
        for (size_t l = 0; l < m; l++)
            for (size_t t = 1; t <= T; t++)
                outputs[(first + l) * T + t - 1] = field(scratch, t, OUTPUT, (int)(l / 4))[l % 4];
    if (!wantGradient) return;
    v4 mu[GROUP];
    for (int g = 0; g < GROUP; g++) mu[g] = splat(0);
    for (size_t t = T; t >= 1; t--) {
        for (int g = 0; g < GROUP; g++) {
            const v4 k = load(field(scratch, t, KAPPA, g)), s = load(field(scratch, t, XI, g));
            const v4 F = load(field(scratch, t, GAIN, g)), e = load(field(scratch, t, ERROR, g)), next = mu[g];
            const v4 source = e * load(field(scratch, t, READOUT, g)) + alpha * next * (a0 * k + a1 * s);
            const v4 wC = F * e, wA = alpha * F * next, curvature = load(field(scratch, t, SLOPE, g)) * source;
            grad[0] += wA * k; grad[1] += wA * s; grad[2] += wC * k; grad[3] += wC * s;
            grad[4] += curvature * k * k; grad[5] += curvature * k * s; grad[6] += curvature * s * s;
            mu[g] = keep * next + F * (c0 * e + alpha * a0 * next) + 2.0 * curvature * (q00 * k + q01 * s);
        }
    }
}

/// The batch, group after group; per-lane sums added once at the end.
INLINE double run_batch(const gf_reduced_rank_one *p, size_t B, size_t T, const double *x, const double *target,
                 const double *mask, double *scratch, double *outputs, double *gradient) {
    v4 loss = splat(0), grad[7];
    for (int i = 0; i < 7; i++) grad[i] = splat(0);
    const int wantGradient = gradient != 0 && target != 0;
    for (size_t first = 0; first < B; first += LANES)
        run_group(p, B, T, first, x, target, mask, scratch, outputs, wantGradient, &loss, grad);
    if (wantGradient) {
        gradient[0] = lane_sum(grad[0]); gradient[1] = lane_sum(grad[1]);
        gradient[2] = lane_sum(grad[2]); gradient[3] = lane_sum(grad[3]);
        gradient[4] = lane_sum(grad[4]); gradient[5] = gradient[6] = lane_sum(grad[5]);
        gradient[7] = lane_sum(grad[6]);
    }
    return target ? lane_sum(loss) : 0;
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma")))
static double run_batch_avx2(const gf_reduced_rank_one *p, size_t B, size_t T, const double *x, const double *target,
                             const double *mask, double *scratch, double *outputs, double *gradient) {
    return run_batch(p, B, T, x, target, mask, scratch, outputs, gradient);
}
#endif

double gf_reduced_rank_one_erf(const gf_reduced_rank_one *p, size_t B, size_t T, const double *x,
                               const double *target, const double *mask, double *scratch,
                               double *outputs, double *gradient) {
#if defined(__x86_64__)
    if (gf_vector_math_uses_avx2()) return run_batch_avx2(p, B, T, x, target, mask, scratch, outputs, gradient);
#endif
    return run_batch(p, B, T, x, target, mask, scratch, outputs, gradient);
}
