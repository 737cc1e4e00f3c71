import XCTest
import GramFlowCore
import GramFlowNumerics
import OverlapTheory

/// The teacher task's batches against its previous implementation, kept here as the reference:
/// the flip-flop pulse train, the white noise added entry by entry, the mask set to 1, and the
/// targets from a reduced loss built afresh on the batch (`ReducedOverlapLoss.outputs`). The
/// task now keeps the teacher's forward pass from batch to batch; the batches must not change:
/// bit for bit (no tolerance), batch after batch from one stream, through a change of B and T.
final class TeacherBatchReferenceTests: XCTestCase {
    private func reference(_ task: TeacherTask, steps: Int, dt: Double, random: RandomSource) throws -> TaskBatch {
        var batch = FlipFlopTask(trials: task.trials, amplitude: task.pulseAmplitude, schedule: task.pulseSchedule).batch(steps: steps, dt: dt, random: random)
        for i in batch.x.indices { batch.x[i] += task.inputNoise * random.gaussian() }
        for i in batch.mask.indices { batch.mask[i] = 1 }
        batch.target = try ReducedOverlapLoss(spec: task.spec, batch: batch).outputs(task.overlaps)
        return batch
    }

    func testTeacherBatchesAreThePreviousOnesBitForBit() throws {
        // The faithful twins' teacher (phase C), erf rank 1; tanh (the shared gain table) at rank 2.
        let twins: [String: Double] = ["z1.m1": 0.5, "u1.z1": 2.3, "m1.v1": 2.0, "u1.v1": 1.5, "m1.u1": 1.6, "m1.m1": 1.8, "u1.u1": 2.2]
        var rank2 = ModelSpec(); rank2.rank = 2; rank2.nonlinearity = .tanh
        var rank2Overlaps: [String: Double] = [:]
        let layout = rank2.layout
        for (i, (a, b)) in layout.overlapPairs.enumerated() {
            rank2Overlaps["\(layout.vectorNames[a]).\(layout.vectorNames[b])"] = a == b ? 1 + 0.1 * Double(i % 4) : 0.05 * Double(i % 7) - 0.1
        }
        var erf = ModelSpec(); erf.nonlinearity = .erf
        let tasks = [
            ("twins C, erf", try TeacherTask(spec: erf, overlaps: twins, trials: 128, inputNoise: 1.5, pulseAmplitude: 2)),
            ("rank 2, tanh", try TeacherTask(spec: rank2, overlaps: rank2Overlaps, trials: 6, inputNoise: 0.7, pulseAmplitude: 1)),
            // The paper's pulse schedule (its hand-computed pulse times: TaskTests) reaches the teacher's inputs.
            ("twins C, paper's pulses", try TeacherTask(spec: erf, overlaps: twins, trials: 16, inputNoise: 1.5, pulseAmplitude: 2,
                                                        pulseSchedule: .paper)),
        ]
        for (label, task) in tasks {
            let a = RandomSource(seed: 11), b = RandomSource(seed: 11)
            // Twice at B·T = 128·400 (as SGD draws them), then a shorter trial and fewer trials (the
            // kept trajectory is resized), then the first shape again.
            for (trials, steps) in [(task.trials, 400), (task.trials, 400), (task.trials, 90), (3, 400), (task.trials, 400)] {
                var sized = task; sized.trials = trials
                let new = sized.batch(steps: steps, dt: 0.05, random: a), old = try reference(sized, steps: steps, dt: 0.05, random: b)
                XCTAssertEqual(new.x.map(\.bitPattern), old.x.map(\.bitPattern), "\(label) B = \(trials) T = \(steps): inputs")
                XCTAssertEqual(new.target.map(\.bitPattern), old.target.map(\.bitPattern), "\(label) B = \(trials) T = \(steps): targets")
                XCTAssertEqual(new.mask, old.mask, "\(label): mask")
                XCTAssertEqual(new.mask, Array(repeating: 1, count: trials * steps))
                XCTAssertGreaterThan(new.target.map(abs).max()!, 0.01, "\(label): the teacher's output is not all 0")
            }
            XCTAssertEqual(a.uniform(), b.uniform(), "\(label): the same number of draws")
        }
    }
}
