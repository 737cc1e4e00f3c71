import GramFlowNumerics

/// (Θ_k + εI)⁻¹ for Θ_k = Σ_{i≤k} λ_i u_i u_iᵀ with orthonormal u_i, by Woodbury:
///
///     (Θ_k + εI)⁻¹ x = ε⁻¹ [ x − Σ_i λ_i/(λ_i + ε) (u_iᵀ x) u_i ],
///
/// O(k·n) per application, never an n×n matrix. The same formula on the parameter side,
/// with the unit eigenvectors v_i of JᵀJ (u_i = J v_i/√λ_i), gives the natural-gradient
/// direction Jᵀ(Θ_k + εI)⁻¹ e = ((JᵀJ)_k + εI)⁻¹ g for g = Jᵀe. The coefficient workspace
/// is kept across applications (one per training step).
public struct DampedLowRankInverse: Sendable {
    public private(set) var values: [Double] = []
    public private(set) var vectors: [[Double]] = []
    public private(set) var epsilon: Double = 1
    private var coefficients: [Double] = []

    public init() {}

    /// Sets the eigenpairs (unit, mutually orthogonal vectors) and ε > 0.
    public mutating func set(values: [Double], vectors: [[Double]], epsilon: Double) {
        precondition(values.count == vectors.count && epsilon > 0)
        self.values = values; self.vectors = vectors; self.epsilon = epsilon
        if coefficients.count != values.count { coefficients = [Double](repeating: 0, count: values.count) }
    }

    /// x ← (Θ_k + εI)⁻¹ x.
    public mutating func apply(_ x: inout [Double]) {
        for (i, (lambda, u)) in zip(values, vectors).enumerated() {
            coefficients[i] = LanczosEigen.dot(u, x) * max(lambda, 0) / (max(lambda, 0) + epsilon)
        }
        let inverse = 1 / epsilon
        x.withUnsafeMutableBufferPointer { xp in
            for (c, u) in zip(coefficients, vectors) {
                u.withUnsafeBufferPointer { up in for l in 0..<xp.count { xp[l] -= c * up[l] } }
            }
            for l in 0..<xp.count { xp[l] *= inverse }
        }
    }
}
