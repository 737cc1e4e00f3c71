import Foundation
import GramFlowCore
import GramFlowNumerics
import OverlapTheory

/// How one phase ended for one learner.
public struct PhaseEnd: Codable, Equatable, Sendable {
    public var startLoss: Double
    public var endLoss: Double
    /// The overlaps at the end of the phase, in `VectorLayout.overlapPairs` order.
    public var overlaps: [Double]
    /// η after the phase's learning-rate rules.
    public var finalLearningRate: Double
    public var completed: Bool
}

/// Trains one learner through one phase and records every epoch.
enum PhaseRunner {
    /// Epochs e = 0..E: the loss of S_e (row e), then a GD step with the current η
    /// unless e = E. A rule fires once, at the first epoch whose loss is below its
    /// threshold, dividing η for the following steps. Stops at a non-finite loss.
    /// - Parameter row: called with (epoch in phase, loss, S_e).
    static func run(_ learner: PhaseLearner, spec: StudySpec, phase i: Int,
                    row: (Int, Double, Matrix) throws -> Void) throws -> PhaseEnd {
        let phase = spec.phases[i]
        let batches = try PhaseBatches(spec: spec, phase: i)
        var eta = phase.lr
        var fired = Array(repeating: false, count: phase.rules.count)
        var startLoss = Double.nan, endLoss = Double.nan
        for epoch in 0...phase.epochs {
            let last = epoch == phase.epochs
            let S = learner.overlaps
            for (j, rule) in phase.rules.enumerated() where !fired[j] && endLoss < rule.below {
                fired[j] = true; eta /= rule.divideBy  // the previous epoch's loss crossed it
            }
            let loss = learner.lossThenStep(batch: batches.batch(epoch: epoch), eta: last ? nil : eta)
            if epoch == 0 { startLoss = loss }
            endLoss = loss
            try row(epoch, loss, S)
            guard loss.isFinite else {
                return PhaseEnd(startLoss: startLoss, endLoss: loss, overlaps: values(S, spec), finalLearningRate: eta, completed: false)
            }
        }
        return PhaseEnd(startLoss: startLoss, endLoss: endLoss, overlaps: values(learner.overlaps, spec),
                        finalLearningRate: eta, completed: true)
    }

    static func values(_ S: Matrix, _ spec: StudySpec) -> [Double] {
        spec.model.spec.layout.overlapPairs.map { S[$0.0, $0.1] }
    }
}
