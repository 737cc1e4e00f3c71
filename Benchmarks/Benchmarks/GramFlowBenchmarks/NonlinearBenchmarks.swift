// Hot paths of the nonlinear theory (issue 3): the flip-flop with tanh, batch 10,
// T = 800 (dt = 0.025): one theory epoch (Gaussian closure through the tanh gain
// table, adjoint and map) and one network epoch at N = 600, 6,000 and 60,000.
import Benchmark
import GramFlowCore
import GramFlowNumerics
import OverlapTheory

func nonlinearBenchmarks() {
    let spec = ModelSpec(rank: 1, dt: 0.025, nonlinearity: .tanh)
    let batch = FlipFlopTask(trials: 10).batch(steps: 800, dt: 0.025, random: RandomSource(seed: 0))

    theoryEpochBenchmark("theory epoch (flip-flop, tanh, B = 10, T = 800, map)", spec: spec, batch: batch, eta: 5e-2)
    for neurons in [600, 6_000, 60_000] {
        networkEpochBenchmark("network epoch (flip-flop, tanh, B = 10, T = 800, N = \(neurons))", spec: spec,
                              batch: batch, neurons: neurons, eta: 5e-2,
                              configuration: .init(maxDuration: .seconds(neurons > 6_000 ? 30 : 10),
                                                   maxIterations: neurons > 6_000 ? 3 : 200))
    }

    // Why tanh's gain is tabulated: one (F, F') evaluation from the table against direct
    // adaptive quadrature (two `qagi` integrals), over Δ values training visits.
    let deltas = (0..<1000).map { Double($0) * 0.01 }
    Benchmark("tanh gain: 1000 evaluations from the table") { benchmark in
        let gain = try! GaussianGain.of(.tanh)
        for _ in benchmark.scaledIterations { for d in deltas { blackHole(gain(d)) } }
    }
    Benchmark("tanh gain: 1000 evaluations by direct quadrature",
              configuration: .init(maxDuration: .seconds(10), maxIterations: 20)) { benchmark in
        let quadrature = GaussianExpectation()
        let phi = Nonlinearity.tanh
        for _ in benchmark.scaledIterations {
            for d in deltas {
                blackHole(try! quadrature.expectation(variance: d, phi.derivative))
                blackHole(try! quadrature.expectation(variance: d, phi.thirdDerivative))
            }
        }
    }
}
