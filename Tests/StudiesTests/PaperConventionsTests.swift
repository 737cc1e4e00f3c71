import XCTest
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import OverlapTheory
@testable import Studies
import TestSupport

/// The overlap paper's conventions as options (issue 15, item 1): the loss normalisations,
/// the stretched target grid, the theory's own batches and direct descent on the overlaps.
final class PaperConventionsTests: XCTestCase {
    /// A linear rank-1 batch with a mask that drops two thirds of the entries: three noise-driven
    /// filter trials, so the three normalisations weigh it differently.
    private func maskedBatch(_ normalisation: LossNormalisation) -> TaskBatch {
        var batch = NoiseFilterTask(trials: 3).batch(steps: 60, dt: 0.05, random: RandomSource(seed: 4))
        for i in batch.mask.indices where i % 3 != 0 { batch.mask[i] = 0 }
        batch.normalisation = normalisation
        return batch
    }

    /// For a linear network the map is exact under every normalisation (it only scales G):
    /// theory and network at N = 80 agree to 1e-10 over 60 epochs, float64, on the masked
    /// noise filter and on the impulse filter with the stretched grid. At epoch 0 the losses'
    /// ratios are the closed forms B/(dt·Σmask) (masked mean) and 1/O = 1 (mean times duration).
    func testTheoryEqualsNetworkUnderEachNormalisation() throws {
        let spec = ModelSpec(rank: 1, dt: 0.05)
        let network = LowRankNetwork.gaussian(spec: spec, neurons: 80, random: RandomSource(seed: 2))
        var initialLosses: [LossNormalisation: Double] = [:]
        let stretched = FilterTask(grid: .stretched).batch(steps: 60, dt: 0.05, random: RandomSource(seed: 0))
        for normalisation in LossNormalisation.allCases {
            for var batch in [maskedBatch(normalisation), stretched] {
                batch.normalisation = normalisation
                let schedule = TrainingSchedule(epochs: 60, learningRate: 2e-3)
                var theory: [(Double, Matrix)] = [], simulated: [(Double, Matrix)] = []
                var theoryLearner = TheoryLearner(spec: spec), networkLearner = NetworkLearner()
                _ = try train(LearningProblem(model: spec, initial: network.overlaps, batches: { _ in batch }),
                              with: &theoryLearner, schedule: schedule, observers: [.rows { _, L, S in theory.append((L, S)) }])
                _ = try train(LearningProblem(model: spec, initial: network, batches: { _ in batch }),
                              with: &networkLearner, schedule: schedule, observers: [.rows { _, L, S in simulated.append((L, S)) }])
                XCTAssertEqual(theory.count, 61)
                XCTAssertGreaterThan((theory.last!.1 - theory.first!.1).maxAbs, 1e-4, "\(normalisation): the state must move")
                for ((lt, st), (ln, sn)) in zip(theory, simulated) {
                    assertClose(ln, lt, relative: 1e-10, absolute: 1e-12)
                    assertClose(sn, st, absolute: 1e-10, "\(normalisation)")
                }
                if batch.trials == 3 { initialLosses[normalisation] = theory[0].0 }
            }
        }
        let masked = maskedBatch(.dtSum).mask.reduce(0, +)
        assertClose(initialLosses[.maskedMean]! / initialLosses[.dtSum]!, 3 / (0.05 * masked), relative: 1e-13)
        assertClose(initialLosses[.meanTimesDuration]! / initialLosses[.dtSum]!, 1, relative: 1e-13)
    }

    /// The stretched grid samples the filter at (t−1)·dt·T/(T−1): the last target is a·e^{−c·T·dt}.
    func testStretchedGridEndsAtTheTrialDuration() {
        let T = 400, dt = 0.05
        let batch = FilterTask(gain: 1, decay: 0.2, grid: .stretched).batch(steps: T, dt: dt, random: RandomSource(seed: 0))
        assertClose(batch.target[batch.targetIndex(0, T, 0)], Foundation.exp(-0.2 * Double(T) * dt), relative: 1e-14)
        assertClose(batch.target[batch.targetIndex(0, 2, 0)], Foundation.exp(-0.2 * dt * 400 / 399), relative: 1e-14)
        let uniform = FilterTask().batch(steps: T, dt: dt, random: RandomSource(seed: 0))
        assertClose(uniform.target[uniform.targetIndex(0, T, 0)], Foundation.exp(-0.2 * Double(T - 1) * dt), relative: 1e-14)
    }

