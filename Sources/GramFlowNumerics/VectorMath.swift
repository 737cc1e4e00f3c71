internal import CVectorMath

/// Elementwise activations over whole vectors with SIMD, 4 lanes with AVX2 where the
/// processor has it (else SLEEF's 2-lane SSE2 functions):
/// - tanh by Cephes' method: x + x·z·P(z)/Q(z), z = x², on |x| < 0.625, else
///   1 − 2/(e^{2|x|} + 1) with SLEEF's u10 exp (≤ 1.0 ulp), sign restored; 3.3 ns per
///   element (0.85 ns when four neighbours are all small) against SLEEF's tanh 6.1 ns and
///   libm's 15–19 ns;
/// - erf by fdlibm's rational x + x·P(x²)/Q(x²) on |x| < 0.84375 (SLEEF's erf costs 12 ns
///   against libm's 5 ns on the small arguments an untrained network's states mostly take),
///   and where a lane of four is outside, fdlibm's method for the other ranges on all four
///   lanes with one exponential (before: libm one lane at a time, which doubled a trained erf
///   network's epoch); its slope exp(−πx²/4) by an inline four-lane exp (Taylor
///   to degree 13 by Estrin's scheme, ≤ 1 ulp from libm; with it the erf network's epoch at
///   N = 6000 takes 0.8 of the CPU it took with SLEEF's out-of-line exp).
///
/// Accuracy against glibc's libm (itself within 1–2 ulp), measured by `VectorMathTests`
/// over |x| ≤ 40 and beyond, subnormals and ±0 included: tanh ≤ 2 ulp, erf and exp ≤ 1 ulp;
/// ±1 exactly past saturation; NaN in, NaN out.
public enum VectorMath {
    /// y_i = tanh(x_i), i < count. x and y may be the same array.
    @inlinable
    public static func tanh(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>, count: Int) {
        tanhImpl(x, y, count)
    }

    /// value_i = erf(s x_i) and slope_i = exp(−π x_i²/4), i < count, each only if its array
    /// is given. With s = √π/2 (the default) these are φ(x) = erf(√π x/2) and φ'(x), with the
    /// argument s·x and −π·x·x/4 rounded exactly as in `Nonlinearity.erf`. x may alias either.
    @inlinable
    public static func erf(_ x: UnsafePointer<Double>, scale s: Double = Double.pi.squareRoot() / 2,
                           into value: UnsafeMutablePointer<Double>?, slope: UnsafeMutablePointer<Double>?,
                           count: Int) {
        erfImpl(x, value, slope, count, s)
    }

    /// Whether the 4-lane AVX2 kernels run on this processor (else 2-lane SSE2).
    public static var usesAVX2: Bool { gf_vector_math_uses_avx2() != 0 }

    @usableFromInline
    static func tanhImpl(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) {
        guard n > 0 else { return }
        gf_tanh(x, y, n)
    }

    @usableFromInline
    static func erfImpl(_ x: UnsafePointer<Double>, _ value: UnsafeMutablePointer<Double>?,
                        _ slope: UnsafeMutablePointer<Double>?, _ n: Int, _ s: Double) {
        guard n > 0 else { return }
        gf_erf_scaled(x, value, slope, n, s)
    }
}
