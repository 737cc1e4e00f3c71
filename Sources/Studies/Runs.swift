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
    /// Integrates the overlap dynamics from S_0 (the map or the flow, per `config.update`).
    public static func theory(_ config: RunConfiguration, initial S0: Matrix, progress: Bool = true) throws -> RunResult {
        let loss = try makeOverlapLoss(spec: config.model, batch: try config.makeBatch())
        let trainer = TheoryTrainer(loss: loss, eta: config.learningRate, update: config.update,
                                    flowTolerance: config.flowTolerance)
        return record(config, label: "theory", progress: progress) { observe in
            trainer.run(from: OverlapState(layout: config.model.layout, S: S0), epochs: config.epochs, observe: observe)
        }
    }

    /// Trains the finite network by plain gradient descent with learning rate N·η.
    public static func network(_ config: RunConfiguration, initial: LowRankNetwork, progress: Bool = true) throws -> RunResult {
        let batch = try config.makeBatch()
        var network = initial
        let trainer = NetworkTrainer(eta: config.learningRate)
        return record(config, label: "network N=\(initial.neurons)", progress: progress) { observe in
            trainer.run(&network, batch: batch, epochs: config.epochs, observe: observe)
        }
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
