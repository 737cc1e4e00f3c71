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
    public static func theory(_ config: RunConfiguration, initial S0: Matrix, recording: Recording = .summaryOnly,
                              progress: Bool = true) throws -> RunResult {
        let schedule = try config.makeBatchSchedule()
        let loss = try makeOverlapLoss(spec: config.model, batch: schedule.batch(epoch: 0))
        let trainer = TheoryTrainer(loss: loss, eta: config.learningRate, update: config.update,
                                    flowTolerance: config.flowTolerance)
        let fresh = config.optimizer.freshBatchEachEpoch
        return try record(config, recording, label: "theory", progress: progress) { observe in
            trainer.run(from: OverlapState(layout: config.model.layout, S: S0), epochs: config.epochs,
                        batches: fresh ? schedule.batch(epoch:) : nil, observe: observe)
        }
    }

    /// Trains the finite network with `config.optimizer` (GD and SGD at learning rate N·η).
    /// `snapshots`, if given, receives the network at its epochs (`--save-vectors-every`).
    public static func network(_ config: RunConfiguration, initial: LowRankNetwork, recording: Recording = .summaryOnly,
                               progress: Bool = true, snapshots: VectorSnapshots? = nil) throws -> RunResult {
        let schedule = try config.makeBatchSchedule()
        var network = initial
        let trainer = NetworkTrainer(eta: config.learningRate, optimizer: config.optimizer)
        let fresh = config.optimizer.freshBatchEachEpoch
        var result = try record(config, recording, label: "network N=\(initial.neurons)", progress: progress) { observe in
            trainer.run(&network, batch: schedule.batch(epoch: 0), epochs: config.epochs,
                        batches: fresh ? schedule.batch(epoch:) : nil,
                        snapshot: snapshots.map { s in { epoch, net in s.observe(epoch: epoch, network: net) } },
                        observe: observe)
        }
        try snapshots?.finish()
        result.network = network
        return result
    }

    /// A validation: the network and the theory, the theory started from the network's
    /// measured initial overlaps, so that only the dynamics can separate them.
    public static func both(_ config: RunConfiguration, theory theoryRecording: Recording, network networkRecording: Recording,
                            progress: Bool = true, snapshots: VectorSnapshots? = nil) throws -> (theory: RunResult, network: RunResult) {
        let initial = try InitialState.network(config)
        return (try theory(config, initial: initial.overlaps, recording: theoryRecording, progress: progress),
                try network(config, initial: initial, recording: networkRecording, progress: progress, snapshots: snapshots))
    }

    private static func record(_ config: RunConfiguration, _ recording: Recording, label: String, progress: Bool,
                               _ body: ((Int, Double, Matrix) -> Void) -> TrainingOutcome) throws -> RunResult {
        let recorder = try TrajectoryRecorder(layout: config.model.layout, file: recording.file, every: recording.every)
        let meter = Progress(label: label, total: config.epochs, enabled: progress)
        let start = Date()
        let outcome = body { epoch, loss, S in
            recorder.append(epoch: epoch, loss: loss, S: S)
            meter.update(epoch: epoch, loss: loss)
        }
        meter.finish()
        return RunResult(trajectory: try recorder.finish(), outcome: outcome, seconds: Date().timeIntervalSince(start))
    }
}
