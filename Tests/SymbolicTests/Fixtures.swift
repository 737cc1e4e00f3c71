import GramFlowCore
import GramFlowNumerics
import OverlapTheory
import Symbolic

/// A random symmetric G, non-zero exactly on the overlaps `Visibility` (OverlapTheory) calls visible
/// for φ: the numeric side of the comparison never sees the symbolic classification.
func randomGradient(_ spec: ModelSpec, seed: UInt64) -> Matrix {
    let random = RandomSource(seed: seed)
    let layout = spec.layout
    var G = Matrix(rows: layout.dimension, cols: layout.dimension)
    for ((a, b), visible) in zip(layout.overlapPairs, Visibility(spec: spec).isVisible) where visible {
        G[a, b] = random.gaussian(); G[b, a] = G[a, b]
    }
    return G
}

/// The cases of ranks 1–3 the tests sweep: (K, R, O).
let sweptLayouts: [(inputs: Int, rank: Int, outputs: Int)] = [(1, 1, 1), (2, 1, 1), (1, 2, 1), (2, 2, 1), (1, 3, 1), (2, 3, 2)]

/// max_ij |A_ij|, the scale that relative comparisons of a matrix's entries refer to.
func scale(_ A: Matrix) -> Double { max(A.maxAbs, .leastNormalMagnitude) }
