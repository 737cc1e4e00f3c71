import GramFlowCore
import GramFlowNumerics

/// Gradient descent in overlap space, the theory's learner: each epoch moves S by
/// the exact discrete-GD map S ← (I − 2ηG) S (I − 2ηG), by one epoch of the
/// gradient flow dS/dτ = −2η(GS + SG) (docs/theory.md §5), or (`direct`, the paper's
/// baseline) by plain GD on the overlaps, S ← S − η(2G − diag G); G = ∂L/∂S from the
/// reduced dynamics. The reduced loss (its workspace) is kept across epochs and
/// phases; only the batch is swapped when it changes (SGD, a new phase). With `natural`, each
/// epoch instead takes the overlap-space natural gradient (`OverlapNaturalGradient`, the
/// network's `--optimizer natural` as N → ∞).
public struct TheoryLearner: Learner {
    public let spec: ModelSpec
    public let update: OverlapUpdate
    public let natural: OverlapNaturalGradient?
    /// Local error tolerance of the flow's ODE solver.
    public let tolerance: Double
    public var side: String { "theory" }

    private var loss: ReducedOverlapLoss?
    private var gradient: Matrix?
    private var flow: GradientFlowIntegrator?
    private var naturalStep: Matrix?

    public init(spec: ModelSpec, update: OverlapUpdate = .map, tolerance: Double = 1e-12,
                natural: OverlapNaturalGradient? = nil) {
        precondition(natural == nil || update == .map, "the natural gradient is a map")
        self.spec = spec; self.update = update; self.tolerance = tolerance; self.natural = natural
    }

    /// The reduced loss on `batch` (created once, its batch replaced when it changes).
    public mutating func reducedLoss(_ batch: TaskBatch) throws -> ReducedOverlapLoss {
        if let loss {
            if loss.batch != batch { loss.batch = batch }
            return loss
        }
        let created = try makeOverlapLoss(spec: spec, batch: batch)
        loss = created
        return created
    }

    public mutating func evaluate(_ S: Matrix, batch: TaskBatch, forStep: Bool) throws -> Double {
        let loss = try reducedLoss(batch)
        guard forStep && update.isDiscrete else { gradient = nil; return loss.loss(S) }
        let (L, G) = loss.lossAndGradient(S)
        gradient = G
        if let natural {
            naturalStep = try natural.direction(gradient: G, ntk: ReducedStateNTK(spec: spec, overlaps: S, batch: batch)).step
        }
        return L
    }

    public mutating func step(_ S: inout Matrix, learningRate eta: Double) throws {
        if let naturalStep {
            S = OverlapNaturalGradient.map(S: S, step: naturalStep, eta: eta)
            guard S.allFinite else { throw StepFailure.diverged("an overlap is not finite") }
            return
        }
        switch update {
        case .map:
            S = gradientDescentMap(S: S, G: gradient!, eta: eta)
        case .direct:
            S = directOverlapStep(S: S, G: gradient!, eta: eta)
        case .flow:
            if flow?.eta != eta { flow = GradientFlowIntegrator(loss: loss!, eta: eta, tolerance: tolerance) }
            let (next, outcome) = flow!.advance(S)
            switch outcome {
            case .success: S = next
            case .nonFiniteDerivative: throw StepFailure.diverged(outcome.description)
            default: throw StepFailure.solverFailed(outcome.description)
            }
        }
    }

    public func overlaps(of S: Matrix) -> Matrix { S }
}
