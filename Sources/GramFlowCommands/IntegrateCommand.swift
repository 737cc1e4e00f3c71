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
    @Option(help: "map: exact discrete-GD map S ← (I−2ηG)S(I−2ηG); flow: gradient-flow ODE dS/dτ = −2η(GS+SG).")
    var update: OverlapUpdate = .map
    @Option(help: "Network size N at which the initial overlaps are sampled.")
    var neurons: Int = 500
    @Option(help: "Local error tolerance of the flow's ODE solver (absolute and relative).")
    var tolerance: Double = 1e-12

    func validate() throws {
        _ = try options.configuration(neurons: neurons, update: update, tolerance: tolerance)
        _ = try options.checkOutput(default: "gramflow-integrate")
    }

    func run() throws {
        let config = try options.configuration(neurons: neurons, update: update, tolerance: tolerance)
        let path = try options.checkOutput(default: "gramflow-integrate")
        try withOutputFolder(path) { folder in
            let result = try Runs.theory(config, initial: try InitialState.overlaps(config), progress: !options.quiet)
            let manifest = try RunWriter.write(result, kind: "theory", config: config, discrete: config.update == .map,
                                               into: folder, plot: options.plot)
            print("""
            theory (\(config.update.rawValue)): \(result.trajectory.count - 1) epochs in \(short(result.seconds)) s, \
            loss \(short(manifest.initialLoss)) → \(short(manifest.finalLoss)) [\(manifest.status)]
            \(invariantSummary(manifest))
            wrote \(path)/trajectory.csv, \(path)/run.json\(options.plot ? " and figures" : "")
            """)
            return [result.outcome]
        }
    }
}
