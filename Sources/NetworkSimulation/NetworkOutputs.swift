import GramFlowCore
import GramFlowNumerics

extension LowRankNetwork {
    /// The outputs y_{b,o,t} = z_o·ψ(h_{b,t})/N, t = 1..T, of every trial of `batch`
    /// (docs/theory.md §1), in `TaskBatch` target order: index `batch.targetIndex(b, t, o)`.
    /// The forward pass of training's BPTT (`TrialPass`, latent coordinates), `group` trials at
    /// a time: memory O(N·G + G·T·(K+R+O)·(R+O)), never a trajectory of N-vectors (a run's
    /// outputs.npz must not cost one).
    public func outputs(_ batch: TaskBatch) -> [Double] {
        let O = spec.outputs
        precondition(batch.inputs == spec.inputs && batch.outputs == O)
        let group = 16
        var y = [Double](repeating: 0, count: batch.target.count)
        let pass = TrialPass(spec: spec, neurons: neurons, steps: batch.steps, group: min(group, max(batch.trials, 1)),
                             storesStates: false)
        parameters.storage.withUnsafeBufferPointer { p in
            for first in stride(from: 0, to: batch.trials, by: group) {
                let trials = first..<min(first + group, batch.trials)
                _ = pass.run(p.baseAddress!, batch: batch, trials: trials, gradient: nil)
                for (b, trial) in trials.enumerated() {
                    for t in stride(from: 1, through: batch.steps, by: 1) {
                        let out = pass.output(trial: b, step: t)
                        for o in 0..<O { y[batch.targetIndex(trial, t, o)] = out[o] }
                    }
                }
            }
        }
        return y
    }
}
