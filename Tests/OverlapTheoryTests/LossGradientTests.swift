import XCTest
import GramFlowCore
import GramFlowNumerics
import OverlapTheory
import TestSupport

/// G = ∂L/∂S from the adjoint pass against central finite differences of L(S).
final class LossGradientTests: XCTestCase {
    /// dL/dσ_ab along the symmetric direction E_ab + E_ba equals 2 G_ab (a ≠ b), G_aa on the diagonal.
    private func checkAgainstFiniteDifferences(spec: ModelSpec, batch: TaskBatch, seed: UInt64) throws {
        let loss = try makeOverlapLoss(spec: spec, batch: batch)
        let S = sampledOverlaps(spec.layout, seed: seed)
        let (L, G) = loss.lossAndGradient(S)
        assertClose(L, loss.loss(S), relative: 1e-15)
        XCTAssertGreaterThan(G.maxAbs, 0)
        // Fourth-order central differences, f' ≈ (−f(+2h) + 8f(+h) − 8f(−h) + f(−2h))/(12h):
        // truncation O(h⁴) ≈ 1e-16, rounding ≈ 1e-16·L/h ≈ 1e-12·L.
        let h = 1e-4
        func shifted(_ a: Int, _ b: Int, _ step: Double) -> Double {
            var moved = S
            moved[a, b] += step
            if a != b { moved[b, a] += step }
            return loss.loss(moved)
        }
        for (a, b) in spec.layout.overlapPairs {
            let fd = fourthOrderDifference(step: h) { shifted(a, b, $0) }
            let adjoint = a == b ? G[a, b] : 2 * G[a, b]
            // Relative to the gradient's scale, max |∂L/∂σ| (≥ max |G|).
            assertClose(adjoint, fd, absolute: 1e-7 * G.maxAbs,
                        "σ(\(spec.layout.overlapNames[spec.layout.overlapPairs.firstIndex { $0 == (a, b) }!]))")
        }
    }

    func testFilterRankOne() throws {
        let spec = ModelSpec(rank: 1, dt: 0.05)
        let batch = FilterTask().batch(steps: 120, dt: 0.05, random: RandomSource(seed: 0))
        try checkAgainstFiniteDifferences(spec: spec, batch: batch, seed: 1)
    }

    func testOscillationRankTwo() throws {
        let spec = ModelSpec(rank: 2, dt: 0.05)
        let batch = OscillationTask().batch(steps: 120, dt: 0.05, random: RandomSource(seed: 0))
        try checkAgainstFiniteDifferences(spec: spec, batch: batch, seed: 2)
    }

    func testManyInputsOutputsRankThreeWithMask() throws {
        let spec = ModelSpec(inputs: 2, rank: 3, outputs: 2, dt: 0.1)
        let batch = randomBatch(trials: 3, steps: 40, inputs: 2, outputs: 2, seed: 9)
        try checkAgainstFiniteDifferences(spec: spec, batch: batch, seed: 3)
    }

    /// The Gaussian closure: the adjoint includes the dependence through Δ = cᵀ S_EE c.
    func testNonlinearModelsRankOneToThree() throws {
        for (phi, rank, inputs, outputs) in [(Nonlinearity.erf, 1, 1, 1), (.tanh, 2, 1, 1), (.tanh, 3, 2, 2), (.relu, 2, 2, 1)] {
            let spec = ModelSpec(inputs: inputs, rank: rank, outputs: outputs, dt: 0.1, nonlinearity: phi)
            // Inputs large enough that Δ reaches the nonlinear range.
            var batch = randomBatch(trials: 2, steps: 40, inputs: inputs, outputs: outputs, seed: 21)
            for i in batch.x.indices { batch.x[i] *= 3 }
            try checkAgainstFiniteDifferences(spec: spec, batch: batch, seed: 4)
        }
    }
}
