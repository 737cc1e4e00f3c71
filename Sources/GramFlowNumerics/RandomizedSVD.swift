/// The top-k singular triplets A v_j = σ_j u_j, Aᵀ u_j = σ_j v_j of an operator
/// A: ℝⁿ → ℝᵐ given only as the products v ↦ A v and u ↦ Aᵀ u, by the randomized
/// range finder with power iterations (Halko, Martinsson & Tropp 2011, Algorithms 4.4 and 5.1):
///
///     Y = (A Aᵀ)^q A Ω  (re-orthonormalised after every product),  Q = orth(Y),
///     B = Qᵀ A = (Aᵀ Q)ᵀ  (ℓ×n),   B Bᵀ = W Σ² Wᵀ,   u_j = Q w_j,   v_j = Bᵀ w_j / σ_j.
///
/// The small SVD goes through B Bᵀ (ℓ×ℓ, `dsyevd`), which squares its condition number:
/// singular values far below σ₁·10⁻⁸ lose relative accuracy, which the returned true
/// residuals show. Each residual is (‖A v − σ u‖² + ‖Aᵀ u − σ v‖²)^½, recomputed with
/// one product each way.
public struct RandomizedSVD {
    public let values: [Double]
    public let left: [[Double]]
    public let right: [[Double]]
    public let residuals: [Double]
    /// Products with A or Aᵀ taken, residual checks included.
    public let products: Int

    public init(rows m: Int, columns n: Int, count k: Int, oversampling: Int = 10, powerIterations: Int = 4,
                random: RandomSource, apply: ([Double]) -> [Double], applyTranspose: ([Double]) -> [Double]) throws {
        precondition(k >= 1 && k <= min(m, n) && oversampling >= 0 && powerIterations >= 0)
        let l = min(m, n, k + oversampling)
        var products = 0
        func map(_ x: Matrix, _ f: ([Double]) -> [Double], rows: Int) -> Matrix {
            products += x.cols
            return Matrix(columns: (0..<x.cols).map { f(x.column($0)) }, rows: rows)
        }
        var y = map(Matrix(rows: n, cols: l, storage: random.gaussians(n * l)), apply, rows: m)
        for _ in 0..<powerIterations {
            let z = map(try orthonormalColumns(y), applyTranspose, rows: n)
            y = map(try orthonormalColumns(z), apply, rows: m)
        }
        let q = try orthonormalColumns(y)
        let bt = map(q, applyTranspose, rows: n)          // Bᵀ = Aᵀ Q, n×ℓ
        let eigen = try SymmetricEigen(bt.transposed * bt)  // B Bᵀ
        var values: [Double] = [], left: [[Double]] = [], right: [[Double]] = [], residuals: [Double] = []
        for r in 0..<k {
            let j = l - 1 - r
            let w = eigen.vectors.column(j)
            let sigma = max(eigen.values[j], 0).squareRoot()
            var u = [Double](repeating: 0, count: m), v = [Double](repeating: 0, count: n)
            for c in 0..<l {
                for i in 0..<m { u[i] += q[i, c] * w[c] }
                for i in 0..<n { v[i] += bt[i, c] * w[c] }
            }
            let un = LanczosEigen.norm(u), vn = LanczosEigen.norm(v)
            u = u.map { $0 / un }; v = v.map { $0 / max(vn, .leastNormalMagnitude) }
            let av = apply(v), atu = applyTranspose(u); products += 2
            let r1 = LanczosEigen.norm(zip(av, u).map { $0 - sigma * $1 })
            let r2 = LanczosEigen.norm(zip(atu, v).map { $0 - sigma * $1 })
            residuals.append((r1 * r1 + r2 * r2).squareRoot())
            values.append(sigma); left.append(u); right.append(v)
        }
        self.values = values; self.left = left; self.right = right; self.residuals = residuals; self.products = products
    }
}
