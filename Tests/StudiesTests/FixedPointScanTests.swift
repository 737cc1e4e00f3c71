import XCTest
import GramFlowCore
import GramFlowNumerics
import OverlapTheory
import Studies
import TestSupport

/// `bifurcation scan` against closed forms: the erf pitchfork at σ_vu = 1 with
/// a₃ = −(π/4)σ_vu σ_uu, the rotation-block Hopf point with ω and l₁ = Re c₁/ω,
/// Re c₁ = −(π/2) a σ_uu, and a fold whose f' and f'' are checked by finite differences.
final class FixedPointScanTests: XCTestCase {
    private func grid(_ a: Double, _ b: Double, _ n: Int) -> [Double] { (0..<n).map { a + (b - a) * Double($0) / Double(n - 1) } }

    /// Rank 1, erf, x = 0: λ = σ_vu F(0) − 1 = σ_vu − 1 changes sign at σ_vu = 1 (to 1e-9);
    /// a₃ = F'(0) σ_uu σ_vu = −π/4 there (to 1e-8 relative).
    func testPitchforkAtUnitGain() throws {
        let spec = ModelSpec(inputs: 1, rank: 1, outputs: 1, nonlinearity: .erf)
        let path = try FixedPointScan.varying(FixedPointScan.defaultBase(spec.layout), layout: spec.layout, name: "v1.u1")
        let r = try FixedPointScan.run(spec: spec, path: path, values: grid(0.5, 1.5, 41), input: [0], start: [0])
        XCTAssertEqual(r.crossings.count, 1)
        let c = try XCTUnwrap(r.crossings.first)
        XCTAssertEqual(c.crossing.kind, .pitchfork)
        assertClose(c.crossing.parameter, 1, absolute: 1e-9)
        assertClose(try XCTUnwrap(c.cubic), -Double.pi / 4, relative: 1e-8)
        assertClose(try XCTUnwrap(c.eigenvalue), 0, absolute: 1e-9)
        XCTAssertEqual(c.note, "supercritical")
    }

    /// Rank 2, erf, S_vu = [[a, −0.7], [0.7, a]], S_uu = I, a from 0.8 to 1.2 (segment s ∈ [0, 1]):
    /// the pair a − 1 ± 0.7i crosses at a = 1 (s = 0.5, to 1e-9); ω = 0.7 and
    /// l₁ = Re c₁/ω = −(π/2)/0.7 (to 1e-8 relative), supercritical.
    func testHopfOfRotationBlock() throws {
        let spec = ModelSpec(inputs: 1, rank: 2, outputs: 1, nonlinearity: .erf)
        let l = spec.layout
        func overlaps(_ a: Double) -> Matrix {
            var S = FixedPointScan.defaultBase(l)
            let block = [[a, -0.7], [0.7, a]]
            for r in 0..<2 { for s in 0..<2 { S[l.v(r), l.u(s)] = block[r][s]; S[l.u(s), l.v(r)] = block[r][s] } }
            return S
        }
        let r = try FixedPointScan.run(spec: spec, path: FixedPointScan.segment(overlaps(0.8), overlaps(1.2)),
                                       values: grid(0, 1, 21), input: [0], start: [0, 0])
        let c = try XCTUnwrap(r.crossings.first)
        XCTAssertEqual(r.crossings.count, 1)
        XCTAssertEqual(c.crossing.kind, .hopf)
        assertClose(c.crossing.parameter, 0.5, absolute: 1e-9)
        assertClose(try XCTUnwrap(c.frequency), 0.7, relative: 1e-9)
        assertClose(try XCTUnwrap(c.lyapunovCoefficient), -Double.pi / 2 / 0.7, relative: 1e-8)
        XCTAssertEqual(c.note, "supercritical")
    }

    /// Rank 1, erf, x = 0.3, σ_vm = 0.5: the branch opposite to the input (from κ = −1.5 at
    /// σ_vu = 1.6) folds as σ_vu decreases. At the reported fold f(κ*) = 0, f'(κ*) ≈ 0 and
    /// a₂ = ½ f''(κ*) (rank 1: p = q = 1), f' and f'' by central differences (step 1e-4; tolerances
    /// 1e-5 on f', 1e-5 relative on a₂, O(h²) of the differences).
    func testSaddleNodeAgainstFiniteDifferences() throws {
        let spec = ModelSpec(inputs: 1, rank: 1, outputs: 1, nonlinearity: .erf)
        var base = FixedPointScan.defaultBase(spec.layout)
        base[spec.layout.v(0), spec.layout.m(0)] = 0.5; base[spec.layout.m(0), spec.layout.v(0)] = 0.5
        let path = try FixedPointScan.varying(base, layout: spec.layout, name: "v1.u1")
        let r = try FixedPointScan.run(spec: spec, path: path, values: grid(1.6, 0.8, 81), input: [0.3], start: [-1.5])
        let c = try XCTUnwrap(r.crossings.last)
        XCTAssertEqual(c.crossing.kind, .saddleNode)
        XCTAssertNotNil(r.endedAt)
        let field = LatentVectorField(overlaps: path(c.crossing.parameter), spec: spec, gain: try GaussianGain.of(.erf), input: [0.3])
        let k = c.crossing.kappa[0], h = 1e-4
        let f = { (x: Double) in field.value([x])[0] }
        let d1 = (f(k + h) - f(k - h)) / (2 * h), d2 = (f(k + h) - 2 * f(k) + f(k - h)) / (h * h)
        assertClose(f(k), 0, absolute: 1e-6)
        assertClose(d1, 0, absolute: 1e-5)
        assertClose(try XCTUnwrap(c.quadratic), 0.5 * d2, relative: 1e-5)
    }
}
