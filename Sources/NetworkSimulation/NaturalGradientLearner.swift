import GramFlowCore
import GramFlowNumerics

/// The low-rank natural gradient as a learner (docs/theory.md §9): each epoch refreshes the
/// kept sNTK subspace at the current network (warm-started, `DominantSubspace`), computes the
/// direction (`NaturalGradient.direction`) and steps P ← P − ηN·direction. The subspace and
/// the Woodbury workspace live across epochs; `onStep` sees each step's eigenvalues, ε and
/// the kept subspace's residual (the run's natural-gradient.csv).
public struct NaturalGradientLearner: Learner {
    public let method: NaturalGradient
    public var side: String { "network" }
    /// Called once per step with the direction just computed and its epoch.
    public var onStep: ((Int, NaturalGradient.Direction) throws -> Void)?

    private var pending: NaturalGradient.Direction?
    private var stepsTaken = 0
    private var pass: Backpropagation?
    private var subspace: DominantSubspace
    private var inverse = DampedLowRankInverse()

    public init(_ method: NaturalGradient, onStep: ((Int, NaturalGradient.Direction) throws -> Void)? = nil) {
        self.method = method; self.onStep = onStep
        subspace = method.makeSubspace()
        LargeBlockReuse.enable()  // every step stores φ, φ′ and h of the batch (B·T·N each): reuse their pages
    }

    /// Full solves and products JᵀJ v so far.
    public var fullSolves: Int { subspace.fullSolves }
    public var products: Int { subspace.products }

    public mutating func evaluate(_ network: LowRankNetwork, batch: TaskBatch, forStep: Bool) throws -> Double {
        if forStep {
            let d = try method.direction(network, batch: batch, subspace: &subspace, inverse: &inverse,
                                         seed: UInt64(stepsTaken + 1))
            try onStep?(stepsTaken, d)
            pending = d
            return d.loss
        }
        // The last epoch only needs the loss: one forward pass.
        if pass?.steps != batch.steps { pass = Backpropagation(spec: network.spec, neurons: network.neurons, steps: batch.steps) }
        var none: Matrix? = nil
        return pass!.evaluate(network, batch: batch, gradient: &none)
    }

    public mutating func step(_ network: inout LowRankNetwork, learningRate eta: Double) throws {
        NaturalGradient.apply(pending!, to: &network, eta: eta)
        stepsTaken += 1
    }

    public func overlaps(of network: LowRankNetwork) -> Matrix { network.overlaps }
}
