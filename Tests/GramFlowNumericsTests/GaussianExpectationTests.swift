import XCTest
import Foundation
import GramFlowNumerics
import TestSupport

final class GaussianExpectationTests: XCTestCase {
    /// E[e^{−π(√Δ z)²/4}] = (1 + πΔ/2)^{−1/2} and E[(√Δ z)²] = Δ, across the range training visits.
    func testClosedFormsAcrossVariances() throws {
        let quadrature = GaussianExpectation()
        for delta in [0, 1e-8, 1e-3, 0.3, 1, 7, 100, 1e3, 1e4] {
            let gain = try quadrature.expectation(variance: delta) { exp(-Double.pi * $0 * $0 / 4) }.value
            assertClose(gain, 1 / (1 + Double.pi * delta / 2).squareRoot(), absolute: 1e-12, "Δ = \(delta)")
            let second = try quadrature.expectation(variance: delta) { $0 * $0 }.value
            assertClose(second, delta, relative: 1e-12, absolute: 1e-15, "Δ = \(delta)")
        }
    }
}
