import XCTest
import Foundation
import GramFlowCore
import GramFlowNumerics
import TestSupport

final class TaskTests: XCTestCase {
    /// x_0 = 1/dt and y*_t = a e^{−c (t−1) dt} (docs/theory.md §1), with the target at t = 1 equal to a.
    func testFilterFollowsTheTimeStepConvention() {
        let batch = FilterTask(gain: 1.5, decay: 0.2).batch(steps: 400, dt: 0.05, random: RandomSource(seed: 0))
        XCTAssertEqual(batch.x[batch.inputIndex(0, 0, 0)], 20)
        XCTAssertEqual(batch.x.filter { $0 != 0 }.count, 1)
        assertClose(batch.target[batch.targetIndex(0, 1, 0)], 1.5, absolute: 1e-15)
        assertClose(batch.target[batch.targetIndex(0, 400, 0)], 1.5 * exp(-0.2 * 399 * 0.05), relative: 1e-14)
        XCTAssertEqual(batch.mask, Array(repeating: 1, count: 400))
    }

    func testOscillationTarget() {
        let batch = OscillationTask(decay: 0.3, frequency: 2).batch(steps: 100, dt: 0.05, random: RandomSource(seed: 0))
        for t in [1, 17, 100] {
            let s = Double(t - 1) * 0.05
            assertClose(batch.target[batch.targetIndex(0, t, 0)], exp(-0.3 * s) * cos(2 * s), absolute: 1e-15)
        }
    }

    /// The recursive target equals the direct convolution a Σ_{s<t} e^{−c(t−1−s)dt} x_s dt.
    func testNoiseFilterTargetIsTheConvolutionOfItsInput() {
        let task = NoiseFilterTask(gain: 0.7, decay: 0.4, trials: 3, noise: 0.5)
        let dt = 0.05, T = 120
        let batch = task.batch(steps: T, dt: dt, random: RandomSource(seed: 5))
        for b in 0..<3 {
            for t in [1, 2, 60, T] {
                var direct = 0.0
                for s in 0..<t { direct += exp(-0.4 * Double(t - 1 - s) * dt) * batch.x[batch.inputIndex(b, s, 0)] * dt }
                assertClose(batch.target[batch.targetIndex(b, t, 0)], 0.7 * direct, relative: 1e-12, absolute: 1e-15)
            }
        }
        // Input variance σ²/dt: 360 draws, sample variance within 5 standard errors (√(2/360) ≈ 0.075).
        let variance = batch.x.reduce(0) { $0 + $1 * $1 } / Double(batch.x.count) * dt / 0.25
        assertClose(variance, 1, absolute: 0.37)
    }

    func testMaskedSquaredErrorAndItsDerivative() {
        let objective = MaskedSquaredError(dt: 0.1, batch: TaskBatch(trials: 4, steps: 3, inputs: 1, outputs: 1))
        let term = objective.term(output: 2, target: 0.5, mask: 1)
        assertClose(term.loss, 0.1 / 4 * 2.25, absolute: 1e-16)
        assertClose(term.error, 2 * 0.1 / 4 * 1.5, absolute: 1e-16)
        XCTAssertEqual(objective.term(output: 2, target: 0.5, mask: 0).loss, 0)
    }

