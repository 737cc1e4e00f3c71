// The two epoch measurements every task shares: one theory epoch (loss, G by
// the adjoint pass, the exact map S ← (I−2ηG)S(I−2ηG)) and one network epoch
// (forward pass, BPTT, GD step), so each task file only chooses its sizes.
import Benchmark
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import OverlapTheory

/// One theory epoch of `spec` on `batch`, from the overlaps of Gaussian vectors.
func theoryEpochBenchmark(_ name: String, spec: ModelSpec, batch: TaskBatch, eta: Double) {
    Benchmark(name) { benchmark in
        let loss = try! ReducedOverlapLoss(spec: spec, batch: batch)
        var S = LowRankNetwork.gaussian(spec: spec, neurons: 500, random: RandomSource(seed: 1)).overlaps
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let G = loss.lossAndGradient(S).G
            S = gradientDescentMap(S: S, G: G, eta: eta)
        }
        blackHole(S)
    }
}

/// One network epoch of `spec` on `batch` at N neurons, from `initial` or Gaussian vectors;
/// `threads` and `storage` as in `Backpropagation` (nil: its default).
func networkEpochBenchmark(_ name: String, spec: ModelSpec, batch: TaskBatch, neurons: Int, eta: Double,
                           initial: LowRankNetwork? = nil, threads: Int? = nil,
                           storage: Backpropagation.StateStorage = .automatic,
                           configuration: Benchmark.Configuration = Benchmark.defaultConfiguration) {
    Benchmark(name, configuration: configuration) { benchmark in
        var network = initial ?? LowRankNetwork.gaussian(spec: spec, neurons: neurons, random: RandomSource(seed: 1))
        let pass = Backpropagation(spec: spec, neurons: neurons, steps: batch.steps, storage: storage)
        if let threads { pass.threads = threads }
        var gradient: Matrix? = Matrix(rows: neurons, cols: spec.layout.dimension)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(pass.evaluate(network, batch: batch, gradient: &gradient))
            NetworkLearner.gradientStep(&network, gradient: gradient!, eta: eta)
        }
        blackHole(network)
    }
}
