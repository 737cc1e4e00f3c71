import XCTest
import GramFlowCore
import GramFlowNumerics
import OverlapTheory
import TestSupport

/// docs/theory.md §7: tr(M^k) is conserved by linear gradient flow and drifts at O(η²) per epoch under the map.
final class ConservationTests: XCTestCase {
    private func run(spec: ModelSpec, task: any Task, eta: Double, update: OverlapUpdate,
                     epochs: Int) throws -> (first: [Double], last: [Double], scale: [Double], lossDrop: Double) {
        let batch = task.batch(steps: 200, dt: spec.dt, random: RandomSource(seed: 0))
        let S0 = sampledOverlaps(spec.layout, neurons: 200, seed: 5)
        var last = S0, losses: [Double] = []
        var learner = TheoryLearner(spec: spec, update: update)
        let outcome = try train(LearningProblem(model: spec, initial: S0, batches: { _ in batch }), with: &learner,
                                schedule: TrainingSchedule(epochs: epochs, learningRate: eta),
                                observers: [.rows { _, L, S in last = S; losses.append(L) }]).outcome
        XCTAssertEqual(outcome, .completed)
        return (ConservedQuantities.traces(S0, layout: spec.layout), ConservedQuantities.traces(last, layout: spec.layout),
                ConservedQuantities.scales(S0), losses.first! - losses.last!)
    }

    func testGradientFlowConservesTracesOfMPowers() throws {
        for (rank, task) in [(1, FilterTask() as any Task), (2, OscillationTask())] {
            let r = try run(spec: ModelSpec(rank: rank), task: task, eta: 5e-3, update: .flow, epochs: 200)
            XCTAssertGreaterThan(r.lossDrop, 0, "training must move the state for the test to mean anything")
            for k in 0..<4 {
                assertClose(r.last[k], r.first[k], absolute: 1e-8 * r.scale[k], "rank \(rank), k = \(k + 1)")
            }
        }
    }

    /// Halving η over the same number of epochs divides the drift by 4.
    func testDiscreteMapDriftsAtSecondOrder() throws {
        let spec = ModelSpec(rank: 1)
        func drift(_ eta: Double) throws -> Double {
            let r = try run(spec: spec, task: FilterTask(), eta: eta, update: .map, epochs: 50)
            return abs(r.last[1] - r.first[1]) / r.scale[1]
        }
        let ratio = try drift(2e-3) / drift(1e-3)
        assertClose(ratio, 4, absolute: 0.4)
    }

    /// k = 1 is balancedness: Σ‖z‖² + Σ‖v‖² − Σ‖m‖² − Σ‖u‖² (over N).
    func testFirstTraceIsBalancedness() {
        let layout = VectorLayout(inputs: 2, rank: 2, outputs: 1)
        let S = sampledOverlaps(layout, seed: 8)
        let balance = (layout.zIndices + layout.vIndices).reduce(0) { $0 + S[$1, $1] }
            - (layout.mIndices + layout.uIndices).reduce(0) { $0 + S[$1, $1] }
        assertClose(ConservedQuantities.traces(S, layout: layout)[0], balance, absolute: 1e-14)
    }
}
