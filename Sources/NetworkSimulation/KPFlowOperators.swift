import GramFlowCore
import GramFlowNumerics

/// The KPFlow operators of a finite low-rank network on (batch, time, neuron)
/// tensors (docs/theory.md §10; derivation in `derivations/kpflow.md`).
///
/// With J_t = ∂h_t/∂h_{t−1} = (1−α) I + (α/N) U Vᵀ diag φ'(h_{t−1}) and
/// Jθ(b,t) = ∂h_{b,t}/∂θ at fixed h_{b,t−1}, θ = (M, U, V):
///
///     (P q)_t  = q_t + J_t (P q)_{t−1}                (forward, (P q)_0 = 0)
///     (P* q)_t = q_t + J_{t+1}ᵀ (P* q)_{t+1}          (backward, (P* q)_{T+1} = 0)
///     (K q)_{b,t} = Jθ(b,t) Σ_{b',t'} Jθ(b',t')ᵀ q_{b',t'}
///     J = ∂h/∂θ = P Jθ,   Θ = J Jᵀ = P K P*.
///
/// Every product goes through the N×R blocks (U Vᵀ is never formed): O(B·T·N·(K+R)), and
/// through BLAS over the whole batch (all trials of a step at once in P and P*, all
/// (b, t) at once in Jθ and Jθᵀ; dgemv for the reductions to R or K + R columns): the top-10
/// of Θ at N = 1000, B = 20, T = 90 (`gramflow kpflow`, whole process, median of paired runs)
/// takes 1.43 s of CPU against 1.81 s with dgemm for those reductions and 5.8 s with the
/// scalar loops, which the tests keep as `ReferenceKPFlow` and these products reproduce to 1e-13.
/// Parameter directions are N×D matrices laid out like `LowRankNetwork.parameters`;
/// the readout columns Z do not move h, so J ignores them and Jᵀ leaves them zero.
public struct KPFlowOperators: Sendable {
    public let network: LowRankNetwork
    public let trajectory: StateTrajectory

    public init(network: LowRankNetwork, batch: TaskBatch) {
        self.network = network
        self.trajectory = StateTrajectory(network: network, batch: batch)
    }

    private var N: Int { network.neurons }
    private var R: Int { network.spec.rank }
    private var K: Int { network.spec.inputs }
    private var D: Int { network.spec.layout.dimension }
    private var alpha: Double { network.spec.alpha }

    /// P q: the response of the states to perturbations q_t injected at each step,
    /// (P q)_t = q_t + J_t (P q)_{t−1}, all B trials of a step at once: with Y the B×N rows
    /// (P q)_{·,t−1} (stride T·N in the tensor) and Φ' the rows φ'(h_{·,t−1}),
    ///
    ///     (P q)_t = q_t + (1−α) Y + (α/N) [(Φ' ⊙ Y) V] Uᵀ        (two dgemm of inner size R).
    public func propagate(_ q: [Double]) -> [Double] {
        precondition(q.count == trajectory.tensorCount)
        let n = N, r = R, k = K, d = D, a = alpha, B = trajectory.trials, T = trajectory.steps
        let row = T * n, siteRow = (T + 1) * n
        return stepSweep(q) { p, dp, o, S, C in
            for t in 2...T {
                let previous = o + (t - 2) * n, current = o + (t - 1) * n, slope = dp + (t - 1) * n
                for b in 0..<B {
                    let y = previous + b * row, z = current + b * row, f = slope + b * siteRow, sb = S + b * n
                    for i in 0..<n { sb[i] = f[i] * y[i]; z[i] += (1 - a) * y[i] }
                }
                reduce(m: B, k: n, r: r, alpha: 1, a: S, lda: n, b: p + k + r, ldb: d, c: C, ldc: r)
                BLAS.gemm(.none, .transpose, m: B, n: n, k: r, alpha: a / Double(n), a: C, lda: r, b: p + k, ldb: d,
                          beta: 1, c: current, ldc: row)
            }
        }
    }

