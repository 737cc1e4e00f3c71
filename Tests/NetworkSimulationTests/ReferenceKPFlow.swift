import GramFlowCore
import GramFlowNumerics
import NetworkSimulation

/// The scalar KPFlow operator loops of GramFlow before the batched BLAS version (one
/// trial and one step at a time, no BLAS), kept as the independent reference that
/// `KPFlowOperators` must reproduce to rounding (`KPFlowTests.testBatchedProductsMatchScalarReference`).
extension KPFlowOperators {
    private var ops: KPFlowOperators { self }
    private var N: Int { network.neurons }
    private var R: Int { network.spec.rank }
    private var K: Int { network.spec.inputs }
    private var D: Int { network.spec.layout.dimension }
    private var alpha: Double { network.spec.alpha }

    /// y ← J_t y with J_t = (1−α) I + (α/N) U Vᵀ diag φ'(h_{b,t−1}).
    func referenceStepJacobian(_ y: inout [Double], at offset: Int, trial b: Int, step t: Int) {
        referenceStep(&y, at: offset, site: ops.trajectory.siteIndex(b, t - 1), transposed: false)
    }

    /// y ← J_tᵀ y = (1−α) y + (α/N) φ'(h_{b,t−1}) ⊙ V Uᵀ y.
    func referenceStepJacobianTranspose(_ y: inout [Double], at offset: Int, trial b: Int, step t: Int) {
        referenceStep(&y, at: offset, site: ops.trajectory.siteIndex(b, t - 1), transposed: true)
    }

    /// Both step products through the N×R blocks: with (A, B) = (U, V) for J_t and
    /// (V, U) for J_tᵀ, and the diagonal φ' on the side of V,
    /// J_t y = (1−α)y + (α/N) U [Vᵀ(φ' ⊙ y)],  J_tᵀ y = (1−α)y + (α/N) φ' ⊙ V [Uᵀy].
    func referenceStep(_ y: inout [Double], at offset: Int, site: Int, transposed: Bool) {
        let n = N, r = R, k = K, d = D, a = alpha
        let inner = transposed ? k : k + r, outer = transposed ? k + r : k  // columns of the reduce / expand blocks
        var c = [Double](repeating: 0, count: r)
        ops.network.parameters.storage.withUnsafeBufferPointer { p in
            ops.trajectory.phiPrime.withUnsafeBufferPointer { dp in
                y.withUnsafeMutableBufferPointer { yp in
                    let Y = yp.baseAddress! + offset
                    for i in 0..<n {
                        let s = transposed ? Y[i] : dp[site + i] * Y[i]
                        for q in 0..<r { c[q] += p[i * d + inner + q] * s }
                    }
                    for i in 0..<n {
                        var acc = 0.0
                        for q in 0..<r { acc += p[i * d + outer + q] * c[q] }
                        if transposed { acc *= dp[site + i] }
                        Y[i] = (1 - a) * Y[i] + a / Double(n) * acc
                    }
                }
            }
        }
    }

    /// P q: the response of the states to perturbations q_t injected at each step.
    func referencePropagate(_ q: [Double]) -> [Double] {
        precondition(q.count == ops.trajectory.tensorCount)
        var out = q
        var carry = [Double](repeating: 0, count: N)
        for b in 0..<ops.trajectory.trials {
            for t in 1...ops.trajectory.steps {
                let o = ops.trajectory.index(b, t)
                if t > 1 {
                    referenceStepJacobian(&carry, at: 0, trial: b, step: t)
                    for i in 0..<N { out[o + i] += carry[i] }
                }
                for i in 0..<N { carry[i] = out[o + i] }
            }
        }
        return out
    }

    /// P* q: the adjoint of `propagate`, run backward in time.
    func referencePropagateAdjoint(_ q: [Double]) -> [Double] {
        precondition(q.count == ops.trajectory.tensorCount)
        var out = q
        var carry = [Double](repeating: 0, count: N)
        let T = ops.trajectory.steps
        for b in 0..<ops.trajectory.trials {
            for t in stride(from: T, through: 1, by: -1) {
                let o = ops.trajectory.index(b, t)
                if t < T {
                    // carry holds (P* q)_{t+1}; J_{t+1}ᵀ acts on it.
                    referenceStepJacobianTranspose(&carry, at: 0, trial: b, step: t + 1)
                    for i in 0..<N { out[o + i] += carry[i] }
                }
                for i in 0..<N { carry[i] = out[o + i] }
            }
        }
        return out
    }

    /// Jθ dθ: (Jθ dθ)_{b,t} = α (dM x_{b,t−1} + dU a_{b,t−1} + U dVᵀφ(h_{b,t−1})/N).
    func referenceParameterJacobian(_ direction: Matrix) -> [Double] {
        precondition(direction.rows == N && direction.cols == D)
        let n = N, r = R, k = K, d = D, a = alpha, T = ops.trajectory.steps
        var out = [Double](repeating: 0, count: ops.trajectory.tensorCount)
        var c = [Double](repeating: 0, count: r)
        let p = ops.network.parameters.storage, g = direction.storage
        for b in 0..<ops.trajectory.trials {
            for t in 1...T {
                let o = ops.trajectory.index(b, t), site = ops.trajectory.siteIndex(b, t - 1)
                for q in 0..<r { c[q] = 0 }
                for i in 0..<n { for q in 0..<r { c[q] += g[i * d + k + r + q] * ops.trajectory.phi[site + i] } }
                for i in 0..<n {
                    var acc = 0.0
                    for j in 0..<k { acc += g[i * d + j] * ops.trajectory.x[(b * T + t - 1) * k + j] }
                    for q in 0..<r {
                        acc += g[i * d + k + q] * ops.trajectory.latent[(b * T + t - 1) * r + q]
                        acc += p[i * d + k + q] * c[q] / Double(n)
                    }
                    out[o + i] = a * acc
                }
            }
        }
        return out
    }

    /// Jθᵀ q = Σ_{b,t} Jθ(b,t)ᵀ q_{b,t}: dM = α Σ q xᵀ, dU = α Σ q aᵀ, dV = (α/N) Σ φ(h_{t−1}) (Uᵀq)ᵀ.
    func referenceParameterJacobianTranspose(_ q: [Double]) -> Matrix {
        precondition(q.count == ops.trajectory.tensorCount)
        let n = N, r = R, k = K, d = D, a = alpha, T = ops.trajectory.steps
        var g = [Double](repeating: 0, count: n * d)
        var c = [Double](repeating: 0, count: r)
        let p = ops.network.parameters.storage
        for b in 0..<ops.trajectory.trials {
            for t in 1...T {
                let o = ops.trajectory.index(b, t), site = ops.trajectory.siteIndex(b, t - 1)
                for s in 0..<r { c[s] = 0 }
                for i in 0..<n { for s in 0..<r { c[s] += p[i * d + k + s] * q[o + i] } }
                let xt = (b * T + t - 1) * k, at = (b * T + t - 1) * r
                for i in 0..<n {
                    let qi = a * q[o + i], fi = a * ops.trajectory.phi[site + i] / Double(n)
                    for j in 0..<k { g[i * d + j] += qi * ops.trajectory.x[xt + j] }
                    for s in 0..<r {
                        g[i * d + k + s] += qi * ops.trajectory.latent[at + s]
                        g[i * d + k + r + s] += fi * c[s]
                    }
                }
            }
        }
        return Matrix(rows: n, cols: d, storage: g)
    }

}
