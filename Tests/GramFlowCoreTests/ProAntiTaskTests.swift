import XCTest
import GramFlowCore
import GramFlowNumerics
import TestSupport

/// The four Pro/Anti tasks against their definition written out by hand for one
/// small case (dt = 0.5: fixation steps 0–4, go cue at step 5, T = 7).
final class ProAntiTaskTests: XCTestCase {
    func testInputsTargetsAndMaskFollowTheDefinition() throws {
        let dt = 0.5
        for variant in ProAntiTask.Variant.allCases {
            let task = try TaskOptions(trials: 4).makeTask(TaskName(rawValue: variant.rawValue)!) as! ProAntiTask
            XCTAssertEqual(task.trialSteps(dt: dt), 7)
            XCTAssertEqual(task.minimumSteps(dt: dt), 6)
            let batch = task.batch(steps: 8, dt: dt, random: RandomSource(seed: 1))
            let b = 1, theta = Double.pi / 2  // θ_1 = 2π·1/4
            // Stimulus at steps 1, 2 (memory) or 1…4 (delay); fixation input at steps 0…4.
            let stimulusSteps: Set<Int> = variant.isDelay ? [1, 2, 3, 4] : [1, 2]
            for t in 0..<8 {
                XCTAssertEqual(batch.x[batch.inputIndex(b, t, 0)], t <= 4 ? 1 : 0, "\(variant) fixation input, step \(t)")
                let on = stimulusSteps.contains(t)
                assertClose(batch.x[batch.inputIndex(b, t, 1)], on ? cos(theta) : 0, absolute: 1e-15)
                assertClose(batch.x[batch.inputIndex(b, t, 2)], on ? sin(theta) : 0, absolute: 1e-15)
                for rule in 0..<4 {
                    XCTAssertEqual(batch.x[batch.inputIndex(b, t, 3 + rule)], rule == variant.ruleIndex ? 1 : 0)
                }
            }
            let response = variant.isPro ? theta : theta + Double.pi
            for n in 1...8 {
                let responding = n >= 6
                XCTAssertEqual(batch.target[batch.targetIndex(b, n, 0)], responding ? 0 : 1, "\(variant) readout \(n)")
                assertClose(batch.target[batch.targetIndex(b, n, 1)], responding ? cos(response) : 0, absolute: 1e-15)
                assertClose(batch.target[batch.targetIndex(b, n, 2)], responding ? sin(response) : 0, absolute: 1e-15)
                XCTAssertEqual(batch.mask[batch.targetIndex(b, n, 1)], n <= 7 ? 1 : 0, "only the trial's 7 readouts are graded")
            }
        }
    }

    /// Concatenated batches keep each part's trials in order.
    func testConcatenationStacksTrials() {
        let parts = ProAntiTask.all(trials: 3).map { $0.batch(steps: 9, dt: 0.5, random: RandomSource(seed: 1)) }
        let whole = TaskBatch(concatenating: parts)
        XCTAssertEqual(whole.trials, 12)
        for (j, part) in parts.enumerated() {
            for b in 0..<3 { for t in 0..<9 { for k in 0..<7 {
                XCTAssertEqual(whole.x[whole.inputIndex(3 * j + b, t, k)], part.x[part.inputIndex(b, t, k)])
            } } }
            for b in 0..<3 { for n in 1...9 { for o in 0..<3 {
                XCTAssertEqual(whole.target[whole.targetIndex(3 * j + b, n, o)], part.target[part.targetIndex(b, n, o)])
            } } }
        }
    }
}
