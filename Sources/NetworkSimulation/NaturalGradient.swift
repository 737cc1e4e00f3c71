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
///     Δθ = −(ηN/ε) [ g − Σ_i λ_i/(λ_i+ε) (v_iᵀ g) v_i ],    g = Jᵀe = ∇_θ L
///
/// (`DampedLowRankInverse`). In state space the step moves h by −ηN Θ(Θ_k + εI)⁻¹e: by ≈ −ηN e
/// along the top-k modes (whatever λ_i, so a near-bifurcation λ_1 no longer makes the step
/// explode) and by −ηN (λ_j/ε) e_j along the others. With `epsilon` nil, ε = λ_{k+1}: every
/// mode then moves at most at the rate of the top ones, the natural-gradient choice; a fixed
/// ε = 1 instead keeps GD's step outside the top-k modes. The readout Z (which does not move
/// h) takes GD's step.
///
/// The top-k pairs come from a `DominantSubspace` kept from step to step: one warm block
/// subspace iteration (k products JᵀJ v, k + 1 with ε = λ_{k+1}, all of them and the gradient
/// computed together in latent coordinates by `LatentSensitivity`: four dgemm over the stored φ
/// and φ′, no B·T·N tensor) while its residuals stay below the tolerance, a Lanczos solve when
/// they do not; while the last residual is 100× inside the tolerance up to `reuseSteps`
/// steps in a row reuse the pairs without any product.
public struct NaturalGradient: Sendable {
    /// ε, or nil for ε = λ_{k+1}.
    public let epsilon: Double?
    /// k.
    public let modes: Int
    /// The Lanczos fall-back's Krylov dimension (nil: `LanczosEigen`'s default).
    public let lanczosSteps: Int?
    /// Largest relative residual ‖JᵀJ v − λ v‖/λ of a kept pair before more iterations.
    public let tolerance: Double
    /// Warm iterations per step before the fall-back to a full solve.
    public let maxIterations: Int
    /// Steps in a row that may reuse the last refresh while its residual is ≤ tolerance/100.
    public let reuseSteps: Int

    public init(epsilon: Double? = nil, modes: Int = 1, lanczosSteps: Int? = nil, tolerance: Double = 1e-2,
                maxIterations: Int = 8, reuseSteps: Int = 3) {
        precondition((epsilon ?? 1) > 0 && modes >= 1 && reuseSteps >= 0)
        self.epsilon = epsilon; self.modes = modes; self.lanczosSteps = lanczosSteps
        self.tolerance = tolerance; self.maxIterations = maxIterations; self.reuseSteps = reuseSteps
    }

    /// A fresh subspace for this method: the k pairs used, and the (k+1)-th when it gives
    /// ε = λ_{k+1}, all tracked (their residuals decide); no guard vector, so a step costs
    /// k (or k + 1) products while the subspace is tracked.
    public func makeSubspace() -> DominantSubspace {
        DominantSubspace(tracked: epsilon == nil ? modes + 1 : modes, blockSize: epsilon == nil ? modes + 1 : modes, tolerance: tolerance, maxIterations: maxIterations,
                         lanczosSteps: lanczosSteps, reuseLimit: reuseSteps)
    }

    /// The step before its ηN factor.
    public struct Direction: Sendable {
        /// L before the step.
        public let loss: Double
        /// GD's gradient ∇L (N×D).
        public let gradient: Matrix
        /// ((JᵀJ)_k + εI)⁻¹ ∇L on the moving vectors M, U, V (N×D, Z columns zero).
        public let natural: Matrix
        /// λ_1..λ_k and ε.
        public let eigenvalues: [Double]
        public let epsilon: Double
        /// max_j ‖JᵀJ v_j − λ_j v_j‖/λ_j over the tracked pairs (k, or k + 1 with ε = λ_{k+1}), the warm iterations taken
        /// and whether the subspace was solved afresh.
        public let residual: Double
        public let iterations: Int
        public let fullSolve: Bool
    }

    /// e = ∂L/∂h for the masked squared error: e_{b,t} = φ'(h_{b,t}) ⊙ Z e^y_{b,t}/N, t = 1..T,
    /// with e^y = ∂L/∂y; the loss L; and the readout gradient ∂L/∂Z = (1/N) Σ_{b,t} φ(h_{b,t}) e^y_{b,t}ᵀ
    /// (N×D, only the Z columns set).
    public static func stateError(_ operators: KPFlowOperators, batch: TaskBatch)
        -> (loss: Double, error: [Double], readout: Matrix) {
        let traj = operators.trajectory, net = operators.network, spec = net.spec, l = spec.layout
        let N = net.neurons, O = spec.outputs, T = traj.steps, D = l.dimension
        let objective = MaskedSquaredError(dt: spec.dt, batch: batch)
        var e = [Double](repeating: 0, count: traj.tensorCount)
        var readout = Matrix(rows: N, cols: D)
        var loss = 0.0
        var ey = [Double](repeating: 0, count: O)
        // The readout columns copied contiguous (zc[o·N + i] = z_o,i) and ∂L/∂Z accumulated the same way.
        var zc = [Double](repeating: 0, count: O * N), gz = zc
        for o in 0..<O { for i in 0..<N { zc[o * N + i] = net.parameters.storage[i * D + l.z(o)] } }
        zc.withUnsafeBufferPointer { pb in traj.phi.withUnsafeBufferPointer { fb in
            traj.phiPrime.withUnsafeBufferPointer { db in e.withUnsafeMutableBufferPointer { eb in
                gz.withUnsafeMutableBufferPointer { rb in
                    let zp = pb.baseAddress!, r = rb.baseAddress!
                    for b in 0..<traj.trials { for t in 1...T {
                        let phi = fb.baseAddress! + traj.siteIndex(b, t), slope = db.baseAddress! + traj.siteIndex(b, t)
                        for o in 0..<O {
                            var y = 0.0
                            for i in 0..<N { y += zp[o * N + i] * phi[i] }
                            y /= Double(N)
                            let idx = batch.targetIndex(b, t, o)
                            let term = objective.term(output: y, target: batch.target[idx], mask: batch.mask[idx])
                            loss += term.loss; ey[o] = term.error
                            let c = term.error / Double(N)
                            if c != 0 { for i in 0..<N { r[o * N + i] += phi[i] * c } }
                        }
                        let out = eb.baseAddress! + traj.index(b, t)
                        for i in 0..<N { out[i] = 0 }
                        for o in 0..<O {
                            let c = ey[o] / Double(N)
                            if c != 0 { for i in 0..<N { out[i] += zp[o * N + i] * c } }
                        }
                        for i in 0..<N { out[i] *= slope[i] }
                    } }
                }
            } }
        } }
        for o in 0..<O { for i in 0..<N { readout[i, l.z(o)] = gz[o * N + i] } }
        return (loss, e, readout)
    }

