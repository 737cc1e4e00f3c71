import GramFlowCore
import GramFlowNumerics

/// The parameter-side sNTK JᵀJ on a block of directions, and the loss with its gradient
/// ∇L = [Jᵀe, ∂L/∂Z], of a low-rank network in latent coordinates: the same products as
/// `KPFlowOperators` (`sensitivityTranspose(sensitivity(dθ))`, BPTT), with no B·T·N tensor formed.
///
/// Why it can: every tensor these products pass through lies, at each (b, t), in the span of a
/// few N-vectors. For dθ = (dM, dU, dV) and W = [dM dU U] (N × (K+2R)), Jθ dθ = α W ℓ_t with
/// ℓ_t = (x_{t−1}, a_{t−1}, dVᵀφ(h_{t−1})/N), and P keeps the span, so J dθ = W γ_t with
///
///     γ_1 = α ℓ_1,   γ_t = α ℓ_t + (1−α) γ_{t−1} + (α/N) ι_U G_{t−1} γ_{t−1},   G_s = Vᵀ diag φ'(h_s) W.
///
/// Backward, z = P*(W γ + φ' ⊙ Z ε) (ε_t = ∂L/∂y_t / N for the gradient, 0 for a product) is
/// z_t = Σ_{s≥t} (1−α)^{s−t} [W γ_s + φ'_s ⊙ (V ρ_s + Z ε_s)] with ρ_s = (α/N) μ_{s+1} and
/// μ_t = Uᵀz_t from the R-dimensional recursion
///
///     μ_t = UᵀW γ_t + Uᵀ diag φ'_t Z ε_t + (1−α) μ_{t+1} + (α/N) Uᵀ diag φ'_t V μ_{t+1},
///
/// and Jθᵀ z follows with Λ_s = Σ_{t≤s} (1−α)^{s−t} (x_{t−1}, a_{t−1}) (fixed by the trajectory):
///
///     [dM dU] = α [W Σ_{b,s} γ_s Λ_sᵀ + Σ_a A_a ⊙ (Φ'ᵀ Ξ)_a],   Ξ_{(b,s),(a,c)} = (ρ, ε)_{s,a} Λ_{s,c},  A = [V Z],
///     dV = (α/N) Σ φ(h_{t−1}) μ_tᵀ,   ∂L/∂Z = Σ φ(h_t) ε_tᵀ.
///
/// So a block of k directions and the gradient cost four `dgemm`s over the stored φ and φ′
/// (Φ·[dV Z], Φ′·[V⊙W, V⊙U, U⊙Z], Φ′ᵀΞ, ΦᵀΞ₂; inner width O(k·R·(K+R))), each reading its
/// B·(T+1)·N array once whatever k is, plus O(B·T·k·(K+2R)²) recursions: the B·T·N passes of
/// P and P* per direction disappear. `LatentSensitivityTests` checks it against the tensor path
/// to 1e-12.
public struct LatentSensitivity {
    public let operators: KPFlowOperators
    /// Λ_{b,s} for s = 1..T at ((b·T + s − 1)·(K+R)).
    private let lambda: [Double]

    public init(_ operators: KPFlowOperators) {
        self.operators = operators
        let traj = operators.trajectory, spec = operators.network.spec
        let K = spec.inputs, R = spec.rank, KR = K + R, T = traj.steps, keep = 1 - spec.alpha
        var lambda = [Double](repeating: 0, count: traj.trials * T * KR)
        for b in 0..<traj.trials { for s in 1...T {
            let at = (b * T + s - 1) * KR
            for k in 0..<K { lambda[at + k] = traj.x[(b * T + s - 1) * K + k] }
            for r in 0..<R { lambda[at + K + r] = traj.latent[(b * T + s - 1) * R + r] }
            if s > 1 { for c in 0..<KR { lambda[at + c] += keep * lambda[at - KR + c] } }
        } }
        self.lambda = lambda
    }

    /// JᵀJ dθ_j for each direction (N×D, laid out like `LowRankNetwork.parameters`; Z ignored,
    /// Z of the result zero).
    public func parameterGram(block: [Matrix]) -> [Matrix] { products(block, batch: nil).images }

    /// L, ∇L (N×D: Jᵀe on M, U, V and ∂L/∂Z) and JᵀJ dθ_j, all from one pass over φ and φ′.
    public func gradientAndGram(batch: TaskBatch, block: [Matrix]) -> (loss: Double, gradient: Matrix, images: [Matrix]) {
        let r = products(block, batch: batch)
        return (r.loss, r.gradient!, r.images)
    }

