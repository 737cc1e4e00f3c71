import XCTest
import GramFlowNumerics
import TestSupport

final class LanczosTests: XCTestCase {
    /// Top-5 of a random 200×200 SPD matrix with a decaying spectrum against dsyevd.
    func testTopEigenpairsMatchDenseSolver() throws {
        let random = RandomSource(seed: 3)
        let n = 200
        let q = try orthonormalColumns(Matrix(rows: n, cols: n, storage: random.gaussians(n * n)))
        var scaled = q
        for j in 0..<n { let s = pow(0.8, Double(j)); for i in 0..<n { scaled[i, j] *= s } }
        let a = (scaled * q.transposed).symmetrized
        let dense = try SymmetricEigen(a)
        let lanczos = try LanczosEigen(dimension: n, count: 5, steps: 60, random: random) { v in
            (0..<n).map { i in (0..<n).reduce(0.0) { $0 + a[i, $1] * v[$1] } }
        }
        for r in 0..<5 {
            assertClose(lanczos.values[r], dense.values[n - 1 - r], relative: 1e-12)
            XCTAssertLessThan(lanczos.residuals[r], 1e-10)
        }
    }

    /// PR = (Σλ)²/Σλ²: n for a flat spectrum, 1 for rank one; modes95 counts to 95% of the trace.
    func testEffectiveRank() {
        XCTAssertEqual(EffectiveRank(spectrum: [1, 1, 1, 1]).participationRatio, 4, accuracy: 1e-15)
        XCTAssertEqual(EffectiveRank(spectrum: [3, 0, 0]).participationRatio, 1, accuracy: 1e-15)
        XCTAssertEqual(EffectiveRank(spectrum: [3, 1]).participationRatio, 16.0 / 10, accuracy: 1e-15)
        XCTAssertEqual(EffectiveRank(spectrum: [90, 4, 3, 3]).modes95, 3)
        XCTAssertEqual(EffectiveRank(spectrum: [96, 4]).modes95, 1)
    }
}
