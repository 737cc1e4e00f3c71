import XCTest
import GramFlowNumerics
import TestSupport

final class LinearAlgebraTests: XCTestCase {
    /// libgsl depends on GSL's reference CBLAS; OpenBLAS must win the binding.
    func testCBLASBindsToOpenBLAS() throws {
        let a = Matrix([[1, 2], [3, 4]])
        _ = a * a  // make sure BLAS is loaded and used
        let provider = try XCTUnwrap(sharedObjectProviding(symbol: "cblas_dgemm"))
        XCTAssert(provider.contains("openblas"), "cblas_dgemm binds to \(provider)")
        XCTAssertFalse(provider.contains("gslcblas"))
    }

    func testProductAgainstHandComputation() {
        let a = Matrix([[1, 2, 3], [4, 5, 6]])
        let b = Matrix([[7, 8], [9, 10], [11, 12]])
        XCTAssertEqual(a * b, Matrix([[58, 64], [139, 154]]))
    }

    func testGramIsScaledAtA() {
        let a = Matrix([[1, 2], [3, 4], [5, 6]])
        // AᵀA = [[35, 44], [44, 56]]
        assertClose(a.gram(scale: 0.5), Matrix([[17.5, 22], [22, 28]]), absolute: 1e-14)
    }

    func testSymmetricEigenReconstructs() throws {
        let random = RandomSource(seed: 3)
        let s = try randomSPD(6, random: random)
        let eigen = try SymmetricEigen(s)
        XCTAssertEqual(eigen.values, eigen.values.sorted())
        assertClose(eigen.reconstruct { $0 }, s, absolute: 1e-13)
        assertClose(eigen.vectors.transposed * eigen.vectors, .identity(6), absolute: 1e-13)
        // Closed form for a 2×2: eigenvalues of [[2,1],[1,2]] are 1 and 3.
        let two = try SymmetricEigen(Matrix([[2, 1], [1, 2]]))
        assertClose(two.values[0], 1, absolute: 1e-14)
        assertClose(two.values[1], 3, absolute: 1e-14)
    }

    func testCholeskyAndItsFailure() throws {
        let s = try randomSPD(5, random: RandomSource(seed: 4))
        let l = try choleskyLower(s)
        assertClose(l * l.transposed, s, absolute: 1e-13)
        XCTAssertThrowsError(try choleskyLower(Matrix([[1, 2], [2, 1]]))) { error in
            guard case NumericsError.invalidInput = error else { return XCTFail("\(error)") }
        }
    }

    func testOrthonormalColumnsSpanTheInput() throws {
        let random = RandomSource(seed: 5)
        let a = Matrix(rows: 50, cols: 4, storage: random.gaussians(200))
        let q = try orthonormalColumns(a)
        assertClose(q.transposed * q, .identity(4), absolute: 1e-13)
        // Projecting A on span(Q) returns A.
        assertClose(q * (q.transposed * a), a, absolute: 1e-12)
    }

    func testRandomSourceIsReproducibleAndStandardNormal() {
        let a = RandomSource(seed: 42).gaussians(5), b = RandomSource(seed: 42).gaussians(5)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, RandomSource(seed: 43).gaussians(5))
        let draws = RandomSource(seed: 7).gaussians(200_000)
        let mean = draws.reduce(0, +) / 200_000
        let variance = draws.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 200_000
        // Standard errors: mean 1/√n ≈ 0.0022, variance √(2/n) ≈ 0.0032; allow 5σ.
        assertClose(mean, 0, absolute: 0.011)
        assertClose(variance, 1, absolute: 0.016)
    }
}
