import XCTest
import Foundation
import GramFlowNumerics
import TestSupport

/// y' = y cos t, y(0) = 1 has the closed form y = e^{sin t}.
final class ODESolverTests: XCTestCase {
    private func solver(_ method: ODEMethod, tolerance: Double = 1e-12) -> ODESolver {
        ODESolver(dimension: 1, method: method, absoluteTolerance: tolerance, relativeTolerance: tolerance) { t, y, dydt in
            dydt[0] = y[0] * cos(t)
        }
    }

    /// The observed order log2(err(h)/err(h/2)) matches the method's stated order.
    func testFixedStepConvergenceOrder() {
        for (method, h) in [(ODEMethod.rkf45, 0.05), (.rkck, 0.1), (.rk8pd, 0.5)] as [(ODEMethod, Double)] {
            let exact = exp(sin(2.0))
            func error(_ step: Double) -> Double {
                var y = [1.0]
                let s = solver(method)
                XCTAssertEqual(s.advanceFixed(&y, from: 0, step: step, steps: Int((2 / step).rounded())), .success)
                return abs(y[0] - exact)
            }
            let observed = log2(error(h) / error(h / 2))
            assertClose(observed, Double(method.order), absolute: 0.35, "\(method)")
        }
    }

    func testAdaptiveSolveMeetsTolerance() {
        for tolerance in [1e-6, 1e-10] {
            var y = [1.0]
            XCTAssertEqual(solver(.rk8pd, tolerance: tolerance).advance(&y, from: 0, to: 10), .success)
            // Global error stays within a modest multiple of the local tolerance over [0, 10].
            assertClose(y[0], exp(sin(10.0)), relative: 100 * tolerance)
        }
    }

    func testBlowUpIsReportedNotCrashed() {
        // y' = y², y(0) = 1 blows up at t = 1.
        let s = ODESolver(dimension: 1, method: .rkf45, absoluteTolerance: 1e-8, relativeTolerance: 1e-8,
                          maxSteps: 10_000) { _, y, dydt in dydt[0] = y[0] * y[0] }
        var y = [1.0]
        XCTAssertNotEqual(s.advance(&y, from: 0, to: 2), .success)
    }
}
