/// How long and how fast: `epochs` steps at learning rate η (observers may change
/// η along the way), stopped by the one divergence rule.
public struct TrainingSchedule: Sendable {
    public var epochs: Int
    public var learningRate: Double
    public var divergence: DivergenceGuard

    public init(epochs: Int, learningRate: Double, divergence: DivergenceGuard = DivergenceGuard()) {
        self.epochs = epochs; self.learningRate = learningRate; self.divergence = divergence
    }
}

/// What observers may change while a run goes on: η for the following steps.
public struct TrainingControl: Sendable {
    public var learningRate: Double
}
