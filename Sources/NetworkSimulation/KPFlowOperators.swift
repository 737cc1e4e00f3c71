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
/// Every product goes through the N×R blocks (U Vᵀ is never formed): O(B·T·N·(K+R)).
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

    /// y ← J_t y with J_t = (1−α) I + (α/N) U Vᵀ diag φ'(h_{b,t−1}).
    func applyStepJacobian(_ y: inout [Double], at offset: Int, trial b: Int, step t: Int) {
        applyStep(&y, at: offset, site: trajectory.siteIndex(b, t - 1), transposed: false)
    }

    /// y ← J_tᵀ y = (1−α) y + (α/N) φ'(h_{b,t−1}) ⊙ V Uᵀ y.
    func applyStepJacobianTranspose(_ y: inout [Double], at offset: Int, trial b: Int, step t: Int) {
        applyStep(&y, at: offset, site: trajectory.siteIndex(b, t - 1), transposed: true)
    }

    /// Both step products through the N×R blocks: with (A, B) = (U, V) for J_t and
    /// (V, U) for J_tᵀ, and the diagonal φ' on the side of V,
    /// J_t y = (1−α)y + (α/N) U [Vᵀ(φ' ⊙ y)],  J_tᵀ y = (1−α)y + (α/N) φ' ⊙ V [Uᵀy].
    private func applyStep(_ y: inout [Double], at offset: Int, site: Int, transposed: Bool) {
        let n = N, r = R, k = K, d = D, a = alpha
        let inner = transposed ? k : k + r, outer = transposed ? k + r : k  // columns of the reduce / expand blocks
        var c = [Double](repeating: 0, count: r)
        network.parameters.storage.withUnsafeBufferPointer { p in
            trajectory.phiPrime.withUnsafeBufferPointer { dp in
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
    public func propagate(_ q: [Double]) -> [Double] {
        precondition(q.count == trajectory.tensorCount)
        var out = q
        var carry = [Double](repeating: 0, count: N)
        for b in 0..<trajectory.trials {
            for t in 1...trajectory.steps {
                let o = trajectory.index(b, t)
                if t > 1 {
                    applyStepJacobian(&carry, at: 0, trial: b, step: t)
                    for i in 0..<N { out[o + i] += carry[i] }
                }
                for i in 0..<N { carry[i] = out[o + i] }
            }
        }
        return out
    }

    /// P* q: the adjoint of `propagate`, run backward in time.
    public func propagateAdjoint(_ q: [Double]) -> [Double] {
        precondition(q.count == trajectory.tensorCount)
        var out = q
        var carry = [Double](repeating: 0, count: N)
        let T = trajectory.steps
        for b in 0..<trajectory.trials {
            for t in stride(from: T, through: 1, by: -1) {
                let o = trajectory.index(b, t)
                if t < T {
                    // carry holds (P* q)_{t+1}; J_{t+1}ᵀ acts on it.
                    applyStepJacobianTranspose(&carry, at: 0, trial: b, step: t + 1)
                    for i in 0..<N { out[o + i] += carry[i] }
                }
                for i in 0..<N { carry[i] = out[o + i] }
            }
        }
        return out
    }

    /// Jθ dθ: (Jθ dθ)_{b,t} = α (dM x_{b,t−1} + dU a_{b,t−1} + U dVᵀφ(h_{b,t−1})/N).
    public func parameterJacobian(_ direction: Matrix) -> [Double] {
        precondition(direction.rows == N && direction.cols == D)
        let n = N, r = R, k = K, d = D, a = alpha, T = trajectory.steps
        var out = [Double](repeating: 0, count: trajectory.tensorCount)
        var c = [Double](repeating: 0, count: r)
        let p = network.parameters.storage, g = direction.storage
        for b in 0..<trajectory.trials {
            for t in 1...T {
                let o = trajectory.index(b, t), site = trajectory.siteIndex(b, t - 1)
                for q in 0..<r { c[q] = 0 }
                for i in 0..<n { for q in 0..<r { c[q] += g[i * d + k + r + q] * trajectory.phi[site + i] } }
                for i in 0..<n {
                    var acc = 0.0
                    for j in 0..<k { acc += g[i * d + j] * trajectory.x[(b * T + t - 1) * k + j] }
                    for q in 0..<r {
                        acc += g[i * d + k + q] * trajectory.latent[(b * T + t - 1) * r + q]
                        acc += p[i * d + k + q] * c[q] / Double(n)
                    }
                    out[o + i] = a * acc
                }
            }
        }
        return out
    }

    /// Jθᵀ q = Σ_{b,t} Jθ(b,t)ᵀ q_{b,t}: dM = α Σ q xᵀ, dU = α Σ q aᵀ, dV = (α/N) Σ φ(h_{t−1}) (Uᵀq)ᵀ.
    public func parameterJacobianTranspose(_ q: [Double]) -> Matrix {
        precondition(q.count == trajectory.tensorCount)
        let n = N, r = R, k = K, d = D, a = alpha, T = trajectory.steps
        var g = [Double](repeating: 0, count: n * d)
        var c = [Double](repeating: 0, count: r)
        let p = network.parameters.storage
        for b in 0..<trajectory.trials {
            for t in 1...T {
                let o = trajectory.index(b, t), site = trajectory.siteIndex(b, t - 1)
                for s in 0..<r { c[s] = 0 }
                for i in 0..<n { for s in 0..<r { c[s] += p[i * d + k + s] * q[o + i] } }
                let xt = (b * T + t - 1) * k, at = (b * T + t - 1) * r
                for i in 0..<n {
                    let qi = a * q[o + i], fi = a * trajectory.phi[site + i] / Double(n)
                    for j in 0..<k { g[i * d + j] += qi * trajectory.x[xt + j] }
                    for s in 0..<r {
                        g[i * d + k + s] += qi * trajectory.latent[at + s]
                        g[i * d + k + r + s] += fi * c[s]
                    }
                }
            }
        }
        return Matrix(rows: n, cols: d, storage: g)
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
