/// The four epochs of a perceptual-decision trial, in units of time: fixation
/// (input 0, target 0), stimulus (the evidence), delay (input 0, ungraded) and
/// response (input 0, the report), judged on the readout clock: input step t
/// drives the state at time (t+1)·dt, which readout t+1 reads (docs/theory.md §1).
/// `DecisionTask` and `ContextIntegrationTask` share them.
public struct ResponseEpochs: Sendable {
    public var fixation: Double, stimulus: Double, delay: Double, response: Double

    public init(fixation: Double, stimulus: Double, delay: Double, response: Double) {
        self.fixation = fixation; self.stimulus = stimulus; self.delay = delay; self.response = response
    }

    /// How readout n is graded.
    public enum Grade { case fixation, response, ungraded }

    /// Whether input step t lies in the stimulus epoch [fixation, fixation + stimulus).
    public func isStimulus(step t: Int, dt: Double) -> Bool {
        let time = Double(t)
        return time >= fixation / dt && time < (fixation + stimulus) / dt
    }

    /// Readout n (the state at time n·dt) is graded in fixation (0, f] and response (d, r].
    public func grade(readout n: Int, dt: Double) -> Grade {
        let readout = Double(n)
        if readout <= fixation / dt { return .fixation }
        if readout > (fixation + stimulus + delay) / dt && readout <= (fixation + stimulus + delay + response) / dt { return .response }
        return .ungraded
    }

    /// The first graded step after the stimulus: the first response readout n > (fixation + stimulus + delay)/dt.
    public func minimumSteps(dt: Double) -> Int {
        Int(((fixation + stimulus + delay) / dt).rounded(.down)) + 1
    }
}
