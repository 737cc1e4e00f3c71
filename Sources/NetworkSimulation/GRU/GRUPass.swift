import GramFlowCore
import GramFlowNumerics
import RealModule

/// The forward pass of a `GRUNetwork` over a batch and its KPFlow operators. With the
/// diagonal gains of step t (every product elementwise, gates of the step that makes h_t)
///
///     G_z = (h_{t−1} − n_t) z_t(1 − z_t),      G_r = (1 − z_t)(1 − n_t²) u_t r_t(1 − r_t),
///     G_n = (1 − z_t)(1 − n_t²),               G_u = G_n r_t,
///
/// the step Jacobian and the parameter Jacobian are
///
///     J_t y = z_t ⊙ y + G_z ⊙ U_z y + G_r ⊙ U_r y + G_u ⊙ U_n y,
///     Jθ(b,t) dθ = G_z ⊙ (dW_z x + dU_z h + db_z) + G_r ⊙ (dW_r x + dU_r h + db_r)
///                  + G_n ⊙ (dW_n x + db_n) + G_u ⊙ (dU_n h + dc_n),   x = x_{t−1}, h = h_{t−1},
///
/// and K's Kronecker core has four gains: D_z and D_r with the Gram of (x, h, 1),
/// D_n with that of (x, 1), D_u with that of (h, 1).
public struct GRUPass: RecurrentPass, StepwiseRecurrence {
    public let trials: Int, steps: Int, neurons: Int
    public let parameterCount: Int
    let inputs: Int
    let network: GRUNetwork
    /// h_{b,t} for t = 0..T at ((b·(T+1) + t)·N + i).
    let states: [Double]
    /// z_t, G_z, G_r, G_n, G_u for t = 1..T on the state-tensor layout.
    let update: [Double], gainUpdate: [Double], gainReset: [Double], gainCandidate: [Double], gainRecurrent: [Double]
    let x: [Double]
    public let hidden: [Double]
    public var readoutFeatures: [Double] { hidden }
    public var readoutSlope: [Double]? { nil }

    public init(_ net: GRUNetwork, batch: TaskBatch) {
        let B = batch.trials, T = batch.steps, N = net.neurons, K = net.inputs
        precondition(batch.inputs == K)
        trials = B; steps = T; neurons = N; inputs = K; network = net; parameterCount = net.movingCount; x = batch.x
        let stride = (T + 1) * N, count = B * T * N
        var states = [Double](repeating: 0, count: B * stride)
        var update = [Double](repeating: 0, count: count), gz = update, gr = update, gn = update, gu = update
        var pre = [[Double]](repeating: [Double](repeating: 0, count: B * N), count: 3)
        var recurrentPart = [Double](repeating: 0, count: B * N)
        let theta = net.parameters
        func sigmoid(_ v: Double) -> Double { 1 / (1 + Double.exp(-v)) }
        theta.withUnsafeBufferPointer { p in
            batch.x.withUnsafeBufferPointer { xp in
                for t in 0..<T {
                    states.withUnsafeBufferPointer { h in
                        // pre_g = x_t W_gᵀ + h_t U_gᵀ (+ b_g), u = h_t U_nᵀ + c_n, for all trials.
                        for g in GRUNetwork.Gate.allCases {
                            pre[g.rawValue].withUnsafeMutableBufferPointer { c in
                                BLAS.gemm(.none, .transpose, m: B, n: N, k: K, alpha: 1, a: xp.baseAddress! + t * K, lda: T * K,
                                          b: p.baseAddress! + net.inputWeightsOffset(g), ldb: K, beta: 0, c: c.baseAddress!, ldc: N)
                                if g != .candidate {
                                    BLAS.gemm(.none, .transpose, m: B, n: N, k: N, alpha: 1, a: h.baseAddress! + t * N, lda: stride,
                                              b: p.baseAddress! + net.recurrentWeightsOffset(g), ldb: N, beta: 1,
                                              c: c.baseAddress!, ldc: N)
                                }
                            }
                        }
                        recurrentPart.withUnsafeMutableBufferPointer { c in
                            BLAS.gemm(.none, .transpose, m: B, n: N, k: N, alpha: 1, a: h.baseAddress! + t * N, lda: stride,
                                      b: p.baseAddress! + net.recurrentWeightsOffset(.candidate), ldb: N, beta: 0,
                                      c: c.baseAddress!, ldc: N)
                        }
                    }
                    for b in 0..<B { for i in 0..<N {
                        let j = b * N + i, o = (b * T + t) * N + i
                        let z = sigmoid(pre[0][j] + p[net.biasOffset(.update) + i])
                        let r = sigmoid(pre[1][j] + p[net.biasOffset(.reset) + i])
                        let u = recurrentPart[j] + p[net.candidateRecurrentBiasOffset + i]
                        let n = Double.tanh(pre[2][j] + p[net.biasOffset(.candidate) + i] + r * u)
                        let previous = states[b * stride + t * N + i]
                        states[b * stride + (t + 1) * N + i] = (1 - z) * n + z * previous
                        update[o] = z
                        gz[o] = (previous - n) * z * (1 - z)
                        gn[o] = (1 - z) * (1 - n * n)
                        gr[o] = gn[o] * u * r * (1 - r)
                        gu[o] = gn[o] * r
                    } }
                }
            }
        }
        self.states = states; self.update = update
        gainUpdate = gz; gainReset = gr; gainCandidate = gn; gainRecurrent = gu
        var hidden = [Double](repeating: 0, count: count)
        for b in 0..<B { for t in 1...T { for i in 0..<N { hidden[(b * T + t - 1) * N + i] = states[b * stride + t * N + i] } } }
        self.hidden = hidden
    }

