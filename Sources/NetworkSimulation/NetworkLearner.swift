import Foundation
import GramFlowCore
import GramFlowNumerics

/// A finite network trained by backpropagation through time, the network's learner.
/// Gradient descent (full batch or stochastic) uses the learning rate N·η,
///
///     P ← P − ηN ∇_P L,
///
/// the scaling under which the overlaps follow S ← (I − 2ηG) S (I − 2ηG) (docs/theory.md §5).
/// Adam uses step size η per coordinate: GD's per-coordinate step ηN|∇_P L| = 2η|PG|
/// is O(η) too, so the two are comparable at the same η. The BPTT workspace, the
/// gradient and Adam's moments are kept across epochs. `natural` runs the low-rank natural
/// gradient (`NaturalGradientLearner`, its kept sNTK subspace and workspace across epochs).
public struct NetworkLearner: Learner {
    public let optimizer: Optimizer
    /// BPTT's threads (nil: `Backpropagation`'s default) and whether it stores φ(h_t).
    public let threads: Int?
    public let storage: Backpropagation.StateStorage
    public var side: String { "network" }

    private var pass: Backpropagation?
    private var gradient: Matrix?
    private var adam: AdamState?
    private var natural: NaturalGradientLearner?

    /// - Parameter naturalGradient: the method of `.natural` (default: k = 1, ε = λ₂).
    public init(optimizer: Optimizer = .gd, threads: Int? = nil, storage: Backpropagation.StateStorage = .automatic,
                naturalGradient: NaturalGradientLearner? = nil) {
        self.optimizer = optimizer; self.threads = threads; self.storage = storage
        if optimizer == .natural { natural = naturalGradient ?? NaturalGradientLearner(NaturalGradient()) }
    }

    public mutating func evaluate(_ network: LowRankNetwork, batch: TaskBatch, forStep: Bool) throws -> Double {
        if natural != nil { return try natural!.evaluate(network, batch: batch, forStep: forStep) }
        if pass?.steps != batch.steps {
            pass = Backpropagation(spec: network.spec, neurons: network.neurons, steps: batch.steps, storage: storage)
            if let threads { pass!.threads = threads }
        }
        guard forStep else {
            var none: Matrix? = nil
            return pass!.evaluate(network, batch: batch, gradient: &none)
        }
        if gradient == nil { gradient = Matrix(rows: network.neurons, cols: network.spec.layout.dimension) }
        return pass!.evaluate(network, batch: batch, gradient: &gradient)
    }

    public mutating func step(_ network: inout LowRankNetwork, learningRate eta: Double) throws {
        if natural != nil { return try natural!.step(&network, learningRate: eta) }
        if optimizer == .adam {
            if adam == nil { adam = AdamState(count: network.parameters.storage.count) }
            adam!.step(&network.parameters, gradient: gradient!, stepSize: eta)
        } else {
            Self.gradientStep(&network, gradient: gradient!, eta: eta)
        }
    }

    public func overlaps(of network: LowRankNetwork) -> Matrix { network.overlaps }

    /// One GD step P ← P − ηN ∇_P L, given ∇_P L.
    public static func gradientStep(_ network: inout LowRankNetwork, gradient: Matrix, eta: Double) {
        let step = eta * Double(network.neurons)
        gradient.storage.withUnsafeBufferPointer { g in
            network.parameters.storage.withUnsafeMutableBufferPointer { p in
                for i in 0..<p.count { p[i] -= step * g[i] }
            }
        }
    }
}
