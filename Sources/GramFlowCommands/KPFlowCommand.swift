import ArgumentParser
import Foundation
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import NumPyFiles
import Studies

extension SpectralMethod: ExpressibleByArgument {}
extension KPFlowOperator: ExpressibleByArgument {}

/// `gramflow kpflow`: the KPFlow operators' spectra of a (trained) network on its task batch.
struct KPFlowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kpflow",
        abstract: "Spectra of the KPFlow operators P, K, Θ = PKP* (state-space NTK) and JᵀJ (parameter-side NTK), matrix-free.",
        discussion: """
        Builds the network as `simulate` does (Gaussian vectors from --seed, or --vectors FILE.npz), trains it for --epochs \
        (0: analyse the initial network), then on the task batch computes the top --modes eigenvalues of each operator \
        (singular values for P) by Lanczos or randomized SVD, their true residuals, the effective rank (participation ratio \
        (tr A)²/tr A² and modes for 95% of tr A; traces exact when the parameter side has at most --trace-products \
        coordinates, else Hutch++) and the eigenfunctions. Writes DIR/spectrum.csv, effective-rank.csv, curves.csv, \
        kpflow.npz (<op>_values, <op>_eigenfunctions of shape (mode, batch, time, neuron), …) and, with --plot, \
        spectrum.png and explained.png.
        """)

    @OptionGroup var options: RunOptions
    @Option(help: "Network: the low-rank network when absent, or dense (h ← (1−α)h + α(Wφ(h) + W_in x)) or gru, with Gaussian weights from --seed, trained for --epochs with gd, sgd or adam.")
    var model: RecurrentModelKind?
    @Option(parsing: .unconditional, help: "Number of neurons N (ignored with --vectors).")
    var neurons: Int = 500
    @Option(help: ArgumentHelp("Operators to analyse (comma-separated): P, K, ntk, parameter-ntk.", valueName: "op[,op…]"),
            transform: { try parseList($0, option: "operators", KPFlowOperator.init(rawValue:)) })
    var operators: [KPFlowOperator] = KPFlowOperator.allCases
    @Option(parsing: .unconditional, help: "Number k of top eigenvalues per operator.")
    var modes: Int = 10
    @Option(help: "Eigensolver: lanczos or randomized (Halko–Martinsson–Tropp with power iterations).")
    var method: SpectralMethod = .lanczos
    @Option(parsing: .unconditional, help: ArgumentHelp("Lanczos steps (default max(2k + 20, 40)) or randomized power iterations (default 4).", valueName: "n"))
    var iterations: Int?
    @Option(parsing: .unconditional, help: "Eigenfunctions written per operator to kpflow.npz.")
    var eigenfunctions: Int = 3
    @Option(name: .customLong("trace-products"), parsing: .unconditional, help: "Products per Hutch++ trace estimate (exact traces when the dimension is no larger).")
    var traceProducts: Int = 60

    func validate() throws {
        try options.requireMemory(neurons: [neurons], theory: nil, run: .network)
        let (config, _) = try options.resolved(neurons: neurons, defaultOut: "gramflow-kpflow")
        guard modes >= 1 else { throw ValidationError("--modes: must be at least 1 (got \(modes))") }
        guard eigenfunctions >= 0 && eigenfunctions <= modes else {
            throw ValidationError("--eigenfunctions: must lie in 0...--modes (\(modes)) (got \(eigenfunctions))")
        }
        guard traceProducts >= 3 else { throw ValidationError("--trace-products: must be at least 3 (got \(traceProducts))") }
        if let iterations, iterations < (method == .lanczos ? modes : 0) {
            throw ValidationError("--iterations: Lanczos needs at least --modes (\(modes)) steps, the randomized method at least 0 power iterations (got \(iterations))")
        }
        guard !operators.isEmpty else { throw ValidationError("--operators: name at least one of P, K, ntk, parameter-ntk") }
        if let model {
            guard config.optimizer != .natural else {
                throw ValidationError("--optimizer: the natural gradient is built for the low-rank network only; use gd, sgd or adam with --model \(model.rawValue)")
            }
            guard options.dataOptions.vectors == nil else {
                throw ValidationError("--model \(model.rawValue): --vectors holds a low-rank network's m, u, v, z; remove --vectors or --model")
            }
        }
        do { try KPFlowAnalysis.memory(config, model: model, operators: operators, options: spectraOptions(config)).check() } catch {
            throw ValidationError(usageMessage(error))
        }
    }

    func spectraOptions(_ config: RunConfiguration) -> KPFlowSpectraOptions {
        KPFlowSpectraOptions(count: modes, method: method, steps: iterations, eigenfunctions: eigenfunctions,
                             traceProducts: traceProducts, seed: config.seed)
    }

    func run() throws {
        LargeBlockReuse.enable()
        let (config, path) = try options.resolved(neurons: neurons, defaultOut: "gramflow-kpflow")
        if let model { return try runRecurrent(model, config, path) }
        try withOutputFolder(path) { folder in
            var network = try InitialState.network(config)
            var outcomes: [TrainingOutcome] = []
            if config.epochs > 0 {
                let result = try Runs.network(config, initial: network, recording: RunWriter.recording(in: folder, every: options.recordEvery),
                                              progress: !options.output.quiet, snapshots: try options.dataOptions.snapshots(in: folder),
                                              tracking: try options.tracker(config, in: folder, theory: false))
                network = result.network ?? network
                outcomes.append(result.outcome)
                _ = try options.dataOptions.saveFinalVectors(result, into: folder)
            }
            let analysis = try KPFlowAnalysis.run(config, network: network, operators: operators, options: spectraOptions(config))
            try analysis.write(into: folder, plot: options.output.plot)
            guard !options.output.quiet else { return Finished(outcomes: outcomes) }
            return Finished(outcomes: outcomes, summary: """
            KPFlow of N = \(network.neurons), B = \(analysis.trials), T = \(analysis.steps) after \(config.epochs) epochs (\(method.rawValue), k = \(modes)):
            \(KPFlowReport.lines(analysis.spectra).joined(separator: "\n"))
            wrote \(path)/spectrum.csv, effective-rank.csv, curves.csv, kpflow.npz\(options.output.plot ? ", spectrum.png, explained.png" : "")
            """)
        }
    }

    /// `--model dense|gru`: the (trained) model's spectra, the same files.
    private func runRecurrent(_ model: RecurrentModelKind, _ config: RunConfiguration, _ path: String) throws {
        try withOutputFolder(path) { folder in
            let (analysis, outcome) = try KPFlowAnalysis.run(config, model: model, operators: operators, options: spectraOptions(config),
                                                             progress: !options.output.quiet)
            try analysis.write(into: folder, plot: options.output.plot)
            let outcomes = outcome.map { [$0] } ?? []
            guard !options.output.quiet else { return Finished(outcomes: outcomes) }
            return Finished(outcomes: outcomes, summary: """
            KPFlow of a \(model == .gru ? "GRU" : "dense RNN"), N = \(analysis.neurons), B = \(analysis.trials), T = \(analysis.steps) after \(config.epochs) epochs (\(method.rawValue), k = \(modes)):
            \(KPFlowReport.lines(analysis.spectra).joined(separator: "\n"))
            wrote \(path)/spectrum.csv, effective-rank.csv, curves.csv, kpflow.npz\(options.output.plot ? ", spectrum.png, explained.png" : "")
            """)
        }
    }
}
