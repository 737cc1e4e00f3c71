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
    /// (gain 1) from the run's seed, untrained, on the run's task batch of epoch 0.
    public static func run(_ config: RunConfiguration, model kind: RecurrentModelKind, operators: [KPFlowOperator],
                           options: KPFlowSpectraOptions) throws -> KPFlowAnalysis {
        let batch = try config.makeBatchSchedule(theory: false).batch(epoch: 0)
        let random = SeedStreams.initialization(config.seed), N = config.neurons, m = config.model
        switch kind {
        case .dense:
            return try analyse(DenseRNN.gaussian(neurons: N, inputs: batch.inputs, outputs: batch.outputs, dt: m.dt, tau: m.tau,
                                                 nonlinearity: m.nonlinearity, random: random).forward(batch), operators, options)
        case .gru:
            return try analyse(GRUNetwork.gaussian(neurons: N, inputs: batch.inputs, outputs: batch.outputs, dt: m.dt,
                                                   random: random).forward(batch), operators, options)
        }
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
