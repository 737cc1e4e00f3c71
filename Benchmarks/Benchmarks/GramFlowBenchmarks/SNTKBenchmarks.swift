// sNTK hot paths (issue 6): the top-10 eigenvalues of the state-space NTK of a
// rank-1 erf network at N = 1000, batch 20, T = 90 (Lanczos on JᵀJ, 40 steps, each
// one forward-sensitivity and one backward pass), with the residual ‖Θu − λu‖ of each
// pair printed once; and one GD epoch beside one low-rank natural-gradient epoch
// (k = 1) on the same problem, for the overhead per epoch.
import Benchmark
import Foundation
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation

func sntkBenchmarks() {
    let spec = ModelSpec(inputs: 1, rank: 1, outputs: 1, dt: 0.1, nonlinearity: .erf)
    let neurons = 1000, trials = 20, steps = 90
    let random = RandomSource(seed: 0)
    var batch = TaskBatch(trials: trials, steps: steps, inputs: 1, outputs: 1)
    for i in batch.x.indices { batch.x[i] = random.gaussian() }
    for i in batch.target.indices { batch.target[i] = random.gaussian() }
    var network = LowRankNetwork.gaussian(spec: spec, neurons: neurons, random: RandomSource(seed: 1))
    // Near the pitchfork: v ← 0.3 v + 0.9 u (σ_vu ≈ 0.9).
    for i in 0..<neurons {
        network.parameters[i, spec.layout.v(0)] = 0.3 * network.parameters[i, spec.layout.v(0)]
            + 0.9 * network.parameters[i, spec.layout.u(0)]
    }
    let fixed = network

    Benchmark("sNTK top-10 eigenpairs (rank 1, N = 1000, B = 20, T = 90, Lanczos 40)",
              configuration: .init(maxDuration: .seconds(20), maxIterations: 5)) { benchmark in
        let ntk = StateSpaceNTK(network: fixed, batch: batch)
        benchmark.startMeasurement()
        var last: (values: [Double], vectors: [[Double]], residuals: [Double])? = nil
        for _ in benchmark.scaledIterations { last = try! ntk.topEigenpairs(10, steps: 40) }
        benchmark.stopMeasurement()
        if let last {
            for (i, (value, residual)) in zip(last.values, last.residuals).enumerated() {
                print("sNTK λ_\(i + 1) = \(value), residual ‖Θu − λu‖ = \(residual) (relative \(residual / value))")
            }
        }
    }

    // The same top-10 through the generic KPFlow analysis (`gramflow kpflow --operators ntk`),
    // by each eigensolver: true state-space residuals, no trace estimates.
    for method in SpectralMethod.allCases {
        Benchmark("kpflow Θ top-10 (rank 1, N = 1000, B = 20, T = 90, \(method.rawValue))",
                  configuration: .init(maxDuration: .seconds(20), maxIterations: 5)) { benchmark in
            let ntk = StateSpaceNTK(network: fixed, batch: batch)
            benchmark.startMeasurement()
            var last: GramFactorSpectrum?
            for _ in benchmark.scaledIterations {
                last = try! GramFactorSpectrum(count: 10, parameters: ntk.parameterCount, method: method, eigenfunctions: 0,
                                               random: RandomSource(seed: 1), factor: ntk.sensitivity,
                                               factorTranspose: ntk.sensitivityTranspose)
            }
            benchmark.stopMeasurement()
            if let last {
                print("kpflow \(method.rawValue): max relative residual \(zip(last.stateResiduals, last.values).map { $0 / $1 }.max()!)")
            }
        }
    }

    networkEpochBenchmark("GD epoch (rank 1, N = 1000, B = 20, T = 90)", spec: spec, batch: batch,
                          neurons: neurons, eta: 1e-3, initial: fixed)

    Benchmark("natural-gradient epoch, k = 1 (rank 1, N = 1000, B = 20, T = 90)",
              configuration: .init(maxDuration: .seconds(20), maxIterations: 5)) { benchmark in
        var net = fixed
        let natural = NaturalGradient(modes: 1)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(try! natural.step(&net, batch: batch, eta: 1e-3)) }
        blackHole(net)
    }
}
