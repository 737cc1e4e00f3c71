import XCTest
import GramFlowCore
import GramFlowNumerics
import Studies
import TestSupport

/// Reduced pitchfork sweep: the claim of docs/theory.md §9 at N = 80.
final class PitchforkCollapseTests: XCTestCase {
    func testEffectiveRankFallsAndTopEigenvectorAligns() throws {
        let mus = [0.3, 0.03, 0.001]
        let points = try PitchforkCollapse.run(neurons: 80, seed: 2, input: 1e-6, mus: mus)
        let ratios = points.map { $0.rank.participationRatio }
        XCTAssertGreaterThan(ratios[0], 2, "far from the bifurcation the kernel is not rank one")
        XCTAssertLessThan(ratios[1], ratios[0]); XCTAssertLessThan(ratios[2], ratios[1])
        XCTAssertLessThan(ratios[2], 1.001)
        XCTAssertGreaterThan(points[2].alignment, 0.99)
        for p in points {
            // Normal form at the branch κ* (σ_uu = 1: vectors of norm √N): λ = −μ + 3a₃κ*²,
            // a₃ = −(π/4)σ_vu σ_uu; the input terms of Δ are O(xκ*) ≤ 1e-10.
            let k = p.kappaTheory
            assertClose(p.latentEigenvalue, -p.mu - 3 * Double.pi / 4 * (1 - p.mu) * k * k, absolute: 1e-9)
            // Tiny input: the closure differs from the finite network only through the
            // nonlinear correction, of relative size ~3κ*²/μ.
            assertClose(p.kappaTheory, p.kappaNetwork, relative: 3 * k * k / p.mu, absolute: 1e-13)  // 1e-13: the Newton tolerance
        }
    }
}
