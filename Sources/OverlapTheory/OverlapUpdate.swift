import GramFlowNumerics

/// How the overlaps advance by one epoch of gradient descent (docs/theory.md §5).
public enum OverlapUpdate: String, CaseIterable, Codable, Sendable {
    /// The exact discrete-GD map S ← (I − 2ηG) S (I − 2ηG): exact for linear φ at every N and η.
    case map
    /// The gradient-flow ODE dS/dτ = −2η (G S + S G), integrated over τ ∈ [e, e+1].
    case flow
    /// Plain gradient descent on the overlaps as independent coordinates, σ_ab ← σ_ab − η ∂L/∂σ_ab,
    /// without the Gram metric: the overlap paper's Fig. 1 baseline. It moves only the overlaps the
    /// loss depends on (the visible ones) and is not what a network does (`directOverlapStep`).
    case direct

    /// Whether an epoch is one discrete step (the map, direct) rather than an ODE solve.
    public var isDiscrete: Bool { self != .flow }
}

/// One step of plain gradient descent on the overlaps, σ_ab ← σ_ab − η ∂L/∂σ_ab for a ≤ b.
///
/// With G = ∂L/∂S symmetric (G_aa = ∂L/∂σ_aa, G_ab = ½ ∂L/∂σ_ab, `OverlapLoss`) this is
/// S ← S − η (2G − diag G). Unlike the map it ignores that the overlaps are a Gram matrix
/// moved by V ← V(I − 2ηG), so overlaps with ∂L/∂σ = 0 (the invisible ones) never move.
public func directOverlapStep(S: Matrix, G: Matrix, eta: Double) -> Matrix {
    var next = S
    for a in 0..<S.rows {
        for b in 0..<S.cols {
            let derivative = a == b ? G[a, a] : 2 * G[a, b]
            next[a, b] = S[a, b] - eta * derivative
        }
    }
    return next
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
