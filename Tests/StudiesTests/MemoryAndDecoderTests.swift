import XCTest
import GramFlowCore
import OverlapTheory
import TestSupport
@testable import Studies

/// Memory metrics against hand arithmetic; the decoder on data of known decodability.
final class MemoryAndDecoderTests: XCTestCase {
    func testReturnsAgainstHandArithmetic() {
        // Linear rank 1, K = O = 1: 10 overlaps; u1.v1 (index 5) visible, u1.u1 (index 4) invisible.
        let visibility = Visibility(spec: ModelSpec())
        XCTAssertTrue(visibility.isVisible[5]); XCTAssertFalse(visibility.isVisible[4])
        func end(_ uu: Double, _ vu: Double) -> PhaseEnd {
            var o = Array(repeating: 0.0, count: 10); o[4] = uu; o[5] = vu
            return PhaseEnd(startLoss: 1, endLoss: 0, overlaps: o, finalLearningRate: 0.1, completed: true)
        }
        let ends = [end(1, 0.5), end(1.4, 0.1), end(1.3, 0.45), end(1.6, 0.2), end(1.7, 0.48)]
        let r = MemoryMetrics.returns(ends: ends, labels: ["A", "B", "A", "B", "A"], visibility: visibility)
        XCTAssertEqual(r.map(\.phase), [2, 3, 4])
        let last = r[2]
        XCTAssertEqual(last.previous, 2); XCTAssertEqual(last.first, 0)
        assertClose(last.sinceFirst[5], -0.02, absolute: 1e-15)
        assertClose(last.sinceFirst[4], 0.7, absolute: 1e-15)
        assertClose(last.visibleSincePrevious, 0.03, absolute: 1e-15)
        assertClose(last.invisibleSincePrevious, 0.4, absolute: 1e-15)
        // In between (phases 1–3) σ_vu went at most 0.4 from 0.5, σ_uu at most 0.6 from 1.
        assertClose(last.excursion[5], 0.4, absolute: 1e-15)
        assertClose(last.excursion[4], 0.6, absolute: 1e-15)
        XCTAssertTrue(MemoryMetrics.visibleReturnedInvisibleDidNot(last, visible: 5, invisible: 4))
        // Phase 3 (B) against phase 1: σ_vu moved 0.1 with an excursion of 0.35, ratio 0.29 > 0.25.
        XCTAssertFalse(MemoryMetrics.visibleReturnedInvisibleDidNot(r[1], visible: 5, invisible: 4))
    }

    func testDecoderSeparatesInformativeFeaturesAndNotConstantOnes() {
        // Label 1 shifts feature 0 by +1; feature 1 is the pair's shared nuisance.
        let pairs: [([Double], [Double])] = (0..<8).map { p in
            let nuisance = Double(p % 5) - 2
            return ([0.1 * Double(p % 3), nuisance], [1 + 0.1 * Double(p % 3), nuisance])
        }
        let informative = DecodingAccuracy.measure(pairs, repeats: 4)
        XCTAssertEqual(informative.leaveOneOut, 1)
        XCTAssertEqual(informative.splitHalf, 1)
        // Identical twins carry no history: every prediction is one class, so exactly half are right.
        let identical = DecodingAccuracy.measure(pairs.map { ($0.0, $0.0) }, repeats: 1)
        XCTAssertEqual(identical.leaveOneOut, 0.5)
    }

    /// The paper's decoder (random splits, pairs held out, noise on the training features only):
    /// a shift of 5 between the twins (17 noise s.d.) is decoded on every split; identical twins
    /// give exactly 0.5; a shift of 0.05 (a sixth of the noise) is drowned in the training noise
    /// but not in the noise-free leave-one-out, which shows the noise reaches the training side.
    func testPaperDecoderSplitsAndTrainingNoise() {
        func pairs(shift: Double) -> [([Double], [Double])] {
            (0..<10).map { p in
                let nuisance = 0.01 * Double(p % 5)
                return ([0.001 * Double(p % 3), nuisance], [shift + 0.001 * Double(p % 3), nuisance])
            }
        }
        let strong = DecodingAccuracy.measure(pairs(shift: 5), repeats: 1)
        XCTAssertEqual(strong.splits, 50)
        XCTAssertEqual(strong.testPairs, 2)
        XCTAssertEqual(strong.trainingNoise, 0.3)
        XCTAssertEqual(strong.randomSplits, 1)
        XCTAssertEqual(strong.randomSplitsSD, 0)
        XCTAssertEqual(DecodingAccuracy.measure(pairs(shift: 0), repeats: 1).randomSplits, 0.5)
        let weak = DecodingAccuracy.measure(pairs(shift: 0.05), repeats: 1)
        XCTAssertEqual(weak.leaveOneOut, 1)
        XCTAssertLessThan(weak.randomSplits, 0.95)
        XCTAssertEqual(DecodingAccuracy.measure(pairs(shift: 0.05), repeats: 1, trainingNoise: 0).randomSplits, 1)
    }
}
