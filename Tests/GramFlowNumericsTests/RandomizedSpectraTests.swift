import XCTest
import GramFlowNumerics
import TestSupport

/// Randomized eigendecomposition / SVD and Hutch++ against dense LAPACK references.
final class RandomizedSpectraTests: XCTestCase {
    /// Q diag(d) Wᵀ with orthonormal Q (m×r), W (n×r): singular values d, known exactly.
    private func operatorWith(singularValues d: [Double], rows m: Int, columns n: Int, random: RandomSource) throws -> Matrix {
        let r = d.count
        var q = try orthonormalColumns(Matrix(rows: m, cols: r, storage: random.gaussians(m * r)))
        let w = try orthonormalColumns(Matrix(rows: n, cols: r, storage: random.gaussians(n * r)))
        for j in 0..<r { for i in 0..<m { q[i, j] *= d[j] } }
        return q * w.transposed
    }

    /// A v by dgemv.
    private func times(_ a: Matrix, _ v: [Double]) -> [Double] {
        (a * Matrix(rows: v.count, cols: 1, storage: v)).storage
    }

    /// Top-5 of a 200×200 PSD matrix with spectrum 0.6^j: eigenvalues to 1e-10 relative of
    /// dsyevd, true residuals ≤ 1e-8·λ₁ (q = 6 power iterations, ℓ = 15:
    /// (λ₁₆/λ₅)^13 = 0.6^143 ≈ 1e-32, rounding-limited).
    func testRandomizedEigenMatchesDense() throws {
        let n = 200
        let psd = try symmetricWithSpectrum((0..<n).map { pow(0.6, Double($0)) }, random: RandomSource(seed: 5))
        let dense = try SymmetricEigen(psd)
        let pairs = try Eigenpairs.top(5, dimension: n, method: .randomized, steps: 6, random: RandomSource(seed: 1)) { self.times(psd, $0) }
        for r in 0..<5 {
            assertClose(pairs.values[r], dense.values[n - 1 - r], relative: 1e-10)
            XCTAssertLessThan(pairs.residuals[r], 1e-8 * pairs.values[0])
        }
        XCTAssertEqual(pairs.products, 15 * 8 + 5)
    }

    /// Top-4 singular triplets of a 150×120 operator with σ_j = 0.5^j, by both methods:
    /// σ to 1e-10 relative of the construction, |⟨u_j, Av_j⟩| = σ_j, residuals ≤ 1e-8·σ₁.
    func testSingularTripletsMatchConstruction() throws {
        let m = 150, n = 120
        let sigma = (0..<n).map { pow(0.5, Double($0)) }
        let a = try operatorWith(singularValues: sigma, rows: m, columns: n, random: RandomSource(seed: 8))
        let at = a.transposed
        for method in SpectralMethod.allCases {
            let t = try SingularTriplets.top(4, rows: m, columns: n, method: method, steps: method == .randomized ? 5 : 60,
                                             random: RandomSource(seed: 2),
                                             apply: { self.times(a, $0) }, applyTranspose: { self.times(at, $0) })
            for j in 0..<4 {
                assertClose(t.values[j], sigma[j], relative: 1e-10, "\(method) σ_\(j)")
                XCTAssertLessThan(t.residuals[j], 1e-8, "\(method) residual \(j)")
                assertClose(abs(LanczosEigen.dot(t.left[j], times(a, t.right[j]))), sigma[j], relative: 1e-10)
            }
        }
    }

    /// Hutch++ is exact (to rounding) when the rank r of A is at most the sketch size m/3,
    /// and exact by unit vectors when m ≥ n.
    func testHutchPlusPlusExactOnLowRankAndSmallDimension() throws {
        let n = 300
        let a = try operatorWith(singularValues: [5, 3, 2, 1, 0.5, 0.25], rows: n, columns: n, random: RandomSource(seed: 4))
        let psd = (a * a.transposed).symmetrized
        let h = try HutchPlusPlus(dimension: n, products: 30, random: RandomSource(seed: 1)) { self.times(psd, $0) }
        XCTAssertFalse(h.exact)
        assertClose(h.estimate, psd.trace, relative: 1e-12)
        let small = Matrix(rows: 3, cols: 3, storage: [2, 1, 0, 1, 3, 0, 0, 0, 4])
        let e = try HutchPlusPlus(dimension: 3, products: 3, random: RandomSource(seed: 1)) { self.times(small, $0) }
        XCTAssertTrue(e.exact)
        XCTAssertEqual(e.estimate, 9, accuracy: 1e-15)
    }

    /// On a full-rank PSD spectrum 1/j² (n = 400, m = 60 products), over 30 seeds, every
    /// estimate lies within 4 of its conditional standard deviations
    /// (2/g)^½ (‖Ã‖_F² − ΣÃ_ii²)^½, Ã = (I−QQᵀ)A(I−QQᵀ) of the deflated rest (Chebyshev:
    /// ≥ 94 % each), and the RMS relative error is ≤ 2 %, below plain Hutchinson's
    /// (2/m)^½ ‖A‖_F / tr A with the same 60 products (the point of Hutch++).
    func testHutchPlusPlusWithinVarianceBound() throws {
        let n = 400, m = 60
        let spectrum = (0..<n).map { 1 / pow(Double($0 + 1), 2) }
        let a = try symmetricWithSpectrum(spectrum, random: RandomSource(seed: 6))
        let trace = spectrum.reduce(0, +), frobenius = spectrum.reduce(0) { $0 + $1 * $1 }.squareRoot()
        var squares = 0.0
        for seed in 1...30 {
            let h = try HutchPlusPlus(dimension: n, products: m, random: RandomSource(seed: UInt64(seed))) { self.times(a, $0) }
            XCTAssertEqual(h.products, m)
            // Redraw the same sketch to get Q and the deflated rest's variance.
            let random = RandomSource(seed: UInt64(seed))
            let s = m / 3
            let sketch = Matrix(rows: n, cols: s, storage: (0..<(n * s)).map { _ in random.uniform() < 0.5 ? -1 : 1 })
            let qs = try orthonormalColumns(a * sketch)
            let projector = Matrix.identity(n) - qs * qs.transposed
            let rest = projector * a * projector
            let diagonal = (0..<n).reduce(0.0) { $0 + rest[$1, $1] * rest[$1, $1] }
            let sd = (2 / Double(s) * (rest.frobeniusNorm * rest.frobeniusNorm - diagonal)).squareRoot()
            XCTAssertLessThanOrEqual(abs(h.estimate - trace), 4 * sd, "seed \(seed)")
            squares += pow((h.estimate - trace) / trace, 2)
        }
        let rms = (squares / 30).squareRoot()
        XCTAssertLessThan(rms, 0.02)
        XCTAssertLessThan(rms, (2 / Double(m)).squareRoot() * frobenius / trace)
    }
}
