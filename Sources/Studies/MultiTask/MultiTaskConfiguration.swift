import GramFlowCore
import GramFlowNumerics

/// Which general recurrent model a multi-task run trains.
public enum RecurrentModelKind: String, CaseIterable, Codable, Sendable {
    /// `DenseRNN`: h_t = (1−α)h_{t−1} + α(Wφ(h_{t−1}) + W_in x_{t−1}).
    case dense
    /// `GRUNetwork`: the gated recurrent unit.
    case gru
}

/// A multi-task run: a dense RNN or a GRU trained on the four Pro/Anti tasks at once
/// (`ProAntiTask`, one batch of `trialsPerTask` trials per task, concatenated), with the
/// interference matrix and the hidden-state similarity recorded every `trackEvery` epochs.
/// The same fields on the command line (`gramflow multitask`) and in a study file
/// (`study: multitask`).
public struct MultiTaskConfiguration: Codable, Equatable, Sendable {
    public var model: RecurrentModelKind = .gru
    public var neurons: Int = 64
    /// B per task (4B trials per epoch).
    public var trialsPerTask: Int = 8
    /// Time step: α = dt/τ (τ = 1) for the dense RNN, the loss's dt for both.
    public var dt: Double = 0.1
    /// φ of the dense RNN (the GRU's nonlinearities are fixed: σ and tanh).
    public var phi: Nonlinearity = .tanh
    /// g, the scale of the recurrent weights (entries g ζ/√N).
    public var gain: Double = 1
    public var epochs: Int = 400
    public var learningRate: Double = 2e-3
    public var optimizer: Optimizer = .adam
    public var trackEvery: Int = 10
    public var seeds: [UInt64] = [1]

    public init() {}

    private enum CodingKeys: String, CodingKey {
        case model, neurons, dt, phi, gain, epochs, optimizer, seeds
        case trialsPerTask = "batch", learningRate = "lr", trackEvery
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = MultiTaskConfiguration()
        model = try c.decodeIfPresent(RecurrentModelKind.self, forKey: .model) ?? d.model
        neurons = try c.decodeIfPresent(Int.self, forKey: .neurons) ?? d.neurons
        trialsPerTask = try c.decodeIfPresent(Int.self, forKey: .trialsPerTask) ?? d.trialsPerTask
        dt = try c.decodeIfPresent(Double.self, forKey: .dt) ?? d.dt
        phi = try c.decodeIfPresent(Nonlinearity.self, forKey: .phi) ?? d.phi
        gain = try c.decodeIfPresent(Double.self, forKey: .gain) ?? d.gain
        epochs = try c.decodeIfPresent(Int.self, forKey: .epochs) ?? d.epochs
        learningRate = try c.decodeIfPresent(Double.self, forKey: .learningRate) ?? d.learningRate
        optimizer = try c.decodeIfPresent(Optimizer.self, forKey: .optimizer) ?? d.optimizer
        trackEvery = try c.decodeIfPresent(Int.self, forKey: .trackEvery) ?? d.trackEvery
        seeds = try c.decodeIfPresent([UInt64].self, forKey: .seeds) ?? d.seeds
    }

    /// The four tasks, and T = one full trial at dt.
    public var tasks: [ProAntiTask] { ProAntiTask.all(trials: trialsPerTask) }
    public var steps: Int { tasks[0].trialSteps(dt: dt) }

    /// Checks every field; the error names it and the fix.
    public func check() throws(InputError) {
        guard neurons >= 2 else { throw InputError(.neurons, "must be at least 2 (got \(neurons))") }
        guard trialsPerTask >= 1 else { throw InputError(.batch, "must be at least 1 (got \(trialsPerTask))") }
        guard dt.isFinite && dt > 0 && dt <= 1 else { throw InputError(.dt, "must lie in (0, 1] (got \(dt))") }
        guard steps >= tasks[0].minimumSteps(dt: dt) else { throw InputError(.dt, "is too coarse for the tasks' periods; use dt ≤ 0.5") }
        guard gain.isFinite && gain >= 0 else { throw InputError(.gain, "must be a non-negative number (got \(gain))") }
        guard epochs >= 1 else { throw InputError(.epochs, "must be at least 1 (got \(epochs))") }
        guard learningRate.isFinite && learningRate > 0 else { throw InputError(.lr, "must be a positive number (got \(learningRate))") }
        guard optimizer != .sgd else { throw InputError(.optimizer, "the Pro/Anti batches are fixed (one trial per angle); use gd or adam") }
        guard optimizer != .natural else { throw InputError(.optimizer, "the natural gradient is built for the low-rank network only; use gd or adam") }
        guard trackEvery >= 1 else { throw InputError(.trackEvery, "must be at least 1 (got \(trackEvery))") }
        guard !seeds.isEmpty && Set(seeds).count == seeds.count else { throw InputError(.seed, "give one or more distinct seeds") }
        try MemoryEstimate(multiTask: self).check()
    }
}
