import GramFlowCore
import GramFlowNumerics

/// The reduced dynamics of a low-rank RNN and its loss, with the gradient by an
/// adjoint pass (docs/theory.md §3–§4). Exact at every N for linear φ; the Gaussian
/// closure (asymptotically exact as N → ∞) otherwise.
///
/// With h_0 = 0 the state stays in span{u, m}: h_t = Σ κ_r u_r + Σ ξ_k m_k. With
/// c_t = (κ_t, ξ_t) in the basis E = [u_1..u_R, m_1..m_K], A = S_{V,E},
/// C = S_{Z,E}, Q = S_{E,E} and the gain F = ⟨φ'⟩ (1 for linear φ):
///
///     ξ_t = (1−α) ξ_{t−1} + α x_{t−1}
///     κ_t = (1−α) κ_{t−1} + α F(Δ_{t−1}) A c_{t−1},     Δ_t = c_tᵀ Q c_t
///     y_t = F(Δ_t) C c_t
///
/// (Stein's lemma: b·φ(h)/N → F(Δ) Σ_j c_j σ_{b e_j}.) The adjoint μ_t = dL/dκ_t, with
/// e_t = ∂L/∂y_t and s_t = e_tᵀ C c_t + α μ_{t+1}ᵀ A c_t, runs
///
///     μ_t = (1−α) μ_{t+1} + [F_t (Cᵀ e_t + α Aᵀ μ_{t+1}) + 2 F'_t s_t Q c_t]_κ
///     ∂L/∂A = α Σ_t F_t μ_{t+1} c_tᵀ,  ∂L/∂C = Σ_t F_t e_t c_tᵀ,  ∂L/∂Q = Σ_t F'_t s_t c_t c_tᵀ.
///
/// Cost per evaluation O(B·T·(R+K)·(R+K+O)), independent of N.
public final class ReducedOverlapLoss: OverlapLoss {
    public let spec: ModelSpec
    /// The trials the loss averages over; replace it to train on a fresh batch.
    public var batch: TaskBatch {
        didSet { precondition(batch.inputs == spec.inputs && batch.outputs == spec.outputs) }
    }
    private let layout: VectorLayout
    private let gain: GaussianGain
    private let varyingGain: Bool
    // The forward pass of every trial, reused across calls.
    private var trajectory: LatentTrajectory

    public init(spec: ModelSpec, batch: TaskBatch) throws {
        precondition(batch.inputs == spec.inputs && batch.outputs == spec.outputs,
                     "the batch has \(batch.inputs) inputs and \(batch.outputs) outputs, the model \(spec.inputs) and \(spec.outputs)")
        self.spec = spec
        self.batch = batch
        layout = spec.layout
        gain = try GaussianGain.of(spec.nonlinearity)
        varyingGain = spec.nonlinearity.gainDependsOnVariance
        trajectory = LatentTrajectory(spec: spec)
    }

    public func loss(_ S: Matrix) -> Double { evaluate(S, withGradient: false).loss }

    public func lossAndGradient(_ S: Matrix) -> (loss: Double, G: Matrix) {
        let (loss, dLdS) = evaluate(S, withGradient: true)
        return (loss, dLdS!.symmetrized)
    }

    /// The network's output y_{b,t,o} under the reduced dynamics, t = 1..T, in `TaskBatch` target order.
    public func outputs(_ S: Matrix) -> [Double] {
        var y = [Double](repeating: 0, count: batch.target.count)
        let batch = self.batch
        _ = evaluate(S, withGradient: false) { b, t, o, value in y[batch.targetIndex(b, t, o)] = value }
        return y
    }

