/// The top-k eigenpairs of a symmetric operator on ℝⁿ given only as a product
/// v ↦ A v, by the Lanczos iteration with full re-orthogonalisation:
///
///     A Q_m = Q_m T_m + β_m q_{m+1} e_mᵀ,   T_m tridiagonal,  Ritz pairs (θ_j, Q_m s_j),
///
/// with m ≥ k steps (fewer if the Krylov space is exhausted). Full re-orthogonalisation
/// (two Gram–Schmidt passes against every earlier vector) keeps Q_m orthonormal to
/// rounding, so no ghost copies of converged eigenvalues appear; memory is m·n.
/// Each returned pair carries its true residual ‖A v − θ v‖, recomputed with one more
/// product, not the Lanczos estimate.
public struct LanczosEigen {
    /// Eigenvalues, largest first.
    public let values: [Double]
    /// Unit eigenvectors, one array per value.
    public let vectors: [[Double]]
    /// ‖A v_j − λ_j v_j‖ for each pair.
    public let residuals: [Double]
    /// The number of Lanczos steps taken.
    public let steps: Int

    /// - Parameters:
    ///   - dimension: n.
    ///   - count: k, the number of top eigenpairs wanted.
    ///   - steps: m, the Krylov dimension (default max(2k + 20, 40), capped at n).
    ///   - random: the source of the starting vector.
    ///   - apply: v ↦ A v.
    public init(dimension n: Int, count k: Int, steps: Int? = nil, random: RandomSource,
                apply: ([Double]) -> [Double]) throws {
        precondition(k >= 1 && k <= n)
        let m = min(n, steps ?? max(2 * k + 20, 40))
        var basis: [[Double]] = []
        var alpha: [Double] = [], beta: [Double] = []
        var q = random.gaussians(n)
        var norm = Self.norm(q)
        q = q.map { $0 / norm }
        for j in 0..<m {
            basis.append(q)
            var w = apply(q)
            alpha.append(Self.dot(w, q))
            for _ in 0..<2 {
                for b in basis {
                    let c = Self.dot(w, b)
                    for i in 0..<n { w[i] -= c * b[i] }
                }
            }
            norm = Self.norm(w)
            // Invariant subspace found (or m reached): stop.
            if j == m - 1 || norm <= 1e-13 * max(1, abs(alpha[0])) { break }
            beta.append(norm)
            q = w.map { $0 / norm }
        }
        let size = basis.count
        var t = Matrix(rows: size, cols: size)
        for i in 0..<size {
            t[i, i] = alpha[i]
            if i + 1 < size { t[i, i + 1] = beta[i]; t[i + 1, i] = beta[i] }
        }
        let eigen = try SymmetricEigen(t)
        let top = min(k, size)
        var values: [Double] = [], vectors: [[Double]] = [], residuals: [Double] = []
        for r in 0..<top {
            let j = size - 1 - r
            var v = [Double](repeating: 0, count: n)
            for (i, b) in basis.enumerated() {
                let s = eigen.vectors[i, j]
                for l in 0..<n { v[l] += s * b[l] }
            }
            let vn = Self.norm(v)
            v = v.map { $0 / vn }
            let av = apply(v)
            let lambda = eigen.values[j]
            residuals.append(Self.norm(zip(av, v).map { $0 - lambda * $1 }))
            values.append(lambda); vectors.append(v)
        }
        self.values = values; self.vectors = vectors; self.residuals = residuals; self.steps = size
    }

    public static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in a.indices { s += a[i] * b[i] }
        return s
    }

    public static func norm(_ a: [Double]) -> Double { dot(a, a).squareRoot() }
}

/// Effective rank of a positive semi-definite spectrum λ_i ≥ 0:
///
///     participation ratio  PR = (Σ λ_i)² / Σ λ_i²   (1 for rank one, n for a flat spectrum),
///     modes95 = the least m with λ_(1) + … + λ_(m) ≥ 0.95 Σ λ_i (λ sorted descending).
public struct EffectiveRank: Sendable, Equatable {
    public let participationRatio: Double
    public let modes95: Int
    public let trace: Double

    public init(spectrum: [Double]) {
        let values = spectrum.map { max($0, 0) }.sorted(by: >)
        let trace = values.reduce(0, +), squares = values.reduce(0) { $0 + $1 * $1 }
        self.trace = trace
        participationRatio = squares > 0 ? trace * trace / squares : 0
        var partial = 0.0, count = 0
        for v in values where partial < 0.95 * trace { partial += v; count += 1 }
        modes95 = count
    }
}
