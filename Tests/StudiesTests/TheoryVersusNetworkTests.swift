import XCTest
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import OverlapTheory
import TestSupport

/// The exact statements of THEORY §4–§5 for linear networks, at finite N.
final class TheoryVersusNetworkTests: XCTestCase {
    /// ∇_V L = (2/N) V G with G from the adjoint pass of the reduced dynamics.
    func testNetworkGradientIsTwoOverNVG() throws {
        let spec = ModelSpec(inputs: 2, rank: 2, outputs: 2, dt: 0.1)
        let random = RandomSource(seed: 3)
        var batch = TaskBatch(trials: 2, steps: 30, inputs: 2, outputs: 2)
        for i in batch.x.indices { batch.x[i] = random.gaussian() }
        for i in batch.target.indices { batch.target[i] = random.gaussian() }
        let network = LowRankNetwork.gaussian(spec: spec, neurons: 64, random: random)
        var gradient: Matrix? = Matrix(rows: 64, cols: spec.layout.dimension)
        let networkLoss = Backpropagation(spec: spec, neurons: 64, steps: 30).evaluate(network, batch: batch, gradient: &gradient)
        let (theoryLoss, G) = try makeOverlapLoss(spec: spec, batch: batch).lossAndGradient(network.overlaps)
        assertClose(networkLoss, theoryLoss, relative: 1e-12)
        assertClose(gradient!, (2.0 / 64) * (network.parameters * G), absolute: 1e-12 * gradient!.maxAbs)
    }

    /// Overlaps and loss of a trained network equal the exact map's, to 1e-10, at N = 64 and 256.
    func testExactMapMatchesTheNetworkAtFiniteN() throws {
        for (rank, task) in [(1, FilterTask() as any Task), (2, OscillationTask())] {
            let spec = ModelSpec(rank: rank, dt: 0.05)
            let batch = task.batch(steps: 200, dt: spec.dt, random: RandomSource(seed: 0))
            for N in [64, 256] {
                var network = LowRankNetwork.gaussian(spec: spec, neurons: N, random: RandomSource(seed: UInt64(N)))
                let initial = OverlapState(layout: spec.layout, S: network.overlaps)
                var theory: [(Double, Matrix)] = [], simulated: [(Double, Matrix)] = []
                let eta = 5e-3, epochs = 150
                XCTAssertEqual(TheoryTrainer(loss: try makeOverlapLoss(spec: spec, batch: batch), eta: eta)
                    .run(from: initial, epochs: epochs) { _, L, S in theory.append((L, S)) }, .completed)
                XCTAssertEqual(NetworkTrainer(eta: eta)
                    .run(&network, batch: batch, epochs: epochs) { _, L, S in simulated.append((L, S)) }, .completed)
                XCTAssertEqual(theory.count, epochs + 1)
                XCTAssertLessThan(theory.last!.0, 0.9 * theory.first!.0, "the run must learn for the test to mean anything")
                for ((lt, st), (ln, sn)) in zip(theory, simulated) {
                    assertClose(ln, lt, absolute: 1e-10)
                    assertClose(sn, st, absolute: 1e-10, "rank \(rank), N = \(N)")
                }
            }
        }
    }
}
