import GramFlowCore

/// The overlap equations of gradient descent, per overlap (docs/theory.md §5).
///
/// Gradient flow dS/dτ = −2η(GS + SG) and the exact discrete map
/// S' = (I − 2ηG) S (I − 2ηG) = S − 2η(GS + SG) + 4η² GSG, whose η-expansion
/// stops at second order. Per overlap, with the brackets
///
///     P_ab = 2 (GS + SG)_ab,    Q_ab = 4 (GSG)_ab,
///
/// dσ_ab/dτ = −η P_ab and σ'_ab = σ_ab − η P_ab + η² Q_ab. P is linear in the g's
/// and Q quadratic; both are linear in the σ's.
public struct OverlapFlow: Sendable {
    /// The equations of one overlap σ_ab.
    public struct Equation: Sendable {
        /// σ_ab.
        public let overlap: Symbol
        /// P_ab = 2(GS + SG)_ab: dσ_ab/dτ = −η P_ab.
        public let firstOrder: Polynomial
        /// Q_ab = 4(GSG)_ab: the η² term of the exact map.
        public let secondOrder: Polynomial

        /// dσ_ab/dτ = −η P_ab.
        public var rate: Polynomial { Polynomial(Monomial([.eta]), Rational(-1)) * firstOrder }
        /// σ'_ab = σ_ab − η P_ab + η² Q_ab, the exact map (it is quadratic in η).
        public var mapped: Polynomial {
            Polynomial(overlap) + rate + Polynomial(Monomial([.eta, .eta])) * secondOrder
        }
    }

    public let layout: VectorLayout
    /// One equation per distinct overlap, in `layout.overlapNames` order.
    public let equations: [Equation]

    /// The equations when only the g's of `visibility` can be non-zero.
    public init(visibility: StructuralVisibility) {
        layout = visibility.layout
        let S = layout.symbolicOverlaps
        let G = layout.symbolicGradient(visible: visibility.visible)
        let GS = G * S
        let GSG = GS * G
        let symbols = layout.overlapSymbols
        equations = layout.overlapPairs.enumerated().map { n, pair in
            let (a, b) = pair
            // (SG)_ab = (GS)_ba since S and G are symmetric.
            return Equation(overlap: symbols[n], firstOrder: (GS[a, b] + GS[b, a]).scaled(by: Rational(2)),
                            secondOrder: GSG[a, b].scaled(by: Rational(4)))
        }
    }

    /// dσ_ab/dτ by overlap symbol, for the chain rule.
    public var rates: [Symbol: Polynomial] {
        Dictionary(uniqueKeysWithValues: equations.map { ($0.overlap, $0.rate) })
    }
}