    /// `--update direct` on the linear filter at T = 3, dt = α = 0.1, by hand: with x_0 = 1/dt,
    /// ξ_1 = 1, ξ_2 = 0.9, ξ_3 = 0.81, κ_1 = 0, κ_2 = α σ_vm ξ_1, κ_3 = (1−α)κ_2 + α(σ_vu κ_2 + σ_vm ξ_2),
    /// y_t = σ_zu κ_t + σ_zm ξ_t and L = dt Σ_t r_t²; each visible overlap moves by
    /// −η·2dt Σ_t r_t ∂y_t/∂σ and every other overlap stays put (to 1e-15).
    func testDirectStepAgainstAHandComputedStep() throws {
        let spec = ModelSpec(rank: 1, dt: 0.1)
        let batch = FilterTask().batch(steps: 3, dt: 0.1, random: RandomSource(seed: 0))
        let S = LowRankNetwork.gaussian(spec: spec, neurons: 12, random: RandomSource(seed: 7)).overlaps
        let (m, u, v, z) = (0, 1, 2, 3)
        let svm = S[v, m], svu = S[v, u], szm = S[z, m], szu = S[z, u], a = 0.1, dt = 0.1, eta = 0.05
        let xi = [1.0, 0.9, 0.81]
        let k2 = a * svm * xi[0], k3 = (1 - a) * k2 + a * (svu * k2 + svm * xi[1])
        let kappa = [0, k2, k3]
        let target = (0..<3).map { Foundation.exp(-0.2 * Double($0) * dt) }
        let r = (0..<3).map { szu * kappa[$0] + szm * xi[$0] - target[$0] }
        // ∂y_t/∂σ for t = 1, 2, 3.
        let dk2dvm = a * xi[0], dk3dvm = (1 - a) * dk2dvm + a * (svu * dk2dvm + xi[1])
        let dy: [(Int, Int, [Double])] = [
            (z, m, xi), (z, u, kappa), (v, m, [0, szu * dk2dvm, szu * dk3dvm]), (v, u, [0, 0, szu * a * k2]),
        ]
        var expected = S
        for (p, q, d) in dy {
            let gradient = 2 * dt * (0..<3).reduce(0.0) { $0 + r[$1] * d[$1] }
            expected[p, q] -= eta * gradient; expected[q, p] = expected[p, q]
        }
        var learner = TheoryLearner(spec: spec, update: .direct)
        var state = S
        let loss = try learner.evaluate(S, batch: batch, forStep: true)
        assertClose(loss, dt * r.reduce(0) { $0 + $1 * $1 }, relative: 1e-13)
        try learner.step(&state, learningRate: eta)
        XCTAssertGreaterThan((state - S).maxAbs, 1e-4, "the step must move the visible overlaps")
        assertClose(state, expected, absolute: 1e-14)
        // And the map, from the same G, moves the invisible ones too: the two are different updates.
        var mapLearner = TheoryLearner(spec: spec)
        var mapped = S
        _ = try mapLearner.evaluate(S, batch: batch, forStep: true)
        try mapLearner.step(&mapped, learningRate: eta)
        XCTAssertGreaterThan(abs(mapped[u, u] - S[u, u]), 1e-6)
    }

    /// Shared batches are the network's; independent ones come from another stream of the same seed.
    func testTheoryBatchesSharedOrIndependent() throws {
        var config = RunConfiguration(task: .flipflop, model: ModelSpec(dt: 0.05, nonlinearity: .erf), steps: 200)
        XCTAssertEqual(try config.makeBatchSchedule(theory: true).batch(epoch: 0), try config.makeBatchSchedule().batch(epoch: 0))
        config.theoryBatches = .independent
        let own = try config.makeBatchSchedule(theory: true).batch(epoch: 0)
        XCTAssertNotEqual(own.x, try config.makeBatchSchedule().batch(epoch: 0).x)
        XCTAssertEqual(own, try config.makeBatchSchedule(theory: true).batch(epoch: 0), "the same seed draws the same own batches")
    }

