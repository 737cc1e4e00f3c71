/// The augmented Gram matrix Ḡ: the gradient flow as a linear map from the loss
/// gradients to the overlap velocities (docs/theory.md §5),
///
///     dσ_ab/dτ = −η Σ_cd Ḡ_{ab,cd} g_cd,   Ḡ_{ab,cd} = ∂P_ab/∂g_cd,
///
/// rows the overlaps, columns the g's that can be non-zero; each entry is linear in the σ's.
public struct AugmentedGram: Sendable {
    /// The overlaps σ_ab, one per row.
    public let rows: [Symbol]
    /// The loss gradients g_cd, one per column.
    public let columns: [Symbol]
    /// Ḡ_{ab,cd}, row-major.
    public let entries: [[Polynomial]]

    public init(flow: OverlapFlow, gradients: [Symbol]) {
        rows = flow.equations.map(\.overlap)
        columns = gradients
        // P is linear in the g's, so ∂P/∂g_cd is the coefficient of g_cd.
        entries = flow.equations.map { eq in gradients.map { eq.firstOrder.derivative(withRespectTo: $0) } }
    }

    /// The number of non-zero entries.
    public var nonZeroCount: Int { entries.reduce(0) { $0 + $1.filter { !$0.isZero }.count } }
}