    /// One step P ← P − ηN·(direction) from a fresh subspace (Lanczos started from `seed`):
    /// returns the loss before it, GD's gradient ∇L (N×D), the top-k eigenvalues and ε used.
    @discardableResult
    public func step(_ network: inout LowRankNetwork, batch: TaskBatch, eta: Double, seed: UInt64 = 1) throws
        -> (loss: Double, gradient: Matrix, eigenvalues: [Double], epsilon: Double) {
        let d = try direction(network, batch: batch, seed: seed)
        Self.apply(d, to: &network, eta: eta)
        return (d.loss, d.gradient, d.eigenvalues, d.epsilon)
    }

    /// The natural-gradient direction at `network` on `batch` from a fresh subspace.
    public func direction(_ network: LowRankNetwork, batch: TaskBatch, seed: UInt64 = 1) throws -> Direction {
        var subspace = makeSubspace(), inverse = DampedLowRankInverse()
        return try direction(network, batch: batch, subspace: &subspace, inverse: &inverse, seed: seed)
    }

    /// The direction with `subspace` refreshed from where the previous step left it (Lanczos from
    /// `seed` if it is empty or has rotated) and `inverse`'s workspace reused.
    public func direction(_ network: LowRankNetwork, batch: TaskBatch, subspace: inout DominantSubspace,
                          inverse: inout DampedLowRankInverse, seed: UInt64) throws -> Direction {
        let ntk = StateSpaceNTK(network: network, batch: batch)
        // The loss, its gradient and the first block's products JᵀJ v (none when the last refresh
        // is reused) together, in latent coordinates (`LatentSensitivity`).
        let reuse = subspace.reuseIfAccurate()
        let start = reuse ? [] : subspace.start(dimension: ntk.parameterCount, seed: seed)
        let fused = LatentSensitivity(ntk.operators).gradientAndGram(batch: batch, block: start.map(ntk.direction))
        let loss = fused.loss, gradient = fused.gradient
        var g = ntk.flatten(gradient)
        let epsilon = try naturalDirection(ntk, gradient: &g, subspace: &subspace, inverse: &inverse, seed: seed,
                                           firstImages: fused.images.map(ntk.flatten), refresh: !reuse)
        return Direction(loss: loss, gradient: gradient, natural: ntk.direction(g),
                         eigenvalues: Array(subspace.values.prefix(modes)), epsilon: epsilon,
                         residual: subspace.trackedResidual, iterations: subspace.iterations, fullSolve: subspace.fullSolve)
    }

    /// g ← ((JᵀJ)_k + εI)⁻¹ g = Jᵀ(Θ_k + εI)⁻¹ e for any recurrent model, after refreshing the
    /// kept subspace of JᵀJ; returns ε.
    public func naturalDirection<O: RecurrentOperators>(_ operators: O, gradient g: inout [Double],
                                                        subspace: inout DominantSubspace, inverse: inout DampedLowRankInverse,
                                                        seed: UInt64, firstImages: [[Double]]? = nil,
                                                        refresh: Bool = true) throws -> Double {
        if refresh {
            try subspace.refresh(dimension: operators.parameterCount, seed: seed, firstImages: firstImages,
                                 apply: operators.parameterGram(block:))
        }
        let k = min(modes, subspace.values.count)
        let epsilon = self.epsilon ?? max(subspace.values.count > k ? subspace.values[k] : subspace.values[k - 1], 1e-300)
        inverse.set(values: Array(subspace.values.prefix(k)), vectors: Array(subspace.vectors.prefix(k)), epsilon: epsilon)
        inverse.apply(&g)
        return epsilon
    }

    /// P ← P − ηN ∇_Z L on the readout and P ← P − ηN·natural on the other vectors.
    public static func apply(_ d: Direction, to network: inout LowRankNetwork, eta: Double) {
        let scale = eta * Double(network.neurons)
        let zColumns = Set(network.spec.layout.zIndices)
        for i in 0..<network.neurons { for j in 0..<network.spec.layout.dimension {
            network.parameters[i, j] -= zColumns.contains(j) ? scale * d.gradient[i, j] : scale * d.natural[i, j]
        } }
    }
}
