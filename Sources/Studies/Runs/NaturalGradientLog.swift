import Foundation
import GramFlowCore
import NetworkSimulation

/// natural-gradient.csv, streamed beside a network run's trajectory.csv under
/// `--optimizer natural`: per step the top-k sNTK eigenvalues, ε, the largest relative
/// residual ‖JᵀJ v − λ v‖/λ of the kept subspace, the warm iterations and whether it
/// was solved afresh (the subspace had rotated); iterations 0 without a full solve marks a
/// step that reused the last refresh (its residual is the last one measured).
final class NaturalGradientLog {
    private let file: StreamingFile?
    private let method: NaturalGradient

    /// nil unless the configuration trains with the natural gradient.
    init?(_ config: RunConfiguration, next trajectory: URL?) throws {
        guard config.optimizer == .natural else { return nil }
        method = NaturalGradient(epsilon: config.damping, modes: config.modes)
        file = try trajectory.map { try StreamingFile($0.deletingLastPathComponent().appendingPathComponent("natural-gradient.csv")) }
        try file?.write("epoch," + (1...config.modes).map { "lambda_\($0)" }.joined(separator: ",")
                        + ",epsilon,residual,iterations,full_solve\n")
    }

    /// The learner, writing a row per step.
    var learner: NaturalGradientLearner {
        NaturalGradientLearner(method) { [file] epoch, d in
            let numbers = (d.eigenvalues + [d.epsilon, d.residual]).map { "\($0)" }.joined(separator: ",")
            try file?.write("\(epoch),\(numbers),\(d.iterations),\(d.fullSolve ? 1 : 0)\n")
        }
    }

    func close() throws { try file?.close() }
}
