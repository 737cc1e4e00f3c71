internal import COpenBLAS
#if canImport(Glibc)
import Glibc
#endif

/// One OpenBLAS thread unless the user set OPENBLAS_NUM_THREADS: the network's
/// per-time-step products are too small to split, and a second BLAS thread
/// spinning for work loses badly when the other core is busy, which is the normal
/// case here (`validate` sweeps run two points at once). Measured, filter task,
/// N = 500, 1000 epochs (`OPENBLAS_NUM_THREADS=1|2 gramflow simulate --neurons 500
/// --epochs 1000`): idle machine 0.79 s either way; other core busy 0.81 s on one
/// thread against 1.45 s on two.
let blasThreadsConfigured: Void = {
    if getenv("OPENBLAS_NUM_THREADS") == nil { openblas_set_num_threads(1) }
}()

/// Thin Swift forwarders to OpenBLAS's CBLAS, row-major, Float64.
///
/// Pointer-level on purpose: the network's hot loop hands BLAS column blocks
/// of one parameter matrix (leading dimension = its column count) without
/// copying. Shapes follow the BLAS convention: op(A) is m×k, op(B) is k×n.
public enum BLAS {
    public enum Transpose: Sendable { case none, transpose }

    /// C ← α op(A) op(B) + β C
    @inlinable
    public static func gemm(_ transA: Transpose, _ transB: Transpose,
                            m: Int, n: Int, k: Int, alpha: Double,
                            a: UnsafePointer<Double>, lda: Int,
                            b: UnsafePointer<Double>, ldb: Int, beta: Double,
                            c: UnsafeMutablePointer<Double>, ldc: Int) {
        gemmImpl(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }

    /// y ← α op(A) x + β y, with A stored m×n.
    @inlinable
    public static func gemv(_ trans: Transpose, m: Int, n: Int, alpha: Double,
                            a: UnsafePointer<Double>, lda: Int,
                            x: UnsafePointer<Double>, incx: Int = 1, beta: Double,
                            y: UnsafeMutablePointer<Double>, incy: Int = 1) {
        gemvImpl(trans, m, n, alpha, a, lda, x, incx, beta, y, incy)
    }

    @usableFromInline
    static func gemmImpl(_ ta: Transpose, _ tb: Transpose, _ m: Int, _ n: Int, _ k: Int,
                         _ alpha: Double, _ a: UnsafePointer<Double>, _ lda: Int,
                         _ b: UnsafePointer<Double>, _ ldb: Int, _ beta: Double,
                         _ c: UnsafeMutablePointer<Double>, _ ldc: Int) {
        guard m > 0, n > 0 else { return }
        _ = blasThreadsConfigured
        cblas_dgemm(CblasRowMajor, cblas(ta), cblas(tb), blasint(m), blasint(n), blasint(k),
                    alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }

    @usableFromInline
    static func gemvImpl(_ t: Transpose, _ m: Int, _ n: Int, _ alpha: Double,
                         _ a: UnsafePointer<Double>, _ lda: Int,
                         _ x: UnsafePointer<Double>, _ incx: Int, _ beta: Double,
                         _ y: UnsafeMutablePointer<Double>, _ incy: Int) {
        guard m > 0, n > 0 else { return }
        _ = blasThreadsConfigured
        cblas_dgemv(CblasRowMajor, cblas(t), blasint(m), blasint(n), alpha, a, blasint(lda),
                    x, blasint(incx), beta, y, blasint(incy))
    }

    private static func cblas(_ t: Transpose) -> CBLAS_TRANSPOSE {
        t == .none ? CblasNoTrans : CblasTrans
    }
}

extension Matrix {
    /// The product A·B (dgemm).
    public static func * (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.cols == b.rows, "product of \(a.rows)x\(a.cols) and \(b.rows)x\(b.cols)")
        var c = Matrix(rows: a.rows, cols: b.cols)
        guard a.cols > 0 else { return c }
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                c.storage.withUnsafeMutableBufferPointer { pc in
                    BLAS.gemm(.none, .none, m: a.rows, n: b.cols, k: a.cols, alpha: 1,
                              a: pa.baseAddress!, lda: a.cols, b: pb.baseAddress!, ldb: b.cols,
                              beta: 0, c: pc.baseAddress!, ldc: c.cols)
                }
            }
        }
        return c
    }

    /// The scaled Gram matrix of the columns, scale · AᵀA (dgemm, then exactly symmetrised
    /// so that σ_ab and σ_ba are the same number).
    public func gram(scale: Double) -> Matrix {
        var g = Matrix(rows: cols, cols: cols)
        guard rows > 0 else { return g }
        storage.withUnsafeBufferPointer { pa in
            g.storage.withUnsafeMutableBufferPointer { pg in
                BLAS.gemm(.transpose, .none, m: cols, n: cols, k: rows, alpha: scale,
                          a: pa.baseAddress!, lda: cols, b: pa.baseAddress!, ldb: cols,
                          beta: 0, c: pg.baseAddress!, ldc: cols)
            }
        }
        for i in 0..<cols { for j in 0..<i { g[j, i] = g[i, j] } }
        return g
    }
}
