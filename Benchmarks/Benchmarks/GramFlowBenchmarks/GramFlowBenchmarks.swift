// Hot paths of GramFlow (issue 2): one theory epoch and one network epoch of
// the filter task (T = 400), the network at N = 500, 5,000 and 50,000; and the
// symbolic derivation (SymbolicBenchmarks.swift).
// Run: `make bench` (or `cd Benchmarks && swift package benchmark`).
import Benchmark
import GramFlowCore
import GramFlowNumerics

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .cpuTotal], warmupIterations: 3,
                                           maxDuration: .seconds(5), maxIterations: 2_000)
    let spec = ModelSpec(rank: 1, dt: 0.05)
    let batch = FilterTask().batch(steps: 400, dt: 0.05, random: RandomSource(seed: 0))

    theoryEpochBenchmark("theory epoch (filter, T = 400, map)", spec: spec, batch: batch, eta: 5e-3)
    // Network at three sizes: the cost should be linear in N.
    for neurons in [500, 5_000, 50_000] {
        networkEpochBenchmark("network epoch (filter, T = 400, N = \(neurons))", spec: spec, batch: batch,
                              neurons: neurons, eta: 5e-3,
                              configuration: .init(maxDuration: .seconds(neurons > 5_000 ? 10 : 5)))
    }

    nonlinearBenchmarks()
    symbolicBenchmarks()
    sntkBenchmarks()
    performanceBenchmarks()
}
