import GramFlowCore
import GramFlowNumerics

/// The forward pass and BPTT of a group of trials, together, in latent coordinates
/// (docs/theory.md §1, §3).
///
/// With h_0 = 0 the state stays in span{m, u} for any φ: writing c_t = (ξ_t, κ_t) in the
/// order of P's columns [M U],
///
///     h_t = [M U] c_t,   c_{t+1} = (1−α) c_t + α w_t,   w_t = (x_t, a_t),
///     a_t = Vᵀφ(h_t)/N,   y_t = Zᵀψ(h_t)/N,
///
/// which is the Euler step h_{t+1} = (1−α) h_t + α [M U] w_t exactly. Only c (and a, e)
/// are kept per step and trial, (T+1)·(K+R) numbers; h_t is rebuilt from c_t in the
/// backward pass, and φ(h_t) with it unless it was stored (`storesStates`). Rebuilding
/// gives bit for bit the h_t of the forward pass, so both modes give identical results.
///
/// Backward, δ_t = ∂L/∂h_t, b_t = Uᵀδ_{t+1} (b_T = 0, δ_{T+1} = 0), for t = T..1:
///
///     δ_t = φ'(h_t) ⊙ (Z e_t/N + α V b_t/N) + (1−α) δ_{t+1}        (ψ = φ)
///     ∂[M U] += α δ_t w_{t−1}ᵀ,  ∂V += (α/N) φ(h_t) b_tᵀ,  ∂Z += (1/N) ψ(h_t) e_tᵀ,
///
/// then ∂V += (α/N) φ(h_0) b_0ᵀ. Each time step is one pass over the neurons for all G
/// trials of the group, in blocks of `blockSize` neurons: the block's rows of P and of the
/// gradient come from memory once per step and serve the G trials from L1 (at N = 10^6 the
/// epoch is bound by that traffic). Within a block, trial by trial: rebuild h, φ and φ'
/// (vectorised), then one loop for δ and the reduction Uᵀδ_t and one for the gradient rows.
/// Per-trial arrays (δ, stored φ, the block's h, φ, φ') are laid out trial-major, so each
/// of these loops is the simple single-trial loop. Working memory O(N·G + G·T·(K+R+O)),
/// plus (T+1)·N·G with stored states.
final class TrialPass {
    let spec: ModelSpec
    let neurons: Int, steps: Int, group: Int
    let storesStates: Bool
    static let blockSize = 128

    private let latent: UnsafeMutablePointer<Double>   // G×(T+1)×(K+R): c_{g,t}
    private let drive: UnsafeMutablePointer<Double>    // G×T×R: a_{g,0..T−1}
    private let errors: UnsafeMutablePointer<Double>   // G×T×O: e_{g,1..T}
    private var delta: UnsafeMutablePointer<Double>    // G×N: δ_t
    private var deltaNext: UnsafeMutablePointer<Double>  // G×N: δ_{t+1}
    private let states: UnsafeMutablePointer<Double>?  // (T+1)×G×N: φ(h_t), when stored
    private let h: UnsafeMutablePointer<Double>        // G×blockSize
    private let phi: UnsafeMutablePointer<Double>      // G×blockSize
    private let slope: UnsafeMutablePointer<Double>    // G×blockSize
    private let small: UnsafeMutablePointer<Double>    // per trial: c or α w (K+R), coefficients (R+O), sums (R+O)

    init(spec: ModelSpec, neurons: Int, steps: Int, group: Int, storesStates: Bool) {
        self.spec = spec; self.neurons = neurons; self.steps = steps; self.group = group
        let N = neurons, T = steps, K = spec.inputs, R = spec.rank, O = spec.outputs, G = group
        self.storesStates = storesStates && !spec.nonlinearity.isLinear
        func buffer(_ n: Int) -> UnsafeMutablePointer<Double> {
            let p = UnsafeMutablePointer<Double>.allocate(capacity: max(n, 1))
            p.initialize(repeating: 0, count: max(n, 1))
            return p
        }
        latent = buffer(G * (T + 1) * (K + R))
        drive = buffer(G * T * R)
        errors = buffer(G * T * O)
        delta = buffer(N * G)
        deltaNext = buffer(N * G)
        states = self.storesStates ? buffer((T + 1) * N * G) : nil
        h = buffer(Self.blockSize * G); phi = buffer(Self.blockSize * G); slope = buffer(Self.blockSize * G)
        small = buffer(G * ((K + R) + 2 * (R + O)))
    }