    /// The three normalisations' weights against their closed forms on a batch with a known
    /// mask (B = 4, T = 5, O = 2, dt = 0.1, 14 of the 40 entries masked in): dt-sum dt/B,
    /// masked mean 1/Σmask, mean times duration T·dt/(B·T·O); and the ratio masked-mean/dt-sum
    /// = B/(dt·Σmask) that makes the same η a different step (exact up to rounding, 1e-15).
    func testLossNormalisationWeightsAgainstClosedForms() {
        var batch = TaskBatch(trials: 4, steps: 5, inputs: 1, outputs: 2)
        for i in batch.mask.indices { batch.mask[i] = i % 3 == 0 ? 1 : 0 }
        let masked = Double(batch.mask.filter { $0 == 1 }.count)
        XCTAssertEqual(masked, 14)
        let dt = 0.1
        assertClose(LossNormalisation.dtSum.weight(dt: dt, batch: batch), 0.1 / 4, relative: 1e-15)
        assertClose(LossNormalisation.maskedMean.weight(dt: dt, batch: batch), 1 / 14, relative: 1e-15)
        assertClose(LossNormalisation.meanTimesDuration.weight(dt: dt, batch: batch), 5 * 0.1 / (4 * 5 * 2), relative: 1e-15)
        let ratio = LossNormalisation.maskedMean.weight(dt: dt, batch: batch) / LossNormalisation.dtSum.weight(dt: dt, batch: batch)
        assertClose(ratio, 4 / (dt * masked), relative: 1e-14)
        // The objective takes the batch's own normalisation.
        batch.normalisation = .maskedMean
        let term = MaskedSquaredError(dt: dt, batch: batch).term(output: 1, target: 0.5, mask: 1)
        assertClose(term.loss, 0.25 / 14, relative: 1e-15)
        assertClose(term.error, 2 * 0.5 / 14, relative: 1e-15)
    }

    /// One name per parameter; the CLI spells it in kebab-case.
    func testParameterKeysAreSpelledAsTheCommandLineSpellsThem() {
        XCTAssertEqual(ParameterKey.pulseAmplitude.option, "pulse-amplitude")
        XCTAssertEqual(ParameterKey.networkNeurons.option, "network-neurons")
        XCTAssertEqual(ParameterKey.lr.option, "lr")
        XCTAssertEqual(TaskName.teacher.options, [.batch, .noise, .pulseAmplitude, .teacher, .pulseSchedule, .loss])
    }

    func testTaskOptionsNameTheFieldAtFault() {
        XCTAssertThrowsError(try TaskOptions(decay: -1).makeTask(.filter)) { XCTAssertEqual(($0 as? InputError)?.key, .decay) }
        XCTAssertThrowsError(try TaskOptions(gain: 2).makeTask(.oscillation)) { XCTAssertEqual(($0 as? InputError)?.key, .gain) }
        XCTAssertThrowsError(try TaskOptions(trials: 0).makeTask(.filterNoise)) { XCTAssertEqual(($0 as? InputError)?.key, .batch) }
        XCTAssertEqual(try TaskOptions().makeTask(.oscillation).name, "oscillation")
    }
}

final class LayoutTests: XCTestCase {
    func testCanonicalNamesAndCounts() {
        let layout = VectorLayout(inputs: 2, rank: 2, outputs: 1)
        XCTAssertEqual(layout.vectorNames, ["m1", "m2", "u1", "u2", "v1", "v2", "z1"])
        XCTAssertEqual(layout.overlapNames.count, 7 * 8 / 2)
        XCTAssertEqual(Array(layout.overlapNames.prefix(3)), ["m1.m1", "m1.m2", "m1.u1"])
        XCTAssertEqual(layout.overlapNames.last, "z1.z1")
        XCTAssert(layout.pair(ofOverlap: "v1.u2")! == layout.pair(ofOverlap: "u2.v1")!)
        XCTAssertNil(layout.pair(ofOverlap: "w1.u1"))
        XCTAssertEqual(layout.basisIndices, [2, 3, 0, 1])
    }

    func testSeedStreamsAreDistinctAndReproducible() {
        XCTAssertEqual(SeedStreams.batches(3).gaussians(3), SeedStreams.batches(3).gaussians(3))
        XCTAssertNotEqual(SeedStreams.batches(3).gaussians(3), SeedStreams.initialization(3).gaussians(3))
        XCTAssertNotEqual(SeedStreams.batches(3).gaussians(3), SeedStreams.batches(4).gaussians(3))
    }
}

