import GramFlowNumerics
import NetworkSimulation
import TestSupport
import GramFlowCore

/// The n×n matrix of a linear map on n-vectors, column j = apply(e_j): the dense form of a
/// matrix-free operator, for comparison with a reference built another way.
func denseMatrix(size n: Int, _ apply: ([Double]) -> [Double]) -> Matrix {
    var m = Matrix(rows: n, cols: n)
    for col in 0..<n {
        var e = [Double](repeating: 0, count: n); e[col] = 1
        let column = apply(e)
        for row in 0..<n { m[row, col] = column[row] }
    }
    return m
}

/// J = ∂h/∂θ of a recurrent model's trajectory on `batch`, column j by the central difference
/// in its moving parameter θ_j (step 1e-5, truncation O(1e-10)).
func trajectoryJacobian<M: RecurrentModel>(_ model: M, batch: TaskBatch) -> Matrix {
    let n = model.forward(batch).tensorCount
    var jacobian = Matrix(rows: n, cols: model.movingCount)
    for j in 0..<model.movingCount {
        let column = centralDifference(step: 1e-5) { t in
            var moved = model
            moved.parameters[j] += t
            return moved.forward(batch).hidden
        }
        for row in 0..<n { jacobian[row, j] = column[row] }
    }
    return jacobian
}