    /// P* q: the adjoint of `propagate`, run backward in time, all trials at once:
    /// (P* q)_t = q_t + (1−α) Y + (α/N) Φ'_t ⊙ [(Y U) Vᵀ], Y = (P* q)_{·,t+1}, Φ'_t = φ'(h_{·,t}).
    public func propagateAdjoint(_ q: [Double]) -> [Double] {
        precondition(q.count == trajectory.tensorCount)
        let n = N, r = R, k = K, d = D, a = alpha, B = trajectory.trials, T = trajectory.steps
        let row = T * n, siteRow = (T + 1) * n, scale = a / Double(n)
        return stepSweep(q) { p, dp, o, S, C in
            for t in stride(from: T - 1, through: 1, by: -1) {
                let next = o + t * n, current = o + (t - 1) * n, slope = dp + t * n
                reduce(m: B, k: n, r: r, alpha: 1, a: next, lda: row, b: p + k, ldb: d, c: C, ldc: r)
                BLAS.gemm(.none, .transpose, m: B, n: n, k: r, alpha: 1, a: C, lda: r, b: p + k + r, ldb: d, beta: 0, c: S, ldc: n)
                for b in 0..<B {
                    let y = next + b * row, z = current + b * row, f = slope + b * siteRow, sb = S + b * n
                    for i in 0..<n { z[i] += (1 - a) * y[i] + scale * f[i] * sb[i] }
                }
            }
        }
    }

    /// A copy of q swept in place by `body`, which gets the parameters P, φ′ of every site,
    /// the copy, and B×N and B×R work blocks (P and P*: all trials of a step at once).
    private func stepSweep(_ q: [Double], _ body: (UnsafePointer<Double>, UnsafePointer<Double>, UnsafeMutablePointer<Double>,
                                                   UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) -> Void) -> [Double] {
        var out = q
        guard trajectory.steps > 1 else { return out }
        var s = [Double](repeating: 0, count: trajectory.trials * N), c = [Double](repeating: 0, count: trajectory.trials * R)
        network.parameters.storage.withUnsafeBufferPointer { pp in
            trajectory.phiPrime.withUnsafeBufferPointer { dpp in
                out.withUnsafeMutableBufferPointer { op in
                    s.withUnsafeMutableBufferPointer { sp in
                        c.withUnsafeMutableBufferPointer { cp in
                            body(pp.baseAddress!, dpp.baseAddress!, op.baseAddress!, sp.baseAddress!, cp.baseAddress!)
                        }
                    }
                }
            }
        }
        return out
    }

    /// C[:, q] = α A B[:, q] for the r ≪ k columns of B (A m×k, row stride lda): one dgemv per
    /// column, which reads A once in place where dgemm would first copy (pack) all of it.
    private func reduce(m: Int, k: Int, r: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
                        b: UnsafePointer<Double>, ldb: Int, c: UnsafeMutablePointer<Double>, ldc: Int) {
        for q in 0..<r {
            BLAS.gemv(.none, m: m, n: k, alpha: alpha, a: a, lda: lda, x: b + q, incx: ldb, beta: 0, y: c + q, incy: ldc)
        }
    }

    /// C[:, q] = α Aᵀ B[:, q] + β C[:, q] (A m×k, so C has k rows), one dgemv per column of B.
    private func reduceTransposed(m: Int, k: Int, r: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
                                  b: UnsafePointer<Double>, ldb: Int, beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
        for q in 0..<r {
            BLAS.gemv(.transpose, m: m, n: k, alpha: alpha, a: a, lda: lda, x: b + q, incx: ldb, beta: beta, y: c + q, incy: ldc)
        }
    }

    /// The B·T × (K + 2R) rows ℓ_{b,t} = (x_{b,t−1}, a_{b,t−1}, c_{b,t}), the last block
    /// filled by the caller.
    private func inputsAndLatents(width w: Int) -> [Double] {
        let k = K, r = R, rows = trajectory.trials * trajectory.steps
        var l = [Double](repeating: 0, count: rows * w)
        for j in 0..<rows {
            for i in 0..<k { l[j * w + i] = trajectory.x[j * k + i] }
            for i in 0..<r { l[j * w + k + i] = trajectory.latent[j * r + i] }
        }
        return l
    }

