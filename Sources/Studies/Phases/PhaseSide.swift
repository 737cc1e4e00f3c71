import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import OverlapTheory

/// How one phase ended for one side.
public struct PhaseEnd: Codable, Equatable, Sendable {
    public var startLoss: Double
    public var endLoss: Double
    /// The overlaps at the end of the phase, in `VectorLayout.overlapPairs` order.
    public var overlaps: [Double]
    /// η after the phase's learning-rate rules.
    public var finalLearningRate: Double
    public var completed: Bool
}

/// One side of a study, the theory (state S) or a finite network (state P), whose
/// state carries over from phase to phase.
protocol PhaseLearner: AnyObject {
    var kind: String { get }
    /// The state to checkpoint (S, or the network's P).
    var state: Matrix { get }
    /// Starts phase i of `spec` with the engine: the phase's learner (its `update` for the
    /// theory, its `optimizer` for the network) and learning-rate rules; the batches are the
    /// driver's (`PhaseSides.drive`), and `PhaseRun.end` takes the state on to the next phase.
    /// - Parameters:
    ///   - tracking: records the KPFlow effective ranks of this side's state (`--track-ntk-every`).
    ///   - row: called with (epoch in phase, L_e, S_e) for e = 0..E.
    func start(spec: StudySpec, phase i: Int, tracking: EffectiveRankTracker?,
               row: @escaping (Int, Double, Matrix) throws -> Void) -> PhaseRun
}

extension PhaseLearner {
    /// Trains through phase i of `spec` on the phase's batches (`start`, `PhaseSides.drive`, `end`).
    func run(spec: StudySpec, phase i: Int, tracking: EffectiveRankTracker?,
             row: @escaping (Int, Double, Matrix) throws -> Void) throws -> PhaseEnd {
        let run = start(spec: spec, phase: i, tracking: tracking, row: row)
        try PhaseSides.drive([run], kind: kind, spec: spec, phase: i, workers: 1)
        return try run.end()
    }
}

/// One side's way through one phase, an epoch at a time.
protocol PhaseRun: LockstepRun {
    /// The last loss evaluated.
    var loss: Double { get }
    /// Ends the phase: the side keeps the state reached, and this is how the phase went.
    func end() throws -> PhaseEnd
}

/// A side trained by learners of type L, made afresh for each phase.
final class PhaseSide<L: Learner>: PhaseLearner {
    let kind: String
    fileprivate(set) var current: L.State
    private let learner: (StudyPhase) -> L
    private let matrix: (L.State) -> Matrix
    /// This side's effective-rank observer (network: K, P, Θ; theory: the reduced sNTK).
    private let tracked: (EffectiveRankTracker) -> TrainingObserver<L.State>

    init(kind: String, state: L.State, learner: @escaping (StudyPhase) -> L, matrix: @escaping (L.State) -> Matrix,
         tracked: @escaping (EffectiveRankTracker) -> TrainingObserver<L.State>) {
        self.kind = kind; current = state; self.learner = learner; self.matrix = matrix; self.tracked = tracked
    }

    var state: Matrix { matrix(current) }

    func start(spec: StudySpec, phase i: Int, tracking: EffectiveRankTracker?,
               row: @escaping (Int, Double, Matrix) throws -> Void) -> PhaseRun {
        let phase = spec.phases[i]
        let run = TrainingRun(learner: learner(phase), initial: current, schedule: TrainingSchedule(epochs: phase.epochs, learningRate: phase.lr),
                              observers: [.learningRateRules(phase.rules), .rows(row)] + (tracking.map { [tracked($0)] } ?? []))
        return PhaseSideRun(side: self, training: run, tracking: tracking, layout: spec.model.spec.layout)
    }
}

/// `PhaseSide`'s run of one phase: the engine's `TrainingRun`, and at its end the side's new state.
private final class PhaseSideRun<L: Learner>: PhaseRun {
    let side: PhaseSide<L>, training: TrainingRun<L>, tracking: EffectiveRankTracker?, layout: VectorLayout
    init(side: PhaseSide<L>, training: TrainingRun<L>, tracking: EffectiveRankTracker?, layout: VectorLayout) {
        self.side = side; self.training = training; self.tracking = tracking; self.layout = layout
    }

    var loss: Double { training.solution.finalLoss }
    func advance(epoch: Int, batch: TaskBatch) throws -> Bool { try training.advance(epoch: epoch, batch: batch) }

    func end() throws -> PhaseEnd {
        try tracking?.finish()
        let solution = training.solution
        side.current = solution.state
        let S = training.learner.overlaps(of: solution.state)
        return PhaseEnd(startLoss: solution.initialLoss, endLoss: solution.finalLoss,
                        overlaps: layout.overlapPairs.map { S[$0.0, $0.1] },
                        finalLearningRate: solution.learningRate, completed: solution.outcome.isCompleted)
    }
}

/// The two sides a study can train.
enum PhaseSides {
    /// Phase i for runs of sides of one kind, on the batches that kind sees in that phase (its
    /// `PhaseBatches`, the same for every side of the kind): drawn once an epoch for all of them
    /// (`trainInLockstep`), on `workers` threads; the same numbers as driving each alone.
    static func drive(_ runs: [PhaseRun], kind: String, spec: StudySpec, phase i: Int, workers: Int,
                      epochDone: ((Int) -> Void)? = nil) throws {
        let batches = try PhaseBatches(spec: spec, phase: i, theory: kind == "theory")
        try trainInLockstep(runs, epochs: spec.phases[i].epochs, batches: batches.batch(epoch:), workers: workers, epochDone: epochDone)
    }

    /// The theory from S: the exact map, or the gradient flow in phases with `update: flow`.
    static func theory(_ model: ModelSpec, S: Matrix) -> PhaseLearner {
        PhaseSide<TheoryLearner>(kind: "theory", state: S, learner: { phase in
            TheoryLearner(spec: model, update: phase.update ?? .map, tolerance: phase.tolerance ?? 1e-12,
                          natural: phase.trainer == .natural ? OverlapNaturalGradient(modes: phase.ntkRank ?? 1, epsilon: phase.damping) : nil)
        },
                                 matrix: { $0 }, tracked: { $0.theoryObserver(spec: model) })
    }

    /// A finite network, trained by each phase's optimizer (gd, sgd, adam or natural).
    static func network(_ network: LowRankNetwork) -> PhaseLearner {
        PhaseSide<NetworkLearner>(kind: "network", state: network, learner: { phase in
            NetworkLearner(optimizer: phase.trainer, naturalGradient: phase.trainer == .natural
                ? NaturalGradientLearner(NaturalGradient(epsilon: phase.damping, modes: phase.ntkRank ?? 1)) : nil)
        },
                                  matrix: { $0.parameters }, tracked: { $0.networkObserver() })
    }
}
