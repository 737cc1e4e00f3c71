import ArgumentParser
import Foundation
import GramFlowCore
import Studies

extension RecurrentModelKind: ExpressibleByArgument {}

/// `gramflow multitask`: a dense RNN or a GRU on Memory/Delay Pro/Anti, with the
/// interference matrix and the hidden-state similarity tracked along training.
struct MultiTaskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "multitask",
        abstract: "Train a dense RNN or a GRU on Memory/Delay Pro/Anti; track the interference matrix and the hidden-state similarity.",
        discussion: "The four tasks of the KPFlow poster (Fig. 5) are trained at once. Every --track-every epochs: each task's loss, the interference matrix C_ij = <e_i, Θ e_j>/√(<e_i,Θe_i><e_j,Θe_j>) of the tasks' error signals (Θ = PKP*, the state-space NTK), its running mean C̄, and the cosine similarity S of the tasks' hidden states. Writes DIR/seed-S/tracking.csv (streamed), multitask.npz, the 4×4 tables of C̄ and S (first and last record), DIR/report.json and report.md (the Pro/Anti grouping onsets per seed); with --plot, seed-S/heatmaps.png and grouping.png. A study file runs the same with `study: multitask`.")

    @Option(help: "The model: dense (h ← (1−α)h + α(Wφ(h) + W_in x)) or gru.") var model: RecurrentModelKind = .gru
    @Option(parsing: .unconditional, help: "Number of neurons N.") var neurons: Int = 64
    @Option(parsing: .unconditional, help: "Trials per task B (angles 2πb/B; 4B trials per epoch).") var batch: Int = 8
    @Option(parsing: .unconditional, help: "Time step dt (dense: α = dt, τ = 1); T = 3.5/dt steps.") var dt: Double = 0.1
    @Option(help: "Nonlinearity φ of the dense RNN.") var phi: Nonlinearity = .tanh
    @Option(parsing: .unconditional, help: "Scale g of the recurrent weights (entries g ζ/√N).") var gain: Double = 1
    @Option(parsing: .unconditional, help: "Epochs.") var epochs: Int = 400
    @Option(name: .customLong("lr"), parsing: .unconditional, help: "Learning rate η (Adam: step per coordinate; GD: N·η).")
    var learningRate: Double = 2e-3
    @Option(help: "gd or adam.") var optimizer: Optimizer = .adam
    @Option(parsing: .unconditional, help: "Record C, C̄ and S every E epochs (and at the last).") var trackEvery: Int = 10
    @Option(parsing: .unconditional, help: "First seed.") var seed: UInt64 = 1
    @Option(parsing: .unconditional, help: "Number of seeds (seed, seed+1, …), trained one after the other.") var seeds: Int = 1
    @OptionGroup var output: OutputOptions

    var runConfiguration: MultiTaskConfiguration {
        var c = MultiTaskConfiguration()
        c.model = model; c.neurons = neurons; c.trialsPerTask = batch; c.dt = dt; c.phi = phi; c.gain = gain
        c.epochs = epochs; c.learningRate = learningRate; c.optimizer = optimizer; c.trackEvery = trackEvery
        c.seeds = (0..<UInt64(max(seeds, 0))).map { seed &+ $0 }
        return c
    }

    func validate() throws {
        guard seeds >= 1 else { throw ValidationError("--seeds: must be at least 1 (got \(seeds))") }
        do { try runConfiguration.check() } catch { throw ValidationError(usageMessage(error)) }
        _ = try output.checked(default: "gramflow-multitask")
    }

    func run() throws {
        let out = try output.checked(default: "gramflow-multitask")
        let config = runConfiguration
        try withOutputFolder(out) { folder in
            let report = try MultiTaskRun.run(config, in: folder.staging, plot: output.plot, progress: !output.quiet)
            guard !output.quiet else { return Finished(outcomes: report.outcomes) }
            return Finished(outcomes: report.outcomes, summary: report.summary(out: out, plot: output.plot))
        }
    }
}
