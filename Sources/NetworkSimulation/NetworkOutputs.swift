import GramFlowCore
import GramFlowNumerics

extension LowRankNetwork {
    /// The outputs y_{b,o,t} = z_o·ψ(h_{b,t})/N, t = 1..T, of every trial of `batch`
    /// (docs/theory.md §1), in `TaskBatch` target order: index `batch.targetIndex(b, t, o)`.
    public func outputs(_ batch: TaskBatch) -> [Double] {
        let states = StateTrajectory(network: self, batch: batch)
        let N = neurons, O = spec.outputs, zIndices = spec.layout.zIndices
        var y = [Double](repeating: 0, count: batch.target.count)
        for b in 0..<batch.trials {
            for t in 1...batch.steps {
                let site = states.siteIndex(b, t)  // φ(h_t); ψ = φ (the identity when linear)
                for o in 0..<O {
                    var sum = 0.0
                    for i in 0..<N { sum += parameters[i, zIndices[o]] * states.phi[site + i] }
                    y[batch.targetIndex(b, t, o)] = sum / Double(N)
                }
            }
        }
        return y
    }
}
