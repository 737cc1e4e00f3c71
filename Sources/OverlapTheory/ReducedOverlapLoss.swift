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
        didSet {
            precondition(batch.inputs == spec.inputs && batch.outputs == spec.outputs)
            timeMajorIsCurrent = false
        }
    }
    /// The batch's targets and mask time-major, at ((t−1)·B + b)·O + o, as the trajectory is stored
    /// (made when the general loops first need them for a batch: the kernels read the batch's order).
    private var targets: [Double] = [], masks: [Double] = []
    private var timeMajorIsCurrent = false
    private let layout: VectorLayout
    private let gain: GaussianGain
    private let varyingGain: Bool
    // The forward pass of every trial and the adjoint's workspace, reused across calls.
    private var trajectory: LatentTrajectory
    private var work: [Double] = []
    /// Rank 1, one input and output, constant gain (linear φ): the closed recurrences in registers.
    private var constantGain: ConstantGainRankOne?
    /// Rank 1, one input and output, φ = erf: the vector kernel.
    private var erfRankOne: ErfRankOne?

    public init(spec: ModelSpec, batch: TaskBatch) throws {
        precondition(batch.inputs == spec.inputs && batch.outputs == spec.outputs,
                     "the batch has \(batch.inputs) inputs and \(batch.outputs) outputs, the model \(spec.inputs) and \(spec.outputs)")
        self.spec = spec
        self.batch = batch
        layout = spec.layout
        gain = try GaussianGain.of(spec.nonlinearity)
        varyingGain = spec.nonlinearity.gainDependsOnVariance
        trajectory = LatentTrajectory(spec: spec)
        constantGain = ConstantGainRankOne(spec: spec, gain: gain)
        erfRankOne = ErfRankOne(spec: spec)
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
        if erfRankOne != nil {
            y.withUnsafeMutableBufferPointer { _ = erfRankOne!.evaluate(S, batch: batch, spec: spec, withGradient: false, graded: false,
                                                                       outputs: $0.baseAddress) }
            return y
        }
        _ = evaluate(S, withGradient: false) { b, t, o, value in y[batch.targetIndex(b, t, o)] = value }
        return y
    }

    /// The batch's targets and mask time-major, into arrays reused while B·T·O stays the same
    /// (a fresh batch every epoch then allocates nothing here).
    private static func timeMajor(_ batch: TaskBatch, targets: inout [Double], masks: inout [Double]) {
        let B = batch.trials, T = batch.steps, O = batch.outputs, count = B * T * O
        if targets.count != count { targets = Array(repeating: 0, count: count); masks = targets }
        targets.withUnsafeMutableBufferPointer { tb in
        masks.withUnsafeMutableBufferPointer { mb in
        batch.target.withUnsafeBufferPointer { yb in
        batch.mask.withUnsafeBufferPointer { kb in
            // Source index (b·T + t)·O + o, destination (t·B + b)·O + o, t = 0..T−1.
            for b in 0..<B { for t in 0..<T { for o in 0..<O {
                let i = (b &* T &+ t) &* O &+ o, j = (t &* B &+ b) &* O &+ o
                tb[j] = yb[i]; mb[j] = kb[i]
            } } }
        } } } }
    }

    /// L(S) and, if asked, ∂L/∂S_ab with S's entries taken as independent.
    private func evaluate(_ S: Matrix, withGradient: Bool,
                          output: ((Int, Int, Int, Double) -> Void)? = nil) -> (loss: Double, dLdS: Matrix?) {
        let batch = self.batch
        if constantGain != nil { return constantGain!.evaluate(S, batch: batch, spec: spec, withGradient: withGradient, output: output) }
        if erfRankOne != nil && output == nil { return erfRankOne!.evaluate(S, batch: batch, spec: spec, withGradient: withGradient) }
        if !timeMajorIsCurrent { Self.timeMajor(batch, targets: &targets, masks: &masks); timeMajorIsCurrent = true }
        let R = spec.rank, K = spec.inputs, O = spec.outputs, T = batch.steps
        let P = R + K, alpha = spec.alpha, keep = 1 - alpha, varyingGain = self.varyingGain
        let basis = layout.basisIndices
        let A = S.selecting(rows: layout.vIndices, cols: basis)  // R×P
        let C = S.selecting(rows: layout.zIndices, cols: basis)  // O×P
        let Q = S.selecting(rows: basis, cols: basis)            // P×P
        let objective = MaskedSquaredError(dt: spec.dt, batch: batch)
        // ∂L/∂A (R×P), ∂L/∂C (O×P), ∂L/∂Q (P×P), then C c_{b,t} and e_{b,t} (B×T×O, time-major
        // at ((t−1)·B + b)·O + o), the loss terms (in batch order), μ_b, μ_{b,next} (B×R):
        // kept from call to call.
        let B = batch.trials
        let size = R * P + O * P + P * P + 3 * B * T * O + 2 * B * R
        if work.count != size { work = Array(repeating: 0, count: size) }
        var total = 0.0
        trajectory.run(A: A, Q: Q, batch: batch, spec: spec, gain: gain)
        let trajectory = self.trajectory
        // Raw pointers: no bounds, uniqueness or exclusivity checks in the step loops.
        trajectory.c.withUnsafeBufferPointer { cb in
        trajectory.gains.withUnsafeBufferPointer { gb in
        trajectory.slopes.withUnsafeBufferPointer { sb in
        A.storage.withUnsafeBufferPointer { ab in
        C.storage.withUnsafeBufferPointer { ccb in
        Q.storage.withUnsafeBufferPointer { qb in
        targets.withUnsafeBufferPointer { yb in
        masks.withUnsafeBufferPointer { mb in
        work.withUnsafeMutableBufferPointer { wb in
            let a = ab.baseAddress!, cm = ccb.baseAddress!, q = qb.baseAddress!, c = cb.baseAddress!
            let dA = wb.baseAddress!, dC = dA + R * P, dQ = dC + O * P
            let readout = dQ + P * P, errors = readout + B * T * O, terms = errors + B * T * O
            var mu = terms + B * T * O, muNext = mu + B * R
            for i in 0..<(R * P + O * P + P * P) { dA[i] = 0 }
            // Steps outside, trials inside (contiguous in the time-major trajectory, targets and
            // mask); the terms of the loss are stored in the batch's order (trials, then steps,
            // then outputs) and summed in it, so the sum is rounded as it always was.
            let gains = gb.baseAddress!
            for t in 1...T {
                let step = c + trajectory.offset(0, t), g = gains + trajectory.gainIndex(0, t)
                let at = (t &- 1) &* B &* O
                for b in 0..<B {
                    let cur = step + b &* P, gain = g[b]
                    for o in 0..<O {
                        var r = 0.0
                        for j in 0..<P { r += cm[o &* P &+ j] * cur[j] }
                        let i = at &+ b &* O &+ o
                        readout[i] = r
                        let y = gain * r
                        output?(b, t, o, y)
                        let term = objective.term(output: y, target: yb[i], mask: mb[i])
                        terms[(b &* T &+ t &- 1) &* O &+ o] = term.loss  // batch order
                        errors[i] = term.error
                    }
                }
            }
            for i in 0..<(B &* T &* O) { total += terms[i] }
            guard withGradient else { return }
            for i in 0..<(B * R) { muNext[i] = 0 }  // μ_{T+1} = 0
            if R == 1 && K == 1 && O == 1 {
                // One input, rank 1, one output: the same adjoint with A, C, Q in registers and
                // ∂L/∂A, ∂L/∂C, ∂L/∂Q summed in registers, in the same order as below (the
                // general path gives the same bits: ReducedLossFastPathTests).
                let a0 = a[0], a1 = a[1], c0 = cm[0], q00 = q[0], q01 = q[1]
                var dA0 = 0.0, dA1 = 0.0, dC0 = 0.0, dC1 = 0.0, dQ00 = 0.0, dQ01 = 0.0, dQ10 = 0.0, dQ11 = 0.0
                // Branch-free: μ_{T+1} = 0, and a term w·c with w = 0 adds ±0 to a sum that is
                // never −0, so adding it leaves the sum's bits as skipping it did.
                for t in stride(from: T, through: 1, by: -1) {
                    let step = c + trajectory.offset(0, t), e = errors + (t &- 1) &* B, ro = readout + (t &- 1) &* B
                    let F = gb.baseAddress! + trajectory.gainIndex(0, t), dF = sb.baseAddress! + trajectory.gainIndex(0, t)
                    for b in 0..<B {
                        let kappa = step[2 &* b], xi = step[2 &* b &+ 1]
                        let e = e[b], next = muNext[b], F = F[b]
                        let s = 0.0 + e * ro[b] + alpha * next * (0 + a0 * kappa + a1 * xi)
                        let wC = F * e; dC0 += wC * kappa; dC1 += wC * xi
                        let wA = alpha * F * next; dA0 += wA * kappa; dA1 += wA * xi
                        let curvature = dF[b] * s
                        dQ00 += curvature * kappa * kappa; dQ01 += curvature * kappa * xi
                        dQ10 += curvature * xi * kappa; dQ11 += curvature * xi * xi
                        let g = 0.0 + c0 * e + alpha * a0 * next
                        let qc = 0 + q00 * kappa + q01 * xi
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
                    let cur = c + trajectory.offset(b, t)
                    let e = errors + ((t - 1) * B + b) * O, ro = readout + ((t - 1) * B + b) * O
                    let m = mu + b * R, mNext = muNext + b * R
                    let F = gb[trajectory.gainIndex(b, t)], dF = sb[trajectory.gainIndex(b, t)]
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
