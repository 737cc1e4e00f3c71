import GramFlowCore
import GramFlowNumerics

/// The low-rank natural gradient in overlap space, the theory's counterpart of the network's
/// `NaturalGradient` (docs/theory.md §9): its N → ∞ limit written with the reduced dynamics.
///
/// Closed directions dP = P A (A a D×D matrix, its moving columns m, u, v) change the
/// overlaps by dS = AᵀS + SA and the states by dh_{b,t} = P w_t(A), with
///
///     w_t(A) = A_{:,E} c_t + ι_E(δc_t),   δc_t = (J_S dS)_t   (`ReducedStateNTK`, E = [u.., m..]),
///
/// so on them the parameter-side sNTK JᵀJ and the parameter metric are, per N,
///
///     𝒦(A, B) = Σ_{b,t} w_t(A)ᵀ S w_t(B),     𝒢(A, B) = tr(Aᵀ S B),
///
/// and its closed eigenpairs solve 𝒦 y = λ 𝒢 y (the reduced sNTK metric: 𝒦 = J_S-side
/// pull-back of the state metric, Θ_red's parameter-side twin). Directions w ⊥ span(P) form
/// the bulk: dh_{b,t} = w (aᵀc_{b,t}) for dM, dU along w (dV along w does not move h as
/// N → ∞), eigenvalues those of C = Σ_{b,t} c_t c_tᵀ, each N − D times. The gradient
/// ∂L/∂P = 2PG/N is closed; the natural step then is
///
///     A = −η { (1/ε)[2G − Σ_{i≤k, closed} λ_i/(λ_i+ε) (y_iᵀ𝒢 2G) y_i]  on m, u, v;   2G  on z },
///     S ← (I + A)ᵀ S (I + A),
///
/// with the top k of the closed and bulk eigenvalues (bulk modes are orthogonal to the
/// gradient and only take slots) and ε given or λ_{k+1}. For k = 0 modes used and ε = 1
/// this is GD's exact map S ← (I − 2ηG) S (I − 2ηG).
public struct OverlapNaturalGradient: Sendable {
    public let modes: Int
    /// ε, or nil for λ_{k+1}.
    public let epsilon: Double?

    public init(modes: Int = 1, epsilon: Double? = nil) {
        precondition(modes >= 1 && (epsilon ?? 1) > 0)
        self.modes = modes; self.epsilon = epsilon
    }

    /// The step before its −η factor (A = −η·step), and the spectrum it used.
    public struct Direction: Sendable {
        public let step: Matrix
        /// λ_1..λ_k (closed and bulk merged, largest first) and ε.
        public let eigenvalues: [Double]
        public let epsilon: Double
    }

