/// The top-k eigenpairs of a symmetric operator A on ℝⁿ given only as v ↦ A v, by the
/// randomized range finder with power (subspace) iterations (Halko, Martinsson & Tropp
/// 2011, Algorithms 4.3/4.4 and 5.3):
///
///     Ω ∈ ℝ^{n×ℓ} Gaussian, ℓ = k + p,   Y = A^{2q+1} Ω (re-orthonormalised between products),
///     Q = orth(Y),   B = Qᵀ A Q  (ℓ×ℓ),   B = S Θ Sᵀ,   pairs (θ_j, Q s_j).
///
/// With q power iterations the error in λ_j decays like (λ_{ℓ+1}/λ_j)^{2q+1}: the method
/// is a block Krylov-free alternative to `LanczosEigen`, cheaper per accuracy only when
/// the spectrum decays fast. Each pair carries its true residual ‖A v − θ v‖, recomputed
/// with one more product.
public struct RandomizedEigen {
    /// Eigenvalues, largest first (algebraically).
    public let values: [Double]
    public let vectors: [[Double]]
    public let residuals: [Double]
    /// Products v ↦ A v taken, residual checks included.
    public let products: Int

    /// - Parameters:
    ///   - oversampling: p (default 10); ℓ = min(n, k + p).
    ///   - powerIterations: q (default 4).
    public init(dimension n: Int, count k: Int, oversampling: Int = 10, powerIterations: Int = 4,
                random: RandomSource, apply: ([Double]) -> [Double]) throws {
        precondition(k >= 1 && k <= n && oversampling >= 0 && powerIterations >= 0)
        let l = min(n, k + oversampling)
        var products = 0
        func applyAll(_ m: Matrix) -> Matrix {
            products += m.cols
            return Matrix(columns: (0..<m.cols).map { apply(m.column($0)) }, rows: n)
        }
        var y = applyAll(Matrix(rows: n, cols: l, storage: random.gaussians(n * l)))
        for _ in 0..<powerIterations { y = applyAll(try orthonormalColumns(y)) }
        let q = try orthonormalColumns(y)
        let aq = applyAll(q)
        let eigen = try SymmetricEigen(q.transposed * aq)
        var values: [Double] = [], vectors: [[Double]] = [], residuals: [Double] = []
        for r in 0..<k {
            let j = l - 1 - r
            let s = eigen.vectors.column(j)
            var v = [Double](repeating: 0, count: n)
            for c in 0..<l { for i in 0..<n { v[i] += q[i, c] * s[c] } }
            let norm = LanczosEigen.norm(v)
            v = v.map { $0 / norm }
            let av = apply(v); products += 1
            let theta = eigen.values[j]
            residuals.append(LanczosEigen.norm(zip(av, v).map { $0 - theta * $1 }))
            values.append(theta); vectors.append(v)
        }
        self.values = values; self.vectors = vectors; self.residuals = residuals; self.products = products
    }
}

extension Matrix {
    /// The rows×c matrix whose columns are the given arrays.
    public init(columns: [[Double]], rows: Int) {
        self.init(rows: rows, cols: columns.count)
        for (j, c) in columns.enumerated() {
            precondition(c.count == rows, "column \(j) has \(c.count) entries, expected \(rows)")
            for i in 0..<rows { self[i, j] = c[i] }
        }
    }
}
