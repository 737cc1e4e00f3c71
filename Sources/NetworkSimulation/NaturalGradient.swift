import GramFlowCore
import GramFlowNumerics

/// The low-rank natural gradient of docs/theory.md §9 for a finite network:
///
///     Δθ = −ηN Jᵀ (Θ_k + εI)⁻¹ e,     e = ∂L/∂h (batch, time, neuron),  Θ_k = Σ_{i≤k} λ_i u_i u_iᵀ,
///
/// with the same ηN prefactor as GD (P ← P − ηN ∇L). By Woodbury,
/// (Θ_k + εI)⁻¹ = ε⁻¹ [I − Σ λ_i/(λ_i+ε) u_i u_iᵀ], and since u_i = J v_i/√λ_i with
/// v_i the unit eigenvectors of JᵀJ, the step lives in parameter space:
///
///     Δθ = −(ηN/ε) [ g − Σ_i λ_i/(λ_i+ε) (v_iᵀ g) v_i ],    g = Jᵀe = ∇_θ L.
///
/// In state space the step moves h by −ηN Θ(Θ_k + εI)⁻¹e: by ≈ −ηN e along the top-k
/// modes (whatever λ_i, so a near-bifurcation λ_1 no longer makes the step explode) and
/// by −ηN (λ_j/ε) e_j along the others. With `epsilon` nil, ε = λ_{k+1} (one extra
/// Lanczos pair): every mode then moves at most at the rate of the top ones, the
/// natural-gradient choice; a fixed ε = 1 instead keeps GD's step outside the top-k
/// modes. The readout Z (which does not move h) takes GD's step.
/// Cost per step: GD's gradient plus m Lanczos products (each one forward-sensitivity
/// and one backward pass), m ≈ 2k + 20.
public struct NaturalGradient: Sendable {
    /// ε, or nil for ε = λ_{k+1}.
    public let epsilon: Double?
    public let modes: Int
    public let lanczosSteps: Int?

    public init(epsilon: Double? = nil, modes: Int = 1, lanczosSteps: Int? = nil) {
        precondition((epsilon ?? 1) > 0 && modes >= 1)
        self.epsilon = epsilon; self.modes = modes; self.lanczosSteps = lanczosSteps
    }

    /// The step before its ηN factor: the readout's GD gradient, the natural direction of
    /// the other vectors and the ε it is divided by.
    public struct Direction: Sendable {
        /// L before the step.
        public let loss: Double
        /// GD's gradient ∇L (N×D).
        public let gradient: Matrix
        /// ∇L with the top-k sNTK modes damped, mapped back to parameters (N×D).
        public let natural: Matrix
        public let eigenvalues: [Double]
        public let epsilon: Double
    }

    /// e = ∂L/∂h for the masked squared error: e_{b,t} = ψ'(h_{b,t}) ⊙ Z e^y_{b,t}/N, t = 1..T,
    /// with e^y = ∂L/∂y; and the loss L.
    public static func stateError(_ operators: KPFlowOperators, batch: TaskBatch) -> (loss: Double, error: [Double]) {
        let traj = operators.trajectory, net = operators.network, spec = net.spec, l = spec.layout
        let N = net.neurons, O = spec.outputs, T = traj.steps
        let objective = MaskedSquaredError(dt: spec.dt, batch: batch)
        var e = [Double](repeating: 0, count: traj.tensorCount)
        var loss = 0.0
        var ey = [Double](repeating: 0, count: O)
        for b in 0..<traj.trials { for t in 1...T {
            let site = traj.siteIndex(b, t)
            for o in 0..<O {
                var y = 0.0
                for i in 0..<N { y += net.parameters[i, l.z(o)] * traj.phi[site + i] }
                y /= Double(N)
                let idx = batch.targetIndex(b, t, o)
                let term = objective.term(output: y, target: batch.target[idx], mask: batch.mask[idx])
                loss += term.loss; ey[o] = term.error
            }
            let offset = traj.index(b, t)
            for i in 0..<N {
                var s = 0.0
                for o in 0..<O { s += net.parameters[i, l.z(o)] * ey[o] }
                e[offset + i] = traj.phiPrime[site + i] * s / Double(N)
            }
        } }
        return (loss, e)
    }

    /// One step P ← P − ηN·(direction): returns the loss before it, GD's gradient ∇L (N×D),
    /// the top-k eigenvalues and ε used.
    @discardableResult
    public func step(_ network: inout LowRankNetwork, batch: TaskBatch, eta: Double, seed: UInt64 = 1) throws
        -> (loss: Double, gradient: Matrix, eigenvalues: [Double], epsilon: Double) {
        let d = try direction(network, batch: batch, seed: seed)
        Self.apply(d, to: &network, eta: eta)
        return (d.loss, d.gradient, d.eigenvalues, d.epsilon)
    }

    /// The natural-gradient direction at `network` on `batch` (Lanczos started from `seed`).
    public func direction(_ network: LowRankNetwork, batch: TaskBatch, seed: UInt64 = 1) throws -> Direction {
        let ntk = StateSpaceNTK(network: network, batch: batch)
        let ops = ntk.operators
        let (loss, e) = Self.stateError(ops, batch: batch)
        var gradient = ops.sensitivityTranspose(e)
        // Readout gradient ∂L/∂Z = (1/N) Σ ψ(h_t) e^yᵀ, from backpropagation (Z does not move h).
        var full: Matrix? = Matrix(rows: network.neurons, cols: network.spec.layout.dimension)
        _ = Backpropagation(spec: network.spec, neurons: network.neurons, steps: batch.steps)
            .evaluate(network, batch: batch, gradient: &full)
        for i in 0..<network.neurons { for z in network.spec.layout.zIndices { gradient[i, z] = full![i, z] } }
        let wanted = min(ntk.parameterCount, epsilon == nil ? modes + 1 : modes)
        let lanczos = try LanczosEigen(dimension: ntk.parameterCount, count: wanted, steps: lanczosSteps,
                                       random: RandomSource(seed: seed), apply: ntk.parameterGram)
        let epsilon = self.epsilon ?? max(lanczos.values.last!, 1e-300)
        var g = ntk.flatten(gradient)
        for (lambda, v) in zip(lanczos.values.prefix(modes), lanczos.vectors.prefix(modes)) {
            let c = LanczosEigen.dot(v, g) * lambda / (lambda + epsilon)
            for j in g.indices { g[j] -= c * v[j] }
        }
        return Direction(loss: loss, gradient: gradient, natural: ntk.direction(g),
                         eigenvalues: Array(lanczos.values.prefix(modes)), epsilon: epsilon)
    }

    /// P ← P − ηN ∇_Z L on the readout and P ← P − (ηN/ε) natural on the other vectors.
    public static func apply(_ d: Direction, to network: inout LowRankNetwork, eta: Double) {
        let scale = eta * Double(network.neurons)
        let zColumns = Set(network.spec.layout.zIndices)
        for i in 0..<network.neurons { for j in 0..<network.spec.layout.dimension {
            network.parameters[i, j] -= zColumns.contains(j) ? scale * d.gradient[i, j] : scale / d.epsilon * d.natural[i, j]
        } }
    }
}
