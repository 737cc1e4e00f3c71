// Hot paths of the nonlinear theory (issue 3): the flip-flop with tanh, batch 10,
// T = 800 (dt = 0.025): one theory epoch (Gaussian closure through the tanh gain
// table, adjoint and map) and one network epoch at N = 600, 6,000 and 60,000.
import Benchmark
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import OverlapTheory

func nonlinearBenchmarks() {
    let spec = ModelSpec(rank: 1, dt: 0.025, nonlinearity: .tanh)
    let batch = FlipFlopTask(trials: 10).batch(steps: 800, dt: 0.025, random: RandomSource(seed: 0))

    Benchmark("theory epoch (flip-flop, tanh, B = 10, T = 800, map)") { benchmark in
        let loss = try! ReducedOverlapLoss(spec: spec, batch: batch)
        var S = LowRankNetwork.gaussian(spec: spec, neurons: 600, random: RandomSource(seed: 1)).overlaps
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let G = loss.lossAndGradient(S).G
            S = gradientDescentMap(S: S, G: G, eta: 5e-2)
        }
        blackHole(S)
    }

    for neurons in [600, 6_000, 60_000] {
        Benchmark("network epoch (flip-flop, tanh, B = 10, T = 800, N = \(neurons))",
                  configuration: .init(maxDuration: .seconds(neurons > 6_000 ? 30 : 10),
                                       maxIterations: neurons > 6_000 ? 3 : 200)) { benchmark in
            var network = LowRankNetwork.gaussian(spec: spec, neurons: neurons, random: RandomSource(seed: 1))
            let trainer = NetworkTrainer(eta: 5e-2)
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
}
