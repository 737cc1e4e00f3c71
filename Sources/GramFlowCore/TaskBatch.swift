/// One batch of trials: inputs, targets and loss mask, with the time-step
/// convention of docs/theory.md §1. Inputs x_{b,t,k} are given for t = 0..T−1;
/// targets y*_{b,t,o} and masks for t = 1..T (stored at index t−1).
public struct TaskBatch: Sendable, Equatable {
    /// B, T, K, O
    public let trials: Int, steps: Int, inputs: Int, outputs: Int
    /// x[(b·T + t)·K + k], t = 0..T−1
    public var x: [Double]
    /// y*[(b·T + t−1)·O + o], t = 1..T
    public var target: [Double]
    /// mask[(b·T + t−1)·O + o], t = 1..T; 0 drops the term from the loss.
    public var mask: [Double]
    /// How the loss sums the batch's squared errors (dt-sum unless the run asks otherwise).
    public var normalisation: LossNormalisation = .dtSum

    public init(trials: Int, steps: Int, inputs: Int, outputs: Int) {
        precondition(trials >= 1 && steps >= 1 && inputs >= 1 && outputs >= 1)
        self.trials = trials; self.steps = steps; self.inputs = inputs; self.outputs = outputs
        x = Array(repeating: 0, count: trials * steps * inputs)
        target = Array(repeating: 0, count: trials * steps * outputs)
        mask = Array(repeating: 1, count: trials * steps * outputs)
    }

    /// Index of x_{b,t,k}, t = 0..T−1.
    @inlinable public func inputIndex(_ b: Int, _ t: Int, _ k: Int) -> Int { (b * steps + t) * inputs + k }
    /// Index of y*_{b,t,o} and mask_{b,t,o}, t = 1..T.
    @inlinable public func targetIndex(_ b: Int, _ t: Int, _ o: Int) -> Int { (b * steps + t - 1) * outputs + o }
}

/// The loss of docs/theory.md §1, a masked sum of squared errors with the batch's
/// normalisation weight w (`LossNormalisation`; dt/B for the default dt-sum):
///
///     L = w Σ_b Σ_{t=1..T} Σ_o mask_{b,o,t} (y_{b,o,t} − y*_{b,o,t})²
///
/// and its output error e = ∂L/∂y = 2w mask (y − y*). The theory and the network both
/// build it from the batch, so the two always use the same normalisation.
public struct MaskedSquaredError: Sendable {
    /// w, the weight of each masked squared error.
    public let weight: Double
    public init(dt: Double, batch: TaskBatch) { weight = batch.normalisation.weight(dt: dt, batch: batch) }

    /// The contribution of one output entry to L, and ∂L/∂y for it.
    @inlinable
    public func term(output y: Double, target: Double, mask: Double) -> (loss: Double, error: Double) {
        let r = y - target
        return (weight * mask * r * r, 2 * weight * mask * r)
    }
}

extension TaskBatch {
    /// The trials of several batches of one shape (T, K, O), one after the other: a
    /// multi-task batch whose trials of part j are b = offset_j ..< offset_j + B_j.
    public init(concatenating parts: [TaskBatch]) {
        precondition(!parts.isEmpty)
        let first = parts[0]
        precondition(parts.allSatisfy { $0.steps == first.steps && $0.inputs == first.inputs && $0.outputs == first.outputs
                                        && $0.normalisation == first.normalisation })
        self.init(trials: parts.reduce(0) { $0 + $1.trials }, steps: first.steps, inputs: first.inputs, outputs: first.outputs)
        x = parts.flatMap(\.x); target = parts.flatMap(\.target); mask = parts.flatMap(\.mask)
        normalisation = first.normalisation
    }
}
