import GramFlowNumerics

/// A supervised task: it produces batches of inputs, targets and masks.
public protocol Task: Sendable {
    /// The name used on the command line and in outputs.
    var name: String { get }
    /// K, the number of input channels.
    var inputs: Int { get }
    /// O, the number of outputs.
    var outputs: Int { get }
    /// B, the number of trials in a batch.
    var trials: Int { get }
    /// The fewest time steps T at which the loss can depend on the network: some
    /// graded readout comes after an input. With h_0 = 0 the state stays 0 until the
    /// first input, so on a shorter trial every graded output is 0 whatever the
    /// network, and the loss and its gradient do not depend on it.
    func minimumSteps(dt: Double) -> Int
    /// The batch for T steps of size dt. Random tasks draw from `random`, so the
    /// same seed gives the same batch to the theory and to the network.
    func batch(steps: Int, dt: Double, random: RandomSource) -> TaskBatch
}

extension Task {
    public var trials: Int { 1 }
    /// 1: the first input comes at t = 0 and every readout is graded.
    public func minimumSteps(dt: Double) -> Int { 1 }
}

/// The times at which an impulse task samples its target, y*_t = response(s_t), t = 1..T.
public enum TargetGrid: String, CaseIterable, Codable, Sendable {
    /// s_t = (t−1) dt: the target at the state's own times (the default).
    case uniform
    /// s_t = (t−1) dt · T/(T−1), the overlap paper's `torch.linspace(0, T, T) * dt`:
    /// stretched by T/(T−1) (400/399 at T = 400), so the last target is at T·dt.
    case stretched

    /// s_t for t = 1..T.
    public func time(step t: Int, steps: Int, dt: Double) -> Double {
        switch self {
        case .uniform: return Double(t - 1) * dt
        case .stretched: return steps > 1 ? Double(t - 1) * Double(steps) / Double(steps - 1) * dt : 0
        }
    }
}

/// One trial with the impulse x_0 = 1/dt and target y*_t = response(s_t), t = 1..T, on `grid`.
func impulseBatch(steps: Int, dt: Double, grid: TargetGrid, response: (Double) -> Double) -> TaskBatch {
    var batch = TaskBatch(trials: 1, steps: steps, inputs: 1, outputs: 1)
    batch.x[batch.inputIndex(0, 0, 0)] = 1 / dt
    for t in 1...steps { batch.target[batch.targetIndex(0, t, 0)] = response(grid.time(step: t, steps: steps, dt: dt)) }
    return batch
}

/// The impulse response filter (docs/theory.md §8): x_0 = 1/dt, x_t = 0 otherwise,
/// y*_t = a e^{−c s_t} with s_t = (t−1) dt (or the stretched grid, `TargetGrid`).
public struct FilterTask: Task {
    public var gain: Double
    public var decay: Double
    public var grid: TargetGrid
    public init(gain: Double = 1, decay: Double = 0.2, grid: TargetGrid = .uniform) {
        self.gain = gain; self.decay = decay; self.grid = grid
    }
    public var name: String { "filter" }
    public var inputs: Int { 1 }
    public var outputs: Int { 1 }

    public func batch(steps: Int, dt: Double, random: RandomSource) -> TaskBatch {
        impulseBatch(steps: steps, dt: dt, grid: grid) { s in gain * Double.exp(-decay * s) }
    }
}

/// A damped oscillation after an impulse: x_0 = 1/dt,
/// y*_t = e^{−c s_t} cos(ω s_t), s_t = (t−1) dt (or the stretched grid). Needs rank ≥ 2 to be fitted.
public struct OscillationTask: Task {
    public var decay: Double
    public var frequency: Double
    public var grid: TargetGrid
    public init(decay: Double = 0.3, frequency: Double = 2, grid: TargetGrid = .uniform) {
        self.decay = decay; self.frequency = frequency; self.grid = grid
    }
    public var name: String { "oscillation" }
    public var inputs: Int { 1 }
    public var outputs: Int { 1 }

    public func batch(steps: Int, dt: Double, random: RandomSource) -> TaskBatch {
        impulseBatch(steps: steps, dt: dt, grid: grid) { s in Double.exp(-decay * s) * Double.cos(frequency * s) }
    }
}

/// The filter driven by white noise: x_{k,t} = σ ζ_{k,t} / √dt with ζ ~ N(0, 1) on each of
/// K inputs, and output o is the filter's response to input k = o mod K,
/// y*_{o,t} = a Σ_{s=0}^{t−1} e^{−c (t−1−s) dt} x_{k,s} dt (K = O = 1 by default; the
/// impulse case x_0 = 1/dt gives back `FilterTask`).
public struct NoiseFilterTask: Task {
    public var gain: Double
    public var decay: Double
    public var trials: Int
    public var noise: Double
    public let inputs: Int
    public let outputs: Int
    public init(gain: Double = 1, decay: Double = 0.2, trials: Int = 8, noise: Double = 1, inputs: Int = 1, outputs: Int = 1) {
        precondition(inputs >= 1 && outputs >= 1)
        self.gain = gain; self.decay = decay; self.trials = trials; self.noise = noise
        self.inputs = inputs; self.outputs = outputs
    }
    public var name: String { "filter-noise" }

    public func batch(steps: Int, dt: Double, random: RandomSource) -> TaskBatch {
        let K = inputs, O = outputs
        var batch = TaskBatch(trials: trials, steps: steps, inputs: K, outputs: O)
        let decayPerStep = Double.exp(-decay * dt)
        for b in 0..<trials {
            var response = [Double](repeating: 0, count: K)  // Σ_{s<t} e^{−c(t−1−s)dt} x_{k,s} dt, updated recursively
            for t in 1...steps {
                for k in 0..<K {
                    let xPrevious = noise * random.gaussian() / dt.squareRoot()
                    batch.x[batch.inputIndex(b, t - 1, k)] = xPrevious
                    response[k] = (t == 1 ? 0 : response[k] * decayPerStep) + xPrevious * dt
                }
                for o in 0..<O { batch.target[batch.targetIndex(b, t, o)] = gain * response[o % K] }
            }
        }
        return batch
    }
}
