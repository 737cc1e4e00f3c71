import GramFlowCore
import GramFlowNumerics

/// Overlaps of Gaussian vectors at small N: near the identity with O(1/√N)
/// off-diagonal entries, a generic state that training actually visits.
public func sampledOverlaps(_ layout: VectorLayout, neurons: Int = 30, seed: UInt64) -> Matrix {
    let random = RandomSource(seed: seed)
    let v = Matrix(rows: neurons, cols: layout.dimension, storage: random.gaussians(neurons * layout.dimension))
    return v.gram(scale: 1 / Double(neurons))
}
