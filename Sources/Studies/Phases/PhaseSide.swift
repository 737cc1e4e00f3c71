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
    /// - Parameter row: called with (epoch in phase, L_e, S_e) for e = 0..E.
    func run(spec: StudySpec, phase i: Int, row: @escaping (Int, Double, Matrix) throws -> Void) throws -> PhaseEnd
}

/// A side trained by learners of type L, made afresh for each phase.
final class PhaseSide<L: Learner>: PhaseLearner {
    let kind: String
    private(set) var current: L.State
    private let learner: (StudyPhase) -> L
    private let matrix: (L.State) -> Matrix

    init(kind: String, state: L.State, learner: @escaping (StudyPhase) -> L, matrix: @escaping (L.State) -> Matrix) {
        self.kind = kind; current = state; self.learner = learner; self.matrix = matrix
    }

    var state: Matrix { matrix(current) }

    func run(spec: StudySpec, phase i: Int, row: @escaping (Int, Double, Matrix) throws -> Void) throws -> PhaseEnd {
        let phase = spec.phases[i]
        var learner = learner(phase)
        let batches = try PhaseBatches(spec: spec, phase: i, theory: kind == "theory")
        let problem = LearningProblem(model: spec.model.spec, initial: current, batches: batches.batch(epoch:))
        let solution = try train(problem, with: &learner, schedule: TrainingSchedule(epochs: phase.epochs, learningRate: phase.lr),
                                 observers: [.learningRateRules(phase.rules), .rows(row)])
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
        PhaseSide<TheoryLearner>(kind: "theory", state: S, learner: { TheoryLearner(spec: model, update: $0.update ?? .map, tolerance: $0.tolerance ?? 1e-12) },
                                 matrix: { $0 })
    }

    /// A finite network, trained by each phase's optimizer (gd, sgd or adam).
    static func network(_ network: LowRankNetwork) -> PhaseLearner {
        PhaseSide<NetworkLearner>(kind: "network", state: network, learner: { NetworkLearner(optimizer: $0.trainer) },
                                  matrix: { $0.parameters })
    }
}
