import ArgumentParser
import Foundation
import GramFlowCore
import OverlapTheory
import Studies

/// `gramflow validate`: theory and finite network from the same initial overlaps.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Run the theory and a finite network from the same initial overlaps and report their deviation.",
        discussion: "Writes DIR/theory/, DIR/network/, DIR/report.md, DIR/report.json and DIR/deviation.csv.")

    @OptionGroup var options: RunOptions
    @OptionGroup var theory: TheoryOptions
    @Option(help: "Number of neurons N of the network.")
    var neurons: Int = 500

    func validate() throws {
        _ = try options.resolved(neurons: neurons, theory: theory, defaultOut: "gramflow-validate")
    }

    func run() throws {
        let (config, path) = try options.resolved(neurons: neurons, theory: theory, defaultOut: "gramflow-validate")
        try withOutputFolder(path) { folder in
            let network = try InitialState.network(config)
            let theoryResult = try Runs.theory(config, initial: network.overlaps, progress: !options.quiet)
            let simulated = try Runs.network(config, initial: network, progress: !options.quiet)
            let theoryManifest = try RunWriter.write(theoryResult, kind: "theory", config: config, discrete: config.update == .map,
                                                     into: folder, subfolder: "theory/", plot: options.plot)
            let networkManifest = try RunWriter.write(simulated, kind: "network", config: config, discrete: true,
                                                      into: folder, subfolder: "network/", plot: options.plot)
            let report = ValidationReport(config: config, theory: theoryResult, network: simulated,
                                          theoryManifest: theoryManifest, networkManifest: networkManifest)
            try folder.write(report.markdown, to: "report.md")
            try folder.write(report.json, to: "report.json")
            try folder.write(report.deviationCSV, to: "deviation.csv")
            if options.plot {
                try Plotting.plotDeviation(in: folder.staging, title: "theory vs network, N = \(config.neurons)")
            }
            print("""
            validate \(config.task.rawValue), rank \(config.model.rank), N = \(config.neurons), \(config.epochs) epochs, η = \(config.learningRate):
              theory (\(config.update.rawValue)) \(short(theoryResult.seconds)) s, network \(short(simulated.seconds)) s
              max |S_theory − S_network| = \(short(report.maxOverlapDeviation)) over \(report.epochsCompared) epochs and \(report.overlaps.count) overlaps
              max |L_theory − L_network| = \(short(report.maxLossDeviation))
              loss \(short(theoryManifest.initialLoss)) → \(short(theoryManifest.finalLoss))
              expected: \(report.expectation)
            wrote \(path)/report.md, report.json, deviation.csv, theory/, network/\(options.plot ? " and figures" : "")
            """)
            return [theoryResult.outcome, simulated.outcome]
        }
    }
}
