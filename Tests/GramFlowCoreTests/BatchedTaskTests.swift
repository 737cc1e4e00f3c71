import XCTest
import GramFlowCore
import GramFlowNumerics
import TestSupport

final class BatchedTaskTests: XCTestCase {
    /// Pulses of ±a lasting 0.5 s from 0.5 s on, gaps in [4, 10] s; the target holds ±level
    /// after each pulse; the mask is 0 during a pulse and 2 s after it.
    func testFlipFlopStructure() {
        let dt = 0.025, T = 800
        let batch = FlipFlopTask(trials: 6).batch(steps: T, dt: dt, random: RandomSource(seed: 3))
        for b in 0..<6 {
            let x = (0..<T).map { batch.x[batch.inputIndex(b, $0, 0)] }
            XCTAssertEqual(x.prefix(20).filter { $0 != 0 }.count, 0, "nothing before 0.5 s")
            XCTAssertNotEqual(x[20], 0, "the first pulse starts at 0.5 s")
            // Pulses: runs of non-zero input, each 20 steps (0.5 s), separated by ≥ 160 steps (4 s).
            var runs: [(Int, Int)] = []
            var t = 0
            while t < T {
                if x[t] != 0 {
                    let start = t
                    while t < T && x[t] == x[start] { t += 1 }
                    runs.append((start, t))
                } else { t += 1 }
            }
            XCTAssertGreaterThanOrEqual(runs.count, 2)
            for (i, run) in runs.enumerated() {
                if run.1 < T { XCTAssertEqual(run.1 - run.0, 20) }
                XCTAssertEqual(abs(x[run.0]), 1)
                if i > 0 { XCTAssert((160...400).contains(run.0 - runs[i - 1].1), "gap \(run.0 - runs[i - 1].1)") }
                // Graded again 2 s (80 steps) after the pulse ends, at the held level.
                let after = run.1 + 80
                if after <= T {
                    let j = batch.targetIndex(b, after, 0)
                    XCTAssertEqual(batch.mask[j], 1)
                    XCTAssertEqual(batch.target[j], 0.5 * x[run.0])
                    XCTAssertEqual(batch.mask[batch.targetIndex(b, after - 1, 0)], 0)
                }
            }
        }
    }

    /// Fixation 1 s, stimulus 9 s of c/16 + noise, delay 1 s, response 9 s graded at c/16.
    func testDecisionStructure() {
        let dt = 0.05, T = 400
        let batch = DecisionTask(trials: 40).batch(steps: T, dt: dt, random: RandomSource(seed: 4))
        for b in 0..<40 {
            let stimulus = (20..<200).map { batch.x[batch.inputIndex(b, $0, 0)] }
            let mean = stimulus.reduce(0, +) / 180
            let coherence = batch.target[batch.targetIndex(b, 400, 0)] * 16
            XCTAssert([-16, -8, -2, 2, 8, 16].contains(coherence))
            // The noise σ = 0.05 per step averages to 0.05/√180 ≈ 0.004; allow 5σ.
            assertClose(mean, coherence / 16, absolute: 0.019)
            XCTAssertEqual(batch.x[batch.inputIndex(b, 19, 0)], 0)
            XCTAssertEqual(batch.x[batch.inputIndex(b, 200, 0)], 0)
            XCTAssertEqual(batch.mask[batch.targetIndex(b, 10, 0)], 1)   // fixation
            XCTAssertEqual(batch.mask[batch.targetIndex(b, 100, 0)], 0)  // stimulus
            XCTAssertEqual(batch.mask[batch.targetIndex(b, 210, 0)], 0)  // delay
            XCTAssertEqual(batch.mask[batch.targetIndex(b, 220, 0)], 0)  // delay ends at 11 s
            XCTAssertEqual(batch.mask[batch.targetIndex(b, 221, 0)], 1)  // response
        }
    }

    func testBatchScheduleIsFreshOnlyForSGDAndReproducible() {
        let task = NoiseFilterTask(trials: 2)
        let fixed = BatchSchedule(task: task, steps: 30, dt: 0.05, seed: 9, fresh: false)
        XCTAssertEqual(fixed.batch(epoch: 0), fixed.batch(epoch: 5))
        let a = BatchSchedule(task: task, steps: 30, dt: 0.05, seed: 9, fresh: true)
        let b = BatchSchedule(task: task, steps: 30, dt: 0.05, seed: 9, fresh: true)
        let first = a.batch(epoch: 0)
        XCTAssertNotEqual(first, a.batch(epoch: 1))
        XCTAssertEqual(b.batch(epoch: 0), first)
        XCTAssertEqual(b.batch(epoch: 3), a.batch(epoch: 3))
    }
}
