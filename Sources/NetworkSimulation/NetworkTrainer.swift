import GramFlowCore
import GramFlowNumerics

/// Plain full-batch gradient descent on a finite network with learning rate N·η:
///
///     P ← P − ηN ∇_P L,
///
/// the scaling under which the overlaps follow S ← (I − 2ηG) S (I − 2ηG) (THEORY §5).
public struct NetworkTrainer {
    public let eta: Double
    public let divergence: DivergenceGuard

    public init(eta: Double, divergence: DivergenceGuard = DivergenceGuard()) {
        self.eta = eta
        self.divergence = divergence
    }

    /// Trains for `epochs` epochs on a fixed batch. `observe(e, L_e, S_e)` is called
    /// for e = 0..epochs with the loss and measured overlaps at the start of epoch e
    /// (the last call is the final state), or up to the epoch where the run stopped.
    public func run(_ network: inout LowRankNetwork, batch: TaskBatch, epochs: Int,
                    observe: (Int, Double, Matrix) -> Void) -> TrainingOutcome {
        let pass = Backpropagation(spec: network.spec, neurons: network.neurons, steps: batch.steps)
        var gradient: Matrix? = Matrix(rows: network.neurons, cols: network.spec.layout.dimension)
        var noGradient: Matrix? = nil
        for epoch in 0...epochs {
            let last = epoch == epochs
            let loss = last ? pass.evaluate(network, batch: batch, gradient: &noGradient)
                            : pass.evaluate(network, batch: batch, gradient: &gradient)
            let S = network.overlaps
            observe(epoch, loss, S)
            if let reason = divergence.check(loss: loss, state: S.storage) {
                return .diverged(epoch: epoch, reason: reason)
            }
            guard !last else { break }
            self.step(&network, gradient: gradient!)
        }
        return .completed
    }

    /// One GD step P ← P − ηN ∇_P L, given ∇_P L.
    public func step(_ network: inout LowRankNetwork, gradient: Matrix) {
        let step = eta * Double(network.neurons)
        gradient.storage.withUnsafeBufferPointer { g in
            network.parameters.storage.withUnsafeMutableBufferPointer { p in
                for i in 0..<p.count { p[i] -= step * g[i] }
            }
        }
    }
}
