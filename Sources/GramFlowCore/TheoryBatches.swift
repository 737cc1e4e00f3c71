/// Which trials the theory learns from when the task is random (flip-flop, decision, noise).
public enum TheoryBatches: String, CaseIterable, Codable, Sendable {
    /// The network's own batches, epoch by epoch (the project's default): only the
    /// dynamics can separate theory and network.
    case shared
    /// Batches of its own, from an independent stream of the same seed (the overlap
    /// paper's code: its overlap model draws its own trials). Theory and network then
    /// differ by sampling too, as two runs of the paper do.
    case independent

    /// The seed the side's batches are drawn from, given the run's seed.
    public func seed(_ seed: UInt64, theory: Bool) -> UInt64 {
        theory && self == .independent ? SeedStreams.independentBatches(seed) : seed
    }
}
