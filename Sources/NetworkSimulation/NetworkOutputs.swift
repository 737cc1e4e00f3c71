import GramFlowCore
import GramFlowNumerics

extension LowRankNetwork {
    /// The outputs y_{b,o,t} = z_o·ψ(h_{b,t})/N, t = 1..T, of every trial of `batch`
    /// (docs/theory.md §1), in `TaskBatch` target order: index `batch.targetIndex(b, t, o)`.
    /// One forward pass per trial through `eulerStep`, keeping only the current state:
    /// memory O(N), whatever B and T (a run's outputs.npz must not cost a trajectory).
    public func outputs(_ batch: TaskBatch) -> [Double] {
        let N = neurons, K = spec.inputs, R = spec.rank, O = spec.outputs, D = spec.layout.dimension
        precondition(batch.inputs == K && batch.outputs == O)
        let f = spec.nonlinearity, zIndices = spec.layout.zIndices
        var y = [Double](repeating: 0, count: batch.target.count)
        var state = [Double](repeating: 0, count: N), phi = state
        var w = [Double](repeating: 0, count: K + R)
        parameters.storage.withUnsafeBufferPointer { p in
            for b in 0..<batch.trials {
                for i in 0..<N { state[i] = 0; phi[i] = f.value(0) }
                for t in 0..<batch.steps {
                    for k in 0..<K { w[k] = batch.x[batch.inputIndex(b, t, k)] }
                    phi.withUnsafeBufferPointer { fp in
                        w.withUnsafeMutableBufferPointer { wp in
                            state.withUnsafeMutableBufferPointer { sp in
                                eulerStep(parameters: p.baseAddress!, spec: spec, neurons: N, phiOfState: fp.baseAddress!,
                                          w: wp.baseAddress!, state: sp.baseAddress!)
                            }
                        }
                    }
                    for i in 0..<N { phi[i] = f.value(state[i]) }  // φ(h_{t+1}); ψ = φ (the identity when linear)
                    for o in 0..<O {
                        var sum = 0.0
                        for i in 0..<N { sum += p[i * D + zIndices[o]] * phi[i] }
                        y[batch.targetIndex(b, t + 1, o)] = sum / Double(N)
                    }
                }
            }
        }
        return y
    }
}
