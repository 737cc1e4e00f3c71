import GramFlowNumerics

/// The one-dimensional normal form on the centre direction of a latent fixed
/// point κ* (derivation in `derivations/normal-forms.md`):
///
///     y ∈ ℝ,  κ = κ* + y p + O(y²),   ẏ = λ y + a₂ y² + a₃ y³ + …
///
/// where λ is the real eigenvalue of Df(κ*) with the largest real part, p its
/// right and q its left eigenvector with qᵀp = 1, and
///
///     a₂ = ½ qᵀ D²f(κ*)[p, p]                              (saddle-node; 0 at κ* = 0, x = 0)
///     a₃ = F'(0) (pᵀ S_uu p) (qᵀ S_vu p)                    (pitchfork: odd field, κ* = 0, x = 0).
///
/// The centre-manifold correction enters only at higher order: it lies in the
/// stable subspace, which q annihilates, so qᵀ Df h(y) = λ qᵀ h(y) = 0 and the
/// quadratic (and, for an odd field, cubic) coefficients are those of qᵀ f(κ* + y p).
/// Erf rank 1 at x = 0: λ = σ_vu − 1, a₃ = −(π/4) σ_vu σ_uu.
public struct CentreNormalForm: Sendable {
    public let eigenvalue: Double
    public let right: [Double]
    public let left: [Double]
    public let quadratic: Double?
    public let cubic: Double?

    /// The pitchfork form at κ* = 0 of a field without input (odd: a₂ = 0, a₃ from the gain slope F'(0)).
    public static func pitchfork(_ field: LatentVectorField) throws -> CentreNormalForm {
        precondition(field.input.allSatisfy { $0 == 0 }, "the pitchfork form needs x = 0 (odd field)")
        let zero = [Double](repeating: 0, count: field.rank)
        let (lambda, p, q) = try centreDirection(field.jacobian(zero))
        let dF0 = field.gain(0).derivative
        let pSp = quadraticForm(field.suu, p, p)
        let qSp = quadraticForm(field.svu, q, p)
        return CentreNormalForm(eigenvalue: lambda, right: p, left: q, quadratic: 0, cubic: dF0 * pSp * qSp)
    }

    /// The saddle-node form (λ, a₂) at a fixed point κ* of any field (a₃ not computed).
    public static func saddleNode(_ field: LatentVectorField, at kappa: [Double]) throws -> CentreNormalForm {
        let (lambda, p, q) = try centreDirection(field.jacobian(kappa))
        let second = try field.secondDerivative(kappa, along: p)
        let a2 = 0.5 * zip(q, second).reduce(0) { $0 + $1.0 * $1.1 }
        return CentreNormalForm(eigenvalue: lambda, right: p, left: q, quadratic: a2, cubic: nil)
    }

    /// (λ, p, q) for the leading eigenvalue, which must be real; ‖p‖ = 1, qᵀp = 1.
    static func centreDirection(_ j: Matrix) throws -> (Double, [Double], [Double]) {
        let eigen = try GeneralEigen(j)
        let k = eigen.leading
        guard eigen.imaginary[k] == 0 else {
            throw NumericsError.invalidInput("the leading eigenvalue is complex (a Hopf-type centre); no one-dimensional normal form")
        }
        let p = eigen.right.column(k)
        var q = eigen.left.column(k)
        let qp = zip(q, p).reduce(0) { $0 + $1.0 * $1.1 }
        q = q.map { $0 / qp }
        return (eigen.real[k], p, q)
    }

    static func quadraticForm(_ a: Matrix, _ x: [Double], _ y: [Double]) -> Double {
        var s = 0.0
        for i in 0..<a.rows { for j in 0..<a.cols { s += x[i] * a[i, j] * y[j] } }
        return s
    }
}
