import XCTest
import GramFlowCore
import GramFlowNumerics
import Studies

/// Reduced optimiser comparison near the pitchfork: at η = 1 plain GD oscillates
/// above its initial loss while the low-rank natural gradient decreases monotonically.
final class OptimizerComparisonTests: XCTestCase {
    func testNaturalGradientConvergesWhereGDOscillates() throws {
        let (student, batch) = OptimizerComparison.problem(neurons: 100, seed: 1, mu: 0.02, input: 0.1, steps: 40, dt: 0.5)
        let r = try OptimizerComparison.run(student: student, batch: batch, eta: 1, epochs: 15)
        XCTAssertGreaterThan(r.topEigenvalue, 10, "near the pitchfork the top sNTK eigenvalue is large")
        XCTAssertGreaterThan(r.gd.last!, r.gd[0], "GD at this η does not converge: \(r.gd)")
        XCTAssertFalse(OptimizerComparison.monotone(r.gd), "GD oscillates")
        XCTAssert(OptimizerComparison.monotone(r.natural), "\(r.natural)")
        XCTAssertLessThan(r.natural.last!, 0.05 * r.natural[0])
    }
}
