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
struct LatentTrajectory {
    private(set) var trials = 0, steps = 0
    let width: Int   // P = R + K
    /// c_{b,t}, t = 0..T, at `offset(b, t)`.
    private(set) var c: [Double] = []
    /// F(Δ_{b,t}) and F'(Δ_{b,t}) at b·(T+1) + t.
    private(set) var gains: [Double] = []
    private(set) var slopes: [Double] = []

    init(spec: ModelSpec) { width = spec.rank + spec.inputs }

    /// Offset of c_{b,t} in `c`.
    @inline(__always) func offset(_ b: Int, _ t: Int) -> Int { (b * (steps + 1) + t) * width }

    /// Runs every trial of `batch` forward from the overlaps' blocks A and Q.
    mutating func run(A: Matrix, Q: Matrix, batch: TaskBatch, spec: ModelSpec, gain: GaussianGain) {
        let R = spec.rank, K = spec.inputs, P = width, T = batch.steps, alpha = spec.alpha
        if trials != batch.trials || steps != T {
            trials = batch.trials; steps = T
            c = Array(repeating: 0, count: trials * (T + 1) * P)
            gains = Array(repeating: 0, count: trials * (T + 1))
            slopes = gains
        }
        let varying = spec.nonlinearity.gainDependsOnVariance
        let atZero = gain(0), keep = 1 - alpha
        // Raw pointers: no bounds, uniqueness or exclusivity checks in the step loop.
        c.withUnsafeMutableBufferPointer { cb in
        gains.withUnsafeMutableBufferPointer { gb in
        slopes.withUnsafeMutableBufferPointer { sb in
        A.storage.withUnsafeBufferPointer { ab in
        Q.storage.withUnsafeBufferPointer { qb in
        batch.x.withUnsafeBufferPointer { xb in
            let a = ab.baseAddress!, q = qb.baseAddress!, x = xb.baseAddress!
            let c = cb.baseAddress!, g = gb.baseAddress!, s = sb.baseAddress!
            for b in 0..<trials {
                for j in 0..<P { c[b * (T + 1) * P + j] = 0 }
                g[b * (T + 1)] = atZero.value; s[b * (T + 1)] = atZero.derivative
            }
            // Time outside, trials inside: the B recursions are independent, so their
            // latency chains (c_t → Δ_t → F(Δ_t) → c_{t+1}, a square root and two
            // divisions for erf) overlap instead of running one after another.
            if R == 1 && K == 1 {
                // One input, rank 1: the same recursion with A and Q held in registers (the
                // general loop reloads them after every store into c, which may alias them).
                let a0 = a[0], a1 = a[1], q00 = q[0], q01 = q[1], q10 = q[2], q11 = q[3]
                for t in 1...T {
                    for b in 0..<trials {
                        let prev = c + (b * (T + 1) + t - 1) * P, cur = prev + P
                        let gt = b * (T + 1) + t
                        let drive = 0 + a0 * prev[0] + a1 * prev[1]
                        let kappa = keep * prev[0] + alpha * g[gt - 1] * drive
                        let xi = keep * prev[1] + alpha * x[batch.inputIndex(b, t - 1, 0)]
                        cur[0] = kappa; cur[1] = xi
                        if varying {
                            let delta = 0 + kappa * q00 * kappa + kappa * q01 * xi + xi * q10 * kappa + xi * q11 * xi
                            (g[gt], s[gt]) = gain(delta)
                        } else {
                            g[gt] = atZero.value; s[gt] = 0
                        }
                    }
                }
                return
            }
            for t in 1...T {
                for b in 0..<trials {
                    let prev = c + (b * (T + 1) + t - 1) * P, cur = prev + P
                    let gt = b * (T + 1) + t
                    let scaledGain = alpha * g[gt - 1]
                    for r in 0..<R {
                        var drive = 0.0
                        for j in 0..<P { drive += a[r * P + j] * prev[j] }
                        cur[r] = keep * prev[r] + scaledGain * drive
                    }
                    let xt = x + batch.inputIndex(b, t - 1, 0)
                    for k in 0..<K { cur[R + k] = keep * prev[R + k] + alpha * xt[k] }
                    if varying {
                        var delta = 0.0
                        for i in 0..<P { for j in 0..<P { delta += cur[i] * q[i * P + j] * cur[j] } }
                        (g[gt], s[gt]) = gain(delta)
                    } else {
                        g[gt] = atZero.value; s[gt] = 0
                    }
                }
            }
        } } } } } }
    }
}
