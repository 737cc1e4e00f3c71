import GramFlowCore
import GramFlowNumerics

/// The low-rank natural gradient as a learner (docs/theory.md §9): each epoch computes
/// the direction at the current network (`NaturalGradient.direction`, Lanczos started
/// from the epoch's own seed) and steps P ← P − ηN·direction.
public struct NaturalGradientLearner: Learner {
    public let method: NaturalGradient
    public var side: String { "network" }

    private var pending: NaturalGradient.Direction?
    private var stepsTaken = 0
    private var pass: Backpropagation?

    public init(_ method: NaturalGradient) { self.method = method }

    public mutating func evaluate(_ network: LowRankNetwork, batch: TaskBatch, forStep: Bool) throws -> Double {
        if forStep {
            pending = try method.direction(network, batch: batch, seed: UInt64(stepsTaken + 1))
            return pending!.loss
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
