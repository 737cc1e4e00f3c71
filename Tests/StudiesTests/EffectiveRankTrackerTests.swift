import XCTest
import Foundation
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import OverlapTheory
@testable import Studies
import TestSupport

/// `--track-ntk-every`: the rows the observer streams during training against the
/// participation ratio (tr A)²/‖A‖_F² of dense matrices built column by column from the
/// operators of the same state (epoch 0: the initial network / overlaps; the last epoch:
/// the trained ones), and the epochs recorded (multiples of E and the last).
final class EffectiveRankTrackerTests: XCTestCase {
    private let config = RunConfiguration(task: .filter, model: ModelSpec(rank: 1, dt: 0.2, nonlinearity: .tanh),
                                          epochs: 5, learningRate: 0.01, steps: 6, seed: 3, neurons: 8)

    private func dense(_ n: Int, _ apply: ([Double]) -> [Double]) -> Matrix {
        Matrix(columns: (0..<n).map { j in var e = [Double](repeating: 0, count: n); e[j] = 1; return apply(e) }, rows: n)
    }

    private func participationRatio(_ a: Matrix) -> Double {
        let f = a.frobeniusNorm
        return a.trace * a.trace / (f * f)
    }

    private func rows(_ url: URL) throws -> [[Double]] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map { Double($0) ?? .nan } }
    }

    /// Network: epochs 0, 2, 4 and the last (5) recorded; K and Θ (parameter side n_θ = 24 ≤ 60
    /// products: exact traces) to 1e-10 of the dense PR at epochs 0 and 5; P (state side
    /// B·T·N = 48 ≤ 60: exact too) likewise.
    func testNetworkRowsMatchDenseOperators() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tracker-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("ntk-ranks.csv")
        let schedule = try config.makeBatchSchedule()
        let tracker = try EffectiveRankTracker(file: file, every: 2, theory: false, batches: schedule.batch(epoch:))
        let initial = try InitialState.network(config)
        let result = try Runs.network(config, initial: initial, progress: false, tracking: tracker)
        let table = try rows(file)
        XCTAssertEqual(table.map { Int($0[0]) }, [0, 2, 4, 5])
        let batch = try config.makeBatchSchedule().batch(epoch: 0)
        for (row, network) in [(table[0], initial), (table[3], try XCTUnwrap(result.network))] {
            let ops = StateSpaceNTK(network: network, batch: batch)
            let k = dense(ops.tensorCount, ops.parameterOperator)
            let p = dense(ops.tensorCount) { ops.propagate(ops.propagateAdjoint($0)) }
            let theta = dense(ops.tensorCount, ops.ntk)
            assertClose(row[1], participationRatio(k), relative: 1e-10, "K")
            assertClose(row[3], participationRatio(p), relative: 1e-10, "P")
            assertClose(row[5], participationRatio(theta), relative: 1e-10, "Θ")
        }
        XCTAssertNotEqual(table[0][5], table[3][5], "training moved the kernel")
    }

    /// Theory: the reduced sNTK's PR at epoch 0 against its dense matrix (B·T·R = 6).
    func testTheoryRowMatchesDenseReducedKernel() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tracker-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("reduced-ntk-ranks.csv")
        let tracker = try EffectiveRankTracker(file: file, every: 5, theory: true, batches: try config.makeBatchSchedule().batch(epoch:))
        let S0 = try InitialState.overlaps(config)
        _ = try Runs.theory(config, initial: S0, progress: false, tracking: tracker)
        let table = try rows(file)
        XCTAssertEqual(table.map { Int($0[0]) }, [0, 5])
        let reduced = try ReducedStateNTK(spec: config.model, overlaps: S0, batch: try config.makeBatchSchedule().batch(epoch: 0))
        assertClose(table[0][1], participationRatio(dense(reduced.latentCount, reduced.apply)), relative: 1e-10)
    }

    /// A two-phase theory study (7 and 5 epochs, E = 3): rows at 0, 3, 6, 7 and 7, 10, 12 on the
    /// joined clock; each phase's first row against the dense reduced sNTK of the overlaps the
    /// phase starts from, on that phase's batch (PR to 1e-10).
    func testStudyPhasesAreTrackedOnTheJoinedClock() throws {
        let spec = try StudyFile.parse("model: {rank: 1, steps: 12}\ninitial: {neurons: 24, seed: 5}\nrun: theory\nphases:\n"
            + "  - {task: filter, epochs: 7, lr: 0.01}\n  - {task: filter, epochs: 5, lr: 0.01}\n", file: "t.yaml")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tracker-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outcome = try PhaseStudy(spec: spec, folder: folder, trackNTKEvery: 3).run(resume: false, progress: false)
        let first = try rows(folder.appendingPathComponent("theory/reduced-ntk-ranks-phase-1.csv"))
        let second = try rows(folder.appendingPathComponent("theory/reduced-ntk-ranks-phase-2.csv"))
        XCTAssertEqual(first.map { Int($0[0]) }, [0, 3, 6, 7])
        XCTAssertEqual(second.map { Int($0[0]) }, [7, 10, 12])
        let S0 = try InitialState.overlaps(RunConfiguration(model: spec.model.spec, seed: 5, neurons: 24))
        let S1 = OverlapState(layout: spec.model.spec.layout, values: outcome.ends["theory"]![0].overlaps).S
        for (row, S, phase) in [(first[0], S0, 0), (second[0], S1, 1)] {
            let reduced = try ReducedStateNTK(spec: spec.model.spec, overlaps: S, batch: try PhaseBatches(spec: spec, phase: phase).batch(epoch: 0))
            assertClose(row[1], participationRatio(dense(reduced.latentCount, reduced.apply)), relative: 1e-10, "phase \(phase + 1)")
        }
    }
}
