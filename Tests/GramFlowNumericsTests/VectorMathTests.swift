import XCTest
import Foundation
import GramFlowNumerics

/// The vectorised activations (SLEEF u10) against glibc's libm, element by element.
final class VectorMathTests: XCTestCase {
    /// Distance in units in the last place between two finite doubles of the same sign
    /// (or both ±0); Int.max otherwise.
    private func ulps(_ a: Double, _ b: Double) -> Int {
        if a == b { return 0 }
        guard a.isFinite, b.isFinite, a.sign == b.sign else { return Int.max }
        return abs(Int(a.magnitude.bitPattern) - Int(b.magnitude.bitPattern))
    }

    /// Arguments: a dense grid over ±40 (past both saturations), powers of two from the
    /// subnormals up, ±0, values near the switch points of the usual argument reductions.
    private var arguments: [Double] {
        var xs = stride(from: -40.0, through: 40.0, by: 1.0 / 1024).map { $0 }
        var p = Double.leastNonzeroMagnitude
        while p < 1e3 { xs += [p, -p, p * 1.5, -p * 1.5]; p *= 2 }
        xs += [0, -0.0, 0.55, 0.625, 0.84375, 1, 2, 3, 5, 6, 19.1, 22, 28, 710, 1e300, Double.greatestFiniteMagnitude]
        xs += xs.map { -$0 }
        for _ in 0..<20_000 { xs.append(Double.random(in: -8...8)) }
        return xs
    }

    private func apply(_ xs: [Double], _ f: (UnsafePointer<Double>, UnsafeMutablePointer<Double>, Int) -> Void) -> [Double] {
        var ys = [Double](repeating: .nan, count: xs.count)
        xs.withUnsafeBufferPointer { x in ys.withUnsafeMutableBufferPointer { y in f(x.baseAddress!, y.baseAddress!, xs.count) } }
        return ys
    }

    /// tanh within 2 ulp of libm everywhere (both are ≤ 1 ulp from the true value), ±0 kept,
    /// exactly ±1 past saturation, NaN for NaN, at every tail length (n mod 4).
    func testTanhAgainstLibm() {
        let xs = arguments
        let ys = apply(xs) { VectorMath.tanh($0, into: $1, count: $2) }
        var worst = 0
        for (x, y) in zip(xs, ys) {
            let u = ulps(y, Foundation.tanh(x))
            worst = max(worst, u)
            XCTAssertLessThanOrEqual(u, 2, "tanh(\(x)) = \(y), libm \(Foundation.tanh(x))")
            if x == 0 { XCTAssertEqual(y.sign, x.sign, "tanh(±0) keeps the sign") }
            if abs(x) >= 20 { XCTAssertEqual(abs(y), 1) }
        }
        print("VectorMath.tanh: at most \(worst) ulp from libm over \(xs.count) arguments (AVX2: \(VectorMath.usesAVX2))")
        for n in 0..<9 {  // tails, and NaN / ±∞ in every lane
            let input = (0..<n).map { [Double.nan, .infinity, -.infinity, 0.3][$0 % 4] }
            let out = apply(input) { VectorMath.tanh($0, into: $1, count: $2) }
            for (x, y) in zip(input, out) {
                if x.isNaN { XCTAssert(y.isNaN) } else { XCTAssertEqual(y, Foundation.tanh(x), accuracy: 1e-16) }
            }
        }
    }

    /// φ = erf(√π x/2) within 2 ulp of libm's erf of the same rounded argument, and
    /// φ' = exp(−πx²/4) within 2 ulp of libm's exp of the same rounded exponent (0 once it
    /// underflows); NaN for NaN.
    func testScaledErfAndSlopeAgainstLibm() {
        let s = Double.pi.squareRoot() / 2
        let xs = arguments
        var values = [Double](repeating: .nan, count: xs.count), slopes = values
        xs.withUnsafeBufferPointer { x in values.withUnsafeMutableBufferPointer { v in slopes.withUnsafeMutableBufferPointer { d in
            VectorMath.erf(x.baseAddress!, into: v.baseAddress!, slope: d.baseAddress!, count: xs.count)
        } } }
        var worstValue = 0, worstSlope = 0
        for (i, x) in xs.enumerated() {
            let v = ulps(values[i], Foundation.erf(s * x)), d = ulps(slopes[i], Foundation.exp(-Double.pi * x * x / 4))
            worstValue = max(worstValue, v); worstSlope = max(worstSlope, d)
            XCTAssertLessThanOrEqual(v, 2, "erf(√π·\(x)/2) = \(values[i]), libm \(Foundation.erf(s * x))")
            XCTAssertLessThanOrEqual(d, 2, "exp(−π·\(x)²/4) = \(slopes[i]), libm \(Foundation.exp(-Double.pi * x * x / 4))")
        }
        print("VectorMath.erf: value ≤ \(worstValue) ulp, slope ≤ \(worstSlope) ulp from libm over \(xs.count) arguments")
        let nan = [Double.nan, 1, .nan]
        var v = [Double](repeating: 0, count: 3), d = v
        VectorMath.erf(nan, into: &v, slope: &d, count: 3)
        XCTAssert(v[0].isNaN && d[0].isNaN && v[2].isNaN && d[2].isNaN)
        XCTAssertEqual(v[1], Foundation.erf(s), accuracy: 2e-16)
    }
}
