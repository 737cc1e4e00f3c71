import XCTest
import GramFlowCore
import GramFlowNumerics
import OverlapTheory
import TestSupport

final class VisibilityTests: XCTestCase {
    /// Counts from docs/theory.md §6: (R+O)(R+K) visible for linear φ; the basis block adds to it otherwise.
    func testCountsForRanksOneToThree() {
        let expected: [(rank: Int, phi: Nonlinearity, visible: Int, invisible: Int)] = [
            (1, .linear, 4, 6), (2, .linear, 9, 12), (3, .linear, 16, 20),
            (1, .erf, 7, 3), (2, .tanh, 15, 6), (3, .erf, 26, 10), (2, .relu, 9, 12),
        ]
        for e in expected {
            let v = Visibility(spec: ModelSpec(rank: e.rank, nonlinearity: e.phi))
            XCTAssertEqual(v.visibleNames.count, e.visible, "rank \(e.rank) \(e.phi)")
            XCTAssertEqual(v.invisibleNames.count, e.invisible, "rank \(e.rank) \(e.phi)")
        }
        XCTAssertEqual(Visibility(spec: ModelSpec(rank: 1)).visibleNames, ["m1.v1", "m1.z1", "u1.v1", "u1.z1"])
        XCTAssertEqual(Visibility(spec: ModelSpec(rank: 1, nonlinearity: .erf)).invisibleNames,
                       ["v1.v1", "v1.z1", "z1.z1"])
    }

    /// The structural classification agrees with the numbers: ∂L/∂σ is exactly 0 on every
    /// invisible overlap and non-zero on every visible one, at random states.
    func testGradientVanishesExactlyOnInvisibleOverlaps() throws {
        for (rank, inputs, outputs) in [(1, 1, 1), (2, 1, 1), (3, 2, 2)] {
            let spec = ModelSpec(inputs: inputs, rank: rank, outputs: outputs, dt: 0.1)
            let batch = randomBatch(trials: 2, steps: 30, inputs: inputs, outputs: outputs, seed: 11)
            let loss = try makeOverlapLoss(spec: spec, batch: batch)
            let visibility = Visibility(spec: spec)
            for seed in 0..<3 as Range<UInt64> {
                let G = loss.lossAndGradient(sampledOverlaps(spec.layout, seed: 100 + seed)).G
                for ((a, b), visible) in zip(spec.layout.overlapPairs, visibility.isVisible) {
                    if visible { XCTAssertNotEqual(G[a, b], 0) } else { XCTAssertEqual(G[a, b], 0) }
                }
            }
        }
    }
}
