import GramFlowCore
import GramFlowNumerics

/// The exact reduced dynamics of a linear low-rank RNN and its loss (THEORY §3–§4).
///
/// With h_0 = 0 the state stays in span{u, m}: h_t = Σ κ_r u_r + Σ ξ_k m_k, and with
/// c_t = (κ_t, ξ_t) in the basis E = [u_1..u_R, m_1..m_K]:
///
///     ξ_t = (1−α) ξ_{t−1} + α x_{t−1}
///     κ_t = (1−α) κ_{t−1} + α S_{V,E} c_{t−1}
///     y_t = S_{Z,E} c_t
///
/// exactly, at every N. The gradient comes from one adjoint pass with
/// λ_t = ∂L/∂κ_t:
///
///     λ_t = S_{Z,U}ᵀ e_t + ((1−α) I + α S_{V,U})ᵀ λ_{t+1},   e_t = ∂L/∂y_t
///     ∂L/∂S_{V,E} = α Σ_t λ_t c_{t−1}ᵀ,   ∂L/∂S_{Z,E} = Σ_t e_t c_tᵀ.
///
/// Cost per evaluation O(B·T·(R+K)·(R+K+O)), independent of N.
public final class LinearOverlapLoss: OverlapLoss {
    public let spec: ModelSpec
    public let batch: TaskBatch
    private let layout: VectorLayout
    private let objective: MaskedSquaredError
    // Workspace reused across calls: c_t for t = 0..T, e_t for t = 1..T, λ.
    private var c: [Double]
    private var errors: [Double]
    private var lambda: [Double]
    private var lambdaNext: [Double]

    public init(spec: ModelSpec, batch: TaskBatch) {
        precondition(spec.nonlinearity == .linear, "LinearOverlapLoss needs φ = linear")
        precondition(batch.inputs == spec.inputs && batch.outputs == spec.outputs,
                     "the batch has \(batch.inputs) inputs and \(batch.outputs) outputs, the model \(spec.inputs) and \(spec.outputs)")
        self.spec = spec
        self.batch = batch
        layout = spec.layout
        objective = MaskedSquaredError(dt: spec.dt, trials: batch.trials)
        c = Array(repeating: 0, count: (batch.steps + 1) * (spec.rank + spec.inputs))
        errors = Array(repeating: 0, count: batch.steps * spec.outputs)
        lambda = Array(repeating: 0, count: spec.rank)
        lambdaNext = Array(repeating: 0, count: spec.rank)
    }

    public func loss(_ S: Matrix) -> Double { evaluate(S, withGradient: false).loss }

    public func lossAndGradient(_ S: Matrix) -> (loss: Double, G: Matrix) {
        let (loss, dLdS) = evaluate(S, withGradient: true)
        return (loss, dLdS!.symmetrized)
    }

    /// L(S) and, if asked, ∂L/∂S_ab with S's entries taken as independent
    /// (non-zero on the rows of v and z only).
    private func evaluate(_ S: Matrix, withGradient: Bool) -> (loss: Double, dLdS: Matrix?) {
        let R = spec.rank, K = spec.inputs, O = spec.outputs, T = batch.steps
        let P = R + K, alpha = spec.alpha
        let basis = layout.basisIndices
        let A = S.selecting(rows: layout.vIndices, cols: basis)  // S_{V,E}, R×P
        let C = S.selecting(rows: layout.zIndices, cols: basis)  // S_{Z,E}, O×P
        var dA = Matrix(rows: R, cols: P)
        var dC = Matrix(rows: O, cols: P)
        var total = 0.0

        for b in 0..<batch.trials {
            for j in 0..<P { c[j] = 0 }  // c_0 = 0
            for t in 1...T {
                let prev = (t - 1) * P, cur = t * P
                for r in 0..<R {
                    var drive = 0.0
                    for j in 0..<P { drive += A[r, j] * c[prev + j] }
                    c[cur + r] = (1 - alpha) * c[prev + r] + alpha * drive
                }
                for k in 0..<K {
                    c[cur + R + k] = (1 - alpha) * c[prev + R + k] + alpha * batch.x[batch.inputIndex(b, t - 1, k)]
                }
                for o in 0..<O {
                    var y = 0.0
                    for j in 0..<P { y += C[o, j] * c[cur + j] }
                    let i = batch.targetIndex(b, t, o)
                    let term = objective.term(output: y, target: batch.target[i], mask: batch.mask[i])
                    total += term.loss
                    errors[(t - 1) * O + o] = term.error
                }
            }
            guard withGradient else { continue }
            for r in 0..<R { lambdaNext[r] = 0 }  // λ_{T+1} = 0
            for t in stride(from: T, through: 1, by: -1) {
                let cur = t * P, prev = (t - 1) * P, e = (t - 1) * O
                for o in 0..<O where errors[e + o] != 0 {
                    for j in 0..<P { dC[o, j] += errors[e + o] * c[cur + j] }
                }
                for r in 0..<R {
                    var l = (1 - alpha) * lambdaNext[r]
                    for s in 0..<R { l += alpha * A[s, r] * lambdaNext[s] }
                    for o in 0..<O { l += C[o, r] * errors[e + o] }
                    lambda[r] = l
                }
                for r in 0..<R {
                    let w = alpha * lambda[r]
                    for j in 0..<P { dA[r, j] += w * c[prev + j] }
                }
                swap(&lambda, &lambdaNext)
            }
        }
        guard withGradient else { return (total, nil) }
        var dLdS = Matrix(rows: layout.dimension, cols: layout.dimension)
        for (r, row) in layout.vIndices.enumerated() {
            for (j, col) in basis.enumerated() { dLdS[row, col] = dA[r, j] }
        }
        for (o, row) in layout.zIndices.enumerated() {
            for (j, col) in basis.enumerated() { dLdS[row, col] = dC[o, j] }
        }
        return (total, dLdS)
    }
}
