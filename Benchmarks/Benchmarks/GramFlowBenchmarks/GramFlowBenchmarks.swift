// Hot paths of GramFlow (issue 2): one theory epoch and one network epoch of
// the filter task (T = 400), the network at N = 500, 5,000 and 50,000; and the
// symbolic derivation (SymbolicBenchmarks.swift).
// Run: `make bench` (or `cd Benchmarks && swift package benchmark`).
import Benchmark
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import OverlapTheory

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .cpuTotal], warmupIterations: 3,
                                           maxDuration: .seconds(5), maxIterations: 2_000)
    let spec = ModelSpec(rank: 1, dt: 0.05)
    let batch = FilterTask().batch(steps: 400, dt: 0.05, random: RandomSource(seed: 0))

    // Theory: loss, G by the adjoint pass, and the exact map S ← (I−2ηG)S(I−2ηG).
    Benchmark("theory epoch (filter, T = 400, map)") { benchmark in
        let loss = try! ReducedOverlapLoss(spec: spec, batch: batch)
        var S = LowRankNetwork.gaussian(spec: spec, neurons: 500, random: RandomSource(seed: 1)).overlaps
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let G = loss.lossAndGradient(S).G
            S = gradientDescentMap(S: S, G: G, eta: 5e-3)
        }
        blackHole(S)
    }

    // Network: forward, BPTT and the GD step, at three sizes: cost should be linear in N.
    for neurons in [500, 5_000, 50_000] {
        Benchmark("network epoch (filter, T = 400, N = \(neurons))",
                  configuration: .init(maxDuration: .seconds(neurons > 5_000 ? 10 : 5))) { benchmark in
            var network = LowRankNetwork.gaussian(spec: spec, neurons: neurons, random: RandomSource(seed: 1))
            let trainer = NetworkTrainer(eta: 5e-3)
            let pass = Backpropagation(spec: spec, neurons: neurons, steps: batch.steps)
            var gradient: Matrix? = Matrix(rows: neurons, cols: spec.layout.dimension)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(pass.evaluate(network, batch: batch, gradient: &gradient))
                trainer.step(&network, gradient: gradient!)
            }
            blackHole(network)
        }
    }

    nonlinearBenchmarks()
    symbolicBenchmarks()
    sntkBenchmarks()
}
