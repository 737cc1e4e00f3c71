import GramFlowCore
import GramFlowNumerics

/// Overlaps of Gaussian vectors at small N: near the identity with O(1/√N)
/// off-diagonal entries, a generic state that training actually visits.
public func sampledOverlaps(_ layout: VectorLayout, neurons: Int = 30, seed: UInt64) -> Matrix {
    let random = RandomSource(seed: seed)
    let v = Matrix(rows: neurons, cols: layout.dimension, storage: random.gaussians(neurons * layout.dimension))
    return v.gram(scale: 1 / Double(neurons))
}

/// A batch with K inputs and O outputs, random inputs, targets and a 0/1 mask.
public func randomBatch(trials: Int, steps: Int, inputs: Int, outputs: Int, seed: UInt64) -> TaskBatch {
    let random = RandomSource(seed: seed)
    var batch = TaskBatch(trials: trials, steps: steps, inputs: inputs, outputs: outputs)
    for i in batch.x.indices { batch.x[i] = random.gaussian() }
    for i in batch.target.indices {
        batch.target[i] = random.gaussian()
        batch.mask[i] = random.uniform() < 0.8 ? 1 : 0
    }
    return batch
}
