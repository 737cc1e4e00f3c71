import Foundation
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import OverlapTheory

/// A finished (or stopped) run: its record, how it ended and how long it took.
public struct RunResult: Sendable {
    public var trajectory: Trajectory
    public var outcome: TrainingOutcome
    public var seconds: Double
}

/// Runs one configuration in overlap space or as a finite network.
public enum Runs {
    /// Integrates the overlap dynamics from S_0 (the map or the flow, per `config.update`),
    /// with the batches of `config.optimizer` (Adam is followed by GD: see `Optimizer`).
    public static func theory(_ config: RunConfiguration, initial S0: Matrix, progress: Bool = true) throws -> RunResult {
        let schedule = try config.makeBatchSchedule()
        let loss = try makeOverlapLoss(spec: config.model, batch: schedule.batch(epoch: 0))
        let trainer = TheoryTrainer(loss: loss, eta: config.learningRate, update: config.update,
                                    flowTolerance: config.flowTolerance)
        let fresh = config.optimizer.freshBatchEachEpoch
        return record(config, label: "theory", progress: progress) { observe in
            trainer.run(from: OverlapState(layout: config.model.layout, S: S0), epochs: config.epochs,
                        batches: fresh ? schedule.batch(epoch:) : nil, observe: observe)
        }
    }

    /// Trains the finite network with `config.optimizer` (GD and SGD at learning rate N·η).
    public static func network(_ config: RunConfiguration, initial: LowRankNetwork, progress: Bool = true) throws -> RunResult {
        let schedule = try config.makeBatchSchedule()
        var network = initial
        let trainer = NetworkTrainer(eta: config.learningRate, optimizer: config.optimizer)
        let fresh = config.optimizer.freshBatchEachEpoch
        return record(config, label: "network N=\(initial.neurons)", progress: progress) { observe in
            trainer.run(&network, batch: schedule.batch(epoch: 0), epochs: config.epochs,
                        batches: fresh ? schedule.batch(epoch:) : nil, observe: observe)
        }
    }

    /// A validation: the network and the theory, the theory started from the network's
    /// measured initial overlaps, so that only the dynamics can separate them.
    public static func both(_ config: RunConfiguration, progress: Bool = true) throws -> (theory: RunResult, network: RunResult) {
        let initial = try InitialState.network(config)
        return (try theory(config, initial: initial.overlaps, progress: progress),
                try network(config, initial: initial, progress: progress))
    }

    private static func record(_ config: RunConfiguration, label: String, progress: Bool,
                               _ body: ((Int, Double, Matrix) -> Void) -> TrainingOutcome) -> RunResult {
        var trajectory = Trajectory(layout: config.model.layout)
        let meter = Progress(label: label, total: config.epochs, enabled: progress)
        let start = Date()
        let outcome = body { epoch, loss, S in
            trajectory.append(epoch: epoch, loss: loss, S: S)
            meter.update(epoch: epoch, loss: loss)
        }
        meter.finish()
        return RunResult(trajectory: trajectory, outcome: outcome, seconds: Date().timeIntervalSince(start))
    }
}
