import XCTest
import GramFlowNumerics

/// |actual − expected| ≤ absolute + relative·|expected|, with both tolerances stated at the call.
public func assertClose(_ actual: Double, _ expected: Double, relative: Double = 0, absolute: Double = 0,
                        _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line) {
    let bound = absolute + relative * abs(expected)
    XCTAssert(abs(actual - expected) <= bound && actual.isFinite,
              "\(actual) vs \(expected): |Δ| = \(abs(actual - expected)) > \(bound). \(message())",
              file: file, line: line)
}

/// Entry-wise `assertClose` for matrices of the same shape.
public func assertClose(_ actual: Matrix, _ expected: Matrix, relative: Double = 0, absolute: Double = 0,
                        _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.rows, expected.rows, file: file, line: line)
    XCTAssertEqual(actual.cols, expected.cols, file: file, line: line)
    var worst = 0.0, at = (0, 0)
    for i in 0..<actual.rows { for j in 0..<actual.cols {
        let excess = abs(actual[i, j] - expected[i, j]) - (absolute + relative * abs(expected[i, j]))
        if excess > worst || !actual[i, j].isFinite { worst = max(excess, .infinity * (actual[i, j].isFinite ? 0 : 1)); at = (i, j) }
    } }
    XCTAssert(worst <= 0, "entry \(at): \(actual[at.0, at.1]) vs \(expected[at.0, at.1]). \(message())",
              file: file, line: line)
}

/// Q diag(spectrum) Qᵀ with a random orthogonal Q: a symmetric matrix with exactly these eigenvalues.
public func symmetricWithSpectrum(_ spectrum: [Double], random: RandomSource) throws -> Matrix {
    let n = spectrum.count
    let q = try orthonormalColumns(Matrix(rows: n, cols: n, storage: random.gaussians(n * n)))
    var scaled = q
    for j in 0..<n { for i in 0..<n { scaled[i, j] *= spectrum[j] } }
    return (scaled * q.transposed).symmetrized
}

/// A random symmetric positive definite n×n matrix with eigenvalues in [lo, hi].
public func randomSPD(_ n: Int, lo: Double = 0.5, hi: Double = 2, random: RandomSource) throws -> Matrix {
    let q = try orthonormalColumns(Matrix(rows: n, cols: n, storage: random.gaussians(n * n)))
    var scaled = q
    for j in 0..<n { let s = random.uniform(lo, hi); for i in 0..<n { scaled[i, j] *= s } }
    return (scaled * q.transposed).symmetrized
}