    /// The gains that multiply U_z, U_r and U_n, in that order.
    private var recurrentGains: [(GRUNetwork.Gate, [Double])] {
        [(.update, gainUpdate), (.reset, gainReset), (.candidate, gainRecurrent)]
    }

    /// J_t Y = z ⊙ Y + Σ_g G_g ⊙ (Y U_gᵀ);  J_tᵀ Y = z ⊙ Y + Σ_g (G_g ⊙ Y) U_g (rows = trials).
    public func applyStepJacobian(_ y: inout [Double], step t: Int, transposed: Bool) {
        let B = trials, T = steps, N = neurons
        func at(_ b: Int, _ i: Int) -> Int { (b * T + t - 1) * N + i }
        var out = [Double](repeating: 0, count: B * N)
        for b in 0..<B { for i in 0..<N { out[b * N + i] = update[at(b, i)] * y[b * N + i] } }
        var work = [Double](repeating: 0, count: B * N)
        network.parameters.withUnsafeBufferPointer { p in
            for (g, gain) in recurrentGains {
                let u = p.baseAddress! + network.recurrentWeightsOffset(g)
                if transposed {
                    for b in 0..<B { for i in 0..<N { work[b * N + i] = gain[at(b, i)] * y[b * N + i] } }
                    work.withUnsafeBufferPointer { w in
                        out.withUnsafeMutableBufferPointer { o in
                            BLAS.gemm(.none, .none, m: B, n: N, k: N, alpha: 1, a: w.baseAddress!, lda: N, b: u, ldb: N,
                                      beta: 1, c: o.baseAddress!, ldc: N)
                        }
                    }
                } else {
                    y.withUnsafeBufferPointer { yp in
                        work.withUnsafeMutableBufferPointer { w in
                            BLAS.gemm(.none, .transpose, m: B, n: N, k: N, alpha: 1, a: yp.baseAddress!, lda: N, b: u, ldb: N,
                                      beta: 0, c: w.baseAddress!, ldc: N)
                        }
                    }
                    for b in 0..<B { for i in 0..<N { out[b * N + i] += gain[at(b, i)] * work[b * N + i] } }
                }
            }
        }
        y = out
    }

    /// The sites (x, h or both) and the gain of each weight block, with the bias it carries.
    private struct Block { let gate: GRUNetwork.Gate; let gain: [Double]; let input: Bool; let recurrent: Bool; let bias: Int }
    private var blocks: [Block] {
        [Block(gate: .update, gain: gainUpdate, input: true, recurrent: true, bias: network.biasOffset(.update)),
         Block(gate: .reset, gain: gainReset, input: true, recurrent: true, bias: network.biasOffset(.reset)),
         Block(gate: .candidate, gain: gainCandidate, input: true, recurrent: false, bias: network.biasOffset(.candidate)),
         Block(gate: .candidate, gain: gainRecurrent, input: false, recurrent: true, bias: network.candidateRecurrentBiasOffset)]
    }

