import XCTest
import GramFlowCore
import GramFlowNumerics
import OverlapTheory
import TestSupport

/// Normal forms of the latent fixed point against finite differences of the
/// latent vector field, and bifurcation detection against closed forms.
final class NormalFormTests: XCTestCase {
    private func field(_ S: Matrix, _ spec: ModelSpec, input: [Double]? = nil) throws -> LatentVectorField {
        LatentVectorField(overlaps: S, spec: spec, gain: try GaussianGain.of(spec.nonlinearity),
                          input: input ?? [Double](repeating: 0, count: spec.inputs))
    }

    private func set(_ S: inout Matrix, _ a: Int, _ b: Int, _ value: Double) { S[a, b] = value; S[b, a] = value }

    /// g(y) = qᵀ f(κ* + y p), the field along the centre direction.
    private func alongCentre(_ f: LatentVectorField, _ form: CentreNormalForm, at kappa: [Double]) -> (Double) -> Double {
        { y in
            let point = zip(kappa, form.right).map { $0 + y * $1 }
            return zip(form.left, f.value(point)).reduce(0) { $0 + $1.0 * $1.1 }
        }
    }

    /// Erf rank 1: λ = σ_vu − 1 and a₃ = −(π/4) σ_vu σ_uu (docs/theory.md §9).
    func testErfRankOneClosedForm() throws {
        let spec = ModelSpec(inputs: 1, rank: 1, outputs: 1, nonlinearity: .erf)
        let l = spec.layout
        var S = sampledOverlaps(l, seed: 3)
        set(&S, l.v(0), l.u(0), 0.9); set(&S, l.u(0), l.u(0), 1.7)
        let form = try CentreNormalForm.pitchfork(try field(S, spec))
        assertClose(form.eigenvalue, 0.9 - 1, relative: 1e-14)
        assertClose(form.cubic!, -Double.pi / 4 * 0.9 * 1.7, relative: 1e-14)
    }

    /// λ and a₃ against g(y)/y = λ + a₃y² + a₅y⁴ + …, fitted exactly through y = 0.005, 0.01, 0.02
    /// (the neglected a₇y⁶ moves a₃ by ~a₇·1e-7; roundoff ~1e-16/y³ = 1e-9) to ≤ 1e-6.
    func testPitchforkCoefficientsMatchFiniteDifferences() throws {
        for (spec, seed) in [(ModelSpec(inputs: 1, rank: 1, outputs: 1, nonlinearity: .erf), UInt64(1)),
                             (ModelSpec(inputs: 1, rank: 2, outputs: 1, nonlinearity: .erf), 2),
                             (ModelSpec(inputs: 2, rank: 3, outputs: 1, nonlinearity: .tanh), 4)] {
            let S = sampledOverlaps(spec.layout, seed: seed)
            let f = try field(S, spec)
            let form = try CentreNormalForm.pitchfork(f)
            let g = alongCentre(f, form, at: [Double](repeating: 0, count: spec.rank))
            let ys = [0.005, 0.01, 0.02], r = ys.map { g($0) / $0 }
            // r_i = λ + a₃ y_i² + a₅ y_i⁴: solve the 3×3 Vandermonde system in y².
            let a = Matrix(ys.map { [1, $0 * $0, $0 * $0 * $0 * $0] })
            let fit = try solveLinear(a, r)
            XCTAssertGreaterThan(abs(form.cubic!), 0.05, "\(spec.nonlinearity) rank \(spec.rank): a₃ must be non-trivial")
            assertClose(form.eigenvalue, fit[0], absolute: 1e-9, "\(spec.nonlinearity) rank \(spec.rank) λ")
            assertClose(form.cubic!, fit[1], absolute: 1e-6, "\(spec.nonlinearity) rank \(spec.rank) a₃")
        }
    }

    /// a₂ = ½ qᵀD²f[p,p] at a fixed point with input against the Richardson-extrapolated
    /// second difference of g (error O(y⁴) = 1e-8 at y = 0.01).
    func testQuadraticCoefficientMatchesFiniteDifferences() throws {
        for (spec, seed) in [(ModelSpec(inputs: 1, rank: 1, outputs: 1, nonlinearity: .erf), UInt64(5)),
                             (ModelSpec(inputs: 2, rank: 2, outputs: 1, nonlinearity: .erf), 6)] {
            var S = sampledOverlaps(spec.layout, seed: seed)
            // A symmetric S_vu keeps the leading eigenvalue real (a one-dimensional centre).
            if spec.rank == 2 { set(&S, spec.layout.v(0), spec.layout.u(1), S[spec.layout.v(1), spec.layout.u(0)]) }
            let f = try field(S, spec, input: (0..<spec.inputs).map { 0.7 + 0.3 * Double($0) })
            let point = try XCTUnwrap(try f.fixedPoint(from: [Double](repeating: 0, count: spec.rank)))
            let form = try CentreNormalForm.saddleNode(f, at: point.kappa)
            let g = alongCentre(f, form, at: point.kappa)
            func second(_ y: Double) -> Double { secondDifference(step: y, g) / 2 }
            let extrapolated = (4 * second(0.01) - second(0.02)) / 3
            XCTAssertGreaterThan(abs(form.quadratic!), 1e-3)
            assertClose(form.quadratic!, extrapolated, absolute: 1e-6, "\(spec.nonlinearity) rank \(spec.rank) a₂")
        }
    }

