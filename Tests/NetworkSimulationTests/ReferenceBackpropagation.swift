import GramFlowCore
import GramFlowNumerics

import NetworkSimulation

/// The BPTT of GramFlow before issue 12, kept as the independent reference for the
/// latent-coordinate `Backpropagation`: h_t, φ(h_t) and δ_t stored for every step, the
/// Euler step h_{t+1} = (1−α) h_t + α [M U] w_t by two `gemv`s, the sums over t by `gemm`s.
///
/// Loss and gradient of a finite network by backpropagation through time.
///
/// Forward, per trial, with w_t = (x_t, a_t), a_t = Vᵀφ(h_t)/N:
///
///     h_{t+1} = (1−α) h_t + α [M U] w_t,        y_t = Zᵀψ(h_t)/N
///
/// Backward, δ_t = ∂L/∂h_t, b_t = Uᵀδ_{t+1}:
///
///     δ_t = ψ'(h_t) ⊙ Z e_t/N + (1−α) δ_{t+1} + α φ'(h_t) ⊙ V b_t/N
///     ∂L/∂[M U] = α Σ_t δ_{t+1} w_tᵀ,   ∂L/∂V = (α/N) Σ_t φ(h_t) b_tᵀ,
///     ∂L/∂Z = (1/N) Σ_t ψ(h_t) e_tᵀ.
///
/// The sums over t are single `gemm`s after the time loop. Workspace is
/// allocated once, O(T·N), and reused.
final class ReferenceBackpropagation {
    let spec: ModelSpec
    let neurons: Int
    let steps: Int
    private var h: [Double]        // (T+1)×N: h_0..h_T
    private var phi: [Double]      // (T+1)×N: φ(h_t) (unused when φ is linear)
    private var delta: [Double]    // T×N: δ_1..δ_T
    private var w: [Double]        // T×(K+R): w_0..w_{T−1}
    private var bt: [Double]       // (T+1)×R: b_0..b_T (b_T = 0)
    private var y: [Double]        // T×O
    private var e: [Double]        // T×O
    private var scratch: [Double]  // N

    init(spec: ModelSpec, neurons: Int, steps: Int) {
        self.spec = spec; self.neurons = neurons; self.steps = steps
        let N = neurons, T = steps
        h = Array(repeating: 0, count: (T + 1) * N)
        phi = spec.nonlinearity.isLinear ? [] : Array(repeating: 0, count: (T + 1) * N)
        delta = Array(repeating: 0, count: T * N)
        w = Array(repeating: 0, count: T * (spec.inputs + spec.rank))
        bt = Array(repeating: 0, count: (T + 1) * spec.rank)
        y = Array(repeating: 0, count: T * spec.outputs)
        e = Array(repeating: 0, count: T * spec.outputs)
        scratch = Array(repeating: 0, count: N)
    }

    /// L and, if `gradient` is given, ∂L/∂P written into it (N×D, overwritten).
    func evaluate(_ network: LowRankNetwork, batch: TaskBatch, gradient: inout Matrix?) -> Double {
        precondition(network.neurons == neurons && batch.steps == steps)
        precondition(batch.inputs == spec.inputs && batch.outputs == spec.outputs)
        if gradient != nil {
            precondition(gradient!.rows == neurons && gradient!.cols == spec.layout.dimension)
            for i in gradient!.storage.indices { gradient!.storage[i] = 0 }
        }
        var total = 0.0
        network.parameters.storage.withUnsafeBufferPointer { p in
            for b in 0..<batch.trials {
                total += forward(p.baseAddress!, batch: batch, trial: b)
                if gradient != nil {
                    gradient!.storage.withUnsafeMutableBufferPointer { g in
                        backward(p.baseAddress!, gradient: g.baseAddress!)
                    }
                }
            }
        }
        return total
    }

    /// Runs one trial forward, fills h, φ(h), w, y, e; returns its loss terms.
    private func forward(_ p: UnsafePointer<Double>, batch: TaskBatch, trial b: Int) -> Double {
        let N = neurons, T = steps, K = spec.inputs, R = spec.rank, O = spec.outputs
        let D = spec.layout.dimension, f = spec.nonlinearity
        let linear = f.isLinear
        let objective = MaskedSquaredError(dt: spec.dt, batch: batch)
        let zOffset = K + 2 * R
        h.withUnsafeMutableBufferPointer { hp in
        phi.withUnsafeMutableBufferPointer { fp in
        w.withUnsafeMutableBufferPointer { wp in
            let H = hp.baseAddress!
            let Phi = linear ? H : fp.baseAddress!  // φ = identity: read h directly
            for i in 0..<N { H[i] = 0 }
            if !linear { for i in 0..<N { Phi[i] = f.value(0) } }
            for t in 0..<T {
                let ht = H + t * N, next = H + (t + 1) * N, wt = wp.baseAddress! + t * (K + R)
                for k in 0..<K { wt[k] = batch.x[batch.inputIndex(b, t, k)] }
                next.update(from: ht, count: N)  // the step updates h_t in place into h_{t+1}
                // a_t = Vᵀφ(h_t)/N, h_{t+1} = (1−α) h_t + α [M U] w_t
                BLAS.gemv(.transpose, m: N, n: R, alpha: 1 / Double(N), a: p + K + R, lda: D,
                          x: Phi + t * N, beta: 0, y: wt + K)
                BLAS.gemv(.none, m: N, n: K + R, alpha: spec.alpha, a: p, lda: D, x: wt, beta: 1 - spec.alpha, y: next)
                if !linear { for i in 0..<N { Phi[(t + 1) * N + i] = f.value(next[i]) } }
            }
            // Y = Ψ_{1..T} Z / N
            y.withUnsafeMutableBufferPointer { yp in
                BLAS.gemm(.none, .none, m: T, n: O, k: N, alpha: 1 / Double(N), a: Phi + N, lda: N,
                          b: p + zOffset, ldb: D, beta: 0, c: yp.baseAddress!, ldc: O)
            }
        } } }
        var loss = 0.0
        for t in 1...T {
            for o in 0..<O {
                let i = batch.targetIndex(b, t, o)
                let term = objective.term(output: y[(t - 1) * O + o], target: batch.target[i], mask: batch.mask[i])
                loss += term.loss
                e[(t - 1) * O + o] = term.error
            }
        }
        return loss
    }

