import XCTest
import GramFlowCore
import Symbolic

/// The ten rank-1 equations of the paper (docs/theory.md §5), written by hand, against the derivation.
final class RankOneEquationsTests: XCTestCase {
    private let m = VectorName(.m, 1), u = VectorName(.u, 1), v = VectorName(.v, 1), z = VectorName(.z, 1)
    private func s(_ a: VectorName, _ b: VectorName) -> Polynomial { Polynomial(.overlap(a, b)) }
    private func g(_ a: VectorName, _ b: VectorName) -> Polynomial { Polynomial(.gradient(a, b)) }
    private func times(_ c: Int, eta p: Polynomial) -> Polynomial { (Polynomial(.eta) * p).scaled(by: Rational(c)) }

    private func rates(_ phi: Nonlinearity) -> [String: Polynomial] {
        let d = Derivation(inputs: 1, rank: 1, outputs: 1, nonlinearity: phi)
        return Dictionary(uniqueKeysWithValues: d.flow.equations.map { ($0.overlap.pairName, $0.rate) })
    }

    /// Linear φ: only g_vu, g_vm, g_zu, g_zm can be non-zero. By hand from −2η(GS + SG), G_ab = ½ g_ab.
    func testTheTenLinearEquations() {
        let expected: [String: Polynomial] = [
            "m1.m1": times(-2, eta: s(z, m) * g(z, m) + s(v, m) * g(v, m)),
            "u1.u1": times(-2, eta: s(z, u) * g(z, u) + s(v, u) * g(v, u)),
            "v1.v1": times(-2, eta: s(v, u) * g(v, u) + s(v, m) * g(v, m)),
            "z1.z1": times(-2, eta: s(z, u) * g(z, u) + s(z, m) * g(z, m)),
            "m1.u1": times(-1, eta: s(v, u) * g(v, m) + s(z, u) * g(z, m) + s(v, m) * g(v, u) + s(z, m) * g(z, u)),
            "v1.z1": times(-1, eta: s(z, m) * g(v, m) + s(z, u) * g(v, u) + s(v, m) * g(z, m) + s(v, u) * g(z, u)),
            "m1.z1": times(-1, eta: (s(m, m) + s(z, z)) * g(z, m) + s(m, u) * g(z, u) + s(z, v) * g(v, m)),
            "u1.z1": times(-1, eta: (s(u, u) + s(z, z)) * g(z, u) + s(m, u) * g(z, m) + s(z, v) * g(v, u)),
            "m1.v1": times(-1, eta: (s(m, m) + s(v, v)) * g(v, m) + s(m, u) * g(v, u) + s(z, v) * g(z, m)),
            "u1.v1": times(-1, eta: (s(u, u) + s(v, v)) * g(v, u) + s(m, u) * g(v, m) + s(z, v) * g(z, u)),
        ]
        let derived = rates(.linear)
        XCTAssertEqual(Set(derived.keys), Set(expected.keys))
        for (name, rate) in expected { XCTAssertEqual(derived[name], rate, name) }
    }

    /// erf: the basis block adds g_mm, g_mu, g_uu; e.g. dσ_mm = −2η(2σ_mm g_mm + σ_mu g_mu + σ_mv g_mv + σ_mz g_mz),
    /// while dσ_vv and dσ_zz keep their linear form (v and z touch no basis-block gradient).
    func testNonlinearBasisBlockTerms() {
        let derived = rates(.erf)
        XCTAssertEqual(derived["m1.m1"],
                       times(-2, eta: s(m, m) * g(m, m).scaled(by: Rational(2)) + s(m, u) * g(m, u) + s(m, v) * g(m, v) + s(m, z) * g(m, z)))
        XCTAssertEqual(derived["v1.v1"], rates(.linear)["v1.v1"])
        XCTAssertEqual(derived["z1.z1"], rates(.linear)["z1.z1"])
    }

    /// The printed form of docs/theory.md §5's two quoted equations (names in canonical order: σ_zm is σ_m1z1).
    func testPrintedEquationsReadAsThePaper() {
        let text = Derivation(inputs: 1, rank: 1, outputs: 1, nonlinearity: .linear).rendered(as: .markdown)
        XCTAssert(text.contains("dσ_m1z1/dτ = −η[σ_v1z1 g_m1v1 + (σ_m1m1 + σ_z1z1) g_m1z1 + σ_m1u1 g_u1z1]"))
        XCTAssert(text.contains("dσ_m1m1/dτ = −2η[σ_m1v1 g_m1v1 + σ_m1z1 g_m1z1]"))
    }
}
