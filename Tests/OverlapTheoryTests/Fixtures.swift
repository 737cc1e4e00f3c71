import GramFlowCore
import GramFlowNumerics
import OverlapTheory

/// A batch with K inputs and O outputs, random inputs, targets and a 0/1 mask.
func randomBatch(trials: Int, steps: Int, inputs: Int, outputs: Int, seed: UInt64) -> TaskBatch {
    let random = RandomSource(seed: seed)
    var batch = TaskBatch(trials: trials, steps: steps, inputs: inputs, outputs: outputs)
    for i in batch.x.indices { batch.x[i] = random.gaussian() }
    for i in batch.target.indices {
        batch.target[i] = random.gaussian()
        batch.mask[i] = random.uniform() < 0.8 ? 1 : 0
    }
    return batch
}
