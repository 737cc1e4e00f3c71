import Foundation
import GramFlowCore
import GramFlowNumerics

/// Trains a finite network. Gradient descent (full batch or stochastic) uses the
/// learning rate N·η,
///
///     P ← P − ηN ∇_P L,
///
/// the scaling under which the overlaps follow S ← (I − 2ηG) S (I − 2ηG) (docs/theory.md §5).
/// Adam uses step size η per coordinate: GD's per-coordinate step ηN|∇_P L| =
/// 2η|PG| is O(η) too, so the two are comparable at the same η.
public struct NetworkTrainer {
    public let eta: Double
    public let optimizer: Optimizer
    public let divergence: DivergenceGuard

    public init(eta: Double, optimizer: Optimizer = .gd, divergence: DivergenceGuard = DivergenceGuard()) {
        self.eta = eta
        self.optimizer = optimizer
        self.divergence = divergence
    }

    /// Trains for `epochs` epochs, epoch e on `batches(e)`. `observe(e, L_e, S_e)` is
    /// called for e = 0..epochs with the loss and measured overlaps at the start of
    /// epoch e (the last call is the final state), or up to the epoch where the run stopped.
    /// `snapshot(e, network)`, if given, follows each `observe` with the network itself.
    public func run(_ network: inout LowRankNetwork, batch: TaskBatch, epochs: Int,
                    batches: ((Int) -> TaskBatch)? = nil,
                    snapshot: ((Int, LowRankNetwork) -> Void)? = nil,
                    observe: (Int, Double, Matrix) -> Void) -> TrainingOutcome {
        var adam = optimizer == .adam ? AdamState(count: network.parameters.storage.count) : nil
        let pass = Backpropagation(spec: network.spec, neurons: network.neurons, steps: batch.steps)
        var gradient: Matrix? = Matrix(rows: network.neurons, cols: network.spec.layout.dimension)
        var noGradient: Matrix? = nil
        for epoch in 0...epochs {
            let batch = batches?(epoch) ?? batch
            let last = epoch == epochs
            let loss = last ? pass.evaluate(network, batch: batch, gradient: &noGradient)
                            : pass.evaluate(network, batch: batch, gradient: &gradient)
            let S = network.overlaps
            observe(epoch, loss, S)
            snapshot?(epoch, network)
            if let reason = divergence.check(loss: loss, state: S.storage) {
                return .diverged(epoch: epoch, reason: reason)
            }
            guard !last else { break }
            if adam != nil { adam!.step(&network.parameters, gradient: gradient!, stepSize: eta) }
            else { self.step(&network, gradient: gradient!) }
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

/// Adam's moment estimates: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
/// P ← P − η m̂/(√v̂ + ε) with the bias corrections m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ).
struct AdamState {
    var m: [Double], v: [Double]
    var t = 0
    let beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8

    init(count: Int) {
        m = Array(repeating: 0, count: count)
        v = Array(repeating: 0, count: count)
    }

    mutating func step(_ p: inout Matrix, gradient: Matrix, stepSize: Double) {
        t += 1
        let c1 = 1 - pow(beta1, Double(t)), c2 = 1 - pow(beta2, Double(t))
        for i in 0..<p.storage.count {
            let g = gradient.storage[i]
            m[i] = beta1 * m[i] + (1 - beta1) * g
            v[i] = beta2 * v[i] + (1 - beta2) * g * g
            p.storage[i] -= stepSize * (m[i] / c1) / ((v[i] / c2).squareRoot() + epsilon)
        }
    }
}
