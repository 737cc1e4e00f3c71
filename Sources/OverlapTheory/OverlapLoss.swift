import GramFlowCore
import GramFlowNumerics

/// A loss expressed in overlap coordinates, L(S), with its gradient
///
///     G = ∂L/∂S (symmetric):  G_aa = ∂L/∂σ_aa,  G_ab = G_ba = ½ ∂L/∂σ_ab  (a ≠ b),
///
/// so that the full-network gradient is ∇_V L = (2/N) V G (docs/theory.md §4).
public protocol OverlapLoss: AnyObject {
    var spec: ModelSpec { get }
    /// The trials the loss averages over; replaced each epoch under SGD.
    var batch: TaskBatch { get set }
    /// L(S).
    func loss(_ S: Matrix) -> Double
    /// L(S) and G = ∂L/∂S, by an adjoint pass whose cost does not depend on N.
    func lossAndGradient(_ S: Matrix) -> (loss: Double, G: Matrix)
}

/// The overlap loss of a model on a batch: exact for linear φ, the Gaussian
/// closure otherwise.
/// - Throws: `NumericsError` if the Gaussian gain of φ cannot be tabulated.
public func makeOverlapLoss(spec: ModelSpec, batch: TaskBatch) throws -> ReducedOverlapLoss {
    try ReducedOverlapLoss(spec: spec, batch: batch)
}
