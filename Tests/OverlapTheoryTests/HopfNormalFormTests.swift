import XCTest
import GramFlowCore
import GramFlowNumerics
import OverlapTheory
import TestSupport

/// The Hopf normal form of the rank-2 latent field: closed form for a rotation
/// block, and the predicted limit-cycle amplitude against a direct simulation.
final class HopfNormalFormTests: XCTestCase {
    private let spec = ModelSpec(inputs: 1, rank: 2, outputs: 1, nonlinearity: .erf)

    private func field(_ svu: [[Double]], suu: [[Double]]) throws -> LatentVectorField {
        let l = spec.layout
        var S = Matrix.identity(l.dimension)
        for r in 0..<2 { for s in 0..<2 {
            S[l.v(r), l.u(s)] = svu[r][s]; S[l.u(s), l.v(r)] = svu[r][s]
            S[l.u(r), l.u(s)] = suu[r][s]
        } }
        return LatentVectorField(overlaps: S, spec: spec, gain: try GaussianGain.of(.erf), input: [0])
    }

    /// S_vu = [[a, −b], [b, a]], S_uu = σI: ṙ = (a−1) r + aF'(0)σ r³ with r = |κ| = √2|z|,
    /// so λ = a − 1, ω = b and Re c₁ = 2aF'(0)σ = −(π/2) a σ.
    func testRotationBlockClosedForm() throws {
        let a = 1.1, b = 0.7, sigma = 1.5
        let form = try HopfNormalForm(try field([[a, -b], [b, a]], suu: [[sigma, 0], [0, sigma]]))
        assertClose(form.realPart, a - 1, absolute: 1e-14)
        assertClose(form.frequency, b, absolute: 1e-14)
        assertClose(form.c1.real, -Double.pi / 2 * a * sigma, relative: 1e-12)
    }

    /// A generic block just past the crossing (λ = 0.004): the simulated cycle's |z| = |q̄ᵀκ|
    /// against √(−λ/Re c₁) (error O(λ) + O(|z|²) from the neglected terms; measured 0.3%, tolerance 1%).
    func testLimitCycleAmplitudeMatchesSimulation() throws {
        let m0 = [[0.6, -0.9], [0.5, 0.4]]          // eigenvalues 0.5 ± 0.66i
        let suu = [[1.3, 0.4], [0.4, 0.8]]
        let alpha0 = 0.5, scale = (1 + 0.004) / alpha0   // −1 + scale·α0 = 0.004
        let f = try field(m0.map { $0.map { $0 * scale } }, suu: suu)
        let form = try HopfNormalForm(f)
        assertClose(form.realPart, 0.004, absolute: 1e-12)
        XCTAssertLessThan(form.c1.real, 0, "supercritical")
        let predicted = (-form.realPart / form.c1.real).squareRoot()
        // RK4 on κ̇ = f(κ), dt = 0.1, from a small state; the approach rate is 2λ = 0.008,
        // so 6000 time units is 48 e-folds.
        var k = [0.01, 0.0]
        let h = 0.1
        func add(_ x: [Double], _ y: [Double], _ s: Double) -> [Double] { zip(x, y).map { $0 + s * $1 } }
        var amplitudes: [Double] = []
        let steps = 60_000
        for step in 0..<steps {
            let k1 = f.value(k), k2 = f.value(add(k, k1, h / 2)), k3 = f.value(add(k, k2, h / 2)), k4 = f.value(add(k, k3, h))
            k = zip(k, zip(zip(k1, k2), zip(k3, k4))).map { $0 + h / 6 * ($1.0.0 + 2 * $1.0.1 + 2 * $1.1.0 + $1.1.1) }
            if step >= steps - 1000 {
                let z = form.coordinate(k)
                amplitudes.append((z.real * z.real + z.imaginary * z.imaginary).squareRoot())
            }
        }
        let mean = amplitudes.reduce(0, +) / Double(amplitudes.count)
        assertClose(mean, predicted, relative: 0.01)  // measured 0.3%
        XCTAssertGreaterThan(mean, 0.01, "the cycle is not the initial transient")
    }
}
