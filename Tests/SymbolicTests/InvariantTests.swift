import XCTest
import GramFlowCore
import GramFlowNumerics
import OverlapTheory
import Symbolic
import TestSupport

/// tr(M^k) as polynomials, and their exact rates under the symbolic flow (docs/theory.md §7).
final class InvariantTests: XCTestCase {
    /// The polynomials evaluate to OverlapTheory's numeric tr(M^k).
    func testTracesMatchConservedQuantities() {
        for (K, R, O) in sweptLayouts {
            let d = Derivation(inputs: K, rank: R, outputs: O, nonlinearity: .linear)
            let S = sampledOverlaps(d.layout, seed: 50)
            let binding = NumericBinding(layout: d.layout, S: S, G: Matrix(rows: S.rows, cols: S.cols), eta: 0)
            let numeric = ConservedQuantities.traces(S, layout: d.layout)
            let scales = ConservedQuantities.scales(S)
            for k in 0..<4 {
                assertClose(binding.evaluate(d.invariants.traces[k]), numeric[k], absolute: 1e-13 * scales[k], "K\(K) R\(R) O\(O) k=\(k + 1)")
            }
        }
    }

    /// Linear φ: d tr(M^k)/dτ is the zero polynomial, k = 1..4, ranks 1–2, one and two inputs and outputs.
    func testLinearFlowConservesEveryTraceExactly() {
        for (K, R, O) in [(1, 1, 1), (2, 1, 1), (1, 1, 2), (1, 2, 1), (2, 2, 1), (2, 2, 2)] {
            let d = Derivation(inputs: K, rank: R, outputs: O, nonlinearity: .linear)
            XCTAssertEqual(d.invariants.conserved, [true, true, true, true], "K\(K) R\(R) O\(O)")
            XCTAssert(d.invariants.traces.allSatisfy { !$0.isZero })
        }
    }

    /// Nonlinear φ with a Δ-dependent gain: every rate is a non-zero polynomial, ranks 1–2.
    /// Balancedness, for instance, moves at 4η Σ_{e≤f in E} σ_ef g_ef for rank 1.
    func testNonlinearFlowBreaksEveryTrace() {
        for (K, R) in [(1, 1), (2, 1), (1, 2), (2, 2)] {
            for phi in [Nonlinearity.erf, .tanh] {
                let d = Derivation(inputs: K, rank: R, outputs: 1, nonlinearity: phi)
                XCTAssertEqual(d.invariants.conserved, [false, false, false, false], "K\(K) R\(R) \(phi)")
            }
        }
        let m = VectorName(.m, 1), u = VectorName(.u, 1)
        var expected = Polynomial()
        for (a, b) in [(m, m), (m, u), (u, u)] { expected.add(Monomial([.eta, .overlap(a, b), .gradient(a, b)]), Rational(4)) }
        XCTAssertEqual(Derivation(inputs: 1, rank: 1, outputs: 1, nonlinearity: .erf).invariants.rates[0], expected)
    }

    /// The chain rule, checked numerically: the symbolic rate equals the central difference of
    /// the numeric tr(M^k) along the numeric flow, (tr(S + hF) − tr(S − hF))/2h, F = −2η(GS+SG).
    func testRateIsTheDerivativeAlongTheNumericFlow() {
        let spec = ModelSpec(inputs: 2, rank: 2, outputs: 1, nonlinearity: .erf)
        let d = Derivation(inputs: 2, rank: 2, outputs: 1, nonlinearity: .erf)
        let S = sampledOverlaps(spec.layout, seed: 60), G = randomGradient(spec, seed: 61)
        let F = gradientFlowDerivative(S: S, G: G, eta: 0.1)
        let h = 1e-5
        let central = centralDifference(step: h) { ConservedQuantities.traces(S + $0 * F, layout: spec.layout) }
        let binding = NumericBinding(layout: spec.layout, S: S, G: G, eta: 0.1)
        for k in 0..<4 {
            // Error O(h²) from truncation and O(1e-16 · tr / h) from rounding: ~1e-10 here.
            assertClose(binding.evaluate(d.invariants.rates[k]), central[k], relative: 1e-7, absolute: 1e-9, "k=\(k + 1)")
        }
    }

    /// ReLU's closure has a constant gain, so its G has the linear pattern and the traces survive.
    func testReluClosureConservesTheTraces() {
        XCTAssertEqual(Derivation(inputs: 1, rank: 2, outputs: 1, nonlinearity: .relu).invariants.conserved, [true, true, true, true])
    }
}
