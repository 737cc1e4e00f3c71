import XCTest
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import TestSupport

/// BPTT gradients against central finite differences of the network loss.
final class BackpropagationTests: XCTestCase {
    private func check(_ spec: ModelSpec) {
        let N = 12
        let batch = randomBatch(trials: 2, steps: 25, inputs: spec.inputs, outputs: spec.outputs, seed: 4)
        let network = LowRankNetwork.gaussian(spec: spec, neurons: N, random: RandomSource(seed: 6))
        let pass = Backpropagation(spec: spec, neurons: N, steps: batch.steps)
        var gradient: Matrix? = Matrix(rows: N, cols: spec.layout.dimension)
        var none: Matrix? = nil
        _ = pass.evaluate(network, batch: batch, gradient: &gradient)
        let g = gradient!
        XCTAssertGreaterThan(g.maxAbs, 0)
        let epsilon = 1e-6
        for i in 0..<N { for j in 0..<spec.layout.dimension {
            let fd = centralDifference(step: epsilon) { t in
                var moved = network
                moved.parameters[i, j] += t
                return pass.evaluate(moved, batch: batch, gradient: &none)
            }
            assertClose(g[i, j], fd, relative: 1e-6, absolute: 1e-9 * max(1, g.maxAbs), "\(spec.nonlinearity) P[\(i), \(j)]")
        } }
    }

    func testLinearGradient() { check(ModelSpec(inputs: 2, rank: 2, outputs: 2, dt: 0.1)) }
    func testTanhGradient() { check(ModelSpec(inputs: 2, rank: 2, outputs: 2, dt: 0.1, nonlinearity: .tanh)) }
    func testErfGradient() { check(ModelSpec(inputs: 1, rank: 1, outputs: 1, dt: 0.1, nonlinearity: .erf)) }
}