    /// Pitchfork: σ_vu⟨φ'⟩(0) crosses 1 at σ_vu = 1 (F(0) = 1 for erf and tanh).
    func testScanFindsPitchfork() throws {
        for phi in [Nonlinearity.erf, .tanh] {
            let spec = ModelSpec(inputs: 1, rank: 1, outputs: 1, nonlinearity: phi)
            let l = spec.layout, base = sampledOverlaps(l, seed: 7)
            let scan = BifurcationScan { s in
                var S = base; self.set(&S, l.v(0), l.u(0), s)
                return try! self.field(S, spec)
            }
            let result = try scan.run(values: stride(from: 0.5, through: 1.5, by: 0.05).map { $0 }, start: [0])
            XCTAssertEqual(result.crossings.count, 1)
            let c = try XCTUnwrap(result.crossings.first)
            XCTAssertEqual(c.kind, .pitchfork)
            assertClose(c.parameter, 1, absolute: 1e-9, "\(phi)")
        }
    }

    /// Hopf, rank 2 erf: S_vu = [[a, −b], [b, a]] (S_uu = I) gives λ = −1 + a ± ib at κ = 0; crossing at a = 1 with ω = b.
    func testScanFindsHopf() throws {
        let spec = ModelSpec(inputs: 1, rank: 2, outputs: 1, nonlinearity: .erf)
        let l = spec.layout
        var base = Matrix.identity(l.dimension)
        let b = 0.6
        set(&base, l.v(0), l.u(1), -b); set(&base, l.v(1), l.u(0), b)
        let scan = BifurcationScan { a in
            var S = base
            self.set(&S, l.v(0), l.u(0), a); self.set(&S, l.v(1), l.u(1), a)
            return try! self.field(S, spec)
        }
        let result = try scan.run(values: stride(from: 0.5, through: 1.5, by: 0.05).map { $0 }, start: [0, 0])
        let c = try XCTUnwrap(result.crossings.first)
        XCTAssertEqual(c.kind, .hopf)
        assertClose(c.parameter, 1, absolute: 1e-9)
        assertClose(abs(c.eigenvalue.imaginary), b, absolute: 1e-9)
    }

    /// Saddle-node, rank 1 erf with input x: following the lower branch as σ_vu falls,
    /// the fold is where s(κ) = (κ/F(Δ(κ)) − σ_vm x)/κ (the branch solved for s) is
    /// extremal; reference from golden-section search on s(κ).
    func testScanFindsSaddleNode() throws {
        let spec = ModelSpec(inputs: 1, rank: 1, outputs: 1, nonlinearity: .erf)
        let l = spec.layout
        var base = Matrix.identity(l.dimension)
        let x = 0.1, smu = 0.2
        set(&base, l.v(0), l.m(0), 1); set(&base, l.u(0), l.m(0), smu)
        let scan = BifurcationScan { s in
            var S = base; self.set(&S, l.v(0), l.u(0), s)
            return try! self.field(S, spec, input: [x])
        }
        let result = try scan.run(values: stride(from: 3.0, through: 1.0, by: -0.02).map { $0 }, start: [-3])
        let c = try XCTUnwrap(result.crossings.first)
        XCTAssertEqual(c.kind, .saddleNode)
        // Reference: s(κ) on the κ < 0 branch; the fold is its minimum.
        func s(_ k: Double) -> Double {
            let delta = k * k + 2 * smu * k * x + x * x
            return (k * (1 + Double.pi * delta / 2).squareRoot() - x) / k
        }
        var lo = -3.0, hi = -0.05
        let ratio = (5.0.squareRoot() - 1) / 2
        for _ in 0..<200 {
            let a = hi - ratio * (hi - lo), b = lo + ratio * (hi - lo)
            if s(a) < s(b) { hi = b } else { lo = a }
        }
        assertClose(c.parameter, s(0.5 * (lo + hi)), absolute: 1e-9)
        XCTAssertLessThan(abs(c.eigenvalue.real), 1e-4, "the leading eigenvalue vanishes (as √(s − s_c)) at the fold")
    }
}
