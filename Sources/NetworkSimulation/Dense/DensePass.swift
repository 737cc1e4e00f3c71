import GramFlowCore
import GramFlowNumerics

/// The forward pass of a `DenseRNN` over a batch and its KPFlow operators
/// (docs/theory.md §10 with W in place of U Vᵀ/N):
///
///     J_t = (1−α) I + α W diag φ′(h_{t−1}),
///     Jθ(b,t) dθ = α ( dW φ(h_{b,t−1}) + dW_in x_{b,t−1} ),
///     Jθᵀ q = α Σ_{b,t} q_{b,t} [φ(h_{b,t−1})ᵀ, x_{b,t−1}ᵀ],
///     K = α² (Φ Φᵀ + X Xᵀ) ⊗ I_N       (Kronecker core; rows (b,t): φ(h_{b,t−1}), x_{b,t−1}).
///
/// Every product is a `gemm` over trials (P, P*) or over the steps of one trial (Jθ, Jθᵀ).
public struct DensePass: RecurrentPass, StepwiseRecurrence {
    public let trials: Int, steps: Int, neurons: Int
    public let parameterCount: Int
    let inputs: Int, alpha: Double
    /// W (N×N), W_in (N×K).
    let recurrent: [Double], input: [Double]
    /// φ(h_{b,t}) and φ′(h_{b,t}) for t = 0..T at ((b·(T+1) + t)·N + i).
    let phi: [Double], phiPrime: [Double]
    let x: [Double]
    public let hidden: [Double]
    public let readoutFeatures: [Double]
    public let readoutSlope: [Double]?

    public init(_ model: DenseRNN, batch: TaskBatch) {
        let B = batch.trials, T = batch.steps, N = model.neurons, K = model.inputs, a = model.alpha
        precondition(batch.inputs == K)
        trials = B; steps = T; neurons = N; inputs = K; alpha = a; parameterCount = model.movingCount
        let recurrent = Array(model.parameters[0..<(N * N)])
        let input = Array(model.parameters[(N * N)..<(N * N + N * K)])
        self.recurrent = recurrent; self.input = input; x = batch.x
        let f = model.nonlinearity
        var states = [Double](repeating: 0, count: B * (T + 1) * N)
        var phi = [Double](repeating: f.value(0), count: states.count)
        let stride = (T + 1) * N
        states.withUnsafeMutableBufferPointer { h in
            phi.withUnsafeMutableBufferPointer { fp in
                recurrent.withUnsafeBufferPointer { w in
                    input.withUnsafeBufferPointer { wi in
                        batch.x.withUnsafeBufferPointer { xp in
                            for t in 0..<T {
                                for b in 0..<B { for i in 0..<N { h[b * stride + (t + 1) * N + i] = (1 - a) * h[b * stride + t * N + i] } }
                                // h_{t+1} += α (φ(h_t) Wᵀ + x_t W_inᵀ) for all trials: rows b of stride (T+1)N.
                                BLAS.gemm(.none, .transpose, m: B, n: N, k: N, alpha: a, a: fp.baseAddress! + t * N, lda: stride,
                                          b: w.baseAddress!, ldb: N, beta: 1, c: h.baseAddress! + (t + 1) * N, ldc: stride)
                                BLAS.gemm(.none, .transpose, m: B, n: N, k: K, alpha: a, a: xp.baseAddress! + t * K, lda: T * K,
                                          b: wi.baseAddress!, ldb: K, beta: 1, c: h.baseAddress! + (t + 1) * N, ldc: stride)
                                for b in 0..<B { for i in 0..<N { let j = b * stride + (t + 1) * N + i; fp[j] = f.value(h[j]) } }
                            }
                        }
                    }
                }
            }
        }
        self.phi = phi
        phiPrime = states.map { f.derivative($0) }
        var hidden = [Double](repeating: 0, count: B * T * N)
        var features = hidden
        for b in 0..<B { for t in 1...T { for i in 0..<N {
            hidden[(b * T + t - 1) * N + i] = states[b * stride + t * N + i]
            features[(b * T + t - 1) * N + i] = phi[b * stride + t * N + i]
        } } }
        self.hidden = hidden
        readoutFeatures = f.isLinear ? hidden : features
        readoutSlope = f.isLinear ? nil : hidden.map { f.derivative($0) }
    }

