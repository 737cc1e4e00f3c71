import GramFlowCore

/// Whether the loss depends on an overlap (docs/theory.md §6).
///
/// Linear φ: visible are σ_{v_r u_s}, σ_{v_r m_k}, σ_{z_o u_s}, σ_{z_o m_k}, the
/// (R+O)(R+K) overlaps between the output side {v, z} and the basis {u, m}.
/// A φ whose Gaussian gain ⟨φ'⟩(Δ) varies with Δ (tanh, erf) adds the basis block
/// σ_{e_i e_j}, through which Δ = cᵀ S_EE c enters. ReLU's gain is ½ at every Δ,
/// so its classification is the linear one.
/// Classified from the structure of the reduced dynamics; the tests confirm it
/// numerically (∂L/∂σ ≡ 0 exactly on the invisible ones).
public struct Visibility: Equatable, Sendable {
    public let layout: VectorLayout
    /// One flag per overlap in `layout.overlapPairs` order.
    public let isVisible: [Bool]

    public init(spec: ModelSpec) {
        let layout = spec.layout
        self.layout = layout
        let basis = Set(layout.basisIndices)
        let outputSide = Set(layout.vIndices + layout.zIndices)
        isVisible = layout.overlapPairs.map { a, b in
            let crossing = (outputSide.contains(a) && basis.contains(b)) || (outputSide.contains(b) && basis.contains(a))
            let basisBlock = basis.contains(a) && basis.contains(b)
            return crossing || (spec.nonlinearity.gainDependsOnVariance && basisBlock)
        }
    }

    public var visibleNames: [String] { zip(layout.overlapNames, isVisible).filter { $0.1 }.map { $0.0 } }
    public var invisibleNames: [String] { zip(layout.overlapNames, isVisible).filter { !$0.1 }.map { $0.0 } }

    /// The Euclidean norms of `d` (a change of the overlaps, in `overlapPairs` order) over the
    /// visible and over the invisible entries: how far each class moved.
    public func norms(_ d: [Double]) -> (visible: Double, invisible: Double) {
        var v = 0.0, i = 0.0
        for (x, shown) in zip(d, isVisible) { if shown { v += x * x } else { i += x * x } }
        return (v.squareRoot(), i.squareRoot())
    }
}
