import GramFlowCore
import GramFlowNumerics

/// The linear readout y = W_out ψ(h)/N of a `RecurrentModel` and what the loss
/// sends back through it (docs/theory.md §1):
///
///     e^y_{b,t,o} = ∂L/∂y = (2 dt/B) mask (y − y*),
///     ∂L/∂W_out = Σ_{b,t} e^y_{b,t} ψ(h_{b,t})ᵀ / N,
///     e_{b,t} = ∂L/∂h_{b,t} = ψ′(h_{b,t}) ⊙ W_outᵀ e^y_{b,t} / N   (the state error).
///
/// Two `gemm`s over the (B·T)×N feature tensor.
public struct RecurrentReadout {
    public let weights: Matrix
    public let dt: Double

    public init<M: RecurrentModel>(_ model: M) { weights = model.readoutWeights; dt = model.dt }

    /// y on `TaskBatch` target order (b·T + t − 1)·O + o.
    public func outputs<P: RecurrentPass>(_ pass: P) -> [Double] {
        let n = pass.trials * pass.steps, N = pass.neurons, O = weights.rows
        var y = [Double](repeating: 0, count: n * O)
        pass.readoutFeatures.withUnsafeBufferPointer { f in
            weights.storage.withUnsafeBufferPointer { w in
                y.withUnsafeMutableBufferPointer { yp in
                    BLAS.gemm(.none, .transpose, m: n, n: O, k: N, alpha: 1 / Double(N), a: f.baseAddress!, lda: N,
                              b: w.baseAddress!, ldb: N, beta: 0, c: yp.baseAddress!, ldc: O)
                }
            }
        }
        return y
    }

    /// L, the state error e = ∂L/∂h and ∂L/∂W_out (O×N, row-major).
    public func score<P: RecurrentPass>(_ pass: P, batch: TaskBatch) -> (loss: Double, stateError: [Double], readoutGradient: [Double]) {
        let n = pass.trials * pass.steps, N = pass.neurons, O = weights.rows
        precondition(batch.trials == pass.trials && batch.steps == pass.steps && batch.outputs == O)
        let y = outputs(pass)
        let rule = MaskedSquaredError(dt: dt, batch: batch)
        var loss = 0.0
        var outputError = [Double](repeating: 0, count: n * O)
        for j in 0..<(n * O) {
            let term = rule.term(output: y[j], target: batch.target[j], mask: batch.mask[j])
            loss += term.loss; outputError[j] = term.error
        }
        var stateError = [Double](repeating: 0, count: n * N)
        var readoutGradient = [Double](repeating: 0, count: O * N)
        outputError.withUnsafeBufferPointer { e in
            weights.storage.withUnsafeBufferPointer { w in
                stateError.withUnsafeMutableBufferPointer { s in
                    BLAS.gemm(.none, .none, m: n, n: N, k: O, alpha: 1 / Double(N), a: e.baseAddress!, lda: O,
                              b: w.baseAddress!, ldb: N, beta: 0, c: s.baseAddress!, ldc: N)
                }
            }
            pass.readoutFeatures.withUnsafeBufferPointer { f in
                readoutGradient.withUnsafeMutableBufferPointer { g in
                    BLAS.gemm(.transpose, .none, m: O, n: N, k: n, alpha: 1 / Double(N), a: e.baseAddress!, lda: O,
                              b: f.baseAddress!, ldb: N, beta: 0, c: g.baseAddress!, ldc: N)
                }
            }
        }
        if let slope = pass.readoutSlope { for j in stateError.indices { stateError[j] *= slope[j] } }
        return (loss, stateError, readoutGradient)
    }
}
