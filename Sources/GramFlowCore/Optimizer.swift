import GramFlowNumerics

/// How the network's vectors are trained.
///
/// `gd` and `sgd` move V within span(V) (V ← V(I − 2ηG)), so the overlaps are
/// closed; `adam` rescales each coordinate on its own and is not closed in
/// overlap space (docs/theory.md §5): the theory cannot run it, only be compared with it.
public enum Optimizer: String, CaseIterable, Codable, Sendable {
    /// Full-batch gradient descent, learning rate N·η, the same batch every epoch.
    case gd
    /// Stochastic gradient descent, learning rate N·η, a fresh batch every epoch.
    case sgd
    /// Adam (β₁ = 0.9, β₂ = 0.999, ε = 1e-8) with step size η per coordinate, fresh batches
    /// only if asked: the same batch every epoch, like `gd`.
    case adam
    /// The low-rank natural gradient −ηN Jᵀ(Θ_k + εI)⁻¹e with the top-k sNTK modes
    /// (`--ntk-rank k --damping ε`, docs/theory.md §9), on the same batch every epoch; the
    /// theory follows it with the reduced sNTK metric.
    case natural

    /// Whether the overlap theory can follow it.
    public var isClosedInOverlapSpace: Bool { self != .adam }
    /// Whether every epoch draws a new batch.
    public var freshBatchEachEpoch: Bool { self == .sgd }
}

/// The batch of each epoch: one fixed batch (gd, adam) or a fresh one per epoch
/// (sgd), drawn in epoch order from one random stream, so that a theory run and a
/// network run from the same seed see the same sequence of batches.
public final class BatchSchedule {
    private let task: any Task
    private let steps: Int
    private let dt: Double
    private let random: RandomSource
    private let fresh: Bool
    private let normalisation: LossNormalisation
    private var current: TaskBatch
    private var epochOfCurrent = 0

    /// - Parameter normalisation: how the loss sums each batch's squared errors.
    public init(task: any Task, steps: Int, dt: Double, seed: UInt64, fresh: Bool, normalisation: LossNormalisation = .dtSum) {
        self.task = task; self.steps = steps; self.dt = dt; self.fresh = fresh; self.normalisation = normalisation
        random = SeedStreams.batches(seed)
        current = task.batch(steps: steps, dt: dt, random: random)
        current.normalisation = normalisation
    }

    /// The batch of epoch e; epochs must be asked for in increasing order.
    public func batch(epoch: Int) -> TaskBatch {
        precondition(epoch >= epochOfCurrent, "batches are drawn in epoch order")
        while fresh && epochOfCurrent < epoch {
            current = task.batch(steps: steps, dt: dt, random: random)
            current.normalisation = normalisation
            epochOfCurrent += 1
        }
        return current
    }
}
