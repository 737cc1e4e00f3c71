/// The trace of a symmetric positive semi-definite operator A on ℝⁿ from m products,
/// by Hutch++ (Meyer, Musco, Musco & Woodruff 2021, Algorithm 1):
///
///     S, G ∈ {±1}^{n×m/3} (Rademacher),   Q = orth(A S),
///     tr A ≈ tr(Qᵀ A Q) + (3/m) tr(Gᵀ (I − QQᵀ) A (I − QQᵀ) G).
///
/// The first term is exact on the top of the spectrum that A S captures; Hutchinson's
/// estimator only sees the deflated rest, whose variance given Q is
/// (2/g)(‖Ã‖_F² − Σ Ã_ii²), Ã = (I−QQᵀ)A(I−QQᵀ), g = m/3. For PSD A the relative error
/// is ≤ ε with probability 1 − δ from m = O(√log(1/δ)/ε + log(1/δ)) products.
/// With m ≥ n the trace is taken exactly, Σ e_iᵀ A e_i (n products).
public struct HutchPlusPlus {
    public let estimate: Double
    /// Products taken.
    public let products: Int
    /// Whether `estimate` is the exact trace (m ≥ n).
    public let exact: Bool

    public init(dimension n: Int, products m: Int, random: RandomSource, apply: ([Double]) -> [Double]) throws {
        precondition(n >= 1 && m >= 3)
        if m >= n {
            var trace = 0.0
            for i in 0..<n {
                var e = [Double](repeating: 0, count: n); e[i] = 1
                trace += apply(e)[i]
            }
            estimate = trace; products = n; exact = true
            return
        }
        let s = (m + 2) / 3, g = max(1, m - 2 * s)
        func rademacher(_ count: Int) -> Matrix {
            Matrix(rows: n, cols: count, storage: (0..<(n * count)).map { _ in random.uniform() < 0.5 ? -1 : 1 })
        }
        let sketch = rademacher(s)
        let q = try orthonormalColumns(Matrix(columns: (0..<s).map { apply(sketch.column($0)) }, rows: n))
        var top = 0.0
        for c in 0..<s { let col = q.column(c); top += LanczosEigen.dot(col, apply(col)) }
        let probes = rademacher(g)
        var rest = 0.0
        for c in 0..<g {
            let x = Self.deflate(probes.column(c), q)
            rest += LanczosEigen.dot(x, Self.deflate(apply(x), q))
        }
        estimate = top + rest / Double(g); products = 2 * s + g; exact = false
    }

    /// (I − QQᵀ) x.
    static func deflate(_ x: [Double], _ q: Matrix) -> [Double] {
        var y = x
        for c in 0..<q.cols {
            var d = 0.0
            for i in 0..<q.rows { d += q[i, c] * x[i] }
            for i in 0..<q.rows { y[i] -= d * q[i, c] }
        }
        return y
    }
}
