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
                let network = LowRankNetwork.gaussian(spec: spec, neurons: N, random: RandomSource(seed: UInt64(N)))
                var theory: [(Double, Matrix)] = [], simulated: [(Double, Matrix)] = []
                let eta = 5e-3, epochs = 150
                let schedule = TrainingSchedule(epochs: epochs, learningRate: eta)
                var theoryLearner = TheoryLearner(spec: spec), networkLearner = NetworkLearner()
                XCTAssertEqual(try train(LearningProblem(model: spec, initial: network.overlaps, batches: { _ in batch }),
                                         with: &theoryLearner, schedule: schedule,
                                         observers: [.rows { _, L, S in theory.append((L, S)) }]).outcome, .completed)
                XCTAssertEqual(try train(LearningProblem(model: spec, initial: network, batches: { _ in batch }),
                                         with: &networkLearner, schedule: schedule,
                                         observers: [.rows { _, L, S in simulated.append((L, S)) }]).outcome, .completed)
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
        let network = LowRankNetwork.gaussian(spec: spec, neurons: 80, random: RandomSource(seed: 2))
        var theory: [Matrix] = [], simulated: [Matrix] = []
        let schedule = TrainingSchedule(epochs: 40, learningRate: 5e-3)
        var theoryLearner = TheoryLearner(spec: spec), networkLearner = NetworkLearner(optimizer: .sgd)
        _ = try train(LearningProblem(model: spec, initial: network.overlaps, batches: theorySchedule.batch(epoch:)),
                      with: &theoryLearner, schedule: schedule, observers: [.rows { _, _, S in theory.append(S) }])
        _ = try train(LearningProblem(model: spec, initial: network, batches: networkSchedule.batch(epoch:)),
                      with: &networkLearner, schedule: schedule, observers: [.rows { _, _, S in simulated.append(S) }])
        XCTAssertGreaterThan((theory.last! - theory.first!).maxAbs, 1e-3, "the state must move")
        for (t, n) in zip(theory, simulated) { assertClose(n, t, absolute: 1e-10) }
    }

    /// Adam's first step is −η m̂/(√v̂ + ε) with m̂ = g, v̂ = g²: −η g/(|g| + ε) per coordinate.
    func testAdamFirstStep() throws {
        let spec = ModelSpec(rank: 1, dt: 0.05)
        let batch = FilterTask().batch(steps: 50, dt: 0.05, random: RandomSource(seed: 0))
        let start = LowRankNetwork.gaussian(spec: spec, neurons: 30, random: RandomSource(seed: 1))
        var gradient: Matrix? = Matrix(rows: 30, cols: spec.layout.dimension)
        _ = Backpropagation(spec: spec, neurons: 30, steps: 50).evaluate(start, batch: batch, gradient: &gradient)
        var adam = NetworkLearner(optimizer: .adam)
        let network = try train(LearningProblem(model: spec, initial: start, batches: { _ in batch }), with: &adam,
                                schedule: TrainingSchedule(epochs: 1, learningRate: 1e-3)).state
        for i in 0..<gradient!.storage.count {
            let g = gradient!.storage[i]
            assertClose(network.parameters.storage[i], start.parameters.storage[i] - 1e-3 * g / (abs(g) + 1e-8), absolute: 1e-15)
        }
    }
}