    deinit {
        for p in [latent, drive, errors, delta, deltaNext, h, phi, slope, small] { p.deallocate() }
        states?.deallocate()
    }

    /// L of trials `trials` (at most `group` of them) and, if `g` is given, their ∂L/∂P added into g (N×D).
    func run(_ p: UnsafePointer<Double>, batch: TaskBatch, trials: Range<Int>, gradient g: UnsafeMutablePointer<Double>?) -> Double {
        precondition(trials.count <= group)
        let loss = forward(p, batch: batch, trials: trials)
        if let g { backward(p, batch: batch, trials: trials, gradient: g) }
        return loss
    }

    /// out_i = Σ_j P[i, j] c_j over the [M U] columns, for the block of n neurons from `first`.
    @inline(__always)
    private func rebuild(_ p: UnsafePointer<Double>, _ c: UnsafePointer<Double>, first: Int, count n: Int,
                         into out: UnsafeMutablePointer<Double>) {
        let D = spec.layout.dimension, width = spec.inputs + spec.rank
        var row = p + first * D
        if width == 2 {
            let c0 = c[0], c1 = c[1]
            for i in 0..<n { out[i] = row[0] * c0 + row[1] * c1; row += D }
        } else {
            for i in 0..<n {
                var s = 0.0
                for j in 0..<width { s += row[j] * c[j] }
                out[i] = s; row += D
            }
        }
    }

    /// Runs the trials forward together: fills c, a, e (and φ(h_t) if stored); returns their loss terms.
    private func forward(_ p: UnsafePointer<Double>, batch: TaskBatch, trials: Range<Int>) -> Double {
        let N = neurons, T = steps, K = spec.inputs, R = spec.rank, O = spec.outputs, G = trials.count
        let D = spec.layout.dimension, width = K + R, alpha = spec.alpha, f = spec.nonlinearity
        let invN = 1 / Double(N), linear = f.isLinear, RO = R + O
        let objective = MaskedSquaredError(dt: spec.dt, batch: batch)
        let current = small, sums = small + G * width  // c_t of each trial (G×W), then Σ_i (V, Z)_i φ_i (G×(R+O))
        for j in 0..<(G * width) { current[j] = 0 }
        var loss = 0.0
        for t in 0...T {
            for b in 0..<G { (latent + (b * (T + 1) + t) * width).update(from: current + b * width, count: width) }
            for j in 0..<(G * RO) { sums[j] = 0 }
            var first = 0
            while first < N {
                let n = min(Self.blockSize, N - first)
                for b in 0..<G {
                    if linear && width == 2 && RO == 2 {
                        // ψ = h: rebuild h and reduce Vᵀh, Zᵀh in one loop over the rows.
                        let c = current + b * width, out = sums + b * RO
                        let (sv, sz) = rebuildAndProject(p + first * D, stride: D, c[0], c[1], count: n)
                        out[0] += sv; out[1] += sz
                        continue
                    }
                    let hb = h + b * Self.blockSize
                    rebuild(p, current + b * width, first: first, count: n, into: hb)
                    let v: UnsafeMutablePointer<Double>
                    if linear { v = hb } else {
                        v = states.map { $0 + (t * G + b) * N + first } ?? phi + b * Self.blockSize
                        f.values(hb, into: v, count: n)
                    }
                    var row = p + first * D + width
                    let out = sums + b * RO
                    if RO == 2 {
                        out[0] += columnDot(row, stride: D, v, count: n)
                        out[1] += columnDot(row + 1, stride: D, v, count: n)
                    } else {
                        for i in 0..<n {
                            for j in 0..<RO { out[j] += row[j] * v[i] }
                            row += D
                        }
                    }
                }
                first += n
            }
            for (b, trial) in trials.enumerated() {
                let c = current + b * width, s = sums + b * RO
                if t >= 1 {
                    for o in 0..<O {
                        let i = batch.targetIndex(trial, t, o)
                        let term = objective.term(output: s[R + o] * invN, target: batch.target[i], mask: batch.mask[i])
                        loss += term.loss
                        errors[(b * T + t - 1) * O + o] = term.error
                    }
                }
                if t < T {
                    for k in 0..<K { c[k] = (1 - alpha) * c[k] + alpha * batch.x[batch.inputIndex(trial, t, k)] }
                    for r in 0..<R {
                        let a = s[r] * invN
                        drive[(b * T + t) * R + r] = a
                        c[K + r] = (1 - alpha) * c[K + r] + alpha * a
                    }
                }
            }
        }
        return loss
    }

