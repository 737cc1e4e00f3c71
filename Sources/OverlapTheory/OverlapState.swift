import GramFlowCore
import GramFlowNumerics

/// The overlap state: the Gram matrix S = VᵀV/N of the network's vectors
/// V = [m_1..m_K, u_1..u_R, v_1..v_R, z_1..z_O], σ_ab = a·b/N (docs/theory.md §2).
/// Symmetric and positive semi-definite; D(D+1)/2 distinct entries.
public struct OverlapState: Equatable, Sendable {
    public let layout: VectorLayout
    /// S, D×D, symmetric.
    public var S: Matrix

    public init(layout: VectorLayout, S: Matrix) {
        precondition(S.rows == layout.dimension && S.cols == layout.dimension,
                     "S is \(S.rows)x\(S.cols), the layout needs \(layout.dimension)x\(layout.dimension)")
        self.layout = layout
        self.S = S
    }

    /// Builds S from the distinct overlaps in `layout.overlapPairs` order.
    public init(layout: VectorLayout, values: [Double]) {
        precondition(values.count == layout.overlapPairs.count)
        var s = Matrix(rows: layout.dimension, cols: layout.dimension)
        for ((a, b), value) in zip(layout.overlapPairs, values) { s[a, b] = value; s[b, a] = value }
        self.init(layout: layout, S: s)
    }

    /// The distinct overlaps σ_ab, a ≤ b, in `layout.overlapPairs` order.
    public var values: [Double] { layout.overlapPairs.map { S[$0.0, $0.1] } }

    /// σ_ab for vectors named like `u1`, `z2`.
    public func sigma(_ a: String, _ b: String) -> Double {
        guard let i = layout.index(ofVector: a), let j = layout.index(ofVector: b) else {
            preconditionFailure("no vectors named \(a) and \(b) in this layout")
        }
        return S[i, j]
    }

    /// The smallest eigenvalue of S; negative (beyond rounding) means S is no Gram matrix.
    public func smallestEigenvalue() throws -> Double {
        try SymmetricEigen(S).values.first ?? 0
    }
}