    /// Study files use the same words as the command line; a bad value names its line and field.
    func testStudyFileWords() throws {
        let text = """
        model: {rank: 1, steps: 80}
        initial: {neurons: 20, seed: 3}
        phases:
          - {task: filter, options: {loss: masked-mean, targetGrid: stretched}, epochs: 2, lr: 0.005, update: direct}
          - {task: flipflop, options: {loss: mean-times-duration, batch: 2}, epochs: 2, lr: 0.005, theoryBatches: independent}
        """
        let spec = try StudyFile.parse(text, file: "s.yaml")
        XCTAssertEqual(spec.phases[0].options?.taskOptions.loss, .maskedMean)
        XCTAssertEqual(spec.phases[0].options?.taskOptions.targetGrid, .stretched)
        XCTAssertEqual(spec.phases[0].update, .direct)
        XCTAssertEqual(spec.configuration(phase: 1).theoryBatches, .independent)
        XCTAssertEqual(try PhaseBatches(spec: spec, phase: 1).batch(epoch: 0).normalisation, .meanTimesDuration)
        do {
            _ = try StudyFile.parse(text.replacingOccurrences(of: "targetGrid: stretched", with: ""), file: "s.yaml")
            _ = try StudyFile.parse(text.replacingOccurrences(of: "batch: 2}", with: "batch: 2, targetGrid: stretched}"), file: "s.yaml")
            XCTFail("a target grid on the flip-flop was accepted")
        } catch {
            XCTAssertEqual(error.line, 5, "\(error)")
            XCTAssert(error.message.contains("targetGrid"), "\(error)")
        }
    }

    /// Balanced vectors meet the paper's condition, measured on the vectors themselves
    /// (|σ_zu − σ_vm| < 1e-3 and |σ_mu − σ_zv| < 1e-3, equal signs), the same seed draws the
    /// same ones, and a study file asks for them under `initial:` (rank 2 is refused there).
    func testBalancedInitialVectors() throws {
        let spec = ModelSpec(rank: 1, dt: 0.025, nonlinearity: .erf)
        let config = RunConfiguration(task: .flipflop, model: spec, steps: 200, seed: 4, neurons: 300, initialization: .balanced)
        let network = try InitialState.network(config)
        let P = network.parameters, N = 300
        func overlap(_ a: Int, _ b: Int) -> Double { (0..<N).reduce(0.0) { $0 + P[$1, a] * P[$1, b] } / Double(N) }
        let (m, u, v, z) = (0, 1, 2, 3)
        XCTAssertLessThan(abs(overlap(z, u) - overlap(v, m)), 1e-3)
        XCTAssertLessThan(abs(overlap(m, u) - overlap(z, v)), 1e-3)
        XCTAssertEqual(overlap(z, u) < 0, overlap(v, m) < 0)
        XCTAssertEqual(overlap(m, u) < 0, overlap(z, v) < 0)
        for j in 0..<4 { assertClose(overlap(j, j), 1, relative: 1e-12) }
        XCTAssertEqual(try InitialState.network(config).parameters, P)
        let text = """
        model: {rank: 1, phi: erf, steps: 80}
        initial: {neurons: 200, seed: 3, initialization: balanced}
        phases:
          - {task: flipflop, options: {batch: 2}, epochs: 1, lr: 0.005}
        """
        XCTAssertEqual(try StudyFile.parse(text, file: "s.yaml").initialConfiguration.initialization, .balanced)
        do {
            _ = try StudyFile.parse(text.replacingOccurrences(of: "rank: 1", with: "rank: 2"), file: "s.yaml")
            XCTFail("balanced rank-2 vectors were accepted")
        } catch {
            XCTAssertEqual(error.field, "initial.initialization", "\(error)")
        }
    }
}
