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

/// Decides when a run has diverged: a non-finite loss or state, or a loss above a limit.
public struct DivergenceGuard: Sendable {
    public var lossLimit: Double
    public init(lossLimit: Double = 1e10) { self.lossLimit = lossLimit }

    /// The reason the run must stop, or nil if it may go on.
    public func check(loss: Double, state: [Double]) -> String? {
        if !loss.isFinite { return "the loss is \(loss)" }
        if loss > lossLimit { return "the loss \(loss) exceeds \(lossLimit)" }
        if !state.allSatisfy({ $0.isFinite }) { return "an overlap is not finite" }
        return nil
    }
}
