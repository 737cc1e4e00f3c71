import XCTest
import Symbolic
import TestSupport

/// The exact algebra: rationals in lowest terms, polynomial identities checked
/// term by term, derivatives against the product rule, evaluation against Double arithmetic.
final class PolynomialTests: XCTestCase {
    private let a = Symbol.overlap(VectorName(.m, 1), VectorName(.z, 1))
    private let b = Symbol.gradient(VectorName(.u, 1), VectorName(.v, 1))
    private let c = Symbol.kappa(1, .previous)

    func testRationalsStayInLowestTermsWithPositiveDenominators() {
        XCTAssertEqual(Rational(6, -4), Rational(-3, 2))
        XCTAssertEqual(Rational(6, -4).denominator, 2)
        XCTAssertEqual(Rational(1, 2) + Rational(1, 3), Rational(5, 6))
        XCTAssertEqual(Rational(2, 3) * Rational(9, 4), Rational(3, 2))
        XCTAssertEqual(Rational(1, 6) - Rational(1, 6), .zero)
        XCTAssert(Rational(-1, 2) < Rational(1, 3))
        XCTAssertEqual(Rational(-7, 2).description, "-7/2")
    }

    func testBinomialSquareAndCancellation() {
        let x = Polynomial(a), y = Polynomial(b)
        let square = (x + y) * (x + y)
        var expected = Polynomial()
        expected.add(Monomial([a, a]), .one)
        expected.add(Monomial([a, b]), Rational(2))
        expected.add(Monomial([b, b]), .one)
        XCTAssertEqual(square, expected)
        XCTAssert(((x + y) * (x - y) - (x * x - y * y)).isZero, "(x+y)(x−y) = x² − y² exactly")
        XCTAssertEqual(Polynomial(a).scaled(by: .zero), .zero)
    }

    func testDerivativeFollowsTheProductRule() {
        let p = Polynomial(a) * Polynomial(a) * Polynomial(b) + Polynomial(c).scaled(by: Rational(3, 2))
        let q = Polynomial(a) * Polynomial(c) + Polynomial(1)
        for s in [a, b, c] {
            let lhs = (p * q).derivative(withRespectTo: s)
            let rhs = p.derivative(withRespectTo: s) * q + p * q.derivative(withRespectTo: s)
            XCTAssertEqual(lhs, rhs)
        }
        XCTAssertEqual(p.derivative(withRespectTo: a), (Polynomial(a) * Polynomial(b)).scaled(by: Rational(2)))
    }

    func testEvaluationMatchesDoubleArithmetic() {
        let values: [Symbol: Double] = [a: 0.7, b: -1.3, c: 2.1]
        let p = (Polynomial(a) + Polynomial(b).scaled(by: Rational(1, 3))) * (Polynomial(c) - Polynomial(2))
        let expected = (0.7 + (-1.3) / 3) * (2.1 - 2)
        // The expanded form sums terms of size ~1 to a result of ~0.03: compare at the terms' rounding scale.
        assertClose(p.evaluate { values[$0]! }, expected, absolute: 1e-15)
    }

    func testCollectionReassemblesThePolynomial() {
        let p = (Polynomial(a) + Polynomial(c)) * Polynomial(b) * Polynomial(b) + Polynomial(a).scaled(by: Rational(-2))
        let groups = p.collected { $0.kind == .gradient }
        XCTAssertEqual(groups.map(\.key), [Monomial.one, Monomial([b, b])])
        var sum = Polynomial()
        for g in groups { sum += Polynomial(g.key) * g.coefficient }
        XCTAssertEqual(sum, p)
    }

    func testContentIsGCDOverLCM() {
        var p = Polynomial()
        p.add(Monomial([a]), Rational(4, 3))
        p.add(Monomial([b]), Rational(-2, 9))
        XCTAssertEqual(p.content, Rational(2, 9))
        XCTAssertEqual(Polynomial.zero.content, .one)
    }

    func testSymbolsSortInCanonicalOverlapOrder() {
        // σ_m1u1 < σ_m1z1 < σ_u1v1: the order of VectorLayout.overlapNames.
        let m1 = VectorName(.m, 1), u1 = VectorName(.u, 1), v1 = VectorName(.v, 1), z1 = VectorName(.z, 1)
        XCTAssertEqual([Symbol.overlap(u1, v1), .overlap(z1, m1), .overlap(m1, u1)].sorted().map(\.pairName),
                       ["m1.u1", "m1.z1", "u1.v1"])
        XCTAssertEqual(Symbol.overlap(z1, m1), .overlap(m1, z1), "σ is symmetric")
        XCTAssertEqual(Symbol.kappa(2, .current).index, 2)
    }
}