    private func products(_ block: [Matrix], batch: TaskBatch?) -> (loss: Double, gradient: Matrix?, images: [Matrix]) {
        let net = operators.network, traj = operators.trajectory, spec = net.spec, l = spec.layout
        let N = net.neurons, K = spec.inputs, R = spec.rank, O = spec.outputs, D = l.dimension
        let a = spec.alpha, keep = 1 - a, aN = a / Double(N), invN = 1 / Double(N)
        let B = traj.trials, T = traj.steps, S = T + 1, rows = B * S
        let KR = K + R, w = K + 2 * R, m = block.count, g = batch != nil
        let p = net.parameters
        for d in block { precondition(d.rows == N && d.cols == D) }
        // W^j columns: dM_j, dU_j (from the direction), then U (shared).
        let movingColumns = l.mIndices + l.uIndices   // the K + R columns of [dM dU]
        func wColumn(_ j: Int, _ i: Int, _ c: Int) -> Double {
            c < KR ? block[j][i, movingColumns[c]] : p[i, l.u(c - KR)]
        }
        // Φ·[dV_1 … dV_m, Z] and Φ′·[V⊙W^j (over dM, dU), V⊙U, U⊙Z].
        let cols1 = m * R + (g ? O : 0)
        let sharedQ = m * R * KR, gradQ = sharedQ + R * R, colsQ = gradQ + (g ? R * O : 0)
        var b1 = [Double](repeating: 0, count: N * cols1), q = [Double](repeating: 0, count: N * colsQ)
        for i in 0..<N {
            for j in 0..<m { for r in 0..<R { b1[i * cols1 + j * R + r] = block[j][i, l.v(r)] } }
            if g { for o in 0..<O { b1[i * cols1 + m * R + o] = p[i, l.z(o)] } }
            for r in 0..<R {
                let v = p[i, l.v(r)]
                for j in 0..<m { for c in 0..<KR { q[i * colsQ + (j * R + r) * KR + c] = v * wColumn(j, i, c) } }
                for r2 in 0..<R { q[i * colsQ + sharedQ + r * R + r2] = v * p[i, l.u(r2)] }
                if g { for o in 0..<O { q[i * colsQ + gradQ + r * O + o] = p[i, l.u(r)] * p[i, l.z(o)] } }
            }
        }
        let f1 = Self.product(traj.phi, rows: rows, inner: N, b1, cols: cols1)
        let f2 = Self.product(traj.phiPrime, rows: rows, inner: N, q, cols: colsQ)

        // The loss and ε_t = ∂L/∂y_t / N (t = 1..T) from the outputs y = Zᵀφ/N.
        var loss = 0.0
        var eps = [Double](repeating: 0, count: g ? B * T * O : 0)
        if let batch {
            let objective = MaskedSquaredError(dt: spec.dt, batch: batch)
            for b in 0..<B { for t in 1...T { for o in 0..<O {
                let y = f1[(b * S + t) * cols1 + m * R + o] * invN
                let idx = batch.targetIndex(b, t, o)
                let term = objective.term(output: y, target: batch.target[idx], mask: batch.mask[idx])
                loss += term.loss; eps[(b * T + t - 1) * O + o] = term.error * invN
            } } }
        }

        // Recursions per direction (and the gradient as direction m), filling Ξ (Φ′ side) and Ξ₂ (Φ side).
        let gradX = m * R * KR, colsX = gradX + (g ? (R + O) * KR : 0)
        let gradX2 = m * R, colsX2 = gradX2 + (g ? R + O : 0)
        var xi = [Double](repeating: 0, count: rows * colsX), xi2 = [Double](repeating: 0, count: rows * colsX2)
        var gammaSums = [[Double]](repeating: [Double](repeating: 0, count: w * KR), count: m)
        var gamma = [Double](repeating: 0, count: T * w)
        var mu = [Double](repeating: 0, count: R), next = mu
        for j in 0..<(m + (g ? 1 : 0)) {
            let isGradient = j == m
            // UᵀW^j (R × w).
            var uw = [Double](repeating: 0, count: R * w)
            if !isGradient {
                for i in 0..<N { for r in 0..<R {
                    let u = p[i, l.u(r)]
                    for c in 0..<w { uw[r * w + c] += u * wColumn(j, i, c) }
                } }
            }
            for b in 0..<B {
                if !isGradient {
                    for t in 1...T {
                        let at = (t - 1) * w, row = (b * T + t - 1)
                        for k in 0..<K { gamma[at + k] = a * traj.x[row * K + k] }
                        for r in 0..<R { gamma[at + K + r] = a * traj.latent[row * R + r] }
                        for r in 0..<R { gamma[at + KR + r] = a * f1[(b * S + t - 1) * cols1 + j * R + r] * invN }
                        guard t > 1 else { continue }
                        let prev = at - w, site = (b * S + t - 1) * colsQ
                        for c in 0..<w { gamma[at + c] += keep * gamma[prev + c] }
                        for r in 0..<R {
                            var s = 0.0
                            for c in 0..<KR { s += f2[site + (j * R + r) * KR + c] * gamma[prev + c] }
                            for r2 in 0..<R { s += f2[site + sharedQ + r * R + r2] * gamma[prev + KR + r2] }
                            gamma[at + KR + r] += aN * s
                        }
                    }
                }
                for r in 0..<R { next[r] = 0 }
                for t in stride(from: T, through: 1, by: -1) {
                    let site = (b * S + t) * colsQ, lam = (b * T + t - 1) * KR
                    for r in 0..<R {
                        var s = keep * next[r]
                        for r2 in 0..<R { s += aN * f2[site + sharedQ + r2 * R + r] * next[r2] }   // Uᵀ diag φ′ V
                        if isGradient {
                            for o in 0..<O { s += f2[site + gradQ + r * O + o] * eps[(b * T + t - 1) * O + o] }
                        } else {
                            for c in 0..<w { s += uw[r * w + c] * gamma[(t - 1) * w + c] }
                        }
                        mu[r] = s
                    }
                    // Ξ at site t: ρ_t Λ_tᵀ (and ε_t Λ_tᵀ); Ξ₂ at site t − 1: (α/N) μ_t (and ε_t at site t).
                    let xrow = (b * S + t) * colsX, base = isGradient ? gradX : j * R * KR
                    for r in 0..<R { for c in 0..<KR { xi[xrow + base + r * KR + c] = aN * next[r] * lambda[lam + c] } }
                    let x2 = (b * S + t - 1) * colsX2, base2 = isGradient ? gradX2 : j * R
                    for r in 0..<R { xi2[x2 + base2 + r] = aN * mu[r] }
                    if isGradient {
                        for o in 0..<O {
                            let e = eps[(b * T + t - 1) * O + o]
                            for c in 0..<KR { xi[xrow + gradX + R * KR + o * KR + c] = e * lambda[lam + c] }
                            xi2[(b * S + t) * colsX2 + gradX2 + R + o] = e
                        }
                    } else {
                        for c in 0..<w { for c2 in 0..<KR { gammaSums[j][c * KR + c2] += gamma[(t - 1) * w + c] * lambda[lam + c2] } }
                    }
                    swap(&mu, &next)
                }
            }
        }
        let y = Self.product(traj.phiPrime, rows: rows, inner: N, xi, cols: colsX, transposed: true)
        let y2 = Self.product(traj.phi, rows: rows, inner: N, xi2, cols: colsX2, transposed: true)

        var images: [Matrix] = []
        for j in 0..<m {
            var out = Matrix(rows: N, cols: D)
            for i in 0..<N {
                for c in 0..<KR {
                    var s = 0.0
                    for cc in 0..<w { s += wColumn(j, i, cc) * gammaSums[j][cc * KR + c] }
                    for r in 0..<R { s += p[i, l.v(r)] * y[i * colsX + (j * R + r) * KR + c] }
                    out[i, movingColumns[c]] = a * s
                }
                for r in 0..<R { out[i, l.v(r)] = y2[i * colsX2 + j * R + r] }
            }
            images.append(out)
        }
        var gradient: Matrix? = nil
        if g {
            var out = Matrix(rows: N, cols: D)
            for i in 0..<N {
                for c in 0..<KR {
                    var s = 0.0
                    for r in 0..<R { s += p[i, l.v(r)] * y[i * colsX + gradX + r * KR + c] }
                    for o in 0..<O { s += p[i, l.z(o)] * y[i * colsX + gradX + R * KR + o * KR + c] }
                    out[i, movingColumns[c]] = a * s
                }
                for r in 0..<R { out[i, l.v(r)] = y2[i * colsX2 + gradX2 + r] }
                for o in 0..<O { out[i, l.z(o)] = y2[i * colsX2 + gradX2 + R + o] }
            }
            gradient = out
        }
        return (loss, gradient, images)
    }

    /// A·X (A rows×inner, X inner×cols) or Aᵀ·X (X rows×cols, result inner×cols), A row-major.
    private static func product(_ a: [Double], rows: Int, inner: Int, _ x: [Double], cols: Int, transposed: Bool = false) -> [Double] {
        var out = [Double](repeating: 0, count: (transposed ? inner : rows) * cols)
        guard cols > 0 else { return out }
        a.withUnsafeBufferPointer { ap in x.withUnsafeBufferPointer { xp in out.withUnsafeMutableBufferPointer { op in
            if transposed {
                BLAS.gemm(.transpose, .none, m: inner, n: cols, k: rows, alpha: 1, a: ap.baseAddress!, lda: inner,
                          b: xp.baseAddress!, ldb: cols, beta: 0, c: op.baseAddress!, ldc: cols)
            } else {
                BLAS.gemm(.none, .none, m: rows, n: cols, k: inner, alpha: 1, a: ap.baseAddress!, lda: inner,
                          b: xp.baseAddress!, ldb: cols, beta: 0, c: op.baseAddress!, ldc: cols)
            }
        } } }
        return out
    }
}
