import XCTest
import Foundation
import GramFlowCore
import GramFlowNumerics
import OverlapTheory
import TestSupport

final class GaussianGainTests: XCTestCase {
    /// The tabulating machinery used for tanh, applied to erf, reproduces erf's closed form.
    func testTableMachineryReproducesTheErfClosedForm() throws {
        let erf = Nonlinearity.erf
        let table = try GainTable(derivative: erf.derivative, thirdDerivative: erf.thirdDerivative)
        let closed = try GaussianGain.of(.erf)
        let random = RandomSource(seed: 1)
        var worstValue = 0.0, worstSlope = 0.0
        for i in 0..<4000 {
            // Dense in [0, 100], including points between nodes and both ends.
            let delta = i == 0 ? 0 : (i == 1 ? 100 : 100 * random.uniform())
            let (f, df) = table(delta), (g, dg) = closed(delta)
            worstValue = max(worstValue, abs(f - g))
            worstSlope = max(worstSlope, abs(df - dg) / abs(dg))
        }
        XCTAssertLessThanOrEqual(worstValue, 1e-10)
        XCTAssertLessThanOrEqual(worstSlope, 1e-7)
        // The documented accuracy over the whole table, [0, 10⁴].
        for delta in (0..<500).map({ _ in exp(random.uniform(0, log(1e4))) - 1 }) {
            assertClose(table(delta).value, closed(delta).value, absolute: 1e-11, "Δ = \(delta)")
        }
    }

    /// tanh's table against direct quadrature off the nodes, inside and past the table.
    func testTanhTableAgainstDirectQuadrature() throws {
        let gain = try GaussianGain.of(.tanh)
        let quadrature = GaussianExpectation()
        let random = RandomSource(seed: 2)
        for delta in [0.0, 0.05, 1.234, 33.3, 999.9, 2e4] + (0..<100).map({ _ in exp(random.uniform(0, log(1e4))) - 1 }) {
            let direct = try quadrature.expectation(variance: delta, Nonlinearity.tanh.derivative).value
            let slope = 0.5 * (try quadrature.expectation(variance: delta, Nonlinearity.tanh.thirdDerivative).value)
            let (f, df) = gain(delta)
            assertClose(f, direct, absolute: 1e-11, "Δ = \(delta)")
            assertClose(df, slope, relative: 1e-7, absolute: 1e-13, "Δ = \(delta)")
        }
        // F(0) = φ'(0) = 1 and F'(0) = ½ φ‴(0) = −1.
        assertClose(gain(0).value, 1, absolute: 1e-14)
        assertClose(gain(0).derivative, -1, absolute: 1e-8)
    }

    /// F' is the derivative of F (central differences).
    func testDerivativeMatchesFiniteDifferences() throws {
        for phi in [Nonlinearity.tanh, .erf, .relu, .linear] {
            let gain = try GaussianGain.of(phi)
            for delta in [0.01, 0.4, 3, 50] {
                let h = 1e-5 * max(1, delta)
                let fd = centralDifference(step: h) { gain(delta + $0).value }
                assertClose(gain(delta).derivative, fd, relative: 1e-6, absolute: 1e-10, "\(phi), Δ = \(delta)")
            }
        }
    }
}