    /// Backpropagates the trials just run forward and adds their ∂L/∂P into `g` (N×D).
    private func backward(_ p: UnsafePointer<Double>, batch: TaskBatch, trials: Range<Int>, gradient g: UnsafeMutablePointer<Double>) {
        let N = neurons, T = steps, K = spec.inputs, R = spec.rank, O = spec.outputs, G = trials.count
        let D = spec.layout.dimension, width = K + R, alpha = spec.alpha, f = spec.nonlinearity
        let invN = 1 / Double(N), linear = f.isLinear, keep = 1 - alpha, RO = R + O
        // Per trial: α w_{t−1} (W), the coefficients (α b_t/N, e_t/N) (R+O), Σ_i U_i δ_i (R, then b_{t−1}).
        let scaledW = small, coefficients = small + G * width, sums = coefficients + G * RO
        let c = UnsafeMutablePointer<Double>.allocate(capacity: G * width)
        defer { c.deallocate() }
        let fast = R == 1 && O == 1 && width == 2
        for i in 0..<(N * G) { deltaNext[i] = 0 }
        for j in 0..<(G * R) { sums[j] = 0 }  // b_T = 0
        for t in stride(from: T, through: 1, by: -1) {
            for (b, trial) in trials.enumerated() {
                c.advanced(by: b * width).update(from: latent + (b * (T + 1) + t) * width, count: width)
                for r in 0..<R { coefficients[b * RO + r] = alpha * sums[b * R + r] * invN }
                for o in 0..<O { coefficients[b * RO + R + o] = errors[(b * T + t - 1) * O + o] * invN }
                for k in 0..<K { scaledW[b * width + k] = alpha * batch.x[batch.inputIndex(trial, t - 1, k)] }
                for r in 0..<R { scaledW[b * width + K + r] = alpha * drive[(b * T + t - 1) * R + r] }
            }
            for j in 0..<(G * R) { sums[j] = 0 }
            var first = 0
            while first < N {
                let n = min(Self.blockSize, N - first)
                for b in 0..<G {
                    let hb = h + b * Self.blockSize, pb = phi + b * Self.blockSize, sl = slope + b * Self.blockSize
                    let values: UnsafePointer<Double>
                    if linear {
                        rebuild(p, c + b * width, first: first, count: n, into: hb)
                        values = UnsafePointer(hb)
                    } else if let states {
                        let stored = states + (t * G + b) * N + first
                        if f != .tanh { rebuild(p, c + b * width, first: first, count: n, into: hb) }  // tanh' = 1 − φ²
                        f.slopes(hb, values: stored, into: sl, count: n)
                        values = UnsafePointer(stored)
                    } else {
                        rebuild(p, c + b * width, first: first, count: n, into: hb)
                        f.valuesAndSlopes(hb, into: pb, slopes: sl, count: n)
                        values = UnsafePointer(pb)
                    }
                    let next = deltaNext + b * N + first, now = delta + b * N + first
                    let w = scaledW + b * width, coefficient = coefficients + b * RO, sum = sums + b * R
                    if fast {
                        // Simple loops over the block (in L1) rather than one: δ, then Uᵀδ, then the
                        // gradient rows as one 4-wide update each (D = 4), so no store into the
                        // gradient forces the next neuron's loads to wait.
                        let cv = coefficient[0], cz = coefficient[1]
                        var row = p + first * D
                        for i in 0..<n {
                            let s = row[2] * cv + row[3] * cz
                            now[i] = (linear ? s : sl[i] * s) + keep * next[i]
                            row += D
                        }
                        sum[0] += columnDot(p + first * D + 1, stride: D, now, count: n)  // Uᵀδ
                        let weights = SIMD4(w[0], w[1], cv, cz)
                        let rows = UnsafeMutableRawPointer(g + first * D)
                        for i in 0..<n {
                            let update = SIMD4(now[i], now[i], values[i], values[i]) * weights
                            let at = rows + i * 4 * MemoryLayout<Double>.stride
                            at.storeBytes(of: at.loadUnaligned(as: SIMD4<Double>.self) + update, as: SIMD4<Double>.self)
                        }
                    } else {
                        var row = p + first * D, grow = g + first * D
                        for i in 0..<n {
                            var s = 0.0
                            for j in 0..<RO { s += row[width + j] * coefficient[j] }
                            let d = (linear ? s : sl[i] * s) + keep * next[i]
                            now[i] = d
                            for j in 0..<width { grow[j] += d * w[j] }
                            for j in 0..<RO { grow[width + j] += values[i] * coefficient[j] }
                            for r in 0..<R { sum[r] += row[K + r] * d }
                            row += D; grow += D
                        }
                    }
                }
                first += n
            }
            swap(&delta, &deltaNext)
        }
        // t = 0: ∂V += (α/N) φ(h_0) b_0ᵀ with h_0 = 0 (nothing when φ(0) = 0).
        let phi0 = f.value(0)
        if phi0 != 0 {
            for b in 0..<G { for r in 0..<R {
                let coefficient = alpha * sums[b * R + r] * invN
                for i in 0..<N { g[i * D + width + r] += phi0 * coefficient }
            } }
        }
    }
}

