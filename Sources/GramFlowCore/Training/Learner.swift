import GramFlowNumerics

/// An algorithm that learns: how one epoch moves a state, with its workspace.
/// The theory's learners move the overlap matrix S (the exact map, the gradient
/// flow); the network's learners move the vectors P (GD, SGD, Adam, the low-rank
/// natural gradient). A learner is configuration plus reusable workspace; the
/// problem (model, batches, initial state) and the schedule (epochs, η) come
/// from outside, and `train` runs the one epoch loop.
public protocol Learner {
    associatedtype State
    /// "theory" or "network": how outputs and reports name this side.
    var side: String { get }
    /// L(state) on `batch`; with `forStep`, also what `step` needs (the gradient), since a step follows.
    mutating func evaluate(_ state: State, batch: TaskBatch, forStep: Bool) throws -> Double
    /// One step from `state` with learning rate η, using what the last `evaluate` prepared.
    /// - Throws: `StepFailure` when the step cannot be taken (a failed ODE solve).
    mutating func step(_ state: inout State, learningRate: Double) throws
    /// The overlap matrix S of a state (S itself, or PᵀP/N).
    func overlaps(of state: State) -> Matrix
}

/// Why a step could not be taken; `train` turns it into the run's `TrainingOutcome`.
public enum StepFailure: Error, Equatable {
    /// The state or its derivative stopped being finite.
    case diverged(String)
    /// The ODE solver could not advance.
    case solverFailed(String)
}
