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

    /// Both step products through the N×R blocks: with (A, B) = (U, V) for J_t and
    /// (V, U) for J_tᵀ, and the diagonal φ' on the side of V,
    /// J_t y = (1−α)y + (α/N) U [Vᵀ(φ' ⊙ y)],  J_tᵀ y = (1−α)y + (α/N) φ' ⊙ V [Uᵀy].
    /// J_t (φ' at site = h_{b,t−1}) or J_tᵀ applied in place to a state Y of N entries; pointers
    /// throughout, since it runs B·T times per pass.
    private func applyStep(_ Y: UnsafeMutablePointer<Double>, site: Int, transposed: Bool) {
        let n = N, r = R, k = K, d = D, a = alpha, scale = alpha / Double(N)
        let inner = transposed ? k : k + r, outer = transposed ? k + r : k  // columns of the reduce / expand blocks
        withUnsafeTemporaryAllocation(of: Double.self, capacity: r) { c in
            for q in 0..<r { c[q] = 0 }
            network.parameters.storage.withUnsafeBufferPointer { pb in
                trajectory.phiPrime.withUnsafeBufferPointer { db in
                    let p = pb.baseAddress!, dp = db.baseAddress! + site
                    if r == 1 {
                        var c0 = 0.0
                        if transposed { for i in 0..<n { c0 += p[i * d + inner] * Y[i] } }
                        else { for i in 0..<n { c0 += p[i * d + inner] * dp[i] * Y[i] } }
                        let sc = scale * c0
                        if transposed { for i in 0..<n { Y[i] = (1 - a) * Y[i] + sc * p[i * d + outer] * dp[i] } }
                        else { for i in 0..<n { Y[i] = (1 - a) * Y[i] + sc * p[i * d + outer] } }
                        return
                    }
                    for i in 0..<n {
                        let s = transposed ? Y[i] : dp[i] * Y[i]
                        for q in 0..<r { c[q] += p[i * d + inner + q] * s }
                    }
                    for i in 0..<n {
                        var acc = 0.0
                        for q in 0..<r { acc += p[i * d + outer + q] * c[q] }
                        if transposed { acc *= dp[i] }
                        Y[i] = (1 - a) * Y[i] + scale * acc
                    }
                }
            }
        }
    }

    /// P q: the response of the states to perturbations q_t injected at each step.
    public func propagate(_ q: [Double]) -> [Double] {
        precondition(q.count == trajectory.tensorCount)
        var out = q
        let n = N
        out.withUnsafeMutableBufferPointer { ob in
            let out = ob.baseAddress!
            for b in 0..<trajectory.trials {
                for t in 2...max(2, trajectory.steps) where t <= trajectory.steps {
                    // (P q)_t = q_t + J_t (P q)_{t−1}, in place: J_t acts on a copy of the previous row.
                    let o = trajectory.index(b, t), previous = trajectory.index(b, t - 1)
                    withUnsafeTemporaryAllocation(of: Double.self, capacity: n) { carry in
                        let c = carry.baseAddress!
                        c.update(from: out + previous, count: n)
                        applyStep(c, site: trajectory.siteIndex(b, t - 1), transposed: false)
                        for i in 0..<n { out[o + i] += c[i] }
                    }
                }
            }
        }
        return out
    }

    /// P* q: the adjoint of `propagate`, run backward in time.
    public func propagateAdjoint(_ q: [Double]) -> [Double] {
        precondition(q.count == trajectory.tensorCount)
        var out = q
        let n = N, T = trajectory.steps
        out.withUnsafeMutableBufferPointer { ob in
            let out = ob.baseAddress!
            for b in 0..<trajectory.trials {
                for t in stride(from: T - 1, through: 1, by: -1) {
                    // (P* q)_t = q_t + J_{t+1}ᵀ (P* q)_{t+1}.
                    let o = trajectory.index(b, t), next = trajectory.index(b, t + 1)
                    withUnsafeTemporaryAllocation(of: Double.self, capacity: n) { carry in
                        let c = carry.baseAddress!
                        c.update(from: out + next, count: n)
                        applyStep(c, site: trajectory.siteIndex(b, t), transposed: true)
                        for i in 0..<n { out[o + i] += c[i] }
                    }
                }
            }
        }
        return out
    }

    /// Jθ dθ: (Jθ dθ)_{b,t} = α (dM x_{b,t−1} + dU a_{b,t−1} + U dVᵀφ(h_{b,t−1})/N).
    public func parameterJacobian(_ direction: Matrix) -> [Double] {
        precondition(direction.rows == N && direction.cols == D)
        var out = [Double](repeating: 0, count: trajectory.tensorCount)
        direction.storage.withUnsafeBufferPointer { g in out.withUnsafeMutableBufferPointer { o in
            for b in 0..<trajectory.trials { for t in 1...trajectory.steps {
                addParameterJacobian(g.baseAddress!, trial: b, step: t, into: o.baseAddress! + trajectory.index(b, t))
            } }
        } }
        return out
    }

    /// y += (Jθ dθ)_{b,t} for the direction dθ stored like P (N×D, row-major).
    private func addParameterJacobian(_ g: UnsafePointer<Double>, trial b: Int, step t: Int, into y: UnsafeMutablePointer<Double>) {
        let n = N, r = R, k = K, d = D, a = alpha
        withStepInputs(trial: b, step: t) { p, phi, x, lat, c in
            if k == 1 && r == 1 {   // the common case without the inner loops
                var s = 0.0
                for i in 0..<n { s += g[i * d + 2] * phi[i] }
                let c0 = s / Double(n), x0 = x[0], l0 = lat[0]
                for i in 0..<n { y[i] += a * (g[i * d] * x0 + g[i * d + 1] * l0 + p[i * d + 1] * c0) }
                return
            }
            for q in 0..<r {
                var s = 0.0
                for i in 0..<n { s += g[i * d + k + r + q] * phi[i] }
                c[q] = s / Double(n)
            }
            for i in 0..<n {
                var acc = 0.0
                for j in 0..<k { acc += g[i * d + j] * x[j] }
                for q in 0..<r { acc += g[i * d + k + q] * lat[q] + p[i * d + k + q] * c[q] }
                y[i] += a * acc
            }
        }
    }

    /// The inputs of step t of trial b, as pointers: P, φ(h_{b,t−1}), x_{b,t−1}, a_{b,t−1}, and R scratch doubles.
    private func withStepInputs(trial b: Int, step t: Int,
                                _ body: (UnsafePointer<Double>, UnsafePointer<Double>, UnsafePointer<Double>, UnsafePointer<Double>,
                                         UnsafeMutableBufferPointer<Double>) -> Void) {
        let T = trajectory.steps, site = trajectory.siteIndex(b, t - 1), xt = (b * T + t - 1) * K, at = (b * T + t - 1) * R
        withUnsafeTemporaryAllocation(of: Double.self, capacity: R) { c in
            network.parameters.storage.withUnsafeBufferPointer { pb in trajectory.phi.withUnsafeBufferPointer { fb in
                trajectory.x.withUnsafeBufferPointer { xb in trajectory.latent.withUnsafeBufferPointer { lb in
                    body(pb.baseAddress!, fb.baseAddress! + site, xb.baseAddress! + xt, lb.baseAddress! + at, c)
                } }
            } }
        }
    }

    /// Jθᵀ q = Σ_{b,t} Jθ(b,t)ᵀ q_{b,t}: dM = α Σ q xᵀ, dU = α Σ q aᵀ, dV = (α/N) Σ φ(h_{t−1}) (Uᵀq)ᵀ.
    public func parameterJacobianTranspose(_ q: [Double]) -> Matrix {
        precondition(q.count == trajectory.tensorCount)
        var g = [Double](repeating: 0, count: N * D)
        q.withUnsafeBufferPointer { qb in g.withUnsafeMutableBufferPointer { gb in
            for b in 0..<trajectory.trials { for t in 1...trajectory.steps {
                addParameterJacobianTranspose(qb.baseAddress! + trajectory.index(b, t), trial: b, step: t, into: gb.baseAddress!)
            } }
        } }
        return Matrix(rows: N, cols: D, storage: g)
    }

    /// g += Jθ(b,t)ᵀ μ for one state row μ (N entries).
    private func addParameterJacobianTranspose(_ mu: UnsafePointer<Double>, trial b: Int, step t: Int,
                                               into g: UnsafeMutablePointer<Double>) {
        let n = N, r = R, k = K, d = D, a = alpha
        withStepInputs(trial: b, step: t) { p, phi, x, lat, c in
            if k == 1 && r == 1 {   // the common case without the inner loops
                var sum = 0.0
                for i in 0..<n { sum += p[i * d + 1] * mu[i] }
                let c0 = a * sum / Double(n), ax = a * x[0], al = a * lat[0]
                for i in 0..<n {
                    g[i * d] += ax * mu[i]; g[i * d + 1] += al * mu[i]; g[i * d + 2] += phi[i] * c0
                }
                return
            }
            for s in 0..<r {
                var sum = 0.0
                for i in 0..<n { sum += p[i * d + k + s] * mu[i] }
                c[s] = a * sum / Double(n)
            }
            for i in 0..<n {
                let qi = a * mu[i], fi = phi[i]
                for j in 0..<k { g[i * d + j] += qi * x[j] }
                for s in 0..<r {
                    g[i * d + k + s] += qi * lat[s]
                    g[i * d + k + r + s] += fi * c[s]
                }
            }
        }
    }

    /// K q = Jθ Jθᵀ q.
    public func parameterOperator(_ q: [Double]) -> [Double] {
        parameterJacobian(parameterJacobianTranspose(q))
    }

    /// J dθ = P Jθ dθ: forward sensitivities of every state to a parameter direction, in one
    /// pass (δh_t = J_t δh_{t−1} + Jθ(t) dθ, no intermediate tensor).
    public func sensitivity(_ direction: Matrix) -> [Double] {
        precondition(direction.rows == N && direction.cols == D)
        var out = [Double](repeating: 0, count: trajectory.tensorCount)
        let n = N
        direction.storage.withUnsafeBufferPointer { gb in out.withUnsafeMutableBufferPointer { ob in
            let out = ob.baseAddress!
            for b in 0..<trajectory.trials {
                for t in 1...trajectory.steps {
                    let o = trajectory.index(b, t)
                    if t > 1 {
                        (out + o).update(from: out + trajectory.index(b, t - 1), count: n)
                        applyStep(out + o, site: trajectory.siteIndex(b, t - 1), transposed: false)
                    }
                    addParameterJacobian(gb.baseAddress!, trial: b, step: t, into: out + o)
                }
            }
        } }
        return out
    }

    /// Jᵀ q = Jθᵀ P* q: the backward pass, in one sweep (μ_t = q_t + J_{t+1}ᵀ μ_{t+1},
    /// accumulating Jθ(t)ᵀ μ_t; no intermediate tensor).
    public func sensitivityTranspose(_ q: [Double]) -> Matrix { sensitivityTranspose(block: [q])[0] }

    /// Jᵀ q_j for several cotangents in one backward sweep: each step's φ, φ′ and P are read
    /// once for all of them (the natural gradient's gradient and its sNTK products together).
    public func sensitivityTranspose(block qs: [[Double]]) -> [Matrix] {
        precondition(qs.allSatisfy { $0.count == trajectory.tensorCount })
        let n = N, T = trajectory.steps, m = qs.count
        var gs = [[Double]](repeating: [Double](repeating: 0, count: N * D), count: m)
        withUnsafeTemporaryAllocation(of: Double.self, capacity: n * m) { mb in
            let mus = mb.baseAddress!
            for b in 0..<trajectory.trials {
                for t in stride(from: T, through: 1, by: -1) {
                    for j in 0..<m {
                        let mu = mus + j * n
                        qs[j].withUnsafeBufferPointer { qb in gs[j].withUnsafeMutableBufferPointer { gb in
                            let row = qb.baseAddress! + trajectory.index(b, t)
                            if t < T {
                                applyStep(mu, site: trajectory.siteIndex(b, t), transposed: true)
                                for i in 0..<n { mu[i] += row[i] }
                            } else {
                                mu.update(from: row, count: n)
                            }
                            addParameterJacobianTranspose(mu, trial: b, step: t, into: gb.baseAddress!)
                        } }
                    }
                }
            }
        }
        return gs.map { Matrix(rows: N, cols: D, storage: $0) }
    }

    /// Θ q = P K P* q, the state-space NTK applied to a tensor.
    public func ntk(_ q: [Double]) -> [Double] { propagate(parameterOperator(propagateAdjoint(q))) }
}
