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
        discussion: "One run writes DIR/theory/, DIR/network/, DIR/report.md, DIR/report.json and DIR/deviation.csv. A sweep (several --neurons, --seeds > 1 or --lr-sweep) runs every (η, N, seed) point and writes DIR/sweep.csv, DIR/scaling.csv, DIR/report.md and DIR/report.json: the deviation against N with the fitted exponent of deviation ∝ N^b per seed and its spread.")

    @OptionGroup var options: RunOptions
    @OptionGroup var theory: TheoryOptions
    @Option(parsing: .unconditional, help: ArgumentHelp("Number of neurons N, or a comma-separated list for a sweep (250,500,1000).", valueName: "N[,N…]"),
            transform: { try parseList($0, option: "neurons", Int.init) })
    var neurons: [Int] = [500]
    @Option(parsing: .unconditional, help: "Number of seeds per point (seed, seed+1, …).")
    var seeds: Int = 1
    @Option(name: .customLong("lr-sweep"), parsing: .unconditional, help: ArgumentHelp("Learning rates to sweep instead of --lr (comma-separated).", valueName: "η[,η…]"),
            transform: { try parseList($0, option: "lr-sweep", Double.init) })
    var learningRates: [Double]?

    func validate() throws {
        try options.requireMemory(neurons: neurons, theory: theory, run: .validation, concurrent: isSweep ? 2 : 1)
        for n in neurons { _ = try options.resolved(neurons: n, theory: theory, defaultOut: "gramflow-validate") }
        guard seeds >= 1 else { throw ValidationError("--seeds: must be at least 1 (got \(seeds))") }
        if isSweep, options.dataOptions.vectors != nil || options.dataOptions.saveVectors || options.dataOptions.saveVectorsEvery != nil {
            throw ValidationError("--vectors/--save-vectors: a sweep trains many networks; run one point (one --neurons, one seed, no --lr-sweep) to bring or save vectors")
        }
        if isSweep, options.trackNTKEvery != nil {
            throw ValidationError("--track-ntk-every: a sweep trains many networks; run one point (one --neurons, one seed, no --lr-sweep) to track the sNTK")
        }
        if let rates = learningRates, let bad = rates.first(where: { !($0.isFinite && $0 > 0) }) {
            throw ValidationError("--lr-sweep: every learning rate must be a positive number (got \(bad))")
        }
    }

    /// `--track-ntk-every`: the theory's and the network's recorders.
    private func trackers(_ config: RunConfiguration, _ folder: OutputFolder) throws
        -> (theory: EffectiveRankTracker, network: EffectiveRankTracker)? {
        guard let theory = try options.tracker(config, in: folder, theory: true),
              let network = try options.tracker(config, in: folder, theory: false) else { return nil }
        return (theory, network)
    }

    private var isSweep: Bool { neurons.count > 1 || seeds > 1 || learningRates != nil }

    func run() throws {
        let (config, path) = try options.resolved(neurons: neurons[0], theory: theory, defaultOut: "gramflow-validate")
        if isSweep { return try runSweep(config, path: path) }
        try withOutputFolder(path) { folder in
            let every = options.recordEvery
            let (theoryResult, simulated, initial) = try Runs.both(config, theory: RunWriter.recording(in: folder, subfolder: "theory/", every: every),
                                                          network: RunWriter.recording(in: folder, subfolder: "network/", every: every),
                                                          progress: !options.output.quiet, snapshots: try options.dataOptions.snapshots(in: folder),
                                                          tracking: try trackers(config, folder))
            let vectors = try options.dataOptions.saveFinalVectors(simulated, into: folder)
            let traces = try writeOutputTraces(config, into: folder, theory: (initial.overlaps, finalOverlaps(theoryResult)),
                                               network: (initial, simulated.network ?? initial))
            let theoryManifest = try RunWriter.write(theoryResult, kind: "theory", config: config, discrete: config.update.isDiscrete,
                                                     into: folder, subfolder: "theory/", plot: options.output.plot)
            let networkManifest = try RunWriter.write(simulated, kind: "network", config: config, discrete: true,
                                                      into: folder, subfolder: "network/", plot: options.output.plot)
            let deviation = try TrajectoryDeviation(folder.path("theory/trajectory.csv"), folder.path("network/trajectory.csv"),
                                                    deviationFile: folder.path("deviation.csv"))
            let report = ValidationReport(config: config, theory: theoryResult, network: simulated, deviation: deviation,
                                          theoryManifest: theoryManifest, networkManifest: networkManifest)
            try folder.write(report.markdown, to: "report.md")
            try folder.write(report.json, to: "report.json")
            if options.output.plot {
                try Plotting.plotDeviation(in: folder.staging, title: "theory vs network, N = \(config.neurons)")
                try Plotting.plotOverlay(in: folder.staging, layout: config.model.layout, visibility: Visibility(spec: config.model),
                                         title: "\(config.task.rawValue), rank \(config.model.rank), N = \(config.neurons)")
            }
            try plotOutputTraces(traces, config, into: folder, plot: options.output.plot)
            return Finished(outcomes: [theoryResult.outcome, simulated.outcome], summary: """
            validate \(config.task.rawValue), rank \(config.model.rank), N = \(config.neurons), \(config.epochs) epochs, η = \(config.learningRate):
              theory (\(config.update.rawValue)) \(short(theoryResult.seconds)) s, network \(short(simulated.seconds)) s
              max |S_theory − S_network| = \(short(report.maxOverlapDeviation)) over \(report.epochsCompared) epochs and \(report.overlaps.count) overlaps
              max |L_theory − L_network| = \(short(report.maxLossDeviation))
              loss \(short(theoryManifest.initialLoss)) → \(short(theoryManifest.finalLoss))
              expected: \(report.expectation)
            wrote \(path)/report.md, report.json, deviation.csv, outputs.npz, theory/, network/\(options.trackNTKEvery == nil ? "" : ", ntk-ranks.csv, reduced-ntk-ranks.csv")\(vectors.map { ", \($0)" }.joined())\(options.output.plot ? " and figures" : "")
            """)
        }
    }

    /// Every (η, N, seed) point, then the scaling report.
    private func runSweep(_ base: RunConfiguration, path: String) throws {
        let rates = learningRates ?? [base.learningRate]
        let quiet = options.output.quiet
        var failed: [SweepPoint] = []
        try withOutputFolder(path) { folder in
            let start = Date()
            let points = try Sweep.run(base: base, neurons: neurons, learningRates: rates, seeds: seeds,
                                       work: folder.path(".points")) { point, done, total in
                guard !quiet else { return }
                printError("[sweep \(done)/\(total)] N = \(point.neurons), η = \(point.learningRate), seed \(point.seed): max |Δσ| = \(short(point.maxOverlapDeviation)), max |ΔL| = \(short(point.maxLossDeviation))")
            }
            let report = ScalingReport(base: base, points: points)
            try folder.write(report.markdown, to: "report.md")
            try folder.write(report.json, to: "report.json")
            try folder.write(report.pointsCSV, to: "sweep.csv")
            try folder.write(report.rowsCSV, to: "scaling.csv")
            if options.output.plot {
                try Plotting.plotScaling(in: folder.staging, learningRates: rates,
                                         title: "\(base.task.rawValue), φ = \(base.model.nonlinearity.rawValue): theory vs network")
            }
            try? FileManager.default.removeItem(at: folder.path(".points"))
            var summary = "sweep of \(points.count) points in \(short(Date().timeIntervalSince(start))) s\n"
            for e in report.exponents {
                summary += "  η = \(e.learningRate), \(e.metric): deviation ∝ N^b, b = \(short(e.spread.mean)) ± \(short(e.spread.standardDeviation)) over \(e.spread.count) seed(s)\n"
            }
            summary += "wrote \(path)/report.md, report.json, sweep.csv, scaling.csv\(options.output.plot ? " and figures" : "")"
            failed = points.filter { !$0.completed }
            return Finished(summary: summary)
        }
        // The report is written and excludes them from the fits; a run that lost points still fails.
        guard failed.isEmpty else {
            for p in failed {
                printError("error: N = \(p.neurons), η = \(p.learningRate), seed \(p.seed) did not complete (theory \(p.theoryStatus), network \(p.networkStatus)); see \(path)/sweep.csv")
            }
            throw ExitCode.failure
        }
    }
}

/// "250,500,1000" → [250, 500, 1000]; the error names the option.
func parseList<T>(_ text: String, option: String, _ parse: (String) -> T?) throws -> [T] {
    let items = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    let values = items.compactMap(parse)
    guard !items.isEmpty, values.count == items.count else {
        throw ValidationError("--\(option): expected a comma-separated list of numbers (got '\(text)')")
    }
    return values
}
