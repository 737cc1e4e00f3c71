import GramFlowCore
import GramFlowNumerics

/// The forward pass and BPTT of one trial in latent coordinates (docs/theory.md §1, §3).
///
/// With h_0 = 0 the state stays in span{m, u} for any φ: writing c_t = (ξ_t, κ_t) in the
/// order of P's columns [M U],
///
///     h_t = [M U] c_t,   c_{t+1} = (1−α) c_t + α w_t,   w_t = (x_t, a_t),
///     a_t = Vᵀφ(h_t)/N,   y_t = Zᵀψ(h_t)/N,
///
/// which is the Euler step h_{t+1} = (1−α) h_t + α [M U] w_t exactly. Only c (and a, y, e)
/// are kept per step, (T+1)·(K+R) numbers; h_t is rebuilt from c_t in the backward pass,
/// and φ(h_t) with it unless it was stored (`storesStates`). Rebuilding gives bit for bit
/// the h_t of the forward pass, so both modes give identical results.
///
/// Backward, δ_t = ∂L/∂h_t, b_t = Uᵀδ_{t+1} (b_T = 0, δ_{T+1} = 0), for t = T..1:
///
///     δ_t = φ'(h_t) ⊙ (Z e_t/N + α V b_t/N) + (1−α) δ_{t+1}        (ψ = φ)
///     ∂[M U] += α δ_t w_{t−1}ᵀ,  ∂V += (α/N) φ(h_t) b_tᵀ,  ∂Z += (1/N) ψ(h_t) e_tᵀ,
///
/// then ∂V += (α/N) φ(h_0) b_0ᵀ. Each step is one pass over the neurons, in blocks of
/// `blockSize` that stay in L1: rebuild h, φ and φ' for the block (vectorised), then one
/// fused loop for δ, the three gradient rows and the reduction Uᵀδ_t. Working memory is
/// O(N + T·(K+R+O)) without stored states, plus (T+1)·N with them.
final class TrialPass {
    let spec: ModelSpec
    let neurons: Int, steps: Int
    let storesStates: Bool
    static let blockSize = 256

    private let latent: UnsafeMutablePointer<Double>   // (T+1)×(K+R): c_0..c_T
    private let drive: UnsafeMutablePointer<Double>    // T×R: a_0..a_{T−1}
    private let errors: UnsafeMutablePointer<Double>   // T×O: e_1..e_T
    private var delta: UnsafeMutablePointer<Double>    // N: δ_t
    private var deltaNext: UnsafeMutablePointer<Double>  // N: δ_{t+1}
    private let states: UnsafeMutablePointer<Double>?  // (T+1)×N: φ(h_t), when stored
    private let h: UnsafeMutablePointer<Double>        // blockSize
    private let phi: UnsafeMutablePointer<Double>      // blockSize
    private let slope: UnsafeMutablePointer<Double>    // blockSize
    private let small: UnsafeMutablePointer<Double>    // sums and coefficients, 3(K+R) + 2(R+O)

    init(spec: ModelSpec, neurons: Int, steps: Int, storesStates: Bool) {
        self.spec = spec; self.neurons = neurons; self.steps = steps
        let N = neurons, T = steps, K = spec.inputs, R = spec.rank, O = spec.outputs
        self.storesStates = storesStates && !spec.nonlinearity.isLinear
        func buffer(_ n: Int) -> UnsafeMutablePointer<Double> {
            let p = UnsafeMutablePointer<Double>.allocate(capacity: max(n, 1))
            p.initialize(repeating: 0, count: max(n, 1))
            return p
        }
        latent = buffer((T + 1) * (K + R))
        drive = buffer(T * R)
        errors = buffer(T * O)
        delta = buffer(N)
        deltaNext = buffer(N)
        states = self.storesStates ? buffer((T + 1) * N) : nil
        h = buffer(Self.blockSize); phi = buffer(Self.blockSize); slope = buffer(Self.blockSize)
        small = buffer(3 * (K + R) + 2 * (R + O))
    }

    deinit {
        for p in [latent, drive, errors, delta, deltaNext, h, phi, slope, small] { p.deallocate() }
        states?.deallocate()
    }

    /// h_i = Σ_j P[i, j] c_j over the [M U] columns, for the block of n neurons from `first`.
    @inline(__always)
    private func rebuild(_ p: UnsafePointer<Double>, _ c: UnsafePointer<Double>, first: Int, count n: Int) {
        let D = spec.layout.dimension, width = spec.inputs + spec.rank
        var row = p + first * D
        if width == 2 {
            let c0 = c[0], c1 = c[1]
            for i in 0..<n { h[i] = row[0] * c0 + row[1] * c1; row += D }
        } else {
            for i in 0..<n {
                var s = 0.0
                for j in 0..<width { s += row[j] * c[j] }
                h[i] = s; row += D
            }
        }
    }

