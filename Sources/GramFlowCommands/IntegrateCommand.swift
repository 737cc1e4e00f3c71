import ArgumentParser
import Foundation
import GramFlowCore
import OverlapTheory
import Studies

/// `gramflow integrate`: the closed overlap dynamics.
struct IntegrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "integrate",
        abstract: "Integrate the overlap dynamics (theory) and write trajectory.csv and run.json.",
        discussion: "The initial overlaps are those of Gaussian vectors of norm √N drawn from the seed (--neurons N), or --overlaps FILE.")

    @OptionGroup var options: RunOptions
    @OptionGroup var theory: TheoryOptions
    @Option(parsing: .unconditional, help: "Network size N at which the initial overlaps are sampled.")
    var neurons: Int = 500

    func validate() throws {
        try options.requireMemory(neurons: [neurons], theory: theory, run: .theory)
        let (config, _) = try options.resolved(neurons: neurons, theory: theory, network: false, defaultOut: "gramflow-integrate")
        do { try config.requireTheoryCanFollowOptimizer() } catch { throw ValidationError(usageMessage(error)) }
    }

    func run() throws {
        let (config, path) = try options.resolved(neurons: neurons, theory: theory, network: false, defaultOut: "gramflow-integrate")
        try withOutputFolder(path) { folder in
            let start = try InitialState.overlaps(config)
            let result = try Runs.theory(config, initial: start,
                                         recording: RunWriter.recording(in: folder, every: options.recordEvery), progress: !options.output.quiet,
                                         tracking: try options.tracker(config, in: folder, theory: true))
            let traces = try writeOutputTraces(config, into: folder, theory: (start, finalOverlaps(result)))
            let manifest = try RunWriter.write(result, kind: "theory", config: config, discrete: config.update.isDiscrete,
                                               into: folder, plot: options.output.plot)
            try plotOutputTraces(traces, config, into: folder, plot: options.output.plot)
            return Finished(outcomes: [result.outcome], summary: """
            theory (\(config.update.rawValue)): \(result.trajectory.epochsObserved - 1) epochs in \(short(result.seconds)) s, \
            loss \(short(manifest.initialLoss)) → \(short(manifest.finalLoss)) [\(manifest.status)]
            \(invariantSummary(manifest))
            wrote \(path)/trajectory.csv, \(path)/run.json, \(path)/outputs.npz\(options.trackNTKEvery == nil ? "" : ", \(path)/reduced-ntk-ranks.csv")\(options.output.plot ? " and figures" : "")
            """)
        }
    }
}
