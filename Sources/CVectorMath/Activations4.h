// Four-lane activations compiled for AVX2+FMA (function attributes, no global flags),
// shared by VectorMath.c (the array loops) and RankOnePass.c (the network's fused
// passes), so both give the same bits for the same argument. Private to CVectorMath:
// included only on x86-64, from inside no other attribute region.
#ifndef GRAMFLOW_ACTIVATIONS4_H
#define GRAMFLOW_ACTIVATIONS4_H
#include <math.h>
#include <string.h>

typedef double v4 __attribute__((vector_size(32)));
typedef long long v4i __attribute__((vector_size(32)));
#pragma clang attribute push (__attribute__((target("avx2,fma"))), apply_to = function)
extern v4 Sleef_expd4_u10avx2(v4);

/// tanh on four lanes, Cephes' method (S. L. Moshier, Cephes Math Library 2.8, tanh.c):
/// |x| < 0.625: x + x·z·P(z)/Q(z), z = x² (Cephes: 2.5e-16 peak relative error);
/// otherwise 1 − 2/(e^{2|x|} + 1) with SLEEF's exp (≤ 1 ulp), e^{2|x|} = ∞ giving 1 exactly;
/// the sign of x put back (so ±0 → ±0, NaN → NaN). Both branches run on every lane and
/// the wanted one is selected: ≈ 3.3 ns per element (0.85 ns when all four |x| < 0.625)
/// against SLEEF's tanh 6.1 ns and libm's 15–19 ns (measured on this machine, busy).
static inline v4 tanh4(v4 x) {
    const v4i signBit = {(long long)0x8000000000000000ULL, (long long)0x8000000000000000ULL,
                         (long long)0x8000000000000000ULL, (long long)0x8000000000000000ULL};
    v4i bits = (v4i)x;
    v4 a = (v4)(bits & ~signBit);
    v4 z = a * a;
    v4 p = (-9.64399179425052238628e-1 * z - 9.92877231001918586564e1) * z - 1.61468768441708447952e3;
    v4 q = ((z + 1.12811678491632931402e2) * z + 2.23548839060100448583e3) * z + 4.84406305325125486048e3;
    // One division for both branches: small = a + (a·z·p)/q, large = 1 − 2/(e + 1); the
    // exponential only when some lane needs it.
    v4i useSmall = a < 0.625;  // all ones where |x| < 0.625 (never for NaN, which stays NaN)
    v4 e = {0, 0, 0, 0};
    if (!(useSmall[0] & useSmall[1] & useSmall[2] & useSmall[3])) e = Sleef_expd4_u10avx2(a + a);
    v4i numerator = ((v4i)(a * z * p) & useSmall) | ((v4i)(v4){2, 2, 2, 2} & ~useSmall);
    v4i denominator = ((v4i)q & useSmall) | ((v4i)(e + 1.0) & ~useSmall);
    v4 ratio = (v4)numerator / (v4)denominator;
    v4i chosen = ((v4i)(a + ratio) & useSmall) | ((v4i)(1.0 - ratio) & ~useSmall);
    return (v4)(chosen | (bits & signBit));
}

/// erf(y) for |y| < 0.84375 by fdlibm's rational approximation (the one glibc uses there,
/// error < 2^-57.90 before rounding): erf(y) = y + y·P(y²)/Q(y²). In an untrained network's
/// states |h| < 0.95 is the common case, where this costs ≈ 2 ns against libm's 5 and SLEEF's 12.
static inline v4 erf_small4(v4 y) {
    const double pp0 = 1.28379167095512558561e-01, pp1 = -3.25042107247001499370e-01,
                 pp2 = -2.84817495755985104766e-02, pp3 = -5.77027029648944159157e-03,
                 pp4 = -2.37630166566501626084e-05, qq1 = 3.97917223959155352819e-01,
                 qq2 = 6.50222499887672944485e-02, qq3 = 5.08130628187576562776e-03,
                 qq4 = 1.32494738004321644526e-04, qq5 = -3.96022827877536812320e-06;
    v4 z = y * y;
    v4 r = pp0 + z * (pp1 + z * (pp2 + z * (pp3 + z * pp4)));
    v4 q = 1.0 + z * (qq1 + z * (qq2 + z * (qq3 + z * (qq4 + z * qq5))));
    return y + y * (r / q);
}

static inline v4 splat4(double x) { return (v4){x, x, x, x}; }

