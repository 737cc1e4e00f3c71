import XCTest
import GramFlowCore
import GramFlowNumerics

/// The flip-flop and decision generators against their previous implementations, kept here
/// verbatim as the reference: the same seed gives the same batch bit for bit (inputs, targets,
/// masks) and leaves the random stream at the same place (the next draw agrees), so every
/// committed result drawn from these tasks stays as it was. Tolerance: none (bit patterns).
final class BatchGeneratorReferenceTests: XCTestCase {
    /// The flip-flop as it was written before the batches were generated interval by interval.
    private func referenceFlipFlop(_ task: FlipFlopTask, steps: Int, dt: Double, random: RandomSource) -> TaskBatch {
        func uniform(_ range: ClosedRange<Double>) -> Double {
            range.lowerBound == range.upperBound ? range.lowerBound : random.uniform(range.lowerBound, range.upperBound)
        }
        var batch = TaskBatch(trials: task.trials, steps: steps, inputs: task.bits, outputs: task.bits)
        for b in 0..<task.trials { for bit in 0..<task.bits {
            var pulses: [(start: Int, end: Int, sign: Double)] = []
            var time = task.firstPulse
            while true {
                let start = Int((time / dt).rounded())
                guard start < steps else { break }
                let duration = uniform(task.pulseDuration)
                let end = min(steps, start + max(1, Int((duration / dt).rounded())))
                let sign: Double = random.uniform() < 0.5 ? -1 : 1
                pulses.append((start, end, sign))
                time = Double(end) * dt + uniform(task.gap)
            }
            let hold = Int((task.maskAfter / dt).rounded())
            var state = 0.0
            var next = 0
            for t in 0..<steps {
                if next < pulses.count && t >= pulses[next].end { state = pulses[next].sign * task.level; next += 1 }
                let pulse = pulses.first { t >= $0.start && t < $0.end }
                batch.x[batch.inputIndex(b, t, bit)] = pulse.map { $0.sign * task.amplitude } ?? 0
                let i = batch.targetIndex(b, t + 1, bit)
                let masked = pulses.contains { t + 1 >= $0.start && t + 1 < $0.end + hold }
                batch.target[i] = masked ? 0 : state
                batch.mask[i] = masked ? 0 : 1
            }
        } }
        return batch
    }

    /// Decision making as it was written before the epochs were tabulated once per batch.
    private func referenceDecision(_ task: DecisionTask, steps: Int, dt: Double, random: RandomSource) -> TaskBatch {
        var batch = TaskBatch(trials: task.trials, steps: steps, inputs: 1, outputs: 1)
        for b in 0..<task.trials {
            let c = task.coherences[min(task.coherences.count - 1, Int(random.uniform() * Double(task.coherences.count)))]
            for t in 0..<steps {
                if task.epochs.isStimulus(step: t, dt: dt) { batch.x[batch.inputIndex(b, t, 0)] = c / 16 + task.noise * random.gaussian() }
                let i = batch.targetIndex(b, t + 1, 0)
                switch task.epochs.grade(readout: t + 1, dt: dt) {
                case .fixation: batch.target[i] = 0; batch.mask[i] = 1
                case .response: batch.target[i] = c / 16; batch.mask[i] = 1
                case .ungraded: batch.target[i] = 0; batch.mask[i] = 0
                }
            }
        }
        return batch
    }

    private func assertSameBits(_ new: TaskBatch, _ old: TaskBatch, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(new.x.map(\.bitPattern), old.x.map(\.bitPattern), "\(label): inputs", file: file, line: line)
        XCTAssertEqual(new.target.map(\.bitPattern), old.target.map(\.bitPattern), "\(label): targets", file: file, line: line)
        XCTAssertEqual(new.mask.map(\.bitPattern), old.mask.map(\.bitPattern), "\(label): masks", file: file, line: line)
    }

    /// Three batches in a row from one stream (as SGD draws them), then the stream's next draw.
    private func compare(_ label: String, seed: UInt64, steps: Int, dt: Double,
                         new: (RandomSource) -> TaskBatch, old: (RandomSource) -> TaskBatch) {
        let a = RandomSource(seed: seed), b = RandomSource(seed: seed)
        for epoch in 0..<3 { assertSameBits(new(a), old(b), "\(label), batch \(epoch)") }
        XCTAssertEqual(a.uniform(), b.uniform(), "\(label): the same number of draws")
    }

    func testFlipFlopGivesThePreviousBatchesBitForBit() {
        let twinsA = FlipFlopTask(trials: 128, gap: 3...4, amplitude: 2, level: 1)  // the faithful twins' task A
        let cases: [(String, FlipFlopTask, Int, Double)] = [
            ("twins A, B = 128, T = 400", twinsA, 400, 0.05),
            ("default flip-flop, T = 800", FlipFlopTask(), 800, 0.025),
            ("3 bits, random durations", FlipFlopTask(trials: 5, pulseDuration: 0.3...0.9, gap: 0.5...2, bits: 3), 300, 0.05),
            ("pulses past the end, no hold", FlipFlopTask(trials: 4, pulseDuration: 1...3, firstPulse: 0, gap: 0...0.1, maskAfter: 0), 37, 0.1),
            ("zero amplitude and level", FlipFlopTask(trials: 3, amplitude: 0, level: 0), 200, 0.05),
        ]
        for (label, task, steps, dt) in cases {
            for seed: UInt64 in [1, 2, 99] {
                compare(label, seed: seed, steps: steps, dt: dt,
                        new: { task.batch(steps: steps, dt: dt, random: $0) },
                        old: { referenceFlipFlop(task, steps: steps, dt: dt, random: $0) })
            }
        }
        // The comparison means something: the batch has pulses of both signs and ungraded steps.
        let batch = twinsA.batch(steps: 400, dt: 0.05, random: RandomSource(seed: 1))
        XCTAssertEqual(Set(batch.x), [-2, 0, 2])
        XCTAssertEqual(Set(batch.target), [-1, 0, 1])
        XCTAssertGreaterThan(batch.mask.filter { $0 == 0 }.count, 128 * 40)
    }

    func testDecisionGivesThePreviousBatchesBitForBit() {
        let cases: [(String, DecisionTask, Int, Double)] = [
            ("twins B, B = 128, T = 400", DecisionTask(trials: 128), 400, 0.05),
            ("cut short, T = 150", DecisionTask(trials: 7, noise: 0.3), 150, 0.05),
            ("longer than the epochs, other coherences", DecisionTask(trials: 5, coherences: [-4, 1], fixation: 0.5, stimulus: 2, delay: 0.5, response: 1), 120, 0.05),
        ]
        for (label, task, steps, dt) in cases {
            for seed: UInt64 in [1, 7] {
                compare(label, seed: seed, steps: steps, dt: dt,
                        new: { task.batch(steps: steps, dt: dt, random: $0) },
                        old: { referenceDecision(task, steps: steps, dt: dt, random: $0) })
            }
        }
    }
}
