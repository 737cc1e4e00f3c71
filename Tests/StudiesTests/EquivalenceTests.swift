import XCTest
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import OverlapTheory
import TestSupport
@testable import Studies

/// The equivalent network at small N: same function by a direct forward pass,
/// which itself matches the reduced dynamics (exact for linear φ).
final class EquivalenceTests: XCTestCase {
    func testEquivalentNetworksComputeTheSameFunctionThenSeparate() throws {
        let spec = try StudyFile.parse("""
        study: equivalence
        model: {rank: 1, steps: 40}
        initial: {neurons: 40, seed: 2}
        equivalence: {normU: 2.05, sigmaMU: 0.8}
        phases:
          - {task: filter, options: {decay: 0.4}, epochs: 30, lr: 0.005}
        """, file: "e.yaml")
        let study = try EquivalenceStudy.run(spec, progress: false)
        XCTAssertLessThanOrEqual(study.outputDifference, 1e-10)
        XCTAssertLessThanOrEqual(study.lossDifference, 1e-10)
        XCTAssertLessThanOrEqual(study.visibleDifference, 1e-12)
        assertClose(study.invisibleDifference, 1.05, absolute: 0.5)  // σ_uu: 1 → 2.05
        XCTAssertGreaterThan(study.perturbationOutputDifference, 1e-3)
        for kind in ["theory", "network"] { XCTAssertTrue(study.separated(kind), kind) }
    }

    /// The direct N-neuron forward pass against the reduced dynamics y_t = C c_t.
    func testForwardPassMatchesReducedDynamics() throws {
        let model = ModelSpec()
        let net = LowRankNetwork.gaussian(spec: model, neurons: 30, random: RandomSource(seed: 4))
        let batch = FilterTask(decay: 0.3).batch(steps: 50, dt: model.dt, random: RandomSource(seed: 1))
        let reduced = try ReducedOverlapLoss(spec: model, batch: batch).outputs(net.overlaps)
        let direct = EquivalenceStudy.forwardOutputs(net, batch: batch)
        for (a, b) in zip(direct, reduced) { assertClose(a, b, relative: 1e-10, absolute: 1e-12) }
    }
}
