internal import CVectorMath
import GramFlowCore
import GramFlowNumerics

/// The forward pass and BPTT of a group of trials, together, in latent coordinates
/// (docs/theory.md §1, §3). The network's one forward pass: training's BPTT
/// (`Backpropagation`), the outputs (`LowRankNetwork.outputs`) and the KPFlow state
/// trajectory (`StateTrajectory`) all run it.
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
///     δ_t = φ'(h_t) ⊙ [V Z] k_t + (1−α) δ_{t+1},   k_t = (α b_t/N, e_t/N)      (ψ = φ)
///     ∂[M U] += α δ_t w_{t−1}ᵀ,  ∂[V Z] += φ(h_t) k_tᵀ,
///
/// then ∂V += (α/N) φ(h_0) b_0ᵀ. The only coupling between neurons is b_t, and it obeys a
/// recurrence of its own: b_{t−1} = Uᵀδ_t = Γ_t k_t + (1−α) b_t with the R×(R+O) matrix
/// Γ_t = Uᵀ diag φ'(h_t) [V Z], which the forward pass sums alongside a_t and y_t (for
/// linear φ, Γ = Uᵀ[V Z] for every t). So the backward pass first runs that recurrence
/// (O(T·R·(R+O)) per trial) and then visits each block of `blockSize` neurons once: for
/// each trial, t = T..1, with the block's rows of P, of the gradient and its δ in L1.
/// P and the gradient cross the memory bus once per epoch in the backward pass, not once
/// per step (at N = 10^6 that was ≈ 330 GB an epoch). The forward pass still needs a_t
/// from all neurons before step t + 1: one pass over the neurons per step for all G trials
/// of the group, the block's rows of P serving the G trials from L1.
/// Per-trial arrays (stored φ, the block's h, φ, φ') are laid out trial-major, so each
/// loop is the simple single-trial loop. Working memory O(N·G + G·T·(K+R+O)·(R+O)),
/// plus (T+1)·N·G with stored states (twice that for erf, whose φ' is stored too).
final class TrialPass {
    let spec: ModelSpec
    let neurons: Int, steps: Int, group: Int
    let storesStates: Bool
    static let blockSize = 128

    private let latent: UnsafeMutablePointer<Double>   // G×(T+1)×(K+R): c_{g,t}
    private let drive: UnsafeMutablePointer<Double>    // G×T×R: a_{g,0..T−1}
    private let errors: UnsafeMutablePointer<Double>   // G×T×O: e_{g,1..T}
    private let outputs: UnsafeMutablePointer<Double>  // G×T×O: y_{g,1..T}
    private let gram: UnsafeMutablePointer<Double>     // G×T×R×(R+O): Γ_{g,1..T} (linear: Γ once)
    private let coefficients: UnsafeMutablePointer<Double>  // G×T×(R+O): k_{g,1..T}
    private let scaledInputs: UnsafeMutablePointer<Double>  // G×T×(K+R): α w_{g,0..T−1}
    private let delta: UnsafeMutablePointer<Double>    // blockSize: δ_t of one trial on one block
    private let weightedSlopes: UnsafeMutablePointer<Double>  // blockSize: u_{r,i} φ'(h_i) of one block, for Γ_t
    private let states: UnsafeMutablePointer<Double>?  // (T+1)×G×N: φ(h_t), when stored
    private let stateSlopes: UnsafeMutablePointer<Double>?  // (T+1)×G×N: φ'(h_t), when stored and φ = erf
    private let h: UnsafeMutablePointer<Double>        // G×blockSize
    private let phi: UnsafeMutablePointer<Double>      // G×blockSize
    private let slope: UnsafeMutablePointer<Double>    // G×blockSize
    private let small: UnsafeMutablePointer<Double>    // per trial: c (K+R), sums (R+O); b_t, b_{t−1} (2R)
    private let blockSums: UnsafeMutablePointer<Double>  // G×4 + G×16: one block's sums from the rank-1 kernel, its lanes
    /// The rank-1 kernels' φ (`RankOnePass.h`): 0 linear, 1 tanh, 2 erf; nil where the
    /// shape is not K = R = O = 1 or φ is relu (the general loops below).
    private let kernel: Int32?

