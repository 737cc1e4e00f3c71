import GramFlowNumerics

/// How the overlaps advance by one epoch of gradient descent (docs/theory.md §5).
public enum OverlapUpdate: String, CaseIterable, Codable, Sendable {
    /// The exact discrete-GD map S ← (I − 2ηG) S (I − 2ηG): exact for linear φ at every N and η.
    case map
    /// The gradient-flow ODE dS/dτ = −2η (G S + S G), integrated over τ ∈ [e, e+1].
    case flow
}

/// One step of the exact discrete-GD map, S ← (I − 2ηG) S (I − 2ηG).
///
/// Full-network GD with learning rate ηN, V ← V − ηN ∇_V L = V (I − 2ηG),
/// gives it exactly, since ∇_V L = (2/N) V G.
public func gradientDescentMap(S: Matrix, G: Matrix, eta: Double) -> Matrix {
    let step = Matrix.identity(S.rows) - (2 * eta) * G
    return (step * S * step).symmetrized
}

/// The gradient-flow vector field dS/dτ = −2η (G S + S G).
public func gradientFlowDerivative(S: Matrix, G: Matrix, eta: Double) -> Matrix {
    let GS = G * S
    return (-2 * eta) * (GS + GS.transposed)
}
