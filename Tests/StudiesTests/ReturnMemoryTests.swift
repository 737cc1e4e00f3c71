import XCTest
import GramFlowCore
import GramFlowNumerics
import OverlapTheory
import TestSupport
@testable import Studies

/// The memory map's point metric (`ReturnMemory`, docs/theory.md §8.6) against hand
/// arithmetic, and the sweep axis that sets a key in every phase.
final class ReturnMemoryTests: XCTestCase {
    /// Linear rank 1, K = O = 1: 10 overlaps; u1.v1 (index 5) and m1.z1 (index 3) visible,
    /// u1.u1 (index 4) and v1.v1 (index 7) invisible.
    func testRatiosAgainstHandArithmetic() throws {
        let visibility = Visibility(spec: ModelSpec())
        XCTAssertEqual(visibility.isVisible[3...5], [true, false, true])
        XCTAssertEqual(visibility.isVisible[7], false)
        func overlaps(_ values: [Int: Double]) -> [Double] {
            // A positive definite base (the identity) so the traces are defined; entries added on top.
            var o = Array(repeating: 0.0, count: 10)
            for (i, name) in ModelSpec().layout.overlapNames.enumerated() where name.split(separator: ".").count == 2 {
                let parts = name.split(separator: "."); if parts[0] == parts[1] { o[i] = 1 }
            }
            for (i, x) in values { o[i] += x }
            return o
        }
        let a1 = overlaps([:]), b = overlaps([5: 0.3, 4: 0.4]), a2 = overlaps([5: 0.03, 4: 0.3, 7: 0.4])
        func end(_ o: [Double]) -> PhaseEnd { PhaseEnd(startLoss: 1, endLoss: 0.5, overlaps: o, finalLearningRate: 0.1, completed: true) }
        // Per-epoch rows: phase 1 (A₁, ignored), phase 2 (B) overshooting to σ_vu + 0.6, σ_uu + 0.8, phase 3 (A₂, ignored).
        var rows: [(phase: Int, overlaps: [Double])] = [(1, overlaps([5: 5])), (2, overlaps([5: 0.6, 4: 0.8])), (2, b), (3, overlaps([4: 9]))]
        let m = try XCTUnwrap(ReturnMemory.measure(ends: [end(a1), end(b), end(a2)], labels: ["A", "B", "A"], model: ModelSpec()) {
            rows.isEmpty ? nil : rows.removeFirst()
        })
        XCTAssertEqual(m.firstVisit, 1); XCTAssertEqual(m.returnVisit, 3)
        assertClose(m.visibleChange, 0.03, absolute: 1e-15)
        assertClose(m.invisibleChange, 0.5, absolute: 1e-15)            // √(0.3² + 0.4²)
        assertClose(m.visibleExcursion, 0.6, absolute: 1e-15)
        assertClose(m.invisibleExcursion, 0.8, absolute: 1e-15)
        assertClose(m.visibleRatio, 0.05, absolute: 1e-15)
        assertClose(m.invisibleRatio, 0.625, absolute: 1e-15)
        XCTAssertEqual(m.lossAtReturn, 0.5)
        // Invariants by hand: order [z, v, m, u]; S(A₁) = I so M = diag(1, 1, −1, −1), tr M^k = 0 or 4
        // and tr S^k = 4. At A₂ the (v, u) block of M is [[a, −c], [c, −b]] with a = σ_vv = 1.4,
        // b = σ_uu = 1.3, c = σ_vu = 0.03, so tr M⁴ = 1 + 1 + (a² − c²)² + (b² − c²)² − 2c²(a − b)²;
        // k = 4 moves most (k = 1: 0.1, k = 2: 1.6482, k = 3: 0.547), relative to tr S⁴ = 4.
        let vv = 1.4, uu = 1.3, vu = 0.03
        let vBlock: Double = pow(vv * vv - vu * vu, 2), uBlock: Double = pow(uu * uu - vu * vu, 2)
        let cross: Double = 2 * vu * vu * pow(vv - uu, 2)
        let trM4 = 2 + vBlock + uBlock - cross
        assertClose(m.invariantDrift, (trM4 - 4) / 4, absolute: 1e-12)
    }

    func testNoReturnAndNoExcursion() {
        let o = Array(repeating: 0.5, count: 10)
        let end = PhaseEnd(startLoss: 1, endLoss: 0, overlaps: o, finalLearningRate: 0.1, completed: true)
        XCTAssertNil(ReturnMemory.measure(ends: [end, end], labels: ["A", "B"], model: ModelSpec()) { nil })
        // B moved nothing: the ratios are not numbers rather than 0/0 dressed as a value.
        let m = ReturnMemory.measure(ends: [end, end, end], labels: ["A", "B", "A"], model: ModelSpec()) { nil }
        XCTAssertTrue(m!.invisibleRatio.isNaN && m!.visibleRatio.isNaN)
    }

    /// `phases[*].lr` sets η in every phase, crossed with a key of one phase; `initial.scale`
    /// scales the drawn vectors: S_0 at scale s is s² times S_0 at scale 1, entry by entry.
    func testEveryPhaseAxisAndInitialScale() throws {
        let text = """
        sweep: study
        base:
          model: {rank: 1, steps: 20}
          initial: {neurons: 20, seed: 3}
          run: theory
          phases:
            - {label: A, task: filter, epochs: 5, lr: 0.005}
            - {label: B, task: filter, options: {decay: 0.6}, epochs: 5, lr: 0.005}
            - {label: A, task: filter, epochs: 5, lr: 0.005}
        axes:
          - {key: "phases[*].lr", values: [0.001, 0.02]}
          - {key: "phases[2].options.decay", values: [0.4]}
          - {key: initial.scale, values: [0.5]}
        collect: [memory.theory.invisibleRatio]
        """
        let plan = try SweepFile.parse(text, file: "s.yaml", folder: FileManager.default.temporaryDirectory)
        XCTAssertEqual(plan.keys, ["phases[*].lr", "phases[2].options.decay", "initial.scale"])
        XCTAssertEqual(plan.points.count, 2)
        let study = try StudyFile.parse(try XCTUnwrap(plan.points[1].study), file: "point.yaml")
        XCTAssertEqual(study.phases.map(\.lr), [0.02, 0.02, 0.02])
        XCTAssertEqual(study.phases.map { $0.options?.taskOptions.decay }, [nil, 0.4, nil])
        XCTAssertEqual(study.start.scale, 0.5)
        var unscaled = study.initialConfiguration
        unscaled.initialScale = nil
        let S1 = try InitialState.overlaps(unscaled), Ss = try InitialState.overlaps(study.initialConfiguration)
        for i in 0..<S1.rows { for j in 0..<S1.cols { assertClose(Ss[i, j], 0.25 * S1[i, j], absolute: 1e-14) } }
        // A scale beside given overlaps is refused, naming the key.
        var bad = study.initialConfiguration
        bad.initialOverlaps = ["m1.m1": 1]
        XCTAssertThrowsError(try bad.validateSizes()) { XCTAssertEqual(($0 as? InputError)?.key, .scale) }
    }
}