    /// Whether `spec` runs the rank-1 kernels of `RankOnePass.h` (K = R = O = 1, φ not relu).
    static func hasRankOneKernel(_ spec: ModelSpec) -> Bool {
        spec.inputs == 1 && spec.rank == 1 && spec.outputs == 1 && spec.nonlinearity != .relu
    }

    /// Whether φ'(h_t) is stored beside φ(h_t) (erf's φ' costs an exponential; tanh' = 1 − φ²).
    static func storesSlopes(_ f: Nonlinearity) -> Bool { f == .erf }

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
        outputs = buffer(G * T * O)
        gram = buffer(G * T * R * (R + O))
        coefficients = buffer(G * T * (R + O))
        scaledInputs = buffer(G * T * (K + R))
        delta = buffer(Self.blockSize); weightedSlopes = buffer(Self.blockSize)
        states = self.storesStates ? buffer((T + 1) * N * G) : nil
        stateSlopes = self.storesStates && Self.storesSlopes(spec.nonlinearity) ? buffer((T + 1) * N * G) : nil
        h = buffer(Self.blockSize * G); phi = buffer(Self.blockSize * G); slope = buffer(Self.blockSize * G)
        small = buffer(G * ((K + R) + (R + O)) + 2 * R)
        blockSums = buffer(G * 20)
        let f = spec.nonlinearity
        kernel = Self.hasRankOneKernel(spec) ? (f == .linear ? 0 : f == .tanh ? 1 : 2) : nil
    }

    deinit {
        for p in [latent, drive, errors, outputs, gram, coefficients, scaledInputs, delta, weightedSlopes, h, phi, slope, small, blockSums] { p.deallocate() }
        states?.deallocate(); stateSlopes?.deallocate()
    }

    /// L of trials `trials` (at most `group` of them) and, if `g` is given, their ∂L/∂P added into g (N×D).
    func run(_ p: UnsafePointer<Double>, batch: TaskBatch, trials: Range<Int>, gradient g: UnsafeMutablePointer<Double>?) -> Double {
        precondition(trials.count <= group)
        let loss = forward(p, batch: batch, trials: trials, gram: g != nil)
        if let g { backward(p, batch: batch, trials: trials, gradient: g) }
        return loss
    }

    /// c_t of trial `b` of the last run (b < its trial count, t = 0..T): h_t = [M U] c_t.
    func latentState(trial b: Int, step t: Int) -> UnsafePointer<Double> {
        UnsafePointer(latent + (b * (steps + 1) + t) * (spec.inputs + spec.rank))
    }

    /// a_t = Vᵀφ(h_t)/N of trial `b` of the last run, t = 0..T−1 (R numbers).
    func drive(trial b: Int, step t: Int) -> UnsafePointer<Double> { UnsafePointer(drive + (b * steps + t) * spec.rank) }

    /// y_t = Zᵀφ(h_t)/N of trial `b` of the last run, t = 1..T (O numbers).
    func output(trial b: Int, step t: Int) -> UnsafePointer<Double> {
        UnsafePointer(outputs + (b * steps + t - 1) * spec.outputs)
    }

    /// h_t of trial `b` of the last run on all N neurons, rebuilt from c_t (the bits the passes use).
    func state(_ p: UnsafePointer<Double>, trial b: Int, step t: Int, into out: UnsafeMutablePointer<Double>) {
        rebuild(p, latentState(trial: b, step: t), first: 0, count: neurons, into: out)
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

    /// Runs the trials forward together: fills c, a, e (φ(h_t) if stored, and Γ_t if
    /// `wantsGram`); returns their loss terms.
    private func forward(_ p: UnsafePointer<Double>, batch: TaskBatch, trials: Range<Int>, gram wantsGram: Bool) -> Double {
        let N = neurons, T = steps, K = spec.inputs, R = spec.rank, O = spec.outputs, G = trials.count
        let D = spec.layout.dimension, width = K + R, alpha = spec.alpha, f = spec.nonlinearity
        let invN = 1 / Double(N), linear = f.isLinear, RO = R + O, GW = R * RO
        let objective = MaskedSquaredError(dt: spec.dt, batch: batch)
        let current = small, sums = small + G * width  // c_t of each trial (G×W), then Σ_i (V, Z)_i φ_i (G×(R+O))
        for j in 0..<(G * width) { current[j] = 0 }
        if wantsGram && linear { linearGram(p) }
        var loss = 0.0
        for t in 0...T {
            for b in 0..<G { (latent + (b * (T + 1) + t) * width).update(from: current + b * width, count: width) }
            for j in 0..<(G * RO) { sums[j] = 0 }
            // Γ_t is needed for t = 1..T (b_{t−1} = Γ_t k_t + (1−α) b_t).
            let gramNow = wantsGram && !linear && t >= 1
            // Shapes whose projection loop also sums Γ_t in registers (R ≤ 2, one output).
            let fusedGram = gramNow && O == 1 && R <= 2
            if gramNow { for b in 0..<G { for j in 0..<GW { gram[(b * T + t - 1) * GW + j] = 0 } } }
            var first = 0
            while first < N {
                let n = min(Self.blockSize, N - first)
                if let kernel {
                    // Rank 1: h, φ, a_t, y_t (and φ', Γ_t) of the block for all G trials in one fused pass.
                    let at = t * G * N + first
                    gf_rank1_forward(p + first * D, n, G, current, kernel, Nonlinearity.erfScale,
                                     states.map { $0 + at }, gramNow ? stateSlopes.map { $0 + at } : nil, N,
                                     gramNow ? 1 : 0, blockSums, blockSums + 4 * G)
                    for b in 0..<G {
                        let out = sums + b * RO, s = blockSums + 4 * b
                        out[0] += s[0]; out[1] += s[1]
                        if gramNow {
                            let gb = gram + (b * T + t - 1) * GW
                            gb[0] += s[2]; gb[1] += s[3]
                        }
                    }
                    first += n
                    continue
                }
                for b in 0..<G {
                    let hb = h + b * Self.blockSize
                    rebuild(p, current + b * width, first: first, count: n, into: hb)
                    let v: UnsafeMutablePointer<Double>
                    var sl = slope + b * Self.blockSize
                    if linear { v = hb } else {
                        let at = (t * G + b) * N + first
                        v = states.map { $0 + at } ?? phi + b * Self.blockSize
                        if gramNow {
                            if let stateSlopes { sl = stateSlopes + at }
                            f.valuesAndSlopes(hb, into: v, slopes: sl, count: n)
                        } else {
                            f.values(hb, into: v, count: n)
                        }
                    }
                    let out = sums + b * RO
                    if fusedGram && R == 1 {
                        // a_t, y_t and Γ_t = (Σ u v φ', Σ u z φ') in one loop over the rows.
                        let s = projectWithGram(p + first * D, stride: D, v, sl, count: n)
                        out[0] += s.0; out[1] += s.1
                        let gb = gram + (b * T + t - 1) * GW
                        gb[0] += s.2; gb[1] += s.3
                    } else if fusedGram {
                        // Rank 2, one output: a_t, y_t and the 2×3 Γ_t in one loop, sums in registers.
                        let gb = gram + (b * T + t - 1) * GW
                        projectWithGramRankTwo(p + first * D, stride: D, inputs: K, v, sl, count: n, sums: out, gram: gb)
                    } else {
                        // One column of [V Z] at a time, its sum in registers (a loop over the
                        // columns per neuron kept every sum in memory, one dependent chain each).
                        let row = p + first * D + width
                        for j in 0..<RO { out[j] += columnDot(row + j, stride: D, v, count: n) }
                    }
                    if gramNow && !fusedGram {
                        // Γ_t's row r: Σ_i (u_{r,i} φ'_i) (v, z)_i, column by column as above.
                        let gb = gram + (b * T + t - 1) * GW, rows = p + first * D
                        for r in 0..<R {
                            var u = rows + K + r
                            for i in 0..<n { weightedSlopes[i] = u[0] * sl[i]; u += D }
                            for j in 0..<RO { gb[r * RO + j] += columnDot(rows + width + j, stride: D, weightedSlopes, count: n) }
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
                        let y = s[R + o] * invN
                        let term = objective.term(output: y, target: batch.target[i], mask: batch.mask[i])
                        loss += term.loss
                        errors[(b * T + t - 1) * O + o] = term.error
                        outputs[(b * T + t - 1) * O + o] = y
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

    /// Γ = Uᵀ[V Z] (R×(R+O)) into `gram`'s first entries: linear φ' = 1 at every step.
    private func linearGram(_ p: UnsafePointer<Double>) {
        let K = spec.inputs, R = spec.rank, RO = R + spec.outputs, D = spec.layout.dimension, width = K + R
        for r in 0..<R { for j in 0..<RO {
            gram[r * RO + j] = columnProductSum(p + K + r, p + width + j, stride: D, count: neurons)
        } }
    }

    /// Backpropagates the trials just run forward and adds their ∂L/∂P into `g` (N×D).
    private func backward(_ p: UnsafePointer<Double>, batch: TaskBatch, trials: Range<Int>, gradient g: UnsafeMutablePointer<Double>) {
        let N = neurons, T = steps, K = spec.inputs, R = spec.rank, O = spec.outputs, G = trials.count
        let D = spec.layout.dimension, width = K + R, alpha = spec.alpha, f = spec.nonlinearity
        let invN = 1 / Double(N), linear = f.isLinear, keep = 1 - alpha, RO = R + O, GW = R * RO
        // b_t of every trial by its own recurrence, from b_T = 0: k_t = (α b_t/N, e_t/N),
        // b_{t−1} = Γ_t k_t + (1−α) b_t; and α w_{t−1} for the gradient of [M U].
        let bNow = small + G * (width + RO), bNext = bNow + R
        let initialDrive = small  // G×R: b_0 of each trial (the forward pass's c is no longer needed)
        for (b, trial) in trials.enumerated() {
            for r in 0..<R { bNow[r] = 0 }
            for t in stride(from: T, through: 1, by: -1) {
                let k = coefficients + (b * T + t - 1) * RO
                for r in 0..<R { k[r] = alpha * bNow[r] * invN }
                for o in 0..<O { k[R + o] = errors[(b * T + t - 1) * O + o] * invN }
                let gamma = linear ? gram : gram + (b * T + t - 1) * GW
                for r in 0..<R {
                    var s = 0.0
                    for j in 0..<RO { s += gamma[r * RO + j] * k[j] }
                    bNext[r] = s + keep * bNow[r]
                }
                for r in 0..<R { bNow[r] = bNext[r] }
                let w = scaledInputs + (b * T + t - 1) * width
                for k in 0..<K { w[k] = alpha * batch.x[batch.inputIndex(trial, t - 1, k)] }
                for r in 0..<R { w[K + r] = alpha * drive[(b * T + t - 1) * R + r] }
            }
            for r in 0..<R { initialDrive[b * R + r] = bNow[r] }
        }
        let fast = R == 1 && O == 1 && width == 2
        var first = 0
        while first < N {
            let n = min(Self.blockSize, N - first)
            let hb = h, pb = phi, sl = slope
            for b in 0..<G {
                if let kernel {
                    // Rank 1: t = T..1 for each neuron with its δ and gradient row in registers.
                    let at = b * N + first
                    gf_rank1_backward(p + first * D, g + first * D, n, T, latent + b * (T + 1) * width,
                                      scaledInputs + b * T * width, coefficients + b * T * RO, keep, kernel,
                                      Nonlinearity.erfScale, states.map { UnsafePointer($0 + at) },
                                      stateSlopes.map { UnsafePointer($0 + at) }, G * N)
                    continue
                }
                for i in 0..<n { delta[i] = 0 }  // δ_{T+1} = 0
                for t in stride(from: T, through: 1, by: -1) {
                    let c = latent + (b * (T + 1) + t) * width
                    let w = scaledInputs + (b * T + t - 1) * width, k = coefficients + (b * T + t - 1) * RO
                    if fast && linear {
                        // ψ = h: h rebuilt in the loop; δ and the gradient rows as one 4-wide update each.
                        let c0 = c[0], c1 = c[1], cv = k[0], cz = k[1]
                        let weights = SIMD4(w[0], w[1], cv, cz)
                        let row = p + first * D
                        let rows = UnsafeMutableRawPointer(g + first * D)
                        for i in 0..<n {
                            let r = row + i * D
                            let hi = r[0] * c0 + r[1] * c1
                            let d = (r[2] * cv + r[3] * cz) + keep * delta[i]
                            delta[i] = d
                            let at = rows + i * 4 * MemoryLayout<Double>.stride
                            at.storeBytes(of: at.loadUnaligned(as: SIMD4<Double>.self) + SIMD4(d, d, hi, hi) * weights,
                                          as: SIMD4<Double>.self)
                        }
                        continue
                    }
                    let values: UnsafePointer<Double>
                    var slopes: UnsafePointer<Double> = UnsafePointer(sl)
                    if linear {
                        rebuild(p, c, first: first, count: n, into: hb)
                        values = UnsafePointer(hb)
                    } else if let states {
                        let at = (t * G + b) * N + first
                        if let stateSlopes { slopes = UnsafePointer(stateSlopes + at) } else {
                            if f != .tanh { rebuild(p, c, first: first, count: n, into: hb) }  // tanh' = 1 − φ² reads no h
                            f.slopes(hb, values: states + at, into: sl, count: n)
                        }
                        values = UnsafePointer(states + at)
                    } else {
                        rebuild(p, c, first: first, count: n, into: hb)
                        f.valuesAndSlopes(hb, into: pb, slopes: sl, count: n)
                        values = UnsafePointer(pb)
                    }
                    if fast {
                        let cv = k[0], cz = k[1]
                        let weights = SIMD4(w[0], w[1], cv, cz)
                        let row = p + first * D
                        let rows = UnsafeMutableRawPointer(g + first * D)
                        for i in 0..<n {
                            let r = row + i * D
                            let d = slopes[i] * (r[2] * cv + r[3] * cz) + keep * delta[i]
                            delta[i] = d
                            let at = rows + i * 4 * MemoryLayout<Double>.stride
                            at.storeBytes(of: at.loadUnaligned(as: SIMD4<Double>.self) + SIMD4(d, d, values[i], values[i]) * weights,
                                          as: SIMD4<Double>.self)
                        }
                    } else if width == 4 && RO == 4 {
                        // (K+R, R+O) = (4, 4), rank 3 with one input and output or rank 2 with two:
                        // [V Z]'s row and the gradient row's halves as one 4-wide load each; the
                        // general loop's operations in its order (s summed left to right), so its bits.
                        let kv = SIMD4(k[0], k[1], k[2], k[3]), wv = SIMD4(w[0], w[1], w[2], w[3])
                        let rows = UnsafeRawPointer(p + first * D), grads = UnsafeMutableRawPointer(g + first * D)
                        let rowBytes = D * MemoryLayout<Double>.stride, half = 4 * MemoryLayout<Double>.stride
                        for i in 0..<n {
                            let at = i * rowBytes
                            let product = rows.loadUnaligned(fromByteOffset: at + half, as: SIMD4<Double>.self) * kv
                            let s = ((product[0] + product[1]) + product[2]) + product[3]
                            let d = (linear ? s : slopes[i] * s) + keep * delta[i]
                            delta[i] = d
                            let left = grads.loadUnaligned(fromByteOffset: at, as: SIMD4<Double>.self)
                            grads.storeBytes(of: left + d * wv, toByteOffset: at, as: SIMD4<Double>.self)
                            let right = grads.loadUnaligned(fromByteOffset: at + half, as: SIMD4<Double>.self)
                            grads.storeBytes(of: right + values[i] * kv, toByteOffset: at + half, as: SIMD4<Double>.self)
                        }
                    } else {
                        var row = p + first * D, grow = g + first * D
                        for i in 0..<n {
                            var s = 0.0
                            for j in 0..<RO { s += row[width + j] * k[j] }
                            let d = (linear ? s : slopes[i] * s) + keep * delta[i]
                            delta[i] = d
                            for j in 0..<width { grow[j] += d * w[j] }
                            for j in 0..<RO { grow[width + j] += values[i] * k[j] }
                            row += D; grow += D
                        }
                    }
                }
            }
            first += n
        }
        // t = 0: ∂V += (α/N) φ(h_0) b_0ᵀ with h_0 = 0 (nothing when φ(0) = 0).
        let phi0 = f.value(0)
        if phi0 != 0 {
            for b in 0..<G { for r in 0..<R {
                let coefficient = alpha * initialDrive[b * R + r] * invN
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

/// Σ_i a[i·stride] b[i·stride], i < n, in the order of `columnDot`.
private func columnProductSum(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, stride: Int, count n: Int) -> Double {
    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
    var i = 0, at = 0
    while i + 4 <= n {
        s0 += a[at] * b[at]; s1 += a[at + stride] * b[at + stride]
        s2 += a[at + 2 * stride] * b[at + 2 * stride]; s3 += a[at + 3 * stride] * b[at + 3 * stride]
        at += 4 * stride; i += 4
    }
    while i < n { s0 += a[at] * b[at]; at += stride; i += 1 }
    return (s0 + s1) + (s2 + s3)
}

/// For rows (m_i, u_i, v_i, z_i, …) of stride `stride`, values φ_i and slopes φ'_i:
/// (Σ v_i φ_i, Σ z_i φ_i, Σ u_i v_i φ'_i, Σ u_i z_i φ'_i), each with four partial sums in the
/// order of `columnDot`, i < n: a_t, y_t and Γ_t of a rank-1, one-output network in one pass.
@inline(__always)
/// Rank 2, one output (rows [m_1..m_K, u_1, u_2, v_1, v_2, z]): adds Σ_i (v_1, v_2, z)_i φ_i to
/// `sums` and Σ_i u_{r,i} φ'_i (v_1, v_2, z)_i to Γ's row r, with the nine sums held in registers
/// (the general loops read and write them in memory for every neuron: 1.26× the CPU of the
/// per-step backward pass this replaced, at N = 3000, T = 400).
private func projectWithGramRankTwo(_ rows: UnsafePointer<Double>, stride: Int, inputs K: Int, _ values: UnsafePointer<Double>,
                                    _ slopes: UnsafePointer<Double>, count n: Int,
                                    sums: UnsafeMutablePointer<Double>, gram: UnsafeMutablePointer<Double>) {
    var a0 = 0.0, a1 = 0.0, y = 0.0, g00 = 0.0, g01 = 0.0, g02 = 0.0, g10 = 0.0, g11 = 0.0, g12 = 0.0
    var r = rows
    for i in 0..<n {
        let u0 = r[K], u1 = r[K + 1], v0 = r[K + 2], v1 = r[K + 3], z = r[K + 4]
        let phi = values[i], s0 = u0 * slopes[i], s1 = u1 * slopes[i]
        a0 += v0 * phi; a1 += v1 * phi; y += z * phi
        g00 += s0 * v0; g01 += s0 * v1; g02 += s0 * z
        g10 += s1 * v0; g11 += s1 * v1; g12 += s1 * z
        r += stride
    }
    sums[0] += a0; sums[1] += a1; sums[2] += y
    gram[0] += g00; gram[1] += g01; gram[2] += g02; gram[3] += g10; gram[4] += g11; gram[5] += g12
}

private func projectWithGram(_ rows: UnsafePointer<Double>, stride: Int, _ values: UnsafePointer<Double>,
                             _ slopes: UnsafePointer<Double>, count n: Int) -> (Double, Double, Double, Double) {
    var v = SIMD4<Double>(), z = SIMD4<Double>(), uv = SIMD4<Double>(), uz = SIMD4<Double>()
    var r = rows, i = 0
    while i + 4 <= n {
        let r1 = r + stride, r2 = r + 2 * stride, r3 = r + 3 * stride
        let vs = SIMD4(r[2], r1[2], r2[2], r3[2]), zs = SIMD4(r[3], r1[3], r2[3], r3[3])
        let us = SIMD4(r[1], r1[1], r2[1], r3[1])
        let phi = SIMD4(values[i], values[i + 1], values[i + 2], values[i + 3])
        let slope = us * SIMD4(slopes[i], slopes[i + 1], slopes[i + 2], slopes[i + 3])
        v += vs * phi; z += zs * phi; uv += vs * slope; uz += zs * slope
        r += 4 * stride; i += 4
    }
    while i < n {
        let slope = r[1] * slopes[i]
        v[0] += r[2] * values[i]; z[0] += r[3] * values[i]
        uv[0] += r[2] * slope; uz[0] += r[3] * slope
        r += stride; i += 1
    }
    return ((v[0] + v[1]) + (v[2] + v[3]), (z[0] + z[1]) + (z[2] + z[3]),
            (uv[0] + uv[1]) + (uv[2] + uv[3]), (uz[0] + uz[1]) + (uz[2] + uz[3]))
}
