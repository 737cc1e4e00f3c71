import GramFlowCore
import GramFlowNumerics

/// A loss expressed in overlap coordinates, L(S), with its gradient
///
///     G = ∂L/∂S (symmetric):  G_aa = ∂L/∂σ_aa,  G_ab = G_ba = ½ ∂L/∂σ_ab  (a ≠ b),
///
/// so that the full-network gradient is ∇_V L = (2/N) V G (THEORY §4).
public protocol OverlapLoss: AnyObject {
    var spec: ModelSpec { get }
    /// L(S).
    func loss(_ S: Matrix) -> Double
    /// L(S) and G = ∂L/∂S, by an adjoint pass whose cost does not depend on N.
    func lossAndGradient(_ S: Matrix) -> (loss: Double, G: Matrix)
}

/// The error raised when a model is asked for something this build cannot do.
public struct UnsupportedModel: Error, CustomStringConvertible {
    public let description: String
}

/// The overlap loss for a model and a batch: the exact linear reduction, or an
/// error saying what is missing for other nonlinearities.
public func makeOverlapLoss(spec: ModelSpec, batch: TaskBatch) throws -> any OverlapLoss {
    switch spec.nonlinearity {
    case .linear: return LinearOverlapLoss(spec: spec, batch: batch)
    default:
        throw UnsupportedModel(description:
            "the overlap theory for φ = \(spec.nonlinearity.rawValue) (Gaussian closure) is not built yet; use --phi linear")
    }
}
