import GramFlowCore
import GramFlowNumerics

/// How the sub-tasks of a multi-task batch pull on each other under gradient descent
/// (the KPFlow poster's interference matrix). With e_i = ∂L/∂h restricted to the trials
/// of sub-task i (zero elsewhere) and the state-space NTK Θ = P K P* = J Jᵀ,
///
///     A_ij = ⟨e_i, Θ e_j⟩ = ⟨Jᵀ e_i, Jᵀ e_j⟩,      C_ij = A_ij / √(A_ii A_jj),
///
/// so A_ij is the inner product of the sub-tasks' BPTT gradients on the parameters
/// that move h, and C their cosine: C_ij > 0 means a GD step on task j lowers L_i
/// too (to first order), C_ij < 0 that it raises it. One backward pass per sub-task.
public struct TaskInterference: Sendable {
    /// A (m×m).
    public let alignment: Matrix
    /// C (m×m), 1 on the diagonal.
    public let normalized: Matrix

    /// From the operators of the multi-task batch and the sub-tasks' state errors.
    public init<Ops: RecurrentOperators>(_ operators: Ops, errors: [[Double]]) {
        let gradients = errors.map { operators.sensitivityTranspose($0) }
        let m = errors.count
        var a = Matrix(rows: m, cols: m)
        for i in 0..<m { for j in 0...i {
            let v = zip(gradients[i], gradients[j]).reduce(0) { $0 + $1.0 * $1.1 }
            a[i, j] = v; a[j, i] = v
        } }
        var c = a
        for i in 0..<m { for j in 0..<m { c[i, j] = a[i, j] / (a[i, i] * a[j, j]).squareRoot() } }
        alignment = a; normalized = c
    }

    /// e restricted to trials [start, end) of each part (the rest set to 0); N·T numbers per trial.
    public static func split(_ error: [Double], partTrials: [Int], steps: Int, neurons: Int) -> [[Double]] {
        var start = 0
        return partTrials.map { count in
            var e = [Double](repeating: 0, count: error.count)
            let range = (start * steps * neurons)..<((start + count) * steps * neurons)
            e.replaceSubrange(range, with: error[range])
            start += count
            return e
        }
    }
}

/// The hidden-state similarity of sub-tasks whose batches have matched trials (trial b
/// of every sub-task sees the same stimulus): the cosine of their hidden-state tensors,
///
///     S_ij = ⟨H_i, H_j⟩ / (‖H_i‖ ‖H_j‖),   H_i = (h_{b,t})_{b,t} over sub-task i's trials,
///
/// 1 when two sub-tasks drive the network through the same states.
public func hiddenStateSimilarity(_ hidden: [Double], partTrials: [Int], steps: Int, neurons: Int) -> Matrix {
    precondition(Set(partTrials).count == 1, "matched trials: every sub-task has the same number of trials")
    let size = partTrials[0] * steps * neurons, m = partTrials.count
    var s = Matrix(rows: m, cols: m)
    hidden.withUnsafeBufferPointer { h in
        for i in 0..<m { for j in 0...i {
            var v = 0.0
            for k in 0..<size { v += h[i * size + k] * h[j * size + k] }
            s[i, j] = v; s[j, i] = v
        } }
    }
    var c = s
    for i in 0..<m { for j in 0..<m { c[i, j] = s[i, j] / (s[i, i] * s[j, j]).squareRoot() } }
    return c
}

/// One look at a model on a multi-task batch: the loss of each sub-task, C and S.
public struct MultiTaskSnapshot: Sendable {
    public let losses: [Double]
    public let interference: TaskInterference
    public let similarity: Matrix

    /// `parts` are the sub-tasks' batches (same T, K, O and trial count).
    public init<M: RecurrentModel>(_ model: M, parts: [TaskBatch]) {
        let batch = TaskBatch(concatenating: parts)
        let pass = model.forward(batch)
        let scored = RecurrentReadout(model).score(pass, batch: batch)
        let trials = parts.map(\.trials), T = batch.steps, N = model.neurons
        // Each sub-task's loss on its own batch (its own normalisation, e.g. dt/B_i).
        let y = RecurrentReadout(model).outputs(pass)
        var start = 0
        losses = parts.map { part in
            let rule = MaskedSquaredError(dt: model.dt, batch: part), n = part.trials * T * batch.outputs
            defer { start += n }
            return (0..<n).reduce(0.0) { sum, j in
                sum + rule.term(output: y[start + j], target: part.target[j], mask: part.mask[j]).loss
            }
        }
        interference = TaskInterference(pass, errors: TaskInterference.split(scored.stateError, partTrials: trials, steps: T, neurons: N))
        similarity = hiddenStateSimilarity(pass.hidden, partTrials: trials, steps: T, neurons: N)
    }
}
