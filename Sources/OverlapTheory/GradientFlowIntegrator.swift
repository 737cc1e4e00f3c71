import GramFlowCore
import GramFlowNumerics

/// Integrates the gradient-flow ODE dS/dτ = −2η (G(S) S + S G(S)) with GSL's
/// adaptive Prince–Dormand 8(9) method; τ is measured in epochs.
///
/// The ODE state is the D(D+1)/2 distinct overlaps. Each right-hand side costs
/// one forward and one adjoint pass of the reduced dynamics.
public final class GradientFlowIntegrator {
    public let eta: Double
    private let layout: VectorLayout
    private let solver: ODESolver

    /// - Parameters:
    ///   - tolerance: absolute and relative local error tolerance of the solver.
    public init(loss: any OverlapLoss, eta: Double, tolerance: Double = 1e-12, method: ODEMethod = .rk8pd) {
        self.eta = eta
        let layout = loss.spec.layout
        self.layout = layout
        let pairs = layout.overlapPairs
        solver = ODESolver(dimension: pairs.count, method: method,
                           absoluteTolerance: tolerance, relativeTolerance: tolerance) { _, y, dydt in
            let state = OverlapState(layout: layout, values: Array(y))
            let G = loss.lossAndGradient(state.S).G
            let dS = gradientFlowDerivative(S: state.S, G: G, eta: eta)
            for (i, (a, b)) in pairs.enumerated() { dydt[i] = dS[a, b] }
        }
    }

    /// Advances S by `duration` epochs of gradient flow.
    public func advance(_ S: Matrix, by duration: Double = 1) -> (S: Matrix, outcome: ODEOutcome) {
        var y = OverlapState(layout: layout, S: S).values
        let outcome = solver.advance(&y, from: 0, to: duration)
        return (OverlapState(layout: layout, values: y).S, outcome)
    }
}
