import XCTest
import GramFlowCore
import GramFlowNumerics
import Studies
import TestSupport

final class ScalingTests: XCTestCase {
    /// y = 3 x^{−1/2} exactly: the fit returns the exponent and prefactor.
    func testLogLogFitOnAnExactPowerLaw() throws {
        let x = [100.0, 400, 1600, 6400]
        let fit = try XCTUnwrap(LogLogFit(x: x, y: x.map { 3 / $0.squareRoot() }))
        assertClose(fit.slope, -0.5, absolute: 1e-14)
        assertClose(fit.intercept, log(3), absolute: 1e-13)
        XCTAssertNil(LogLogFit(x: [1], y: [1]))
        let spread = Spread([1, 2, 3, 4])
        assertClose(spread.mean, 2.5, absolute: 1e-15)
        assertClose(spread.standardDeviation, (5.0 / 3).squareRoot(), absolute: 1e-15)
    }

    /// Reduced version of the full error-against-N validation (`make validate`): the
    /// Gaussian closure's deviation from erf flip-flop networks falls with N, with a
    /// fitted exponent ≤ −0.3 (−0.5 expected) in the mean over seeds.
    func testClosureErrorFallsWithN() throws {
        let base = RunConfiguration(task: .flipflop, taskOptions: TaskOptions(trials: 4),
                                    model: ModelSpec(dt: 0.05, nonlinearity: .erf), epochs: 15,
                                    learningRate: 5e-2, steps: 200, seed: 1)
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("gramflow-sweep-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let points = try Sweep.run(base: base, neurons: [200, 800, 3200], learningRates: [5e-2], seeds: 3, work: work) { _, _, _ in }
        XCTAssertEqual(points.count, 9)
        XCTAssert(points.allSatisfy(\.completed))
        let report = ScalingReport(base: base, points: points)
        for exponent in report.exponents {
            XCTAssertEqual(exponent.perSeed.count, 3)
            XCTAssertLessThanOrEqual(exponent.spread.mean, -0.3, "\(exponent.metric): \(exponent.perSeed)")
        }
        // At the largest N the closure predicts the trained network's final loss to 1e-5 relative.
        for point in points where point.neurons == 3200 {
            assertClose(point.finalLossTheory, point.finalLossNetwork, relative: 1e-5)
        }
    }
}
