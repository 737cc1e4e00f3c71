internal import CLAPACKE

/// Cholesky factor L (lower triangular) with A = L Lᵀ (LAPACK `dpotrf`).
///
/// - Throws: `NumericsError.invalidInput` if A is not positive definite
///   (`info > 0`), `NumericsError.lapack` for an illegal argument.
public func choleskyLower(_ a: Matrix) throws -> Matrix {
    precondition(a.rows == a.cols, "Cholesky of a non-square matrix")
    let n = a.rows
    var l = a.symmetrized
    if n == 0 { return l }
    let info = l.storage.withUnsafeMutableBufferPointer {
        LAPACKE_dpotrf(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "L")), Int32(n), $0.baseAddress, Int32(n))
    }
    if info > 0 {
        throw NumericsError.invalidInput("matrix is not positive definite (leading minor \(info) is not positive)")
    }
    guard info == 0 else { throw NumericsError.lapack(routine: "dpotrf", info: info) }
    for i in 0..<n { for j in (i + 1)..<n { l[i, j] = 0 } }
    return l
}

/// An n×k matrix Q with orthonormal columns spanning the columns of A (n ≥ k),
/// from a Householder QR (LAPACK `dgeqrf` then `dorgqr`).
public func orthonormalColumns(_ a: Matrix) throws -> Matrix {
    let n = a.rows, k = a.cols
    precondition(n >= k, "orthonormalColumns needs at least as many rows as columns")
    var q = a
    if k == 0 { return q }
    var tau = [Double](repeating: 0, count: k)
    var info = q.storage.withUnsafeMutableBufferPointer { pq in
        tau.withUnsafeMutableBufferPointer { pt in
            LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, Int32(n), Int32(k), pq.baseAddress, Int32(k), pt.baseAddress)
        }
    }
    guard info == 0 else { throw NumericsError.lapack(routine: "dgeqrf", info: info) }
    info = q.storage.withUnsafeMutableBufferPointer { pq in
        tau.withUnsafeBufferPointer { pt in
            LAPACKE_dorgqr(LAPACK_ROW_MAJOR, Int32(n), Int32(k), Int32(k),
                           pq.baseAddress, Int32(k), pt.baseAddress)
        }
    }
    guard info == 0 else { throw NumericsError.lapack(routine: "dorgqr", info: info) }
    return q
}

/// The solution x of A x = b for a square A (LAPACK `dgesv`, LU with partial pivoting).
///
/// - Throws: `NumericsError.invalidInput` if A is exactly singular (`info > 0`),
///   `NumericsError.lapack` for an illegal argument.
public func solveLinear(_ a: Matrix, _ b: [Double]) throws -> [Double] {
    precondition(a.rows == a.cols && b.count == a.rows, "solveLinear needs a square A and a matching b")
    let n = a.rows
    if n == 0 { return [] }
    var lu = a, x = b
    var pivots = [Int32](repeating: 0, count: n)
    let info = lu.storage.withUnsafeMutableBufferPointer { pa in
        pivots.withUnsafeMutableBufferPointer { pp in
            x.withUnsafeMutableBufferPointer { px in
                LAPACKE_dgesv(LAPACK_ROW_MAJOR, Int32(n), 1, pa.baseAddress, Int32(n), pp.baseAddress, px.baseAddress, 1)
            }
        }
    }
    if info > 0 { throw NumericsError.invalidInput("matrix is singular (U[\(info), \(info)] = 0)") }
    guard info == 0 else { throw NumericsError.lapack(routine: "dgesv", info: info) }
    return x
}