    /// J_t Y = (1−α) Y + α (φ′(h_{t−1}) ⊙ Y) Wᵀ;  J_tᵀ Y = (1−α) Y + α φ′(h_{t−1}) ⊙ (Y W), rows = trials.
    public func applyStepJacobian(_ y: inout [Double], step t: Int, transposed: Bool) {
        let B = trials, N = neurons, stride = (steps + 1) * N, a = alpha
        var work = y
        if !transposed { for b in 0..<B { for i in 0..<N { work[b * N + i] *= phiPrime[b * stride + (t - 1) * N + i] } } }
        work.withUnsafeBufferPointer { wk in
            recurrent.withUnsafeBufferPointer { w in
                y.withUnsafeMutableBufferPointer { yp in
                    if transposed {
                        var product = [Double](repeating: 0, count: B * N)
                        product.withUnsafeMutableBufferPointer { pp in
                            BLAS.gemm(.none, .none, m: B, n: N, k: N, alpha: 1, a: wk.baseAddress!, lda: N, b: w.baseAddress!, ldb: N,
                                      beta: 0, c: pp.baseAddress!, ldc: N)
                            for b in 0..<B { for i in 0..<N {
                                yp[b * N + i] = (1 - a) * yp[b * N + i] + a * phiPrime[b * stride + (t - 1) * N + i] * pp[b * N + i]
                            } }
                        }
                    } else {
                        BLAS.gemm(.none, .transpose, m: B, n: N, k: N, alpha: a, a: wk.baseAddress!, lda: N, b: w.baseAddress!, ldb: N,
                                  beta: 1 - a, c: yp.baseAddress!, ldc: N)
                    }
                }
            }
        }
    }

    /// Jθ v for v = [dW (N×N), dW_in (N×K)]: per trial, the T×N block α (Φ_b dWᵀ + X_b dW_inᵀ).
    public func parameterJacobian(_ v: [Double]) -> [Double] {
        precondition(v.count == parameterCount)
        let B = trials, T = steps, N = neurons, K = inputs
        var out = [Double](repeating: 0, count: tensorCount)
        v.withUnsafeBufferPointer { vp in
            phi.withUnsafeBufferPointer { fp in
                x.withUnsafeBufferPointer { xp in
                    out.withUnsafeMutableBufferPointer { o in
                        for b in 0..<B {
                            BLAS.gemm(.none, .transpose, m: T, n: N, k: N, alpha: alpha, a: fp.baseAddress! + b * (T + 1) * N, lda: N,
                                      b: vp.baseAddress!, ldb: N, beta: 0, c: o.baseAddress! + b * T * N, ldc: N)
                            BLAS.gemm(.none, .transpose, m: T, n: N, k: K, alpha: alpha, a: xp.baseAddress! + b * T * K, lda: K,
                                      b: vp.baseAddress! + N * N, ldb: K, beta: 1, c: o.baseAddress! + b * T * N, ldc: N)
                        }
                    }
                }
            }
        }
        return out
    }

    /// Jθᵀ q = [α Σ_b Q_bᵀ Φ_b, α Σ_b Q_bᵀ X_b].
    public func parameterJacobianTranspose(_ q: [Double]) -> [Double] {
        precondition(q.count == tensorCount)
        let B = trials, T = steps, N = neurons, K = inputs
        var g = [Double](repeating: 0, count: parameterCount)
        q.withUnsafeBufferPointer { qp in
            phi.withUnsafeBufferPointer { fp in
                x.withUnsafeBufferPointer { xp in
                    g.withUnsafeMutableBufferPointer { gp in
                        for b in 0..<B {
                            BLAS.gemm(.transpose, .none, m: N, n: N, k: T, alpha: alpha, a: qp.baseAddress! + b * T * N, lda: N,
                                      b: fp.baseAddress! + b * (T + 1) * N, ldb: N, beta: 1, c: gp.baseAddress!, ldc: N)
                            BLAS.gemm(.transpose, .none, m: N, n: K, k: T, alpha: alpha, a: qp.baseAddress! + b * T * N, lda: N,
                                      b: xp.baseAddress! + b * T * K, ldb: K, beta: 1, c: gp.baseAddress! + N * N, ldc: K)
                        }
                    }
                }
            }
        }
        return g
    }

    /// K = α² (Φ Φᵀ + X Xᵀ) ⊗ I_N, one site with a constant gain.
    public func kroneckerCore() -> WeightSiteCore {
        let B = trials, T = steps, N = neurons, K = inputs
        var sites = [Double](repeating: 0, count: B * T * (N + K))
        for b in 0..<B { for t in 1...T {
            let row = (b * T + t - 1) * (N + K)
            for i in 0..<N { sites[row + i] = phi[(b * (T + 1) + t - 1) * N + i] }
            for k in 0..<K { sites[row + N + k] = x[(b * T + t - 1) * K + k] }
        } }
        return WeightSiteCore(sites: [.init(gram: WeightSiteCore.gram(of: sites, rows: B * T, scale: alpha * alpha), gain: nil)],
                              neurons: N)
    }
}