    /// L(S) and, if asked, ∂L/∂S_ab with S's entries taken as independent.
    private func evaluate(_ S: Matrix, withGradient: Bool,
                          output: ((Int, Int, Int, Double) -> Void)? = nil) -> (loss: Double, dLdS: Matrix?) {
        let batch = self.batch
        let R = spec.rank, K = spec.inputs, O = spec.outputs, T = batch.steps
        let P = R + K, alpha = spec.alpha, keep = 1 - alpha, varyingGain = self.varyingGain
        let basis = layout.basisIndices
        let A = S.selecting(rows: layout.vIndices, cols: basis)  // R×P
        let C = S.selecting(rows: layout.zIndices, cols: basis)  // O×P
        let Q = S.selecting(rows: basis, cols: basis)            // P×P
        let objective = MaskedSquaredError(dt: spec.dt, batch: batch)
        // ∂L/∂A (R×P), ∂L/∂C (O×P), ∂L/∂Q (P×P), then C c_{b,t} and e_{b,t} (B×T×O), μ_b, μ_{b,next} (B×R).
        let B = batch.trials
        var work = [Double](repeating: 0, count: R * P + O * P + P * P + 2 * B * T * O + 2 * B * R)
        var total = 0.0
        trajectory.run(A: A, Q: Q, batch: batch, spec: spec, gain: gain)
        // Raw pointers: no bounds, uniqueness or exclusivity checks in the step loops.
        trajectory.c.withUnsafeBufferPointer { cb in
        trajectory.gains.withUnsafeBufferPointer { gb in
        trajectory.slopes.withUnsafeBufferPointer { sb in
        A.storage.withUnsafeBufferPointer { ab in
        C.storage.withUnsafeBufferPointer { ccb in
        Q.storage.withUnsafeBufferPointer { qb in
        batch.target.withUnsafeBufferPointer { yb in
        batch.mask.withUnsafeBufferPointer { mb in
        work.withUnsafeMutableBufferPointer { wb in
            let a = ab.baseAddress!, cm = ccb.baseAddress!, q = qb.baseAddress!
            let dA = wb.baseAddress!, dC = dA + R * P, dQ = dC + O * P
            let readout = dQ + P * P, errors = readout + B * T * O  // at (b·T + t−1)·O + o, as the targets
            var mu = errors + B * T * O, muNext = mu + B * R
            for b in 0..<B {
                let first = cb.baseAddress! + trajectory.offset(b, 0), gains = gb.baseAddress! + b * (T + 1)
                for t in 1...T {
                    let cur = first + t * P
                    for o in 0..<O {
                        var r = 0.0
                        for j in 0..<P { r += cm[o * P + j] * cur[j] }
                        let i = batch.targetIndex(b, t, o)
                        readout[i] = r
                        let y = gains[t] * r
                        output?(b, t, o, y)
                        let term = objective.term(output: y, target: yb[i], mask: mb[i])
                        total += term.loss
                        errors[i] = term.error
                    }
                }
            }
            guard withGradient else { return }
            for i in 0..<(B * R) { muNext[i] = 0 }  // μ_{T+1} = 0
            if R == 1 && K == 1 && O == 1 {
                // One input, rank 1, one output: the same adjoint with A, C, Q in registers and
                // ∂L/∂A, ∂L/∂C, ∂L/∂Q summed in registers, in the same order as below (the
                // general path gives the same bits: ReducedLossFastPathTests).
                let a0 = a[0], a1 = a[1], c0 = cm[0], q00 = q[0], q01 = q[1]
                var dA0 = 0.0, dA1 = 0.0, dC0 = 0.0, dC1 = 0.0, dQ00 = 0.0, dQ01 = 0.0, dQ10 = 0.0, dQ11 = 0.0
                for t in stride(from: T, through: 1, by: -1) {
                    let hasNext = t < T
                    for b in 0..<B {
                        let cur = cb.baseAddress! + trajectory.offset(b, t), kappa = cur[0], xi = cur[1]
                        let i = batch.targetIndex(b, t, 0), e = errors[i], next = muNext[b]
                        let F = gb[b * (T + 1) + t], dF = sb[b * (T + 1) + t]
                        var s = 0.0 + e * readout[i]
                        if hasNext { s += alpha * next * (0 + a0 * kappa + a1 * xi) }
                        if e != 0 { let w = F * e; dC0 += w * kappa; dC1 += w * xi }
                        if hasNext && next != 0 { let w = alpha * F * next; dA0 += w * kappa; dA1 += w * xi }
                        let curvature = dF * s
                        if varyingGain && curvature != 0 {
                            dQ00 += curvature * kappa * kappa; dQ01 += curvature * kappa * xi
                            dQ10 += curvature * xi * kappa; dQ11 += curvature * xi * xi
                        }
                        var g = 0.0 + c0 * e
                        if hasNext { g += alpha * a0 * next }
                        let qc = varyingGain ? 0 + q00 * kappa + q01 * xi : 0
                        mu[b] = keep * next + F * g + 2 * curvature * qc
                    }
                    swap(&mu, &muNext)
                }
                dA[0] = dA0; dA[1] = dA1; dC[0] = dC0; dC[1] = dC1
                dQ[0] = dQ00; dQ[1] = dQ01; dQ[2] = dQ10; dQ[3] = dQ11
                return
            }
            // Time outside, trials inside (as in the forward pass): B independent adjoint chains.
            for t in stride(from: T, through: 1, by: -1) {
                let hasNext = t < T
                for b in 0..<B {
                    let cur = cb.baseAddress! + trajectory.offset(b, t)
                    let e = errors + batch.targetIndex(b, t, 0), ro = readout + batch.targetIndex(b, t, 0)
                    let m = mu + b * R, mNext = muNext + b * R
                    let F = gb[b * (T + 1) + t], dF = sb[b * (T + 1) + t]
                    var s = 0.0
                    for o in 0..<O { s += e[o] * ro[o] }
                    if hasNext {
                        for r in 0..<R {
                            var ac = 0.0
                            for j in 0..<P { ac += a[r * P + j] * cur[j] }
                            s += alpha * mNext[r] * ac
                        }
                    }
                    for o in 0..<O where e[o] != 0 {
                        for j in 0..<P { dC[o * P + j] += F * e[o] * cur[j] }
                    }
                    if hasNext {
                        for r in 0..<R where mNext[r] != 0 {
                            let w = alpha * F * mNext[r]
                            for j in 0..<P { dA[r * P + j] += w * cur[j] }
                        }
                    }
                    let curvature = dF * s
                    if varyingGain && curvature != 0 {
                        for i in 0..<P { for j in 0..<P { dQ[i * P + j] += curvature * cur[i] * cur[j] } }
                    }
                    for r in 0..<R {
                        var g = 0.0
                        for o in 0..<O { g += cm[o * P + r] * e[o] }
                        if hasNext { for q in 0..<R { g += alpha * a[q * P + r] * mNext[q] } }
                        var qc = 0.0
                        if varyingGain { for j in 0..<P { qc += q[r * P + j] * cur[j] } }
                        m[r] = keep * mNext[r] + F * g + 2 * curvature * qc
                    }
                }
                swap(&mu, &muNext)
            }
        } } } } } } } } }
        guard withGradient else { return (total, nil) }
        var dLdS = Matrix(rows: layout.dimension, cols: layout.dimension)
        let dQ = R * P + O * P
        for (r, row) in layout.vIndices.enumerated() { for (j, col) in basis.enumerated() { dLdS[row, col] = work[r * P + j] } }
        for (o, row) in layout.zIndices.enumerated() { for (j, col) in basis.enumerated() { dLdS[row, col] = work[R * P + o * P + j] } }
        if varyingGain {
            for (i, row) in basis.enumerated() { for (j, col) in basis.enumerated() { dLdS[row, col] = work[dQ + i * P + j] } }
        }
        return (total, dLdS)
    }
}
