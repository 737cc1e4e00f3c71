// The symbolic derivation (issue 5): rank 3 with 2 inputs and 2 outputs must
// derive, invariants and their rates included, and print in under a second.
import Benchmark
import GramFlowCore
import Symbolic

func symbolicBenchmarks() {
    for phi in [Nonlinearity.linear, .erf] {
        Benchmark("derive rank 3, K = 2, O = 2, φ = \(phi.rawValue) (markdown)",
                  configuration: .init(maxDuration: .seconds(10), maxIterations: 50)) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(Derivation(inputs: 2, rank: 3, outputs: 2, nonlinearity: phi).rendered(as: .markdown))
            }
        }
    }
}
