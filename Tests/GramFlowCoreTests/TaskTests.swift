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
        let objective = MaskedSquaredError(dt: 0.1, trials: 4)
        let term = objective.term(output: 2, target: 0.5, mask: 1)
        assertClose(term.loss, 0.1 / 4 * 2.25, absolute: 1e-16)
        assertClose(term.error, 2 * 0.1 / 4 * 1.5, absolute: 1e-16)
        XCTAssertEqual(objective.term(output: 2, target: 0.5, mask: 0).loss, 0)
    }

    /// One name per parameter; the CLI spells it in kebab-case.
    func testParameterKeysAreSpelledAsTheCommandLineSpellsThem() {
        XCTAssertEqual(ParameterKey.pulseAmplitude.option, "pulse-amplitude")
        XCTAssertEqual(ParameterKey.networkNeurons.option, "network-neurons")
        XCTAssertEqual(ParameterKey.lr.option, "lr")
        XCTAssertEqual(TaskName.teacher.options, [.batch, .noise, .pulseAmplitude, .teacher])
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