/// The tasks with K inputs and O outputs (issue 11), against references recomputed from their inputs.
final class MultiChannelTaskTests: XCTestCase {
    /// Each bit of the n-bit flip-flop holds ±level of its own input's last pulse, is ungraded
    /// during a pulse and for maskAfter after it, and 0 before its first pulse.
    func testNBitFlipFlopHoldsEachBitsLastPulse() {
        let dt = 0.1, T = 600, task = FlipFlopTask(trials: 3, bits: 3)
        let batch = task.batch(steps: T, dt: dt, random: RandomSource(seed: 9))
        XCTAssertEqual(batch.inputs, 3)
        XCTAssertEqual(batch.outputs, 3)
        let hold = Int((task.maskAfter / dt).rounded())
        var pulsesSeen = 0
        for b in 0..<3 { for bit in 0..<3 {
            var state = 0.0, lastPulseEnd = -1_000_000
            for t in 0..<T {
                let x = batch.x[batch.inputIndex(b, t, bit)]
                if x != 0 { state = x > 0 ? task.level : -task.level; lastPulseEnd = t + 1; if t == 0 || batch.x[batch.inputIndex(b, t - 1, bit)] == 0 { pulsesSeen += 1 } }
                let i = batch.targetIndex(b, t + 1, bit)
                let inPulse = t + 1 < T && batch.x[batch.inputIndex(b, t + 1, bit)] != 0
                if inPulse || t + 1 < lastPulseEnd + hold {
                    XCTAssertEqual(batch.mask[i], 0, "b \(b) bit \(bit) t \(t)")
                } else {
                    XCTAssertEqual(batch.mask[i], 1, "b \(b) bit \(bit) t \(t)")
                    XCTAssertEqual(batch.target[i], state, "b \(b) bit \(bit) t \(t)")
                }
            }
        } }
        XCTAssertGreaterThan(pulsesSeen, 9)
        // The bits are independent: their input series differ.
        XCTAssertNotEqual((0..<T).map { batch.x[batch.inputIndex(0, $0, 0)] }, (0..<T).map { batch.x[batch.inputIndex(0, $0, 1)] })
    }

    /// One bit is the original flip-flop, draw for draw.
    func testOneBitIsTheOriginalFlipFlop() {
        let a = FlipFlopTask(trials: 4).batch(steps: 300, dt: 0.05, random: RandomSource(seed: 2))
        let b = FlipFlopTask(trials: 4, bits: 1).batch(steps: 300, dt: 0.05, random: RandomSource(seed: 2))
        XCTAssertEqual(a, b)
    }

    /// Without noise the response target is exactly the stimulus the context cue selects.
    func testContextSelectsTheCuedStimulus() {
        let dt = 0.1, T = 200
        let batch = ContextIntegrationTask(trials: 40, noise: 0).batch(steps: T, dt: dt, random: RandomSource(seed: 4))
        XCTAssertEqual(batch.inputs, 4)
        XCTAssertEqual(batch.outputs, 1)
        var contexts = Set<Int>()
        for b in 0..<40 {
            let cueA = batch.x[batch.inputIndex(b, 0, 2)], cueB = batch.x[batch.inputIndex(b, 0, 3)]
            XCTAssertEqual(cueA + cueB, 1)
            let relevant = cueA == 1 ? 0 : 1
            contexts.insert(relevant)
            let stimulus = batch.x[batch.inputIndex(b, 50, relevant)]  // t·dt = 5, inside the stimulus epoch [1, 10)
            XCTAssertNotEqual(stimulus, 0)
            // Response epoch: readout times in (11, 20].
            for t in 111...200 {
                XCTAssertEqual(batch.mask[batch.targetIndex(b, t, 0)], 1)
                XCTAssertEqual(batch.target[batch.targetIndex(b, t, 0)], stimulus)
            }
            XCTAssertEqual(batch.mask[batch.targetIndex(b, 60, 0)], 0)  // stimulus epoch: ungraded
        }
        XCTAssertEqual(contexts, [0, 1])
    }

