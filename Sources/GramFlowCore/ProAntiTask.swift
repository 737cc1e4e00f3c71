import GramFlowNumerics

/// The four related tasks of the KPFlow poster's Fig. 5 (after Yang et al. 2019 and
/// Driscoll et al. 2024): Memory Pro, Memory Anti, Delay Pro, Delay Anti. They share
/// one input and output format, so one network can learn all four.
///
/// Inputs (K = 7): x_0 fixation, (x_1, x_2) = (cos θ, sin θ) the stimulus, x_3..x_6 the
/// rule, one-hot in the order memory-pro, memory-anti, delay-pro, delay-anti.
/// Outputs (O = 3): y_0 fixation, (y_1, y_2) the response direction.
///
/// Periods, in units of time: fixation f, stimulus s, memory/delay d, response r; the go
/// cue comes at g = f + s + d. On the input clock (step t is time t·dt):
/// * fixation x_0 = 1 for t·dt < g, then 0 (the go cue);
/// * stimulus (cos θ, sin θ) for f ≤ t·dt < f + s in the Memory tasks (it is gone
///   during the memory period), for f ≤ t·dt < g in the Delay tasks (it stays on
///   through the delay until the go cue);
/// * the rule input is 1 for the whole trial.
/// On the readout clock (readout n reads the state at time n·dt, docs/theory.md §1):
/// y*_0 = 1 for n ≤ g/dt, 0 after; (y*_1, y*_2) = 0 for n ≤ g/dt, then (cos θ′, sin θ′)
/// with θ′ = θ (Pro) or θ + π (Anti). Every readout up to (g + r)/dt is graded (mask 1);
/// steps beyond it are ungraded. Trial b of a batch of B has θ_b = 2π b/B, so the four
/// tasks' batches see the same stimuli trial by trial.
public struct ProAntiTask: Task {
    public enum Variant: String, CaseIterable, Codable, Sendable {
        case memoryPro = "memory-pro", memoryAnti = "memory-anti", delayPro = "delay-pro", delayAnti = "delay-anti"
        /// Whether the response is at θ (Pro) or θ + π (Anti).
        public var isPro: Bool { self == .memoryPro || self == .delayPro }
        /// Whether the stimulus stays on until the go cue.
        public var isDelay: Bool { self == .delayPro || self == .delayAnti }
        /// Index of the rule input among the four (x_{3+index}).
        public var ruleIndex: Int { Self.allCases.firstIndex(of: self)! }
        /// MP, MA, DP, DA.
        public var abbreviation: String { ["MP", "MA", "DP", "DA"][ruleIndex] }
    }

    public var variant: Variant
    public var trials: Int
    public var fixation: Double, stimulus: Double, delay: Double, response: Double

    public init(_ variant: Variant, trials: Int = 8, fixation: Double = 0.5, stimulus: Double = 1, delay: Double = 1,
                response: Double = 1) {
        precondition(trials >= 1)
        self.variant = variant; self.trials = trials
        self.fixation = fixation; self.stimulus = stimulus; self.delay = delay; self.response = response
    }

    /// The four tasks in rule order.
    public static func all(trials: Int = 8) -> [ProAntiTask] { Variant.allCases.map { ProAntiTask($0, trials: trials) } }

    public var name: String { variant.rawValue }
    public var inputs: Int { 7 }
    public var outputs: Int { 3 }
    /// The go cue g = f + s + d.
    public var goCue: Double { fixation + stimulus + delay }

    /// The full trial, (g + r)/dt steps.
    public func trialSteps(dt: Double) -> Int { Int(((goCue + response) / dt).rounded()) }

    /// The first response readout, the first one a stimulus-dependent target is graded at.
    public func minimumSteps(dt: Double) -> Int { Int((goCue / dt).rounded(.down)) + 1 }

    public func batch(steps: Int, dt: Double, random: RandomSource) -> TaskBatch {
        var batch = TaskBatch(trials: trials, steps: steps, inputs: 7, outputs: 3)
        let stimulusEnd = variant.isDelay ? goCue : fixation + stimulus
        let last = trialSteps(dt: dt)
        for b in 0..<trials {
            let theta = 2 * Double.pi * Double(b) / Double(trials)
            let response = variant.isPro ? theta : theta + Double.pi
            for t in 0..<steps {
                // Compare step counts, not products, so that f/dt = 5 means step 5 exactly.
                let step = Double(t)
                if step < goCue / dt - 1e-9 { batch.x[batch.inputIndex(b, t, 0)] = 1 }
                if step >= fixation / dt - 1e-9 && step < stimulusEnd / dt - 1e-9 {
                    batch.x[batch.inputIndex(b, t, 1)] = Double.cos(theta)
                    batch.x[batch.inputIndex(b, t, 2)] = Double.sin(theta)
                }
                batch.x[batch.inputIndex(b, t, 3 + variant.ruleIndex)] = 1
                let n = t + 1
                let responding = Double(n) > goCue / dt + 1e-9
                batch.target[batch.targetIndex(b, n, 0)] = responding ? 0 : 1
                batch.target[batch.targetIndex(b, n, 1)] = responding ? Double.cos(response) : 0
                batch.target[batch.targetIndex(b, n, 2)] = responding ? Double.sin(response) : 0
                let graded: Double = n <= last ? 1 : 0
                for o in 0..<3 { batch.mask[batch.targetIndex(b, n, o)] = graded }
            }
        }
        return batch
    }
}
