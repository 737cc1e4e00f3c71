import GramFlowCore
import GramFlowNumerics

/// The forward pass of the reduced dynamics (docs/theory.md §3) for every trial of a batch,
/// the one place it is written for the loss and for the reduced sNTK:
///
///     ξ_t = (1−α) ξ_{t−1} + α x_{t−1},   κ_t = (1−α) κ_{t−1} + α F(Δ_{t−1}) A c_{t−1},
///     Δ_t = c_tᵀ Q c_t,   c_t = (κ_t, ξ_t),   c_0 = 0,
///
/// with A = S_{V,E}, Q = S_{E,E}, E = [u…, m…], and the gain (F, F')(Δ_t) alongside
/// (F ≡ 1 for linear φ; Δ is skipped when the gain does not depend on it).
///
/// Storage is time-major (trial b of step t next to trial b+1 of step t): the B recursions are
/// independent, so each step runs over the trials as one contiguous, vectorisable loop, and
/// the gains of a step are evaluated together (`GaussianGain.evaluate(_:value:derivative:count:)`).
/// The arrays are reused from call to call; a run allocates nothing unless B or T changes.
struct LatentTrajectory {
    private(set) var trials = 0, steps = 0
    let width: Int   // P = R + K
    let inputCount: Int  // K
    /// c_{b,t}, t = 0..T, at `offset(b, t)`.
    private(set) var c: [Double] = []
    /// F(Δ_{b,t}) and F'(Δ_{b,t}) at `gainIndex(b, t)`.
    private(set) var gains: [Double] = []
    private(set) var slopes: [Double] = []
    /// x_{b,t,k}, t = 0..T−1, time-major at (t·B + b)·K + k.
    private var inputs: [Double] = []

    init(spec: ModelSpec) { width = spec.rank + spec.inputs; inputCount = spec.inputs }

    /// Offset of c_{b,t} in `c`.
    @inline(__always) func offset(_ b: Int, _ t: Int) -> Int { (t * trials + b) * width }
    /// Index of F(Δ_{b,t}) in `gains` (and of F' in `slopes`).
    @inline(__always) func gainIndex(_ b: Int, _ t: Int) -> Int { t * trials + b }

    /// Runs every trial of `batch` forward from the overlaps' blocks A and Q.
    mutating func run(A: Matrix, Q: Matrix, batch: TaskBatch, spec: ModelSpec, gain: GaussianGain) {
        let R = spec.rank, K = spec.inputs, P = width, T = batch.steps, alpha = spec.alpha
        if trials != batch.trials || steps != T {
            trials = batch.trials; steps = T
            c = Array(repeating: 0, count: trials * (T + 1) * P)
            gains = Array(repeating: 0, count: trials * (T + 1))
            slopes = gains
            inputs = Array(repeating: 0, count: trials * T * K)
        }
        let B = trials
        let varying = spec.nonlinearity.gainDependsOnVariance
        let atZero = gain(0), keep = 1 - alpha
        // Raw pointers: no bounds, uniqueness or exclusivity checks in the step loop.
        c.withUnsafeMutableBufferPointer { cb in
        gains.withUnsafeMutableBufferPointer { gb in
        slopes.withUnsafeMutableBufferPointer { sb in
        inputs.withUnsafeMutableBufferPointer { ib in
        A.storage.withUnsafeBufferPointer { ab in
        Q.storage.withUnsafeBufferPointer { qb in
        batch.x.withUnsafeBufferPointer { xb in
            let a = ab.baseAddress!, q = qb.baseAddress!, x = ib.baseAddress!
            let c = cb.baseAddress!, g = gb.baseAddress!, s = sb.baseAddress!
            // The inputs time-major, so that a step reads its B inputs in a row.
            for b in 0..<B { for t in 0..<T { for k in 0..<K { x[(t * B + b) * K + k] = xb[(b * T + t) * K + k] } } }
            for j in 0..<(B * P) { c[j] = 0 }
            for b in 0..<B { g[b] = atZero.value; s[b] = atZero.derivative }
            if !varying {
                for i in B..<(B * (T + 1)) { g[i] = atZero.value; s[i] = 0 }
            }
            if R == 1 && K == 1 {
                // One input, rank 1: A and Q in registers, and Δ_t of the B trials stored in the
                // slopes' slots, then turned into (F, F') by one call per step.
                let a0 = a[0], a1 = a[1], q00 = q[0], q01 = q[1], q10 = q[2], q11 = q[3]
                for t in 1...T {
                    let prev = c + (t - 1) * B * 2, cur = prev + B * 2
                    let gPrev = g + (t - 1) * B, gCur = gPrev + B, sCur = s + t * B, xt = x + (t - 1) * B
                    for b in 0..<B {
                        let k0 = prev[2 * b], x0 = prev[2 * b + 1]
                        let drive = 0 + a0 * k0 + a1 * x0
                        let kappa = keep * k0 + alpha * gPrev[b] * drive
                        let xi = keep * x0 + alpha * xt[b]
                        cur[2 * b] = kappa; cur[2 * b + 1] = xi
                        if varying { sCur[b] = 0 + kappa * q00 * kappa + kappa * q01 * xi + xi * q10 * kappa + xi * q11 * xi }
                    }
                    if varying { gain.evaluate(sCur, value: gCur, derivative: sCur, count: B) }
                }
                return
            }
            for t in 1...T {
                let gPrev = g + (t - 1) * B, gCur = gPrev + B, sCur = s + t * B
                for b in 0..<B {
                    let prev = c + ((t - 1) * B + b) * P, cur = c + (t * B + b) * P
                    let scaledGain = alpha * gPrev[b]
                    for r in 0..<R {
                        var drive = 0.0
                        for j in 0..<P { drive += a[r * P + j] * prev[j] }
                        cur[r] = keep * prev[r] + scaledGain * drive
                    }
                    let xt = x + ((t - 1) * B + b) * K
                    for k in 0..<K { cur[R + k] = keep * prev[R + k] + alpha * xt[k] }
                    if varying {
                        var delta = 0.0
                        for i in 0..<P { for j in 0..<P { delta += cur[i] * q[i * P + j] * cur[j] } }
                        sCur[b] = delta
                    }
                }
                if varying { gain.evaluate(sCur, value: gCur, derivative: sCur, count: B) }
            }
        } } } } } } }
    }
}
