import GramFlowCore

/// The overlap matrix S and the gradient matrix G of a layout, as symbolic matrices.
extension VectorLayout {
    /// S_ab = σ_ab (docs/theory.md §2): symmetric, one symbol per distinct overlap.
    public var symbolicOverlaps: SymbolicMatrix {
        let names = vectors
        return SymbolicMatrix(rows: dimension, cols: dimension) { Polynomial(.overlap(names[$0], names[$1])) }
    }

    /// The symbols σ_ab of the distinct overlaps, in `overlapNames` order.
    public var overlapSymbols: [Symbol] {
        let names = vectors
        return overlapPairs.map { .overlap(names[$0.0], names[$0.1]) }
    }

    /// G = ∂L/∂S as a symmetric matrix (docs/theory.md §4): G_aa = g_aa, G_ab = G_ba = ½ g_ab,
    /// with g_ab = ∂L/∂σ_ab (σ_ab counted once). Only the overlaps in `visible` keep
    /// their g: the loss does not depend on the others, so their g is identically 0.
    public func symbolicGradient(visible: Set<Symbol>) -> SymbolicMatrix {
        let names = vectors
        return SymbolicMatrix(rows: dimension, cols: dimension) { a, b in
            guard visible.contains(.overlap(names[a], names[b])) else { return .zero }
            return Polynomial(Monomial([.gradient(names[a], names[b])]), a == b ? .one : Rational(1, 2))
        }
    }
}
