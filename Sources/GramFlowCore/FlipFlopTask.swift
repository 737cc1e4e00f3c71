import GramFlowNumerics

/// The flip-flop (docs/theory.md §8): pulses of random sign ±a on one input, the output
/// must hold ±level after each pulse until the next. With `bits` = n > 1 it is the
/// n-bit flip-flop of Sussillo & Barak (2013): n inputs and n outputs, each bit an
/// independent flip-flop (K = O = n), so output i holds the sign of input i's last pulse.
///
/// Per trial: the first pulse starts at `firstPulse`; each pulse lasts a duration
/// drawn from `pulseDuration`; the gap from a pulse's end to the next pulse's start
/// is drawn uniformly from `gap`. The target is 0 before the first pulse and
/// sign·level after each; the mask is 0 during each pulse and for `maskAfter`
/// seconds after its end (the network is not graded while it switches).
/// `schedule: .paper` follows the overlap paper's code instead (`PulseSchedule`).
public struct FlipFlopTask: Task {
    public var trials: Int
    /// Pulse duration range in seconds (a fixed duration when both ends agree).
    public var pulseDuration: ClosedRange<Double>
    public var firstPulse: Double
    public var gap: ClosedRange<Double>
    public var amplitude: Double
    public var level: Double
    public var maskAfter: Double
    /// n, the number of independent bits (inputs and outputs).
    public var bits: Int
    /// Where gaps are measured from and what the mask covers (GramFlow's or the paper's code's).
    public var schedule: PulseSchedule

    public init(trials: Int = 10, pulseDuration: ClosedRange<Double> = 0.5...0.5, firstPulse: Double = 0.5,
                gap: ClosedRange<Double> = 4...10, amplitude: Double = 1, level: Double = 0.5, maskAfter: Double = 2,
                bits: Int = 1, schedule: PulseSchedule = .gramflow) {
        precondition(bits >= 1)
        self.trials = trials; self.pulseDuration = pulseDuration; self.firstPulse = firstPulse
        self.gap = gap; self.amplitude = amplitude; self.level = level; self.maskAfter = maskAfter
        self.bits = bits; self.schedule = schedule
    }

    public var name: String { "flipflop" }
    public var inputs: Int { bits }
    public var outputs: Int { bits }

    /// The first graded readout after the first pulse (at its shortest) ends and `maskAfter` has passed.
    public func minimumSteps(dt: Double) -> Int {
        let start = Int((firstPulse / dt).rounded())
        let end = start + max(1, Int((pulseDuration.lowerBound / dt).rounded()))
        return end + Int((maskAfter / dt).rounded())
    }

    /// The batch, trial by trial and bit by bit: the pulses are drawn first (duration, sign, gap,
    /// in that order), then the input, target and mask are written interval by interval.
    public func batch(steps: Int, dt: Double, random: RandomSource) -> TaskBatch {
        var batch = TaskBatch(trials: trials, steps: steps, inputs: bits, outputs: bits)
        let hold = Int((maskAfter / dt).rounded()), n = bits
        // The paper's code masks one readout more before each pulse, and its target switches at
        // the pulse's onset rather than its end.
        let lead = schedule == .paper ? 1 : 0
        let switchStep = { (p: Pulse) in self.schedule == .paper ? p.start : p.end }
        var pulses: [Pulse] = []  // one trial's, reused
        batch.x.withUnsafeMutableBufferPointer { x in
        batch.target.withUnsafeMutableBufferPointer { target in
        batch.mask.withUnsafeMutableBufferPointer { mask in
            for b in 0..<trials { for bit in 0..<n {
                drawPulses(into: &pulses, steps: steps, dt: dt, random: random)
                let trial = b * steps
                // Input step t carries the first pulse that covers it (written last); 0 elsewhere.
                for pulse in pulses.reversed() where max(0, pulse.start) < pulse.end {
                    for t in max(0, pulse.start)..<pulse.end { x[(trial + t) * n + bit] = pulse.sign * amplitude }
                }
                // Readout t+1 holds sign·level of the last pulse whose switch step (its end, or its
                // onset in the paper's schedule) input step t has reached, 0 before the first.
                var state = 0.0, next = 0
                for t in 0..<steps {
                    if next < pulses.count && t >= switchStep(pulses[next]) { state = pulses[next].sign * level; next += 1 }
                    target[(trial + t) * n + bit] = state
                }
                // Ungraded (target and mask 0) during a pulse and `maskAfter` after it: readouts
                // [start − lead, end + hold), stored at readout − 1; the paper's schedule also
                // leaves every readout before the first pulse's window ungraded.
                func ungrade(_ first: Int, _ last: Int) {
                    guard first <= last else { return }
                    for readout in first...last { let i = (trial + readout - 1) * n + bit; target[i] = 0; mask[i] = 0 }
                }
                for pulse in pulses { ungrade(max(1, pulse.start - lead), min(steps, pulse.end + hold - 1)) }
                if schedule == .paper { ungrade(1, min(steps, (pulses.first.map { $0.end + hold } ?? steps + 1) - 1)) }
            } }
        } } }
        return batch
    }

    /// A pulse on the input clock: input steps [start, end) carry sign·amplitude.
    private struct Pulse { var start: Int, end: Int, sign: Double }

    /// One trial's pulses in time order. The first starts at `firstPulse`; each draws its
    /// duration, then its sign, then the gap to the next pulse's start (see `PulseSchedule`).
    private func drawPulses(into pulses: inout [Pulse], steps: Int, dt: Double, random: RandomSource) {
        pulses.removeAll(keepingCapacity: true)
        var time = firstPulse
        while true {
            let start = Int((time / dt).rounded())
            guard start < steps else { break }
            let duration = random.uniform(pulseDuration)
            let end = min(steps, start + max(1, Int((duration / dt).rounded())))
            let sign: Double = random.uniform() < 0.5 ? -1 : 1
            pulses.append(Pulse(start: start, end: end, sign: sign))
            // The gap runs from the pulse's end, or from the end of its masked window (the paper's).
            time = (schedule == .paper ? Double(end) * dt + maskAfter : Double(end) * dt) + random.uniform(gap)
        }
    }
}

/// Whose conventions a flip-flop's pulse train and loss mask follow. Readout k is the output
/// after input x_{k−1}; a pulse occupies inputs [start, end); hold = maskAfter/dt steps.
public enum PulseSchedule: String, CaseIterable, Codable, Sendable {
    /// GramFlow's (the default): the next pulse starts `gap` after the previous pulse's end;
    /// readouts [start, end + hold) are masked; before the first pulse the target is 0, graded;
    /// the target switches to the pulse's sign at its end.
    case gramflow
    /// The overlap paper's code (../shared/PAPER-PROTOCOLS.md): the next pulse starts `gap`
    /// after the end of the previous pulse's masked window (its end + maskAfter); readouts
    /// [start − 1, end + hold) are masked, and every readout before the first pulse; the
    /// target switches at the pulse's onset.
    case paper
}

extension RandomSource {
    /// A uniform draw in [a, b], exactly a when a == b.
    func uniform(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound == range.upperBound ? range.lowerBound : uniform(range.lowerBound, range.upperBound)
    }
}
