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
        let atZero = gain(0)
        for b in 0..<trials {
            let first = offset(b, 0), g = b * (T + 1)
            for j in 0..<P { c[first + j] = 0 }
            gains[g] = atZero.value; slopes[g] = atZero.derivative
            for t in 1...T {
                let prev = first + (t - 1) * P, cur = first + t * P
                for r in 0..<R {
                    var drive = 0.0
                    for j in 0..<P { drive += A[r, j] * c[prev + j] }
                    c[cur + r] = (1 - alpha) * c[prev + r] + alpha * gains[g + t - 1] * drive
                }
                for k in 0..<K {
                    c[cur + R + k] = (1 - alpha) * c[prev + R + k] + alpha * batch.x[batch.inputIndex(b, t - 1, k)]
                }
                if varying {
                    var delta = 0.0
                    for i in 0..<P { for j in 0..<P { delta += c[cur + i] * Q[i, j] * c[cur + j] } }
                    (gains[g + t], slopes[g + t]) = gain(delta)
                } else {
                    gains[g + t] = atZero.value; slopes[g + t] = 0
                }
            }
        }
    }
}
