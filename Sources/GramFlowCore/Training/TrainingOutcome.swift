/// How a training run ended. A run that cannot go on says so and keeps what it computed.
public enum TrainingOutcome: Equatable, Sendable, CustomStringConvertible {
    case completed
    /// The loss or the state stopped being finite, or the loss exceeded `DivergenceGuard.lossLimit`.
    case diverged(epoch: Int, reason: String)
    /// The ODE solver could not advance (gradient flow only).
    case solverFailed(epoch: Int, reason: String)

    public var description: String {
        switch self {
        case .completed: return "completed"
        case let .diverged(epoch, reason):
            return "diverged at epoch \(epoch): \(reason); try a smaller learning rate (--lr)"
        case let .solverFailed(epoch, reason): return "the ODE solver stopped at epoch \(epoch): \(reason)"
        }
    }

    public var isCompleted: Bool { self == .completed }

    /// A short machine-readable status for run.json.
    public var status: String {
        switch self {
        case .completed: return "completed"
        case .diverged: return "diverged"
        case .solverFailed: return "solver-failed"
        }
    }
}

/// The one rule that decides when a run has diverged: a non-finite loss or state,
/// a loss above `lossLimit`, or (if set) a loss above `growthLimit` × the initial loss.
public struct DivergenceGuard: Sendable {
    public var lossLimit: Double
    public var growthLimit: Double?

    public init(lossLimit: Double = 1e10, growthLimit: Double? = nil) {
        self.lossLimit = lossLimit; self.growthLimit = growthLimit
    }

    /// The reason the run must stop, or nil if it may go on.
    public func check(loss: Double, initialLoss: Double, state: [Double]) -> String? {
        if !loss.isFinite { return "the loss is \(loss)" }
        if loss > lossLimit { return "the loss \(loss) exceeds \(lossLimit)" }
        if let growthLimit, loss > growthLimit * max(initialLoss, 1e-300) {
            return "the loss \(loss) exceeds \(growthLimit) × its initial value \(initialLoss)"
        }
        if !state.allSatisfy({ $0.isFinite }) { return "an overlap is not finite" }
        return nil
    }
}