    /// Jθ dθ: (Jθ dθ)_{b,t} = α (dM x_{b,t−1} + dU a_{b,t−1} + U dVᵀφ(h_{b,t−1})/N), over the
    /// whole batch as one dgemm: Out = α L Wᵀ with rows ℓ_{b,t} = (x, a, dVᵀφ/N) and W = [dM, dU, U].
    public func parameterJacobian(_ direction: Matrix) -> [Double] {
        precondition(direction.rows == N && direction.cols == D)
        let n = N, r = R, k = K, d = D, a = alpha, B = trajectory.trials, T = trajectory.steps, w = k + 2 * r
        var out = [Double](repeating: 0, count: trajectory.tensorCount)
        var l = inputsAndLatents(width: w)
        var weights = [Double](repeating: 0, count: n * w)
        for i in 0..<n {
            for j in 0..<(k + r) { weights[i * w + j] = direction.storage[i * d + j] }
            for q in 0..<r { weights[i * w + k + r + q] = network.parameters.storage[i * d + k + q] }
        }
        direction.storage.withUnsafeBufferPointer { gp in
            trajectory.phi.withUnsafeBufferPointer { fp in
                l.withUnsafeMutableBufferPointer { lp in
                    for b in 0..<B {   // c_{b,t} = dVᵀφ(h_{b,t−1})/N: rows t = 0..T−1 of trial b's φ.
                        reduce(m: T, k: n, r: r, alpha: 1 / Double(n), a: fp.baseAddress! + b * (T + 1) * n, lda: n,
                               b: gp.baseAddress! + k + r, ldb: d, c: lp.baseAddress! + b * T * w + k + r, ldc: w)
                    }
                }
            }
        }
        l.withUnsafeBufferPointer { lp in
            weights.withUnsafeBufferPointer { wp in
                out.withUnsafeMutableBufferPointer { op in
                    BLAS.gemm(.none, .transpose, m: B * T, n: n, k: w, alpha: a, a: lp.baseAddress!, lda: w,
                              b: wp.baseAddress!, ldb: w, beta: 0, c: op.baseAddress!, ldc: n)
                }
            }
        }
        return out
    }

    /// Jθᵀ q = Σ_{b,t} Jθ(b,t)ᵀ q_{b,t}: [dM dU] = α Qᵀ [X A] (one dgemm over the batch),
    /// dV = (α/N) Σ_b Φ_bᵀ (Q_b U) (per trial), dZ = 0.
    public func parameterJacobianTranspose(_ q: [Double]) -> Matrix {
        precondition(q.count == trajectory.tensorCount)
        let n = N, r = R, k = K, d = D, a = alpha, B = trajectory.trials, T = trajectory.steps, w = k + r
        var g = Matrix(rows: n, cols: d)
        let xa = inputsAndLatents(width: w)
        var c = [Double](repeating: 0, count: B * T * r)
        q.withUnsafeBufferPointer { qp in
            network.parameters.storage.withUnsafeBufferPointer { pp in
                trajectory.phi.withUnsafeBufferPointer { fp in
                    xa.withUnsafeBufferPointer { xp in
                        c.withUnsafeMutableBufferPointer { cp in
                            g.storage.withUnsafeMutableBufferPointer { gp in
                                let G = gp.baseAddress!, Q = qp.baseAddress!, C = cp.baseAddress!
                                reduceTransposed(m: B * T, k: n, r: w, alpha: a, a: Q, lda: n, b: xp.baseAddress!, ldb: w, beta: 0, c: G, ldc: d)
                                reduce(m: B * T, k: n, r: r, alpha: 1, a: Q, lda: n, b: pp.baseAddress! + k, ldb: d, c: C, ldc: r)
                                for b in 0..<B {
                                    reduceTransposed(m: T, k: n, r: r, alpha: a / Double(n), a: fp.baseAddress! + b * (T + 1) * n, lda: n,
                                                     b: C + b * T * r, ldb: r, beta: 1, c: G + k + r, ldc: d)
                                }
                            }
                        }
                    }
                }
            }
        }
        return g
    }

    /// K q = Jθ Jθᵀ q.
    public func parameterOperator(_ q: [Double]) -> [Double] {
        parameterJacobian(parameterJacobianTranspose(q))
    }

    /// J dθ = P Jθ dθ: forward sensitivities of every state to a parameter direction.
    public func sensitivity(_ direction: Matrix) -> [Double] { propagate(parameterJacobian(direction)) }

    /// Jᵀ q = Jθᵀ P* q: the backward pass.
    public func sensitivityTranspose(_ q: [Double]) -> Matrix { parameterJacobianTranspose(propagateAdjoint(q)) }

    /// Θ q = P K P* q, the state-space NTK applied to a tensor.
    public func ntk(_ q: [Double]) -> [Double] { propagate(parameterOperator(propagateAdjoint(q))) }
}
