import Foundation
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import NumPyFiles

/// `gramflow kpflow` on a low-rank network: its KPFlow operators on the configuration's
/// task batch (the batch of the last epoch), the spectra, and the files.
public struct KPFlowAnalysis {
    public let spectra: [OperatorSpectrum]
    public let trials: Int, steps: Int, neurons: Int

    public static func run(_ config: RunConfiguration, network: LowRankNetwork, operators: [KPFlowOperator],
                           options: KPFlowSpectraOptions) throws -> KPFlowAnalysis {
        let batch = try Runs.problem(config, initial: network).batches(config.epochs)
        let ops = StateSpaceNTK(network: network, batch: batch)
        return KPFlowAnalysis(spectra: try ops.spectra(operators, options: options),
                              trials: ops.trials, steps: ops.steps, neurons: ops.neurons)
    }

    /// The same analysis on a dense RNN or a GRU (`RecurrentModelKind`): Gaussian weights
    /// (gain 1) from the run's seed, trained for the run's epochs through the engine
    /// (`RecurrentLearner`: gd, sgd or adam, the run's task batches), then analysed on the
    /// batch of its last epoch, as for the low-rank network. Returns the training outcome too
    /// (nil without epochs).
    public static func run(_ config: RunConfiguration, model kind: RecurrentModelKind, operators: [KPFlowOperator],
                           options: KPFlowSpectraOptions, progress: Bool) throws -> (analysis: KPFlowAnalysis, outcome: TrainingOutcome?) {
        let schedule = try config.makeBatchSchedule(theory: false)
        let random = SeedStreams.initialization(config.seed), N = config.neurons, m = config.model
        let first = schedule.batch(epoch: 0)
        switch kind {
        case .dense:
            return try trainAndAnalyse(DenseRNN.gaussian(neurons: N, inputs: first.inputs, outputs: first.outputs, dt: m.dt, tau: m.tau,
                                                         nonlinearity: m.nonlinearity, random: random),
                                       config, schedule, operators, options, progress)
        case .gru:
            return try trainAndAnalyse(GRUNetwork.gaussian(neurons: N, inputs: first.inputs, outputs: first.outputs, dt: m.dt, random: random),
                                       config, schedule, operators, options, progress)
        }
    }

    private static func trainAndAnalyse<Model: RecurrentModel>(_ model: Model, _ config: RunConfiguration, _ schedule: BatchSchedule,
                                                               _ operators: [KPFlowOperator], _ options: KPFlowSpectraOptions,
                                                               _ progress: Bool) throws -> (analysis: KPFlowAnalysis, outcome: TrainingOutcome?) {
        var trained = model, outcome: TrainingOutcome?
        if config.epochs > 0 {
            var learner = RecurrentLearner<Model>(optimizer: config.optimizer)
            let bar = Progress(label: "network N=\(model.neurons)", total: config.epochs, enabled: progress)
            let solution = try train(LearningProblem(model: config.model, initial: model, batches: schedule.batch(epoch:)), with: &learner,
                                     schedule: TrainingSchedule(epochs: config.epochs, learningRate: config.learningRate),
                                     observers: [TrainingObserver<Model> { record, _ in bar.update(epoch: record.epoch, loss: record.loss) }])
            bar.finish()
            trained = solution.state; outcome = solution.outcome
        }
        return (try analyse(trained.forward(schedule.batch(epoch: config.epochs)), operators, options), outcome)
    }

    private static func analyse<Operators: RecurrentOperators>(_ ops: Operators, _ operators: [KPFlowOperator],
                                                               _ options: KPFlowSpectraOptions) throws -> KPFlowAnalysis {
        KPFlowAnalysis(spectra: try ops.spectra(operators, options: options), trials: ops.trials, steps: ops.steps, neurons: ops.neurons)
    }

    /// The parameters that move h: N·(K + 2R) for the low-rank network, N·(N + K) for the
    /// dense RNN, 3(NK + N² + N) + N for the GRU.
    public static func movingParameters(_ config: RunConfiguration, model kind: RecurrentModelKind?) -> Int {
        let N = config.neurons, K = config.model.inputs
        switch kind {
        case nil: return N * (K + 2 * config.model.rank)
        case .dense: return N * (N + K)
        case .gru: return 3 * (N * K + N * N + N) + N
        }
    }

    /// spectrum.csv, effective-rank.csv, curves.csv, kpflow.npz and, with `plot`, the figures.
    public func write(into folder: OutputFolder, plot: Bool) throws {
        try folder.write(KPFlowReport.spectrumCSV(spectra), to: "spectrum.csv")
        try folder.write(KPFlowReport.rankCSV(spectra), to: "effective-rank.csv")
        try folder.write(KPFlowReport.curvesCSV(spectra), to: "curves.csv")
        try NPZArchive.write(KPFlowReport.arrays(spectra, trials: trials, steps: steps, neurons: neurons),
                             to: folder.path("kpflow.npz"))
        if plot {
            try Plotting.plotKPFlow(in: folder.staging, operators: spectra.map(\.kind.rawValue),
                                    title: "KPFlow spectra, N = \(neurons), B = \(trials), T = \(steps)")
        }
    }

    /// The run's memory plus the analysis, in state tensors of B·(T+1)·N doubles: the stored
    /// trajectory (φ, φ′, h: 3), the eigenfunctions kept per operator, 10 for the products in
    /// flight (an argument, its copies in P and P*, Jθ's output, an eigenfunction and its Θu)
    /// and the freed ones `LargeBlockReuse` keeps for reuse (measured: 16 tensors at the peak
    /// with 3 kept, `MemoryEstimateTests`), and for P its Krylov / sketch vectors; plus the
    /// Krylov vectors on the parameter side (n_θ each; a dense RNN's or GRU's N² weights
    /// themselves are smaller than these).
    public static func memory(_ config: RunConfiguration, model kind: RecurrentModelKind? = nil, operators: [KPFlowOperator],
                              options o: KPFlowSpectraOptions) -> MemoryEstimate {
        var estimate = MemoryEstimate(config, run: .network)
        let B = config.taskOptions.trials ?? config.task.defaultTrials, T = config.steps, N = config.neurons
        let tensor = MemoryEstimate.doubles(B, T + 1, N) ?? .max
        let krylov = o.method == .lanczos ? (o.steps ?? max(2 * o.count + 20, 40)) : o.count + 10
        let stateVectors = 3 + 10 + operators.count * o.eigenfunctions + (operators.contains(.propagation) ? krylov + 2 : 0)
        let parameterVectors = (krylov + o.count + 3) * movingParameters(config, model: kind)
        estimate.add("KPFlow tensors", tensor.multipliedReportingOverflow(by: stateVectors).overflow ? nil : tensor * stateVectors,
                     [.neurons, .steps, .batch])
        estimate.add("KPFlow parameter vectors", MemoryEstimate.doubles(parameterVectors), [.neurons])
        return estimate
    }
}
