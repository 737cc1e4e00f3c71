import GramFlowCore

/// Loss-visible and loss-invisible overlaps (docs/theory.md §6), read off the structure
/// of the reduced dynamics: the loss is a function of the readouts y, which depend
/// on S only through the overlaps that occur in the κ updates, the readouts and,
/// when ⟨φ'⟩ depends on Δ, in Δ. Every other overlap is invisible: its g ≡ 0.
public struct StructuralVisibility: Sendable {
    public let layout: VectorLayout
    /// The visible σ_ab.
    public let visible: Set<Symbol>

    public init(_ dynamics: ReducedDynamics) {
        layout = dynamics.layout
        visible = dynamics.overlapsReachingLoss
    }

    /// One flag per overlap, in `layout.overlapNames` order.
    public var isVisible: [Bool] { layout.overlapSymbols.map(visible.contains) }
    public var visibleSymbols: [Symbol] { layout.overlapSymbols.filter(visible.contains) }
    public var invisibleSymbols: [Symbol] { layout.overlapSymbols.filter { !visible.contains($0) } }
    public var visibleNames: [String] { visibleSymbols.map(\.pairName) }
    public var invisibleNames: [String] { invisibleSymbols.map(\.pairName) }
    /// g_ab of the visible overlaps: the loss gradients that can be non-zero.
    public var gradientSymbols: [Symbol] { visibleSymbols.map { Symbol.gradient($0.vectors.0, $0.vectors.1) } }
}
