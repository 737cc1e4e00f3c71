internal import CLAPACKE

/// Eigen-decomposition A = W Λ Wᵀ of a real symmetric matrix (LAPACK `dsyevd`).
///
/// `values` are ascending; column j of `vectors` is the unit eigenvector of `values[j]`.
public struct SymmetricEigen: Sendable {
    public let values: [Double]
    public let vectors: Matrix

    /// - Throws: `NumericsError.lapack` if `dsyevd` reports a non-zero `info`.
    public init(_ a: Matrix) throws {
        precondition(a.rows == a.cols, "eigen-decomposition of a non-square matrix")
        let n = a.rows
        var w = a.symmetrized
        var values = [Double](repeating: 0, count: n)
        if n > 0 {
            let info = w.storage.withUnsafeMutableBufferPointer { pw in
                values.withUnsafeMutableBufferPointer { pv in
                    LAPACKE_dsyevd(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "V")), Int8(UInt8(ascii: "U")),
                                   Int32(n), pw.baseAddress, Int32(n), pv.baseAddress)
                }
            }
            guard info == 0 else { throw NumericsError.lapack(routine: "dsyevd", info: info) }
        }
        self.values = values
        self.vectors = w
    }

    /// W f(Λ) Wᵀ for a function of the eigenvalues.
    public func reconstruct(_ f: (Double) -> Double) -> Matrix {
        let n = values.count
        var scaled = vectors
        for j in 0..<n { let s = f(values[j]); for i in 0..<n { scaled[i, j] *= s } }
        return scaled * vectors.transposed
    }
}
