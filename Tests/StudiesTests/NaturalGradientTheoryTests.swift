import XCTest
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import OverlapTheory
import TestSupport

/// The overlap-space natural gradient (`OverlapNaturalGradient`) against the finite network's.
final class NaturalGradientTheoryTests: XCTestCase {
    private func filterProblem(neurons N: Int, phi: Nonlinearity, steps: Int = 60) -> (LowRankNetwork, TaskBatch) {
        let spec = ModelSpec(rank: 1, dt: 0.1, nonlinearity: phi)
        let batch = FilterTask().batch(steps: steps, dt: spec.dt, random: RandomSource(seed: 2))
        var network = LowRankNetwork.gaussian(spec: spec, neurons: N, random: RandomSource(seed: UInt64(N)))
        // Recurrence near the pitchfork: v ≈ 0.8 u, so one sNTK mode dominates.
        let l = spec.layout
        for i in 0..<N { network.parameters[i, l.v(0)] = 0.8 * network.parameters[i, l.u(0)] + 0.3 * network.parameters[i, l.v(0)] }
        return (network, batch)
    }

    /// For a linear network the closed and bulk spectra are the whole spectrum of JᵀJ at any N:
    /// every one of the 3N eigenvalues of the dense parameter Gram (N = 12), to 1e-9 of the largest.
    func testLinearSpectrumIsTheDenseParameterGramSpectrum() throws {
        let (network, batch) = filterProblem(neurons: 12, phi: .linear, steps: 30)
        let dense = try SymmetricEigen(StateSpaceNTK(network: network, batch: batch).denseParameterGram()).values.sorted(by: >)
        let ntk = try ReducedStateNTK(spec: network.spec, overlaps: network.overlaps, batch: batch)
        let (closed, bulk) = try OverlapNaturalGradient.spectrum(ntk)
        let D = network.spec.layout.dimension
        var theory = closed.map(\.value)
        for value in bulk + [0] { theory += Array(repeating: value, count: 12 - D) }   // dM, dU along w; dV along w
        theory.sort(by: >)
        XCTAssertEqual(theory.count, dense.count)
        for (t, d) in zip(theory, dense) { assertClose(t, d, absolute: 1e-9 * dense[0]) }
        XCTAssertGreaterThan(dense[0], 3 * dense[1], "the test needs one dominant mode")
    }

    /// Max overlap deviation between theory and network over `epochs` steps of the natural
    /// gradient (k = 1, ε = 1) or of GD, from the same network, and the theory's loss ratio.
    private func deviation(_ N: Int, _ phi: Nonlinearity, natural: Bool, epochs: Int) throws -> (deviation: Double, learned: Double) {
        let (network, batch) = filterProblem(neurons: N, phi: phi)
        let spec = network.spec
        let schedule = TrainingSchedule(epochs: epochs, learningRate: 0.005)
        var theoryLearner = TheoryLearner(spec: spec, natural: natural ? OverlapNaturalGradient(modes: 1, epsilon: 1) : nil)
        var networkLearner = NetworkLearner(optimizer: natural ? .natural : .gd, naturalGradient: NaturalGradientLearner(
            NaturalGradient(epsilon: 1, modes: 1, tolerance: 1e-11, maxIterations: 400, reuseSteps: 0)))
        var theory: [Matrix] = [], simulated: [Matrix] = [], losses: [Double] = []
        _ = try train(LearningProblem(model: spec, initial: network.overlaps, batches: { _ in batch }),
                      with: &theoryLearner, schedule: schedule, observers: [.rows { _, L, S in theory.append(S); losses.append(L) }])
        _ = try train(LearningProblem(model: spec, initial: network, batches: { _ in batch }),
                      with: &networkLearner, schedule: schedule, observers: [.rows { _, _, S in simulated.append(S) }])
        XCTAssertEqual(simulated.count, epochs + 1)
        let worst = zip(theory, simulated).map { zip($0.storage, $1.storage).map { abs($0 - $1) }.max()! }.max()!
        return (worst, losses.last! / losses.first!)
    }

    /// Linear network: the theory's natural gradient is the network's at finite N, to 1e-7 over
    /// 15 steps (N = 48), while the loss falls.
    func testTheoryIsTheLinearNetworkNaturalGradient() throws {
        let (worst, learned) = try deviation(48, .linear, natural: true, epochs: 15)
        XCTAssertLessThan(learned, 0.95, "the run must learn for the comparison to mean anything")
        XCTAssertLessThan(worst, 1e-7)
    }

    /// erf (Gaussian closure): the theory–network deviation of the natural gradient is that of GD
    /// from the same network (within 25%) at N = 100 and 400: the natural-gradient theory adds no
    /// error of its own to the closure's finite-N error (which `validate --neurons` shows falling with N).
    func testErfDeviationIsTheClosuresLikeGD() throws {
        for N in [100, 400] {
            let natural = try deviation(N, .erf, natural: true, epochs: 6).deviation
            let gd = try deviation(N, .erf, natural: false, epochs: 6).deviation
            XCTAssertLessThan(natural, 1.25 * gd, "N = \(N): natural \(natural), GD \(gd)")
            XCTAssertGreaterThan(natural, 0.75 * gd, "N = \(N): natural \(natural), GD \(gd)")
        }
    }
}
