/// A dense matrix of polynomials, row-major: enough to write S, G and M and
/// multiply them (the flow GS + SG, the map's GSG, the powers of M).
public struct SymbolicMatrix: Sendable {
    public let rows: Int
    public let cols: Int
    public private(set) var entries: [Polynomial]

    public init(rows: Int, cols: Int, entry: (Int, Int) -> Polynomial = { _, _ in .zero }) {
        self.rows = rows; self.cols = cols
        entries = (0..<rows * cols).map { entry($0 / cols, $0 % cols) }
    }

    public subscript(i: Int, j: Int) -> Polynomial {
        get { entries[i * cols + j] }
        set { entries[i * cols + j] = newValue }
    }

    public var transposed: SymbolicMatrix { SymbolicMatrix(rows: cols, cols: rows) { self[$1, $0] } }

    /// Σ_i A_ii.
    public var trace: Polynomial {
        precondition(rows == cols)
        var t = Polynomial()
        for i in 0..<rows { t += self[i, i] }
        return t
    }

    public static func + (a: SymbolicMatrix, b: SymbolicMatrix) -> SymbolicMatrix {
        precondition(a.rows == b.rows && a.cols == b.cols)
        return SymbolicMatrix(rows: a.rows, cols: a.cols) { a[$0, $1] + b[$0, $1] }
    }

    /// (AB)_ij = Σ_k A_ik B_kj, skipping zero entries (S and G are sparse in places).
    public static func * (a: SymbolicMatrix, b: SymbolicMatrix) -> SymbolicMatrix {
        precondition(a.cols == b.rows)
        var out = SymbolicMatrix(rows: a.rows, cols: b.cols)
        for i in 0..<a.rows { for k in 0..<a.cols where !a[i, k].isZero {
            for j in 0..<b.cols where !b[k, j].isZero { out.entries[i * b.cols + j].addProduct(a[i, k], b[k, j]) }
        } }
        return out
    }

    /// tr(AB) = Σ_ij A_ij B_ji, without forming AB.
    public static func traceOfProduct(_ a: SymbolicMatrix, _ b: SymbolicMatrix) -> Polynomial {
        precondition(a.cols == b.rows && a.rows == b.cols)
        var t = Polynomial()
        for i in 0..<a.rows { for j in 0..<a.cols where !a[i, j].isZero && !b[j, i].isZero { t.addProduct(a[i, j], b[j, i]) } }
        return t
    }
}
