import ArgumentParser
import Foundation
import GramFlowCore
import OverlapTheory
import Studies

/// `gramflow simulate`: a finite network trained for real.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Train a finite low-rank network by gradient descent and record its overlaps every epoch.")

    @OptionGroup var options: RunOptions
    @Option(parsing: .unconditional, help: "Number of neurons N.")
    var neurons: Int = 500

    func validate() throws {
        try options.requireMemory(neurons: [neurons], theory: nil, run: .network)
        _ = try options.resolved(neurons: neurons, defaultOut: "gramflow-simulate")
    }

    func run() throws {
        let (config, path) = try options.resolved(neurons: neurons, defaultOut: "gramflow-simulate")
        try withOutputFolder(path) { folder in
            let initial = try InitialState.network(config)
            let result = try Runs.network(config, initial: initial,
                                          recording: RunWriter.recording(in: folder, every: options.recordEvery), progress: !options.output.quiet,
                                          snapshots: try options.dataOptions.snapshots(in: folder),
                                          tracking: try options.tracker(config, in: folder, theory: false))
            let vectors = try options.dataOptions.saveFinalVectors(result, into: folder)
            let traces = try writeOutputTraces(config, into: folder, network: (initial, result.network ?? initial))
            let manifest = try RunWriter.write(result, kind: "network", config: config, discrete: true,
                                               into: folder, plot: options.output.plot)
            try plotOutputTraces(traces, config, into: folder, plot: options.output.plot)
            return Finished(outcomes: [result.outcome], summary: """
            network N=\(config.neurons): \(result.trajectory.epochsObserved - 1) epochs in \(short(result.seconds)) s, \
            loss \(short(manifest.initialLoss)) → \(short(manifest.finalLoss)) [\(manifest.status)]
            \(invariantSummary(manifest))
            wrote \(path)/trajectory.csv, \(path)/run.json, \(path)/outputs.npz\(options.trackNTKEvery == nil ? "" : ", \(path)/ntk-ranks.csv")\(vectors.map { ", \(path)/\($0)" }.joined())\(options.output.plot ? " and figures" : "")
            """)
        }
    }
}