/// e^x on four lanes for x ≤ 709 (no overflow handling: erf's slope exp(−πh²/4) and its
/// erfc, whose arguments are ≤ 0 or near it), inline so the network's fused loops
/// keep their vectors in registers (SLEEF's out-of-line call spills every live ymm register):
/// x = n ln2 + r with n = round(x/ln2) (by the 1.5·2^52 shift) and ln2 split in two for r
/// (|r| ≤ ln2/2, the FMAs make n·ln2_hi exact); e^r by its Taylor polynomial to degree 13
/// (remainder < 0.35^14/14! < 5e-18); 2^n as two normal powers of two 2^{n/2}·2^{n−n/2},
/// so that results down to the subnormals round once. x < −746 is taken as −746 (result 0,
/// so −∞ gives 0); NaN stays NaN. Measured: at most 1 ulp from glibc's exp over [−760, 0]
/// (16 million arguments, `VectorMathTests` checks the slope's ≤ 2 ulp).
static inline v4 exp4(v4 x) {
    const v4 lowest = splat4(-746), shifter = splat4(6755399441055744.0);  // 1.5·2^52
    v4i below = x < lowest;
    x = (v4)(((v4i)lowest & below) | ((v4i)x & ~below));
    v4 t = x * 1.4426950408889634 + shifter;  // log2(e); n sits in t's low bits
    v4 n = t - shifter;
    v4 r = __builtin_elementwise_fma(-n, splat4(6.93147180559945286227e-01), x);  // ln2, high part
    r = __builtin_elementwise_fma(-n, splat4(2.31904681384629955842e-17), r);     // ln2 − its high part
    // e^r = 1 + (r + r²E(r)), E by Estrin's scheme (four levels of FMAs, not thirteen: the
    // backward pass's step waits on this chain), the 1 added last (≤ 1 ulp, measured).
    v4 r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
    v4 q1 = r * (1.0 / 6) + 0.5, q2 = r * (1.0 / 120) + 1.0 / 24, q3 = r * (1.0 / 5040) + 1.0 / 720;
    v4 q4 = r * (1.0 / 362880) + 1.0 / 40320, q5 = r * (1.0 / 39916800) + 1.0 / 3628800;
    v4 q6 = r * (1.0 / 6227020800.0) + 1.0 / 479001600;
    v4 a = r2 * q2 + q1, b = r2 * q4 + q3, c = r2 * q6 + q5;
    v4 e = r8 * c + (r4 * b + a);
    v4 p = (r2 * e + r) + 1.0;
    v4i k = (v4i)t - (v4i)shifter, k1 = k >> 1, k2 = k - k1;  // n, −1077 ≤ n ≤ 1023
    return p * (v4)((k1 + 1023) << 52) * (v4)((k2 + 1023) << 52);
}

static inline v4 select4(v4i mask, v4 yes, v4 no) { return (v4)(((v4i)yes & mask) | ((v4i)no & ~mask)); }

