/// How the squared errors of a batch are summed into the loss. With r = y − y*,
/// B trials, T steps and O outputs:
///
///     dt-sum:              L = (dt/B)     Σ_{b,t,o} mask·r²     (docs/theory.md §1, the default)
///     masked-mean:         L = Σ_{b,t,o} mask·r² / Σ_{b,t,o} mask
///     mean-times-duration: L = (T·dt) · Σ_{b,t,o} mask·r² / (B·T·O) = (dt/(B·O)) Σ mask·r²
///
/// The overlap paper's code uses the dt-sum for the filter and the oscillation, the masked
/// mean for flip-flop and decision making (the twins' tasks A and B), and the mean times the
/// trial duration for its teacher task (/work/shared/PAPER-PROTOCOLS.md). They differ only
/// by a constant weight per batch, so the same η is a different step: the masked mean is
/// the dt-sum times B/(dt·Σmask).
public enum LossNormalisation: String, CaseIterable, Codable, Sendable {
    case dtSum = "dt-sum"
    case maskedMean = "masked-mean"
    case meanTimesDuration = "mean-times-duration"

    /// The weight w with L = w Σ_{b,t,o} mask·r² for `batch` at step dt.
    public func weight(dt: Double, batch: TaskBatch) -> Double {
        switch self {
        case .dtSum: return dt / Double(batch.trials)
        case .maskedMean:
            let total = batch.mask.reduce(0, +)
            return total > 0 ? 1 / total : 0
        case .meanTimesDuration: return dt / Double(batch.trials * batch.outputs)
        }
    }
}
