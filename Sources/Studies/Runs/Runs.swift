import Foundation
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import OverlapTheory

/// A finished (or stopped) run: the summary of its record (the rows are in
/// `trajectory.file`), how it ended and how long it took.
public struct RunResult: Sendable {
    public var trajectory: TrajectorySummary
    public var outcome: TrainingOutcome
    public var seconds: Double
    /// A network run's final (or last) network.
    public var network: LowRankNetwork? = nil
}

/// Where a run's per-epoch rows go: a CSV file (nil: kept as a summary only),
/// every K-th epoch and the last.
public struct Recording: Sendable {
    public var file: URL?
    public var every: Int
    public init(file: URL?, every: Int = 1) { self.file = file; self.every = every }
    public static let summaryOnly = Recording(file: nil)
}

/// Runs one configuration in overlap space or as a finite network.
public enum Runs {
    /// Integrates the overlap dynamics from S_0 (the map or the flow, per `config.update`),
    /// with the batches of `config.optimizer` (Adam is followed by GD: see `Optimizer`).
    /// `tracking`, if given, records the reduced sNTK's effective rank (`--track-ntk-every`).
    public static func theory(_ config: RunConfiguration, initial S0: Matrix, recording: Recording = .summaryOnly,
                              progress: Bool = true, tracking: EffectiveRankTracker? = nil) throws -> RunResult {
        var learner = TheoryLearner(spec: config.model, update: config.update, tolerance: config.flowTolerance,
                                    natural: config.optimizer == .natural
                                        ? OverlapNaturalGradient(modes: config.modes, epsilon: config.damping) : nil)
        let result = try record(config, problem(config, initial: S0, theory: true), &learner, recording, label: "theory", progress: progress,
                                also: tracking.map { [$0.theoryObserver(spec: config.model)] } ?? []).result
        try tracking?.finish()
        return result
    }

    /// Trains the finite network with `config.optimizer` (GD and SGD at learning rate N·η).
    /// `snapshots`, if given, receives the network at its epochs (`--save-vectors-every`);
    /// `threads` sets BPTT's threads (nil: its default); `tracking` records the KPFlow
    /// operators' effective ranks (`--track-ntk-every`).
    public static func network(_ config: RunConfiguration, initial: LowRankNetwork, recording: Recording = .summaryOnly,
                               progress: Bool = true, snapshots: VectorSnapshots? = nil, threads: Int? = nil,
                               tracking: EffectiveRankTracker? = nil) throws -> RunResult {
        let log = try NaturalGradientLog(config, next: recording.file)
        var learner = NetworkLearner(optimizer: config.optimizer, threads: threads, naturalGradient: log?.learner)
        let snapshot = snapshots.map { s in TrainingObserver<LowRankNetwork> { record, _ in s.observe(epoch: record.epoch, network: record.state) } }
        var (result, network) = try record(config, problem(config, initial: initial), &learner, recording,
                                           label: "network N=\(initial.neurons)", progress: progress,
                                           also: (snapshot.map { [$0] } ?? []) + (tracking.map { [$0.networkObserver()] } ?? []))
        try snapshots?.finish()
        try log?.close()
        try tracking?.finish()
        result.network = network
        return result
    }

    /// The configuration's learning problem from `initial`: its model and its batches, epoch by
    /// epoch (the theory's own under `--theory-batches independent`).
    public static func problem<State>(_ config: RunConfiguration, initial: State, theory: Bool = false) throws -> LearningProblem<State> {
        let schedule = try config.makeBatchSchedule(theory: theory)
        return LearningProblem(model: config.model, initial: initial, batches: schedule.batch(epoch:))
    }

    /// A validation: the network and the theory, the theory started from the network's
    /// measured initial overlaps, so that only the dynamics can separate them.
    public static func both(_ config: RunConfiguration, theory theoryRecording: Recording, network networkRecording: Recording,
                            progress: Bool = true, snapshots: VectorSnapshots? = nil, threads: Int? = nil,
                            tracking: (theory: EffectiveRankTracker, network: EffectiveRankTracker)? = nil)
        throws -> (theory: RunResult, network: RunResult, initial: LowRankNetwork) {
        let initial = try InitialState.network(config)
        return (try theory(config, initial: initial.overlaps, recording: theoryRecording, progress: progress, tracking: tracking?.theory),
                try network(config, initial: initial, recording: networkRecording, progress: progress, snapshots: snapshots,
                            threads: threads, tracking: tracking?.network),
                initial)
    }

    /// Trains with the engine, streaming the record and showing progress as observers.
    /// - Parameter also: further observers (vector snapshots).
    private static func record<L: Learner>(_ config: RunConfiguration, _ problem: LearningProblem<L.State>, _ learner: inout L,
                                           _ recording: Recording, label: String, progress: Bool,
                                           also: [TrainingObserver<L.State>] = []) throws -> (result: RunResult, state: L.State) {
        let recorder = try TrajectoryRecorder(layout: config.model.layout, file: recording.file, every: recording.every)
        let meter = Progress(label: label, total: config.epochs, enabled: progress)
        let start = Date()
        let solution = try train(problem, with: &learner, schedule: TrainingSchedule(epochs: config.epochs, learningRate: config.learningRate),
                                 observers: [.rows { epoch, loss, S in
                                     recorder.append(epoch: epoch, loss: loss, S: S)
                                     meter.update(epoch: epoch, loss: loss)
                                 }] + also)
        meter.finish()
        return (RunResult(trajectory: try recorder.finish(), outcome: solution.outcome, seconds: Date().timeIntervalSince(start)),
                solution.state)
    }
}