/// erf(a) for a ≥ 0.84375 (or NaN) on four lanes, fdlibm's method on its three ranges (the one
/// glibc uses there), each range computed on every lane and the lane's own selected:
///   [0.84375, 1.25): erx + P(a−1)/Q(a−1);
///   [1.25, 6): 1 − erfc(a), erfc(a) = e^{−a²−0.5625 + R(1/a²)/S(1/a²)}/a, R/S fdlibm's rationals
///   for [1.25, 1/0.35) and [1/0.35, 6); the exponential by `exp4`;
///   [6, ∞): 1. NaN stays NaN.
/// Measured: at most 1 ulp from glibc's erf over [−12, 12] in steps of 2^-16 (6.3 million
/// arguments); `VectorMathTests` checks ≤ 2 ulp on its grid.
/// Before, these lanes went one at a time to libm's erf: a trained flip-flop network's states
/// leave |s·h| < 0.84375 often enough that its epoch time doubled over training (N = 600).
/// Out of line (a lane outside |y| < 0.84375 is the rare case): inlined, it made the fused loops'
/// activation too large to inline, and every call spilled their registers.
static __attribute__((noinline)) v4 erf_large4(v4 a) {
    const double erx = 8.45062911510467529297e-01;
    v4 s = a - 1.0;
    v4 P = -2.36211856075265944077e-03 + s * (4.14856118683748331666e-01 + s * (-3.72207876035701323847e-01
         + s * (3.18346619901161753674e-01 + s * (-1.10894694282396677476e-01 + s * (3.54783043256182359371e-02
         + s * -2.16637559486879084300e-03)))));
    v4 Q = 1.0 + s * (1.06420880400844228286e-01 + s * (5.40397917702171048937e-01 + s * (7.18286544141962662868e-02
         + s * (1.26171219808761642112e-01 + s * (1.36370839120290507362e-02 + s * 1.19844998467991074170e-02)))));
    v4 middle = erx + P / Q;
    v4i near = a < 1.25;  // false for NaN
    if (near[0] & near[1] & near[2] & near[3]) return middle;  // the tails' three divisions and two exponentials skipped
    v4 inverse = 1.0 / a, t = inverse * inverse;
    v4 t2 = t * t, t4 = t2 * t2;
    // fdlibm's rationals in 1/a² by Estrin's scheme (their chains were this path's latency).
    v4 Ra = ((-9.86494403484714822705e-03 + t * -6.93858572707181764372e-01)
             + t2 * (-1.05586262253232909814e+01 + t * -6.23753324503260060396e+01))
          + t4 * ((-1.62396669462573470355e+02 + t * -1.84605092906711035994e+02)
             + t2 * (-8.12874355063065934246e+01 + t * -9.81432934416914548592e+00));
    v4 Sa = ((1.0 + t * 1.96512716674392571292e+01) + t2 * (1.37657754143519042600e+02 + t * 4.34565877475229228821e+02))
          + t4 * ((6.45387271733267880336e+02 + t * 4.29008140027567833386e+02)
             + t2 * (1.08635005541779435134e+02 + t * 6.57024977031928170135e+00) + t4 * -6.04244152148580987438e-02);
    v4 Rb = ((-9.86494292470009928597e-03 + t * -7.99283237680523006574e-01)
             + t2 * (-1.77579549177547519889e+01 + t * -1.60636384855821916062e+02))
          + t4 * ((-6.37566443368389627722e+02 + t * -1.02509513161107724954e+03) + t2 * -4.83519191608651397019e+02);
    v4 Sb = ((1.0 + t * 3.03380607434824582924e+01) + t2 * (3.25792512996573918826e+02 + t * 1.53672958608443695994e+03))
          + t4 * ((3.19985821950859553908e+03 + t * 2.55305040643316442583e+03)
             + t2 * (4.74528541206955367215e+02 + t * -2.24409524465858183362e+01));
    v4i nearer = a < 1.0 / 0.35;
    v4 ratio = select4(nearer, Ra, Rb) / select4(nearer, Sa, Sb);
    // One exponential of −a² − 0.5625 + R/S: rounding the argument (|·| < 37) moves erfc by a
    // relative 2^-53·37 at most, and erfc(a) ≤ 0.08 here, so erf by < 0.03 ulp (fdlibm splits
    // it in two for erfc's own accuracy).
    v4 r = exp4(__builtin_elementwise_fma(-a, a, ratio - 0.5625));
    v4 far = 1.0 - r * inverse;
    v4 result = select4(near, middle, far);
    return select4(a >= 6.0, splat4(1), result);
}

/// erf(s·x) into *value and exp(−π x²/4) into *slope, each only if its pointer is given,
/// on four lanes: |s·x| < 0.84375 by `erf_small4`, the other lanes (if any) by `erf_large4`.
static inline void erf4(v4 v, double s, v4 *value, v4 *slope) {
    if (slope) {
        const v4 minusPi = {-M_PI, -M_PI, -M_PI, -M_PI}, quarter = {0.25, 0.25, 0.25, 0.25};
        *slope = exp4(minusPi * v * v * quarter);  // same order as the scalar −π·x·x/4
    }
    if (value) {
        const v4i signBit = {(long long)0x8000000000000000ULL, (long long)0x8000000000000000ULL,
                             (long long)0x8000000000000000ULL, (long long)0x8000000000000000ULL};
        v4 y = (v4){s, s, s, s} * v;
        v4 e = erf_small4(y);
        v4 a = (v4)((v4i)y & ~signBit);
        v4i small = a < 0.84375;  // false for NaN
        // Every lane's value a function of its own argument alone (not of its neighbours'), so the
        // fused kernels and the array loops agree bit for bit whatever groups of four they form.
        if (!(small[0] & small[1] & small[2] & small[3]))
            e = select4(small, e, (v4)((v4i)erf_large4(a) | ((v4i)y & signBit)));
        *value = e;
    }
}
#pragma clang attribute pop
#endif
