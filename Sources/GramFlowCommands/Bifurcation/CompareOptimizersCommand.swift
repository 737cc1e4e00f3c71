import ArgumentParser
import Foundation
import Studies

/// `gramflow bifurcation compare-optimizers`: GD beside the low-rank natural gradient near the pitchfork.
struct CompareOptimizersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare-optimizers",
        abstract: "Train a student near the pitchfork by GD and by the low-rank natural gradient at the same η.",
        discussion: "The student is at distance μ, the teacher at μ/2 (reaching it moves along the stiff, near-bifurcation direction); both optimisers start from the same student. Writes DIR/optimizers.csv and DIR/report.md (and DIR/optimizers.png with --plot).")

    @OptionGroup var network: PitchforkOptions
    @Option(name: .customLong("lr"), parsing: .unconditional, help: "Learning rate η (network step N·η).") var learningRate: Double = 1
    @Option(parsing: .unconditional, help: "Distance μ of the student (teacher at μ/2), in (0, 1).") var mu: Double = 0.02
    @Option(parsing: .unconditional, help: "Epochs of each optimiser.") var epochs: Int = 100
    @Option(parsing: .unconditional, help: "Constant input x of the trials.") var input: Double = 0.1
    @Option(parsing: .unconditional, help: "Time steps T of a trial (dt = 0.5, τ = 1).") var steps: Int = 40
    @OptionGroup var output: OutputOptions

    func validate() throws {
        try network.check()
        guard steps >= 1 else { throw ValidationError("--steps: must be at least 1 (got \(steps))") }
        try requireBifurcationMemory(neurons: network.neurons, compareSteps: steps)
        guard learningRate.isFinite && learningRate > 0 else { throw ValidationError("--lr: must be a positive number (got \(learningRate))") }
        guard mu > 0 && mu < 1 else { throw ValidationError("--mu: must lie in (0, 1) (got \(mu))") }
        guard epochs >= 1 else { throw ValidationError("--epochs: must be at least 1 (got \(epochs))") }
        _ = try output.checked(default: "gramflow-optimizers")
    }

    func run() throws {
        let out = try output.checked(default: "gramflow-optimizers")
        try withOutputFolder(out) { folder in
            let (student, batch) = OptimizerComparison.problem(neurons: network.neurons, seed: network.seed, mu: mu, input: input,
                                                               steps: steps, dt: 0.5)
            let r = try OptimizerComparison.run(student: student, batch: batch, eta: learningRate, epochs: epochs)
            try folder.write(OptimizerComparison.csv(r), to: "optimizers.csv")
            try folder.write("# Optimisers near the pitchfork\n" + OptimizerComparison.markdown(r, eta: learningRate, mu: mu,
                                                                                                   neurons: network.neurons, epochs: epochs),
                             to: "report.md")
            try folder.write(ClaimsRecord(title: "Optimisers near the pitchfork", claims: OptimizerComparison.claims(r, epochs: epochs)).json,
                             to: "claims.json")
            if output.plot { try Plotting.plotOptimizers(in: folder.staging, title: "GD and low-rank natural gradient, η = \(learningRate), μ = \(mu)") }
            guard !output.quiet else { return Finished() }
            return Finished(summary: """
            GD: loss \(short(r.gd.first)) → \(short(r.gd.last)) (\(r.gd.count) epochs); natural gradient: \(short(r.natural.first)) → \(short(r.natural.last)); seconds/epoch GD \(short(r.gdSecondsPerEpoch)), NG \(short(r.naturalSecondsPerEpoch))
            wrote \(out)/optimizers.csv, report.md\(output.plot ? ", optimizers.png" : "")
            """)
        }
    }
}
