import GramFlowNumerics

/// The Hopf normal form of the latent fixed point κ* = 0 of a field without input
/// (odd, so the quadratic terms B vanish) at a complex pair λ ± iω (derivation in
/// `derivations/normal-forms.md`):
///
///     z = ⟨q, κ⟩ = q̄ᵀκ,   ż = (λ + iω) z + c₁ z|z|² + …,   c₁ = ½ ⟨q, C(p, p, p̄)⟩,
///     C(x, y, w) = 2F'(0)[(xᵀS_uu y) S_vu w + (xᵀS_uu w) S_vu y + (yᵀS_uu w) S_vu x],
///
/// with A p = (λ+iω) p, q̄ᵀA = (λ+iω) q̄ᵀ, q̄ᵀp = 1 (Kuznetsov's normalisation), and the
/// first Lyapunov coefficient l₁ = Re c₁/ω (< 0: supercritical, a stable cycle of
/// amplitude |z|² = −λ/Re c₁ for λ > 0).
public struct HopfNormalForm: Sendable {
    public let realPart: Double
    public let frequency: Double
    /// c₁ as (real, imaginary).
    public let c1: (real: Double, imaginary: Double)
    /// p and q as (real parts, imaginary parts).
    public let right: (real: [Double], imaginary: [Double])
    public let left: (real: [Double], imaginary: [Double])

    public var lyapunovCoefficient: Double { c1.real / frequency }

    public init(_ field: LatentVectorField) throws {
        precondition(field.input.allSatisfy { $0 == 0 }, "the Hopf form here needs x = 0 (odd field)")
        let R = field.rank
        let eigen = try GeneralEigen(field.jacobian([Double](repeating: 0, count: R)))
        let k = eigen.leading
        guard eigen.imaginary[k] > 0, k + 1 < R else {
            throw NumericsError.invalidInput("the leading eigenvalue is real; no Hopf normal form")
        }
        realPart = eigen.real[k]; frequency = eigen.imaginary[k]
        let p = (0..<R).map { Complex(eigen.right[$0, k], eigen.right[$0, k + 1]) }
        var q = (0..<R).map { Complex(eigen.left[$0, k], eigen.left[$0, k + 1]) }
        // q̄ᵀp = s  ⇒  q ← q / s̄ gives q̄ᵀp = 1.
        let s = zip(q, p).reduce(Complex(0, 0)) { $0 + $1.0.conjugate * $1.1 }
        q = q.map { $0 / s.conjugate }
        let dF0 = field.gain(0).derivative
        let pbar = p.map(\.conjugate)
        let quu = bilinear(field.suu, p, p), qub = bilinear(field.suu, p, pbar)
        let svuPbar = apply(field.svu, pbar), svuP = apply(field.svu, p)
        // C(p, p, p̄) = 2F'(0)[(pᵀQp) S p̄ + 2 (pᵀQp̄) S p]
        let cppp = (0..<R).map { (quu * svuPbar[$0] + Complex(2, 0) * qub * svuP[$0]) * Complex(2 * dF0, 0) }
        let g21 = zip(q, cppp).reduce(Complex(0, 0)) { $0 + $1.0.conjugate * $1.1 }
        c1 = (0.5 * g21.re, 0.5 * g21.im)
        right = (p.map(\.re), p.map(\.im)); left = (q.map(\.re), q.map(\.im))
    }

    /// z = q̄ᵀκ, the normal-form coordinate of a latent state (to leading order).
    public func coordinate(_ kappa: [Double]) -> (real: Double, imaginary: Double) {
        var z = Complex(0, 0)
        for r in kappa.indices { z = z + Complex(left.real[r], -left.imaginary[r]) * Complex(kappa[r], 0) }
        return (z.re, z.im)
    }
}

/// A minimal complex number for the normal-form algebra.
struct Complex {
    var re: Double, im: Double
    init(_ re: Double, _ im: Double) { self.re = re; self.im = im }
    var conjugate: Complex { Complex(re, -im) }
    static func + (a: Complex, b: Complex) -> Complex { Complex(a.re + b.re, a.im + b.im) }
    static func * (a: Complex, b: Complex) -> Complex { Complex(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re) }
    static func / (a: Complex, b: Complex) -> Complex {
        let d = b.re * b.re + b.im * b.im
        return Complex((a.re * b.re + a.im * b.im) / d, (a.im * b.re - a.re * b.im) / d)
    }
}

private func bilinear(_ m: Matrix, _ x: [Complex], _ y: [Complex]) -> Complex {
    var s = Complex(0, 0)
    for i in 0..<m.rows { for j in 0..<m.cols { s = s + x[i] * Complex(m[i, j], 0) * y[j] } }
    return s
}

private func apply(_ m: Matrix, _ x: [Complex]) -> [Complex] {
    (0..<m.rows).map { i in (0..<m.cols).reduce(Complex(0, 0)) { $0 + Complex(m[i, $1], 0) * x[$1] } }
}
