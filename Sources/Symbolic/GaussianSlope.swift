import GramFlowCore

/// ⟨φ'⟩(Δ) = ∫Dz φ'(√Δ z), the gain that Stein's lemma puts in front of every
/// projection of φ(h) under the Gaussian closure (docs/theory.md §3):
///
///     b·φ(h)/N → (Σ_j c_j σ_{b e_j}) ⟨φ'⟩(Δ),   Δ = cᵀ S_EE c.
///
/// linear: 1. ReLU: P(√Δ z > 0) = ½ for every Δ, so Δ drops out. erf(√π x/2):
/// (1 + πΔ/2)^(−1/2). tanh: no closed form. The last two are kept as the
/// opaque symbol ⟨φ'⟩(Δ): the derivations only need to know that it depends on Δ.
public struct GaussianSlope: Sendable {
    public let nonlinearity: Nonlinearity

    public init(_ nonlinearity: Nonlinearity) { self.nonlinearity = nonlinearity }

    /// The gain's value when it does not depend on Δ: 1 (linear), ½ (ReLU); nil otherwise.
    public var constant: Rational? {
        switch nonlinearity {
        case .linear: return .one
        case .relu: return Rational(1, 2)
        case .erf, .tanh: return nil
        }
    }

    /// Whether ⟨φ'⟩ varies with Δ, so that the basis overlaps in Δ reach the loss.
    public var dependsOnDelta: Bool { constant == nil }

    /// The gain at time t or t−1: the constant, or the symbol ⟨φ'⟩(Δ_t).
    public func gain(_ time: Symbol.Time) -> Polynomial {
        constant.map { Polynomial($0) } ?? Polynomial(.meanSlope(time))
    }
}
