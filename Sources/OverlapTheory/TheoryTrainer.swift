import GramFlowCore
import GramFlowNumerics

/// Gradient descent in overlap space: advances S epoch by epoch with the
/// exact map or the gradient flow, and reports every epoch.
public struct TheoryTrainer {
    public let loss: any OverlapLoss
    public let eta: Double
    public let update: OverlapUpdate
    /// Local error tolerance of the flow's ODE solver.
    public let flowTolerance: Double
    public let divergence: DivergenceGuard

    public init(loss: any OverlapLoss, eta: Double, update: OverlapUpdate = .map,
                flowTolerance: Double = 1e-12, divergence: DivergenceGuard = DivergenceGuard()) {
        self.loss = loss; self.eta = eta; self.update = update
        self.flowTolerance = flowTolerance; self.divergence = divergence
    }

    /// Runs `epochs` epochs from S_0. `observe(e, L(S_e), S_e)` is called for
    /// e = 0..epochs (the last call is the final state), or up to the epoch
    /// where the run stopped. With `batches`, epoch e trains on `batches(e)`.
    public func run(from initial: OverlapState, epochs: Int, batches: ((Int) -> TaskBatch)? = nil,
                    observe: (Int, Double, Matrix) -> Void) -> TrainingOutcome {
        let flow = update == .flow ? GradientFlowIntegrator(loss: loss, eta: eta, tolerance: flowTolerance) : nil
        var S = initial.S
        for epoch in 0...epochs {
            if let batches { loss.batch = batches(epoch) }
            let needGradient = epoch < epochs && update == .map
            let (L, G): (Double, Matrix?) = needGradient
                ? { let r = loss.lossAndGradient(S); return (r.loss, r.G) }()
                : (loss.loss(S), nil)
            observe(epoch, L, S)
            if let reason = divergence.check(loss: L, state: S.storage) {
                return .diverged(epoch: epoch, reason: reason)
            }
            guard epoch < epochs else { break }
            if let flow {
                let (next, outcome) = flow.advance(S)
                guard outcome == .success else {
                    return outcome == .nonFiniteDerivative
                        ? .diverged(epoch: epoch, reason: outcome.description)
                        : .solverFailed(epoch: epoch, reason: outcome.description)
                }
                S = next
            } else {
                S = gradientDescentMap(S: S, G: G!, eta: eta)
            }
        }
        return .completed
    }
}