/// Σ_i column[i·stride] x_i, i < n, with four partial sums (i mod 4) added as
/// (s₀ + s₁) + (s₂ + s₃): four independent addition chains instead of one, the same
/// order on every call (so stored and rebuilt states, one thread or two, agree bit for bit).
@inline(__always)
private func columnDot(_ column: UnsafePointer<Double>, stride: Int, _ x: UnsafePointer<Double>, count n: Int) -> Double {
    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
    var c = column, i = 0
    while i + 4 <= n {
        s0 += c[0] * x[i]; s1 += c[stride] * x[i + 1]
        s2 += c[2 * stride] * x[i + 2]; s3 += c[3 * stride] * x[i + 3]
        c += 4 * stride; i += 4
    }
    while i < n { s0 += c[0] * x[i]; c += stride; i += 1 }
    return (s0 + s1) + (s2 + s3)
}

/// For rows (m_i, u_i, v_i, z_i, …) of stride `stride`: h_i = m_i c₀ + u_i c₁ (as `rebuild`
/// computes it) and (Σ_i v_i h_i, Σ_i z_i h_i), with four partial sums each in the order
/// of `columnDot`, i < n.
@inline(__always)
private func rebuildAndProject(_ rows: UnsafePointer<Double>, stride: Int, _ c0: Double, _ c1: Double,
                               count n: Int) -> (Double, Double) {
    var v0 = 0.0, v1 = 0.0, v2 = 0.0, v3 = 0.0, z0 = 0.0, z1 = 0.0, z2 = 0.0, z3 = 0.0
    var r = rows, i = 0
    while i + 4 <= n {
        let r1 = r + stride, r2 = r + 2 * stride, r3 = r + 3 * stride
        let h0 = r[0] * c0 + r[1] * c1, h1 = r1[0] * c0 + r1[1] * c1
        let h2 = r2[0] * c0 + r2[1] * c1, h3 = r3[0] * c0 + r3[1] * c1
        v0 += r[2] * h0; v1 += r1[2] * h1; v2 += r2[2] * h2; v3 += r3[2] * h3
        z0 += r[3] * h0; z1 += r1[3] * h1; z2 += r2[3] * h2; z3 += r3[3] * h3
        r += 4 * stride; i += 4
    }
    while i < n {
        let h0 = r[0] * c0 + r[1] * c1
        v0 += r[2] * h0; z0 += r[3] * h0
        r += stride; i += 1
    }
    return ((v0 + v1) + (v2 + v3), (z0 + z1) + (z2 + z3))
}
