import GramFlowNumerics

/// Context-dependent integration (Mante et al. 2013; the low-rank RNN version of
/// Dubreuil et al. 2022): two noisy stimuli, two context cues, one output that must
/// report the mean of the stimulus the context selects and ignore the other.
///
/// Inputs (K = 4): x_0 = c_A/16 + σζ and x_1 = c_B/16 + σζ' during the stimulus epoch
/// (0 otherwise, ζ, ζ' ~ N(0, 1) per step), x_2 = 1 in context A trials and x_3 = 1 in
/// context B trials for the whole trial. Coherences c_A, c_B are drawn independently
/// from `coherences`, the context with probability ½ each. The epochs are those of
/// `DecisionTask` (fixation, stimulus, delay, response, in units of time); the output
/// (O = 1) is graded at 0 during fixation and at c_context/16 during the response.
public struct ContextIntegrationTask: Task {
    public var trials: Int
    public var coherences: [Double]
    /// σ, the standard deviation of the per-step stimulus noise.
    public var noise: Double
    public var epochs: ResponseEpochs

    public init(trials: Int = 10, coherences: [Double] = [-16, -8, -2, 2, 8, 16], noise: Double = 0.05,
                fixation: Double = 1, stimulus: Double = 9, delay: Double = 1, response: Double = 9) {
        self.trials = trials; self.coherences = coherences; self.noise = noise
        epochs = ResponseEpochs(fixation: fixation, stimulus: stimulus, delay: delay, response: response)
    }

    /// The shortest trial whose loss can change: the first response readout (as for `DecisionTask`).
    public func minimumSteps(dt: Double) -> Int {
        epochs.minimumSteps(dt: dt)
    }

    public var name: String { "context" }
    public var inputs: Int { 4 }
    public var outputs: Int { 1 }

    public func batch(steps: Int, dt: Double, random: RandomSource) -> TaskBatch {
        var batch = TaskBatch(trials: trials, steps: steps, inputs: 4, outputs: 1)
        func coherence() -> Double { coherences[min(coherences.count - 1, Int(random.uniform() * Double(coherences.count)))] }
        for b in 0..<trials {
            let cA = coherence(), cB = coherence()
            let contextA = random.uniform() < 0.5
            let relevant = (contextA ? cA : cB) / 16
            for t in 0..<steps {
                if epochs.isStimulus(step: t, dt: dt) {
                    batch.x[batch.inputIndex(b, t, 0)] = cA / 16 + noise * random.gaussian()
                    batch.x[batch.inputIndex(b, t, 1)] = cB / 16 + noise * random.gaussian()
                }
                batch.x[batch.inputIndex(b, t, contextA ? 2 : 3)] = 1
                let i = batch.targetIndex(b, t + 1, 0)
                switch epochs.grade(readout: t + 1, dt: dt) {
                case .fixation: batch.target[i] = 0; batch.mask[i] = 1
                case .response: batch.target[i] = relevant; batch.mask[i] = 1
                case .ungraded: batch.target[i] = 0; batch.mask[i] = 0
                }
            }
        }
        return batch
    }
}
