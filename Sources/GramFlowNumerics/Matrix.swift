/// A dense real matrix, row-major, Float64.
///
/// Entry (i, j) lives at `storage[i * cols + j]`. This is the layout handed
/// to BLAS and LAPACK (`CblasRowMajor`, `LAPACK_ROW_MAJOR`); a column block
/// of a matrix is a BLAS operand with leading dimension `cols`.
public struct Matrix: Equatable, Sendable {
    public let rows: Int
    public let cols: Int
    public var storage: [Double]

    public init(rows: Int, cols: Int, storage: [Double]) {
        precondition(rows >= 0 && cols >= 0 && storage.count == rows * cols,
                     "Matrix storage has \(storage.count) entries, expected \(rows)x\(cols)")
        self.rows = rows
        self.cols = cols
        self.storage = storage
    }

    public init(rows: Int, cols: Int, repeating value: Double = 0) {
        self.init(rows: rows, cols: cols, storage: Array(repeating: value, count: rows * cols))
    }

    /// Builds a matrix from its rows.
    public init(_ rowArrays: [[Double]]) {
        let cols = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == cols }, "ragged rows")
        self.init(rows: rowArrays.count, cols: cols, storage: rowArrays.flatMap { $0 })
    }

    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, cols: n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    @inlinable
    public subscript(i: Int, j: Int) -> Double {
        get { storage[i * cols + j] }
        set { storage[i * cols + j] = newValue }
    }

    public var transposed: Matrix {
        var t = Matrix(rows: cols, cols: rows)
        for i in 0..<rows { for j in 0..<cols { t[j, i] = self[i, j] } }
        return t
    }

    /// The column `j` as an array.
    public func column(_ j: Int) -> [Double] { (0..<rows).map { self[$0, j] } }

    /// The sub-matrix of the given rows and columns, in the given order.
    public func selecting(rows r: [Int], cols c: [Int]) -> Matrix {
        var out = Matrix(rows: r.count, cols: c.count)
        for (a, i) in r.enumerated() { for (b, j) in c.enumerated() { out[a, b] = self[i, j] } }
        return out
    }

    public var trace: Double {
        precondition(rows == cols)
        return (0..<rows).reduce(0) { $0 + self[$1, $1] }
    }

    /// max_ij |a_ij|
    public var maxAbs: Double { storage.reduce(0) { max($0, abs($1)) } }

    /// Frobenius norm ‖A‖_F = (Σ a_ij²)^½.
    public var frobeniusNorm: Double { storage.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    /// (A + Aᵀ)/2
    public var symmetrized: Matrix {
        precondition(rows == cols)
        var s = self
        for i in 0..<rows { for j in 0..<i {
            let v = 0.5 * (self[i, j] + self[j, i]); s[i, j] = v; s[j, i] = v
        } }
        return s
    }

    public var allFinite: Bool { storage.allSatisfy { $0.isFinite } }

    public static func + (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.rows == b.rows && a.cols == b.cols)
        return Matrix(rows: a.rows, cols: a.cols, storage: zip(a.storage, b.storage).map(+))
    }

    public static func - (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.rows == b.rows && a.cols == b.cols)
        return Matrix(rows: a.rows, cols: a.cols, storage: zip(a.storage, b.storage).map(-))
    }

    public static func * (s: Double, a: Matrix) -> Matrix {
        Matrix(rows: a.rows, cols: a.cols, storage: a.storage.map { s * $0 })
    }
}
