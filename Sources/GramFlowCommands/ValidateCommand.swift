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
    @Option(help: "Number of neurons N of the network.")
    var neurons: Int = 500
    @Option(help: "Theory update: map (exact for linear φ) or flow.")
    var update: OverlapUpdate = .map
    @Option(help: "Local error tolerance of the flow's ODE solver.")
    var tolerance: Double = 1e-12

    func validate() throws {
        _ = try options.configuration(neurons: neurons, update: update, tolerance: tolerance)
        _ = try options.checkOutput(default: "gramflow-validate")
    }

    func run() throws {
        let config = try options.configuration(neurons: neurons, update: update, tolerance: tolerance)
        let path = try options.checkOutput(default: "gramflow-validate")
        try withOutputFolder(path) { folder in
            let network = try InitialState.network(config)
            let theory = try Runs.theory(config, initial: network.overlaps, progress: !options.quiet)
            let simulated = try Runs.network(config, initial: network, progress: !options.quiet)
            let theoryManifest = try RunWriter.write(theory, kind: "theory", config: config, discrete: config.update == .map,
                                                     into: folder, subfolder: "theory/", plot: options.plot)
            let networkManifest = try RunWriter.write(simulated, kind: "network", config: config, discrete: true,
                                                      into: folder, subfolder: "network/", plot: options.plot)
            let report = ValidationReport(config: config, theory: theory, network: simulated,
                                          theoryManifest: theoryManifest, networkManifest: networkManifest)
            try folder.write(report.markdown, to: "report.md")
            try folder.write(report.json, to: "report.json")
            try folder.write(report.deviationCSV, to: "deviation.csv")
            if options.plot {
                try Plotting.plotDeviation(in: folder.staging, title: "theory vs network, N = \(config.neurons)")
            }
            print("""
            validate \(config.task.rawValue), rank \(config.model.rank), N = \(config.neurons), \(config.epochs) epochs, η = \(config.learningRate):
              theory (\(config.update.rawValue)) \(short(theory.seconds)) s, network \(short(simulated.seconds)) s
              max |S_theory − S_network| = \(short(report.maxOverlapDeviation)) over \(report.epochsCompared) epochs and \(report.overlaps.count) overlaps
              max |L_theory − L_network| = \(short(report.maxLossDeviation))
              loss \(short(theoryManifest.initialLoss)) → \(short(theoryManifest.finalLoss))
              expected: \(report.expectation)
            wrote \(path)/report.md, report.json, deviation.csv, theory/, network/\(options.plot ? " and figures" : "")
            """)
            return [theory.outcome, simulated.outcome]
        }
    }
}
