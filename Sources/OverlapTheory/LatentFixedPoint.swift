import GramFlowNumerics

/// A fixed point f(κ*) = 0 of the latent vector field, with its Jacobian and eigenvalues.
public struct LatentFixedPoint: Sendable {
    public let kappa: [Double]
    public let jacobian: Matrix
    public let eigen: GeneralEigen
    /// max_r |f_r(κ*)| at the returned point.
    public let residual: Double

    /// The largest real part among the eigenvalues of Df(κ*): < 0 means stable.
    public var leadingRealPart: Double { eigen.real[eigen.leading] }
    /// The imaginary part of that eigenvalue (0 for a real one).
    public var leadingImaginaryPart: Double { eigen.imaginary[eigen.leading] }
}

extension LatentVectorField {
    /// Newton's method κ ← κ − Df(κ)⁻¹ f(κ) from `guess`; nil if it does not reach
    /// |f| ≤ tolerance within `maxIterations` (a result, not a crash: near a fold or
    /// past it there may be no root nearby).
    public func fixedPoint(from guess: [Double], tolerance: Double = 1e-13,
                           maxIterations: Int = 60) throws -> LatentFixedPoint? {
        var kappa = guess
        for _ in 0..<maxIterations {
            let f = value(kappa)
            let residual = f.reduce(0) { max($0, abs($1)) }
            if !residual.isFinite { return nil }
            let j = jacobian(kappa)
            if residual <= tolerance {
                return LatentFixedPoint(kappa: kappa, jacobian: j, eigen: try GeneralEigen(j), residual: residual)
            }
            guard let step = try? solveLinear(j, f) else { return nil }
            for r in 0..<rank { kappa[r] -= step[r] }
        }
        return nil
    }
}