    /// Jθ v: per trial and block, the T×N pre-activation change X_b dWᵀ + H_b dUᵀ + db, times the block's gain.
    public func parameterJacobian(_ v: [Double]) -> [Double] {
        precondition(v.count == parameterCount)
        let B = trials, T = steps, N = neurons, K = inputs, stride = (T + 1) * N
        var out = [Double](repeating: 0, count: tensorCount)
        var change = [Double](repeating: 0, count: T * N)
        v.withUnsafeBufferPointer { vp in
            states.withUnsafeBufferPointer { h in
                x.withUnsafeBufferPointer { xp in
                    for b in 0..<B { for block in blocks {
                        change.withUnsafeMutableBufferPointer { c in
                            for t in 0..<T { for i in 0..<N { c[t * N + i] = vp[block.bias + i] } }
                            if block.input {
                                BLAS.gemm(.none, .transpose, m: T, n: N, k: K, alpha: 1, a: xp.baseAddress! + b * T * K, lda: K,
                                          b: vp.baseAddress! + network.inputWeightsOffset(block.gate), ldb: K, beta: 1,
                                          c: c.baseAddress!, ldc: N)
                            }
                            if block.recurrent {
                                BLAS.gemm(.none, .transpose, m: T, n: N, k: N, alpha: 1, a: h.baseAddress! + b * stride, lda: N,
                                          b: vp.baseAddress! + network.recurrentWeightsOffset(block.gate), ldb: N, beta: 1,
                                          c: c.baseAddress!, ldc: N)
                            }
                        }
                        for j in 0..<(T * N) { out[b * T * N + j] += block.gain[b * T * N + j] * change[j] }
                    } }
                }
            }
        }
        return out
    }

    /// Jθᵀ q: per block, M = gain ⊙ q; dW += Mᵀ X_b, dU += Mᵀ H_b, db += Σ_t M.
    public func parameterJacobianTranspose(_ q: [Double]) -> [Double] {
        precondition(q.count == tensorCount)
        let B = trials, T = steps, N = neurons, K = inputs, stride = (T + 1) * N
        var g = [Double](repeating: 0, count: parameterCount)
        var scaled = [Double](repeating: 0, count: T * N)
        states.withUnsafeBufferPointer { h in
            x.withUnsafeBufferPointer { xp in
                for b in 0..<B { for block in blocks {
                    for j in 0..<(T * N) { scaled[j] = block.gain[b * T * N + j] * q[b * T * N + j] }
                    for t in 0..<T { for i in 0..<N { g[block.bias + i] += scaled[t * N + i] } }
                    scaled.withUnsafeBufferPointer { m in
                        g.withUnsafeMutableBufferPointer { gp in
                            if block.input {
                                BLAS.gemm(.transpose, .none, m: N, n: K, k: T, alpha: 1, a: m.baseAddress!, lda: N,
                                          b: xp.baseAddress! + b * T * K, ldb: K, beta: 1,
                                          c: gp.baseAddress! + network.inputWeightsOffset(block.gate), ldc: K)
                            }
                            if block.recurrent {
                                BLAS.gemm(.transpose, .none, m: N, n: N, k: T, alpha: 1, a: m.baseAddress!, lda: N,
                                          b: h.baseAddress! + b * stride, ldb: N, beta: 1,
                                          c: gp.baseAddress! + network.recurrentWeightsOffset(block.gate), ldc: N)
                            }
                        }
                    }
                } }
            }
        }
        return g
    }

    /// K = Σ_blocks D_s (G_s ⊗ I) D_s with G_s the Gram of the block's sites (x_{t−1}, h_{t−1}, 1).
    public func kroneckerCore() -> WeightSiteCore {
        let B = trials, T = steps, N = neurons, K = inputs
        let sites = blocks.map { block -> WeightSiteCore.Site in
            let width = (block.input ? K : 0) + (block.recurrent ? N : 0) + 1
            var rows = [Double](repeating: 0, count: B * T * width)
            for b in 0..<B { for t in 1...T {
                let row = (b * T + t - 1) * width
                var c = 0
                if block.input { for k in 0..<K { rows[row + c] = x[(b * T + t - 1) * K + k]; c += 1 } }
                if block.recurrent { for i in 0..<N { rows[row + c] = states[(b * (T + 1) + t - 1) * N + i]; c += 1 } }
                rows[row + c] = 1
            } }
            return .init(gram: WeightSiteCore.gram(of: rows, rows: B * T), gain: block.gain)
        }
        return WeightSiteCore(sites: sites, neurons: N)
    }
}
