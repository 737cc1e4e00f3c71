import XCTest
import GramFlowCore
import GramFlowNumerics

/// `Task.minimumSteps` against the batches themselves: at T = minimumSteps some graded
/// readout follows a non-zero input in some trial; one step shorter, none does.
final class MinimumStepsTests: XCTestCase {
    /// Some trial has a graded readout t (mask ≠ 0, t = 1..T) after a non-zero input x_s, s < t.
    private func gradesAnInput(_ batch: TaskBatch) -> Bool {
        (0..<batch.trials).contains { b in
            guard let first = (0..<batch.steps).first(where: { batch.x[batch.inputIndex(b, $0, 0)] != 0 }) else { return false }
            return ((first + 1)...batch.steps).contains { batch.mask[batch.targetIndex(b, $0, 0)] != 0 }
        }
    }

    func testMinimumStepsIsTheFirstLearnableLength() {
        let tasks: [any Task] = [FilterTask(), OscillationTask(), NoiseFilterTask(), DecisionTask(), FlipFlopTask()]
        for task in tasks {
            for dt in [0.05, 0.025, 0.1] {
                let minimum = task.minimumSteps(dt: dt)
                let at = task.batch(steps: minimum, dt: dt, random: RandomSource(seed: 1))
                XCTAssert(gradesAnInput(at), "\(task.name), dt = \(dt): T = \(minimum) grades no input")
                if minimum > 1 {
                    let shorter = task.batch(steps: minimum - 1, dt: dt, random: RandomSource(seed: 1))
                    XCTAssertFalse(gradesAnInput(shorter), "\(task.name), dt = \(dt): T = \(minimum - 1) already grades an input")
                }
            }
        }
        // Random pulse durations: the bound uses the shortest, so nothing shorter can be learnable.
        let varying = FlipFlopTask(pulseDuration: 0.2...0.8)
        let shorter = varying.batch(steps: varying.minimumSteps(dt: 0.05) - 1, dt: 0.05, random: RandomSource(seed: 2))
        XCTAssertFalse(gradesAnInput(shorter))
        XCTAssertEqual(DecisionTask().minimumSteps(dt: 0.05), 221)  // fixation + stimulus + delay = 11 s = 220 steps
        XCTAssertEqual(FlipFlopTask().minimumSteps(dt: 0.05), 60)   // pulse 0.5–1 s, then 2 s masked
    }
}
