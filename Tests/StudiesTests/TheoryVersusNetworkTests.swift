import XCTest
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import OverlapTheory
import TestSupport

/// The exact statements of docs/theory.md §4–§5 for linear networks, at finite N.
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

/// Optimizers and batch schedules end to end.
final class OptimizerTests: XCTestCase {
    /// With a fresh batch every epoch, the linear theory still matches the network exactly,
    /// which holds only if both see the same batch sequence.
    func testSGDTheoryMatchesNetworkBatchForBatch() throws {
        let spec = ModelSpec(rank: 1, dt: 0.05)
        let task = NoiseFilterTask(trials: 3)
        let theorySchedule = BatchSchedule(task: task, steps: 60, dt: 0.05, seed: 5, fresh: true)
        let networkSchedule = BatchSchedule(task: task, steps: 60, dt: 0.05, seed: 5, fresh: true)
        var network = LowRankNetwork.gaussian(spec: spec, neurons: 80, random: RandomSource(seed: 2))
        var theory: [Matrix] = [], simulated: [Matrix] = []
        let loss = try makeOverlapLoss(spec: spec, batch: theorySchedule.batch(epoch: 0))
        _ = TheoryTrainer(loss: loss, eta: 5e-3).run(from: OverlapState(layout: spec.layout, S: network.overlaps),
                                                     epochs: 40, batches: theorySchedule.batch(epoch:)) { _, _, S in theory.append(S) }
        _ = NetworkTrainer(eta: 5e-3, optimizer: .sgd).run(&network, batch: networkSchedule.batch(epoch: 0), epochs: 40,
                                                           batches: networkSchedule.batch(epoch:)) { _, _, S in simulated.append(S) }
        XCTAssertGreaterThan((theory.last! - theory.first!).maxAbs, 1e-3, "the state must move")
        for (t, n) in zip(theory, simulated) { assertClose(n, t, absolute: 1e-10) }
    }

    /// Adam's first step is −η m̂/(√v̂ + ε) with m̂ = g, v̂ = g²: −η g/(|g| + ε) per coordinate.
    func testAdamFirstStep() {
        let spec = ModelSpec(rank: 1, dt: 0.05)
        let batch = FilterTask().batch(steps: 50, dt: 0.05, random: RandomSource(seed: 0))
        let start = LowRankNetwork.gaussian(spec: spec, neurons: 30, random: RandomSource(seed: 1))
        var gradient: Matrix? = Matrix(rows: 30, cols: spec.layout.dimension)
        _ = Backpropagation(spec: spec, neurons: 30, steps: 50).evaluate(start, batch: batch, gradient: &gradient)
        var network = start
        _ = NetworkTrainer(eta: 1e-3, optimizer: .adam).run(&network, batch: batch, epochs: 1) { _, _, _ in }
        for i in 0..<gradient!.storage.count {
            let g = gradient!.storage[i]
            assertClose(network.parameters.storage[i], start.parameters.storage[i] - 1e-3 * g / (abs(g) + 1e-8), absolute: 1e-15)
        }
    }
}
