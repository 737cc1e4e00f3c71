import GramFlowNumerics

/// Perceptual decision making (docs/theory.md §8): a noisy stimulus of coherence c, and
/// after a delay the output must report c/16.
///
/// Epochs of a trial: fixation (input 0, target 0), stimulus (x_t = c/16 + σ ζ_t,
/// ζ_t ~ N(0, 1), target ungraded), delay (input 0, ungraded), response (input 0,
/// target c/16). c is drawn uniformly from `coherences` per trial; the mask is 1
/// during fixation and response, judged on the readout clock (state h_t at time t·dt). Steps beyond the four epochs stay at input 0,
/// ungraded; a trial longer than T is cut at T.
public struct DecisionTask: Task {
    public var trials: Int
    public var coherences: [Double]
    /// σ, the standard deviation of the per-step input noise.
    public var noise: Double
    public var epochs: ResponseEpochs

    public init(trials: Int = 10, coherences: [Double] = [-16, -8, -2, 2, 8, 16], noise: Double = 0.05,
                fixation: Double = 1, stimulus: Double = 9, delay: Double = 1, response: Double = 9) {
        self.trials = trials; self.coherences = coherences; self.noise = noise
        epochs = ResponseEpochs(fixation: fixation, stimulus: stimulus, delay: delay, response: response)
    }

    public var name: String { "decision" }
    public var inputs: Int { 1 }
    public var outputs: Int { 1 }

    public func minimumSteps(dt: Double) -> Int { epochs.minimumSteps(dt: dt) }

    /// The batch trial by trial: the coherence, then the stimulus noise step by step. Which steps
    /// carry the stimulus and how each readout is graded depend on the step only, so they are
    /// worked out once for all trials.
    public func batch(steps: Int, dt: Double, random: RandomSource) -> TaskBatch {
        var batch = TaskBatch(trials: trials, steps: steps, inputs: 1, outputs: 1)
        let stimulus = (0..<steps).filter { epochs.isStimulus(step: $0, dt: dt) }
        let grades = (1...steps).map { epochs.grade(readout: $0, dt: dt) }
        batch.x.withUnsafeMutableBufferPointer { x in
        batch.target.withUnsafeMutableBufferPointer { target in
        batch.mask.withUnsafeMutableBufferPointer { mask in
            for b in 0..<trials {
                let c = coherences[min(coherences.count - 1, Int(random.uniform() * Double(coherences.count)))]
                let trial = b * steps
                for t in stimulus { x[trial + t] = c / 16 + noise * random.gaussian() }
                // Readout n is stored at n − 1.
                for (i, grade) in zip(trial..., grades) {
                    switch grade {
                    case .fixation: target[i] = 0; mask[i] = 1
                    case .response: target[i] = c / 16; mask[i] = 1
                    case .ungraded: target[i] = 0; mask[i] = 0
                    }
                }
            }
        } } }
        return batch
    }
}
