import GramFlowNumerics

/// What an observer sees at epoch e: the loss L(S_e) and the overlaps S_e of the
/// state at the start of the epoch (before its step), and the state itself.
public struct EpochRecord<State> {
    public let epoch: Int
    public let loss: Double
    public let overlaps: Matrix
    public let state: State
}

/// Called once per epoch, before the epoch's step: records, progress, metrics
/// and learning-rate rules are observers, not loops of their own. An observer
/// that throws stops the run with its error.
public struct TrainingObserver<State> {
    public let observe: (EpochRecord<State>, inout TrainingControl) throws -> Void

    public init(_ observe: @escaping (EpochRecord<State>, inout TrainingControl) throws -> Void) {
        self.observe = observe
    }

    /// An observer of the epoch, loss and overlaps only.
    public static func rows(_ body: @escaping (Int, Double, Matrix) throws -> Void) -> TrainingObserver {
        TrainingObserver { record, _ in try body(record.epoch, record.loss, record.overlaps) }
    }

    /// Learning-rate rules: each divides η once, for the steps after the first epoch whose loss is below its threshold.
    public static func learningRateRules(_ rules: [LearningRateRule]) -> TrainingObserver {
        var fired = Array(repeating: false, count: rules.count)
        var previousLoss = Double.nan
        return TrainingObserver { record, control in
            // The rule looks at the previous epoch's loss: that epoch's step was already taken
            // with the old η, and the new η applies from this epoch's step on.
            for (j, rule) in rules.enumerated() where !fired[j] && previousLoss < rule.below {
                fired[j] = true
                control.learningRate /= rule.divideBy
            }
            previousLoss = record.loss
        }
    }
}

/// Divides η by `divideBy`, once, at the first epoch whose loss is below `below`.
public struct LearningRateRule: Codable, Equatable, Sendable {
    public var below: Double
    public var divideBy: Double
    public init(below: Double, divideBy: Double) { self.below = below; self.divideBy = divideBy }
}
