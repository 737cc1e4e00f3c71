import GramFlowNumerics

/// What is learned: a model, the batch of each epoch (a fixed batch, fresh ones
/// for SGD, noisy targets…) and the state training starts from.
public struct LearningProblem<State> {
    public var model: ModelSpec
    public var batches: (Int) -> TaskBatch
    public var initial: State

    public init(model: ModelSpec, initial: State, batches: @escaping (Int) -> TaskBatch) {
        self.model = model; self.initial = initial; self.batches = batches
    }
}

/// How a run ended and where it got to.
public struct TrainingSolution<State> {
    /// The last state reached (the final one, or the one where the run stopped).
    public var state: State
    public var outcome: TrainingOutcome
    /// L(S_0) and the last loss observed.
    public var initialLoss: Double
    public var finalLoss: Double
    /// η after the observers' changes.
    public var learningRate: Double
    /// The last epoch observed.
    public var lastEpoch: Int
}

/// The one training loop. For e = 0..E: evaluate L(S_e) on the epoch's batch,
/// show (e, L_e, S_e) to every observer, stop if the divergence rule says so,
/// and, unless e = E, take one step with the current η. The last observation is
/// the final state; a run that stops keeps the state it stopped at.
public func train<L: Learner>(_ problem: LearningProblem<L.State>, with learner: inout L, schedule: TrainingSchedule,
                              observers: [TrainingObserver<L.State>] = []) throws -> TrainingSolution<L.State> {
    let run = TrainingRun(learner: learner, initial: problem.initial, schedule: schedule, observers: observers)
    for epoch in 0...schedule.epochs {
        guard try run.advance(epoch: epoch, batch: problem.batches(epoch)) else { break }
    }
    learner = run.learner
    return run.solution
}

/// One learner's way through the training loop, an epoch at a time: what `train` drives for one
/// learner and `trainInLockstep` for several on one batch sequence.
public final class TrainingRun<L: Learner>: LockstepRun {
    public private(set) var learner: L
    public let schedule: TrainingSchedule
    private let observers: [TrainingObserver<L.State>]
    private var control: TrainingControl
    /// Where the run has got to (its state, outcome and losses so far).
    public private(set) var solution: TrainingSolution<L.State>

    public init(learner: L, initial: L.State, schedule: TrainingSchedule, observers: [TrainingObserver<L.State>] = []) {
        self.learner = learner; self.schedule = schedule; self.observers = observers
        control = TrainingControl(learningRate: schedule.learningRate)
        solution = TrainingSolution(state: initial, outcome: .completed, initialLoss: .nan, finalLoss: .nan,
                                    learningRate: control.learningRate, lastEpoch: 0)
    }

    /// Epoch e (0...E, in order) on its batch: evaluate, observe, check for divergence and, unless
    /// e = E, step. Returns false when the run has ended (its last epoch, or it stopped).
    public func advance(epoch: Int, batch: TaskBatch) throws -> Bool {
        let last = epoch == schedule.epochs
        let loss = try learner.evaluate(solution.state, batch: batch, forStep: !last)
        let S = learner.overlaps(of: solution.state)
        if epoch == 0 { solution.initialLoss = loss }
        solution.finalLoss = loss
        solution.lastEpoch = epoch
        let record = EpochRecord(epoch: epoch, loss: loss, overlaps: S, state: solution.state)
        for observer in observers { try observer.observe(record, &control) }
        solution.learningRate = control.learningRate
        if let reason = schedule.divergence.check(loss: loss, initialLoss: solution.initialLoss, state: S.storage) {
            solution.outcome = .diverged(epoch: epoch, reason: reason)
            return false
        }
        guard !last else { return false }
        do { try learner.step(&solution.state, learningRate: control.learningRate) } catch let failure as StepFailure {
            switch failure {
            case .diverged(let reason): solution.outcome = .diverged(epoch: epoch, reason: reason)
            case .solverFailed(let reason): solution.outcome = .solverFailed(epoch: epoch, reason: reason)
            }
            return false
        }
        return true
    }
}
