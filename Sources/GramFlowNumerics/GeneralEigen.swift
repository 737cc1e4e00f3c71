internal import CLAPACKE

/// Eigenvalues and right/left eigenvectors of a real square matrix (LAPACK `dgeev`):
/// A p_j = λ_j p_j and q_jᵀ A = λ_j q_jᵀ.
///
/// `real[j]`, `imaginary[j]` give λ_j (complex pairs are adjacent, positive imaginary
/// part first, as LAPACK returns them). For a real eigenvalue, column j of `right`
/// and `left` is its (unit-norm) eigenvector; for a pair, columns j and j+1 hold the
/// real and imaginary parts of the vector of λ_j.
public struct GeneralEigen: Sendable {
    public let real: [Double]
    public let imaginary: [Double]
    public let right: Matrix
    public let left: Matrix

    /// - Throws: `NumericsError.lapack` if `dgeev` reports a non-zero `info`.
    public init(_ a: Matrix) throws {
        precondition(a.rows == a.cols, "eigen-decomposition of a non-square matrix")
        let n = a.rows
        var work = a
        var wr = [Double](repeating: 0, count: n), wi = wr
        var vl = Matrix(rows: n, cols: n), vr = Matrix(rows: n, cols: n)
        if n > 0 {
            let info = work.storage.withUnsafeMutableBufferPointer { pa in
                wr.withUnsafeMutableBufferPointer { pr in
                    wi.withUnsafeMutableBufferPointer { pi in
                        vl.storage.withUnsafeMutableBufferPointer { pl in
                            vr.storage.withUnsafeMutableBufferPointer { pv in
                                LAPACKE_dgeev(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "V")), Int8(UInt8(ascii: "V")),
                                              Int32(n), pa.baseAddress, Int32(n), pr.baseAddress, pi.baseAddress,
                                              pl.baseAddress, Int32(n), pv.baseAddress, Int32(n))
                            }
                        }
                    }
                }
            }
            guard info == 0 else { throw NumericsError.lapack(routine: "dgeev", info: info) }
        }
        real = wr; imaginary = wi; right = vr; left = vl
    }

    /// The index of the eigenvalue with the largest real part (the first of a pair).
    public var leading: Int {
        precondition(!real.isEmpty)
        var best = 0
        for j in real.indices where real[j] > real[best] + 1e-14 * max(1, abs(real[best])) { best = j }
        return best
    }
}