    /// Runs trial `b` forward: fills c, a, e (and φ(h_t) if stored); returns its loss terms.
    func forward(_ p: UnsafePointer<Double>, batch: TaskBatch, trial b: Int) -> Double {
        let N = neurons, T = steps, K = spec.inputs, R = spec.rank, O = spec.outputs
        let D = spec.layout.dimension, width = K + R, alpha = spec.alpha, f = spec.nonlinearity
        let invN = 1 / Double(N), linear = f.isLinear
        let objective = MaskedSquaredError(dt: spec.dt, trials: batch.trials)
        let sums = small  // R + O: Σ_i V_ir φ_i, Σ_i Z_io ψ_i
        for j in 0..<width { latent[j] = 0 }
        var loss = 0.0
        for t in 0...T {
            let c = latent + t * width
            for j in 0..<(R + O) { sums[j] = 0 }
            var first = 0
            while first < N {
                let n = min(Self.blockSize, N - first)
                rebuild(p, c, first: first, count: n)
                let values: UnsafeMutablePointer<Double>
                if linear { values = h } else {
                    values = states.map { $0 + t * N + first } ?? phi
                    f.values(h, into: values, count: n)
                }
                var row = p + first * D + width
                if R == 1 && O == 1 {
                    var sv = 0.0, sz = 0.0
                    for i in 0..<n { let v = values[i]; sv += row[0] * v; sz += row[1] * v; row += D }
                    sums[0] += sv; sums[1] += sz
                } else {
                    for i in 0..<n {
                        let v = values[i]
                        for j in 0..<(R + O) { sums[j] += row[j] * v }
                        row += D
                    }
                }
                first += n
            }
            if t >= 1 {
                for o in 0..<O {
                    let i = batch.targetIndex(b, t, o)
                    let term = objective.term(output: sums[R + o] * invN, target: batch.target[i], mask: batch.mask[i])
                    loss += term.loss
                    errors[(t - 1) * O + o] = term.error
                }
            }
            if t < T {
                let next = c + width
                for k in 0..<K { next[k] = (1 - alpha) * c[k] + alpha * batch.x[batch.inputIndex(b, t, k)] }
                for r in 0..<R {
                    let a = sums[r] * invN
                    drive[t * R + r] = a
                    next[K + r] = (1 - alpha) * c[K + r] + alpha * a
                }
            }
        }
        return loss
    }

    /// Backpropagates the trial just run forward and adds its ∂L/∂P into `g` (N×D).
    func backward(_ p: UnsafePointer<Double>, batch: TaskBatch, trial b: Int, gradient g: UnsafeMutablePointer<Double>) {
        let N = neurons, T = steps, K = spec.inputs, R = spec.rank, O = spec.outputs
        let D = spec.layout.dimension, width = K + R, alpha = spec.alpha, f = spec.nonlinearity
        let invN = 1 / Double(N), linear = f.isLinear, keep = 1 - alpha
        // small: [0, width) α w_{t−1}; [width, width+R) α b_t/N; then e_t/N (O); then Σ U δ (R).
        let scaledW = small, coefficients = small + width, sums = small + width + R + O
        let bOnly = R == 1 && O == 1 && width == 2
        for i in 0..<N { deltaNext[i] = 0 }
        for r in 0..<R { sums[r] = 0 }  // b_T = 0
        for t in stride(from: T, through: 1, by: -1) {
            let c = latent + t * width
            for r in 0..<R { coefficients[r] = alpha * sums[r] * invN }
            for o in 0..<O { coefficients[R + o] = errors[(t - 1) * O + o] * invN }
            for k in 0..<K { scaledW[k] = alpha * batch.x[batch.inputIndex(b, t - 1, k)] }
            for r in 0..<R { scaledW[K + r] = alpha * drive[(t - 1) * R + r] }
            for r in 0..<R { sums[r] = 0 }
            var first = 0
            while first < N {
                let n = min(Self.blockSize, N - first)
                let values: UnsafePointer<Double>
                if linear {
                    rebuild(p, c, first: first, count: n)
                    values = UnsafePointer(h)
                } else if let states {
                    let stored = states + t * N + first
                    if f == .tanh { f.slopes(h, values: stored, into: slope, count: n) }  // h unused
                    else { rebuild(p, c, first: first, count: n); f.slopes(h, values: stored, into: slope, count: n) }
                    values = UnsafePointer(stored)
                } else {
                    rebuild(p, c, first: first, count: n)
                    f.valuesAndSlopes(h, into: phi, slopes: slope, count: n)
                    values = UnsafePointer(phi)
                }
                var row = p + first * D, grow = g + first * D
                let next = deltaNext + first, current = delta + first
                let gains: UnsafePointer<Double>? = linear ? nil : UnsafePointer(slope)
                if bOnly {
                    let w0 = scaledW[0], w1 = scaledW[1], cv = coefficients[0], cz = coefficients[1]
                    var sb = 0.0
                    for i in 0..<n {
                        let s = row[2] * cv + row[3] * cz
                        let d = (gains.map { $0[i] * s } ?? s) + keep * next[i]
                        current[i] = d
                        let v = values[i]
                        grow[0] += d * w0; grow[1] += d * w1; grow[2] += v * cv; grow[3] += v * cz
                        sb += row[1] * d
                        row += D; grow += D
                    }
                    sums[0] += sb
                } else {
                    for i in 0..<n {
                        var s = 0.0
                        for j in 0..<(R + O) { s += row[width + j] * coefficients[j] }
                        let d = (gains.map { $0[i] * s } ?? s) + keep * next[i]
                        current[i] = d
                        let v = values[i]
                        for j in 0..<width { grow[j] += d * scaledW[j] }
                        for j in 0..<(R + O) { grow[width + j] += v * coefficients[j] }
                        for r in 0..<R { sums[r] += row[K + r] * d }
                        row += D; grow += D
                    }
                }
                first += n
            }
            swap(&delta, &deltaNext)
        }
        // t = 0: ∂V += (α/N) φ(h_0) b_0ᵀ with h_0 = 0 (nothing when φ(0) = 0).
        let phi0 = f.value(0)
        if phi0 != 0 {
            for r in 0..<R {
                let coefficient = alpha * sums[r] * invN
                for i in 0..<N { g[i * D + width + r] += phi0 * coefficient }
            }
        }
    }
}
