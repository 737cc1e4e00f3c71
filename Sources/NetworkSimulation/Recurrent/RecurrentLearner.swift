import GramFlowCore
import GramFlowNumerics

/// The `Learner` of any `RecurrentModel` (dense RNN, GRU), with the low-rank
/// network's conventions (`NetworkLearner`): gradient descent with learning rate N·η,
///
///     θ ← θ − ηN ∇_θ L,
///
/// (full batch for `gd`, the epoch's batch for `sgd`), Adam with step size η per
/// coordinate. ∇_θ L comes from BPTT (`RecurrentModel.loss`); the gradient and
/// Adam's moments are kept across epochs.
public struct RecurrentLearner<Model: RecurrentModel>: Learner {
    public let optimizer: Optimizer
    public var side: String { "network" }
    private var gradient: [Double]?
    private var adam: AdamState?

    public init(optimizer: Optimizer = .gd) { self.optimizer = optimizer }

    public mutating func evaluate(_ model: Model, batch: TaskBatch, forStep: Bool) throws -> Double {
        guard forStep else {
            var none: [Double]? = nil
            return model.loss(batch, gradient: &none)
        }
        if gradient == nil { gradient = [] }
        return model.loss(batch, gradient: &gradient)
    }

    public mutating func step(_ model: inout Model, learningRate eta: Double) throws {
        guard let g = gradient, g.count == model.parameters.count else {
            preconditionFailure("step needs the gradient of an evaluate(forStep: true)")
        }
        if optimizer == .adam {
            if adam == nil { adam = AdamState(count: g.count) }
            adam!.step(&model.parameters, gradient: g, stepSize: eta)
        } else {
            let step = eta * Double(model.neurons)
            for i in model.parameters.indices { model.parameters[i] -= step * g[i] }
        }
        guard model.parameters.allSatisfy(\.isFinite) else { throw StepFailure.diverged("a parameter is not finite") }
    }

    /// A full-rank model has no overlap matrix; the engine gets the 1×1 mean square
    /// parameter ‖θ‖²/|θ|, whose finiteness its divergence rule checks.
    public func overlaps(of model: Model) -> Matrix {
        Matrix(rows: 1, cols: 1, repeating: model.parameters.reduce(0) { $0 + $1 * $1 } / Double(model.parameters.count))
    }
}