    /// Backpropagates the trial just run forward and adds its ∂L/∂P into `g`.
    private func backward(_ p: UnsafePointer<Double>, gradient g: UnsafeMutablePointer<Double>) {
        let N = neurons, T = steps, K = spec.inputs, R = spec.rank, O = spec.outputs
        let D = spec.layout.dimension, alpha = spec.alpha, f = spec.nonlinearity
        let linear = f.isLinear, invN = 1 / Double(N)
        let uOffset = K, vOffset = K + R, zOffset = K + 2 * R
        h.withUnsafeBufferPointer { hp in
        phi.withUnsafeBufferPointer { fp in
        delta.withUnsafeMutableBufferPointer { dp in
        bt.withUnsafeMutableBufferPointer { bp in
        e.withUnsafeBufferPointer { ep in
        scratch.withUnsafeMutableBufferPointer { sp in
            let H = hp.baseAddress!, Phi = linear ? H : fp.baseAddress!
            let Delta = dp.baseAddress!, B = bp.baseAddress!, E = ep.baseAddress!, tmp = sp.baseAddress!
            var coefficients = [Double](repeating: 0, count: R + O)
            for t in stride(from: T, through: 1, by: -1) {
                let dt = Delta + (t - 1) * N
                let hasNext = t < T
                // b_t = Uᵀ δ_{t+1} (zero past the end)
                if hasNext {
                    BLAS.gemv(.transpose, m: N, n: R, alpha: 1, a: p + uOffset, lda: D,
                              x: Delta + t * N, beta: 0, y: B + t * R)
                } else {
                    for r in 0..<R { B[t * R + r] = 0 }
                }
                if linear {
                    // δ_t = (1−α) δ_{t+1} + [V Z] (α b_t/N, e_t/N)
                    for r in 0..<R { coefficients[r] = alpha * B[t * R + r] * invN }
                    for o in 0..<O { coefficients[R + o] = E[(t - 1) * O + o] * invN }
                    if hasNext { dt.update(from: Delta + t * N, count: N) } else { for i in 0..<N { dt[i] = 0 } }
                    coefficients.withUnsafeBufferPointer { cp in
                        BLAS.gemv(.none, m: N, n: R + O, alpha: 1, a: p + vOffset, lda: D,
                                  x: cp.baseAddress!, beta: hasNext ? 1 - alpha : 0, y: dt)
                    }
                } else {
                    for r in 0..<R { coefficients[r] = alpha * B[t * R + r] * invN }
                    for o in 0..<O { coefficients[R + o] = E[(t - 1) * O + o] * invN }
                    let ht = H + t * N
                    coefficients.withUnsafeBufferPointer { cp in
                        // tmp = V (α b_t/N);  dt = Z e_t/N
                        BLAS.gemv(.none, m: N, n: R, alpha: 1, a: p + vOffset, lda: D,
                                  x: cp.baseAddress!, beta: 0, y: tmp)
                        BLAS.gemv(.none, m: N, n: O, alpha: 1, a: p + zOffset, lda: D,
                                  x: cp.baseAddress! + R, beta: 0, y: dt)
                    }
                    for i in 0..<N {
                        let carried = hasNext ? (1 - alpha) * Delta[t * N + i] : 0
                        dt[i] = f.derivative(ht[i]) * (dt[i] + tmp[i]) + carried
                    }
                }
            }
            // b_0 = Uᵀ δ_1
            BLAS.gemv(.transpose, m: N, n: R, alpha: 1, a: p + uOffset, lda: D, x: Delta, beta: 0, y: B)
            // ∂[M U] += α Δᵀ W ; ∂V += (α/N) Φ_{0..T−1}ᵀ B ; ∂Z += (1/N) Ψ_{1..T}ᵀ E
            w.withUnsafeBufferPointer { wp in
                BLAS.gemm(.transpose, .none, m: N, n: K + R, k: T, alpha: alpha, a: Delta, lda: N,
                          b: wp.baseAddress!, ldb: K + R, beta: 1, c: g, ldc: D)
            }
            BLAS.gemm(.transpose, .none, m: N, n: R, k: T, alpha: alpha * invN, a: Phi, lda: N,
                      b: B, ldb: R, beta: 1, c: g + vOffset, ldc: D)
            BLAS.gemm(.transpose, .none, m: N, n: O, k: T, alpha: invN, a: Phi + N, lda: N,
                      b: E, ldb: O, beta: 1, c: g + zOffset, ldc: D)
        } } } } } }
    }
}