    /// With K inputs and O outputs each output is the filter of input o mod K.
    func testNoiseFilterWithTwoInputsAndThreeOutputs() {
        let dt = 0.05, T = 80, decay = 0.4, gain = 0.7
        let batch = NoiseFilterTask(gain: gain, decay: decay, trials: 2, noise: 0.5, inputs: 2, outputs: 3)
            .batch(steps: T, dt: dt, random: RandomSource(seed: 1))
        for b in 0..<2 { for o in 0..<3 { for t in [1, 40, 80] {
            var expected = 0.0
            for s in 0..<t { expected += exp(-decay * Double(t - 1 - s) * dt) * batch.x[batch.inputIndex(b, s, o % 2)] * dt }
            assertClose(batch.target[batch.targetIndex(b, t, o)], gain * expected, relative: 1e-12, absolute: 1e-14)
        } } }
    }
}

/// The flip-flop's two pulse schedules against schedules worked out by hand (dt = 0.1, T = 200,
/// pulses of 0.5 s from 0.5 s, gap exactly 1 s, mask 2 s after each pulse).
final class PulseScheduleTests: XCTestCase {
    private func schedule(_ schedule: PulseSchedule) -> (pulses: [Range<Int>], graded: [Int], batch: TaskBatch) {
        let task = FlipFlopTask(trials: 1, gap: 1...1, schedule: schedule)
        let batch = task.batch(steps: 200, dt: 0.1, random: RandomSource(seed: 5))
        var pulses: [Range<Int>] = [], start: Int?
        for t in 0...200 {
            let on = t < 200 && batch.x[batch.inputIndex(0, t, 0)] != 0
            if on && start == nil { start = t }
            if !on, let s = start { pulses.append(s..<t); start = nil }
        }
        let graded = (1...200).filter { batch.mask[batch.targetIndex(0, $0, 0)] == 1 }
        return (pulses, graded, batch)
    }

    /// The paper's code: the next pulse starts 1 s after the end of the masked window (pulse end
    /// + 2 s), so starts 5, 40 (= 10 + 20 + 10), 75, 110, 145, 180; readouts masked before the
    /// first window's end (30) and over [start − 1, end + 20) of the others.
    func testPaperScheduleMeasuresGapsFromTheMaskedWindow() {
        let (pulses, graded, batch) = schedule(.paper)
        XCTAssertEqual(pulses, [5..<10, 40..<45, 75..<80, 110..<115, 145..<150, 180..<185])
        XCTAssertEqual(graded, Array(30...38) + Array(65...73) + Array(100...108) + Array(135...143) + Array(170...178))
        // A graded readout holds ±0.5 with the sign of the last pulse before it.
        for k in graded {
            let last = pulses.last { $0.lowerBound < k }!
            XCTAssertEqual(batch.target[batch.targetIndex(0, k, 0)], 0.5 * batch.x[batch.inputIndex(0, last.lowerBound, 0)], "k \(k)")
        }
    }

    /// GramFlow's (the default, unchanged): the gap runs from the pulse's end, starts 5, 20, …, 185;
    /// the masked windows [start, end + 20) then overlap, leaving only readouts 1–4 (target 0) graded.
    func testGramFlowScheduleMeasuresGapsFromThePulseEnd() {
        let (pulses, graded, batch) = schedule(.gramflow)
        XCTAssertEqual(pulses, stride(from: 5, through: 185, by: 15).map { $0..<($0 + 5) })
        XCTAssertEqual(graded, [1, 2, 3, 4])
        XCTAssertEqual(graded.map { batch.target[batch.targetIndex(0, $0, 0)] }, [0, 0, 0, 0])
        XCTAssertEqual(batch, FlipFlopTask(trials: 1, gap: 1...1).batch(steps: 200, dt: 0.1, random: RandomSource(seed: 5)))
    }
}