    /// The closed eigenpairs of 𝒦 y = λ 𝒢 y (values descending; y 𝒢-orthonormal, as D×D
    /// matrices with only the moving columns set) and the bulk eigenvalues (descending).
    public static func spectrum(_ ntk: ReducedStateNTK) throws -> (closed: [(value: Double, vector: Matrix)], bulk: [Double]) {
        let spec = ntk.spec, l = spec.layout, S = ntk.overlaps, D = l.dimension
        let B = ntk.batch.trials, T = ntk.batch.steps, R = spec.rank, E = l.basisIndices, P = E.count
        let moving = l.mIndices + l.uIndices + l.vIndices
        let n = D * moving.count
        // w_t(A_a) for the unit directions A_a = e_i e_cᵀ, a = (c, i); per site (b, t) a D-vector.
        var w = [[Double]](repeating: [Double](repeating: 0, count: B * T * D), count: n)
        var bulk = Matrix(rows: P, cols: P)
        for b in 0..<B { for t in 1...T {
            let c = ntk.basisCoordinates(b, t)
            for j in 0..<P { for k in 0..<P { bulk[j, k] += c[j] * c[k] } }
        } }
        for (ci, col) in moving.enumerated() { for i in 0..<D {
            let a = ci * D + i
            var dS = Matrix(rows: D, cols: D)
            for q in 0..<D { dS[col, q] += S[i, q]; dS[q, col] += S[q, i] }
            let dKappa = ntk.sensitivity(dS)
            let j = E.firstIndex(of: col)
            for b in 0..<B { for t in 1...T {
                let site = (b * T + t - 1) * D
                if let j { w[a][site + i] += ntk.basisCoordinates(b, t)[j] }
                for r in 0..<R { w[a][site + E[r]] += dKappa[(b * T + t - 1) * R + r] }
            } }
        } }
        // 𝒦_ab = Σ w_aᵀ S w_b, 𝒢 = I ⊗ S.
        let sw = w.map { wa -> [Double] in
            var out = [Double](repeating: 0, count: wa.count)
            for site in stride(from: 0, to: wa.count, by: D) { for p in 0..<D {
                var s = 0.0
                for q in 0..<D { s += S[p, q] * wa[site + q] }
                out[site + p] = s
            } }
            return out
        }
        var kernel = Matrix(rows: n, cols: n)
        for a in 0..<n { for b in a..<n {
            let v = LanczosEigen.dot(w[a], sw[b]); kernel[a, b] = v; kernel[b, a] = v
        } }
        // 𝒢 = L Lᵀ with L = I ⊗ L_S; C = L⁻¹ 𝒦 L⁻ᵀ; y = L⁻ᵀ z.
        let ls = try choleskyLower(S)
        var lsInverse = Matrix(rows: D, cols: D)
        for j in 0..<D {
            var e = [Double](repeating: 0, count: D); e[j] = 1
            let col = try solveLinear(ls, e)
            for i in 0..<D { lsInverse[i, j] = col[i] }
        }
        var linv = Matrix(rows: n, cols: n)
        for blk in 0..<moving.count { for i in 0..<D { for j in 0..<D { linv[blk * D + i, blk * D + j] = lsInverse[i, j] } } }
        let reduced = (linv * kernel * linv.transposed).symmetrized
        let eigen = try SymmetricEigen(reduced)
        var closed: [(value: Double, vector: Matrix)] = []
        for r in 0..<n {
            let j = n - 1 - r
            let z = (0..<n).map { eigen.vectors[$0, j] }
            var y = Matrix(rows: D, cols: D)
            for (ci, col) in moving.enumerated() { for i in 0..<D {
                var s = 0.0
                for m in 0..<n { s += linv[m, ci * D + i] * z[m] }
                y[i, col] = s
            } }
            closed.append((max(eigen.values[j], 0), y))
        }
        let bulkValues = try SymmetricEigen(bulk.symmetrized).values.map { max($0, 0) }.sorted(by: >)
        return (closed, bulkValues)
    }

    /// The step at S with loss gradient G = ∂L/∂S on the batch of `ntk`.
    public func direction(gradient G: Matrix, ntk: ReducedStateNTK) throws -> Direction {
        let l = ntk.spec.layout, S = ntk.overlaps, D = l.dimension
        let (closed, bulk) = try Self.spectrum(ntk)
        // Merge: each bulk value stands for N − D ≫ k modes.
        var merged: [(value: Double, closed: Int?)] = closed.enumerated().map { ($1.value, $0) }
        for value in bulk { for _ in 0...modes { merged.append((value, nil)) } }
        merged.sort { $0.value > $1.value }
        let top = Array(merged.prefix(modes))
        let epsilon = self.epsilon ?? max(merged[modes].value, 1e-300)
        let g = 2 * G
        var natural = g
        for (lambda, index) in top {
            guard let index else { continue }
            let y = closed[index].vector
            // y ᵀ𝒢 g = tr(yᵀ S g) over the moving columns.
            var c = 0.0
            for col in l.mIndices + l.uIndices + l.vIndices { for i in 0..<D { for q in 0..<D {
                c += y[i, col] * S[i, q] * g[q, col]
            } } }
            let f = lambda / (lambda + epsilon) * c
            for col in l.mIndices + l.uIndices + l.vIndices { for i in 0..<D { natural[i, col] -= f * y[i, col] } }
        }
        var step = g
        for col in l.mIndices + l.uIndices + l.vIndices { for i in 0..<D { step[i, col] = natural[i, col] / epsilon } }
        return Direction(step: step, eigenvalues: top.map(\.value), epsilon: epsilon)
    }

    /// S ← (I − η·step)ᵀ S (I − η·step).
    public static func map(S: Matrix, step: Matrix, eta: Double) -> Matrix {
        let a = Matrix.identity(S.rows) - eta * step
        return (a.transposed * S * a).symmetrized
    }
}
