// Hot paths of issue 12: the vectorised activations against libm; the erf theory epoch at
// B = 128, T = 400 (the twins reproduction runs 1.2 million of them); the tanh and erf
// network epochs at N = 6000 on one thread and two, with φ(h_t) stored and rebuilt (the rank-1
// kernels), and outside those kernels: rank 2 with one output (its fused loop), rank 3 with one
// output and rank 2 with two inputs and outputs (the general loops: column sums, 4-wide backward
// rows); the network's one forward pass as the outputs and the KPFlow state trajectory run it.
// The side-by-side comparison with JAX is Benchmarks/peers/run.py (not a benchmark here:
// it needs a Python environment).
import Benchmark
import Foundation
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation

func performanceBenchmarks() {
    let count = 100_000
    let random = RandomSource(seed: 2)
    let arguments = (0..<count).map { _ in 2 * random.gaussian() }
    Benchmark("tanh over 10^5 elements: VectorMath") { benchmark in
        var out = [Double](repeating: 0, count: count)
        for _ in benchmark.scaledIterations { VectorMath.tanh(arguments, into: &out, count: count); blackHole(out) }
    }
    Benchmark("tanh over 10^5 elements: libm") { benchmark in
        var out = [Double](repeating: 0, count: count)
        for _ in benchmark.scaledIterations { for i in 0..<count { out[i] = Foundation.tanh(arguments[i]) }; blackHole(out) }
    }
    Benchmark("erf(√π x/2) and its slope over 10^5 elements: VectorMath") { benchmark in
        var value = [Double](repeating: 0, count: count), slope = value
        for _ in benchmark.scaledIterations {
            VectorMath.erf(arguments, into: &value, slope: &slope, count: count); blackHole(value); blackHole(slope)
        }
    }
    Benchmark("erf(√π x/2) and its slope over 10^5 elements: libm") { benchmark in
        var value = [Double](repeating: 0, count: count), slope = value
        let phi = Nonlinearity.erf
        for _ in benchmark.scaledIterations {
            for i in 0..<count { value[i] = phi.value(arguments[i]); slope[i] = phi.derivative(arguments[i]) }
            blackHole(value); blackHole(slope)
        }
    }

    let erfSpec = ModelSpec(rank: 1, dt: 0.05, nonlinearity: .erf)
    let wide = FlipFlopTask(trials: 128).batch(steps: 400, dt: 0.05, random: RandomSource(seed: 0))
    theoryEpochBenchmark("theory epoch (flip-flop, erf, B = 128, T = 400, map)", spec: erfSpec, batch: wide, eta: 5e-2)

    let long = FlipFlopTask(trials: 10).batch(steps: 800, dt: 0.025, random: RandomSource(seed: 0))
    let slow = Benchmark.Configuration(maxDuration: .seconds(10), maxIterations: 20)
    for phi in [Nonlinearity.tanh, .erf] {
        let spec = ModelSpec(rank: 1, dt: 0.025, nonlinearity: phi)
        for threads in [1, 2] {
            networkEpochBenchmark("network epoch (flip-flop, \(phi.rawValue), B = 10, T = 800, N = 6000, \(threads) thread(s))",
                                  spec: spec, batch: long, neurons: 6000, eta: 5e-2, threads: threads, configuration: slow)
        }
        for (label, storage) in [("stored", Backpropagation.StateStorage.stored), ("rebuilt", .recomputed)] {
            networkEpochBenchmark("network epoch (flip-flop, \(phi.rawValue), N = 6000, 1 thread, φ(h) \(label))",
                                  spec: spec, batch: long, neurons: 6000, eta: 5e-2, threads: 1, storage: storage,
                                  configuration: slow)
        }
    }
    // The general BPTT loops (not the rank-1 kernels): rank 2, the same flip-flop.
    let rankTwo = ModelSpec(rank: 2, dt: 0.025, nonlinearity: .tanh)
    networkEpochBenchmark("network epoch (flip-flop, tanh, rank 2, N = 6000, 1 thread, general loops)",
                          spec: rankTwo, batch: long, neurons: 6000, eta: 5e-2, threads: 1, configuration: slow)
    let rankThree = ModelSpec(rank: 3, dt: 0.025, nonlinearity: .tanh)
    networkEpochBenchmark("network epoch (flip-flop, tanh, rank 3, N = 3000, 1 thread, general loops)",
                          spec: rankThree, batch: long, neurons: 3000, eta: 5e-2, threads: 1, configuration: slow)
    let twoBits = FlipFlopTask(trials: 10, bits: 2).batch(steps: 800, dt: 0.025, random: RandomSource(seed: 0))
    let rankTwoTwoBits = ModelSpec(inputs: 2, rank: 2, outputs: 2, dt: 0.025, nonlinearity: .tanh)
    networkEpochBenchmark("network epoch (flip-flop, 2 bits, tanh, rank 2, N = 3000, 1 thread, general loops)",
                          spec: rankTwoTwoBits, batch: twoBits, neurons: 3000, eta: 5e-2, threads: 1, configuration: slow)

    // The forward pass alone, as LowRankNetwork.outputs and KPFlow's StateTrajectory run it.
    let tanhSpec = ModelSpec(rank: 1, dt: 0.025, nonlinearity: .tanh)
    let tanhNetwork = LowRankNetwork.gaussian(spec: tanhSpec, neurons: 6000, random: RandomSource(seed: 1))
    Benchmark("network outputs (flip-flop, tanh, B = 10, T = 800, N = 6000)", configuration: slow) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(tanhNetwork.outputs(long)) }
    }
    let shortBatch = FlipFlopTask(trials: 20).batch(steps: 90, dt: 0.025, random: RandomSource(seed: 0))
    let small = LowRankNetwork.gaussian(spec: tanhSpec, neurons: 1000, random: RandomSource(seed: 1))
    Benchmark("KPFlow state trajectory (flip-flop, tanh, B = 20, T = 90, N = 1000)", configuration: slow) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(StateTrajectory(network: small, batch: shortBatch).h) }
    }
}
