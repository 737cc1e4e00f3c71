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
    /// Trains through phase i of `spec` with the engine: the phase's learner (its `update`
    /// for the theory, its `optimizer` for the network), batches and learning-rate rules.
    /// - Parameters:
    ///   - tracking: records the KPFlow effective ranks of this side's state (`--track-ntk-every`).
    ///   - row: called with (epoch in phase, L_e, S_e) for e = 0..E.
    func run(spec: StudySpec, phase i: Int, tracking: EffectiveRankTracker?,
             row: @escaping (Int, Double, Matrix) throws -> Void) throws -> PhaseEnd
}

/// A side trained by learners of type L, made afresh for each phase.
final class PhaseSide<L: Learner>: PhaseLearner {
    let kind: String
    private(set) var current: L.State
    private let learner: (StudyPhase) -> L
    private let matrix: (L.State) -> Matrix
    /// This side's effective-rank observer (network: K, P, Θ; theory: the reduced sNTK).
    private let tracked: (EffectiveRankTracker) -> TrainingObserver<L.State>

    init(kind: String, state: L.State, learner: @escaping (StudyPhase) -> L, matrix: @escaping (L.State) -> Matrix,
         tracked: @escaping (EffectiveRankTracker) -> TrainingObserver<L.State>) {
        self.kind = kind; current = state; self.learner = learner; self.matrix = matrix; self.tracked = tracked
    }

    var state: Matrix { matrix(current) }

    func run(spec: StudySpec, phase i: Int, tracking: EffectiveRankTracker?,
             row: @escaping (Int, Double, Matrix) throws -> Void) throws -> PhaseEnd {
        let phase = spec.phases[i]
        var learner = learner(phase)
        let batches = try PhaseBatches(spec: spec, phase: i, theory: kind == "theory")
        let problem = LearningProblem(model: spec.model.spec, initial: current, batches: batches.batch(epoch:))
        let solution = try train(problem, with: &learner, schedule: TrainingSchedule(epochs: phase.epochs, learningRate: phase.lr),
                                 observers: [.learningRateRules(phase.rules), .rows(row)] + (tracking.map { [tracked($0)] } ?? []))
        try tracking?.finish()
        current = solution.state
        let S = learner.overlaps(of: current)
        return PhaseEnd(startLoss: solution.initialLoss, endLoss: solution.finalLoss,
                        overlaps: spec.model.spec.layout.overlapPairs.map { S[$0.0, $0.1] },
                        finalLearningRate: solution.learningRate, completed: solution.outcome.isCompleted)
    }
}

/// The two sides a study can train.
enum PhaseSides {
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
