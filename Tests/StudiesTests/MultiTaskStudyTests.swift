import XCTest
import Foundation
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import NumPyFiles
import Studies
import TestSupport

/// The multi-task run in small (the reduced `validation/kpflow`): two GRU seeds, N = 12,
/// 30 epochs. Its records are checked against a snapshot recomputed from the seed's initial
/// model, its preferences, running means and onsets against arithmetic on tracking.csv, and
/// its report against the claims machinery that reads it.
final class MultiTaskStudyTests: XCTestCase {
    func testGroupingPreferenceAndOnset() {
        // MP–DP = 0.9, MA–DA = 0.7 (Pro/Anti pairs), MP–MA = 0.2, DP–DA = 0.4 (Mem/Del pairs).
        var m = Matrix.identity(4)
        for (i, j, v) in [(0, 2, 0.9), (1, 3, 0.7), (0, 1, 0.2), (2, 3, 0.4), (0, 3, -0.5), (1, 2, 0.3)] { m[i, j] = v; m[j, i] = v }
        assertClose(ProAntiGrouping.preference(m), 0.8 - 0.3, absolute: 1e-15)
        XCTAssertEqual(ProAntiGrouping.onset(epochs: [0, 10, 20, 30], preferences: [-1, 0.5, -0.1, 0.2]), 30)
        XCTAssertEqual(ProAntiGrouping.onset(epochs: [0, 10, 20, 30], preferences: [-1, 0.5, 0.1, 0.2]), 10)
        XCTAssertEqual(ProAntiGrouping.onset(epochs: [0, 10, 20, 30], preferences: [0.3, 0.5, 0.1, 0.2]), 0)
        XCTAssertNil(ProAntiGrouping.onset(epochs: [0, 10, 20], preferences: [0.3, 0.5, 0]))
    }

    func testReducedRunRecordsWhatItClaims() throws {
        var config = MultiTaskConfiguration()
        config.neurons = 12; config.trialsPerTask = 2; config.dt = 0.25; config.epochs = 30; config.trackEvery = 10
        config.learningRate = 5e-3; config.seeds = [1, 2]
        try config.check()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gramflow-multitask-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try MultiTaskRun.run(config, in: folder, plot: false, progress: false)
        XCTAssertEqual(run.report.seeds.count, 2)

        for (k, seed) in config.seeds.enumerated() {
            let sub = folder.appendingPathComponent("seed-\(seed)")
            let rows = try String(contentsOf: sub.appendingPathComponent("tracking.csv"), encoding: .utf8)
                .split(separator: "\n").dropFirst().map { $0.split(separator: ",").map { Double($0)! } }
            XCTAssertEqual(rows.map { Int($0[0]) }, [0, 10, 20, 30])
            // Record 0 against the snapshot of the initial model, rebuilt from the seed's stream.
            let initial = GRUNetwork.gaussian(neurons: 12, inputs: 7, outputs: 3, dt: 0.25, random: SeedStreams.initialization(seed))
            let parts = config.tasks.map { $0.batch(steps: config.steps, dt: config.dt, random: RandomSource(seed: 0)) }
            let snapshot = MultiTaskSnapshot(initial, parts: parts)
            let pairs = [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
            for (c, (i, j)) in pairs.enumerated() {
                assertClose(rows[0][6 + c], snapshot.interference.normalized[i, j], absolute: 1e-9, "seed \(seed) C[\(i),\(j)]")
                assertClose(rows[0][12 + c], snapshot.similarity[i, j], absolute: 1e-9, "seed \(seed) S[\(i),\(j)]")
            }
            for t in 0..<4 { assertClose(rows[0][2 + t], snapshot.losses[t], relative: 1e-9) }
            // π of C, of its running mean and of S, from the CSV's own entries (columns C: 7–12, S: 13–18, 1-based).
            func pi(_ row: [Double], _ base: Int) -> Double { (row[base + 1] + row[base + 4]) / 2 - (row[base] + row[base + 5]) / 2 }
            var sums = [Double](repeating: 0, count: 6)
            var piBar: [Double] = [], piS: [Double] = []
            for (r, row) in rows.enumerated() {
                for c in 0..<6 { sums[c] += row[6 + c] }
                let mean = sums.map { $0 / Double(r + 1) }
                assertClose(row[18], pi(row, 6), absolute: 1e-9)
                assertClose(row[19], pi([0, 0, 0, 0, 0, 0] + mean, 6), absolute: 1e-9)
                assertClose(row[20], pi(row, 12), absolute: 1e-9)
                piBar.append(row[19]); piS.append(row[20])
            }
            let result = run.report.seeds[k]
            XCTAssertEqual(result.interferenceOnset, ProAntiGrouping.onset(epochs: [0, 10, 20, 30], preferences: piBar))
            XCTAssertEqual(result.similarityOnset, ProAntiGrouping.onset(epochs: [0, 10, 20, 30], preferences: piS))
            assertClose(result.initialInterferencePreference, rows[0][18], absolute: 1e-9)
            XCTAssertLessThan(result.finalLoss, result.initialLoss, "Adam lowers the multi-task loss in 30 epochs")
            // multitask.npz holds the same records.
            let arrays = try NamedArrays.read(sub.appendingPathComponent("multitask.npz").path)
            XCTAssertEqual(arrays["interference"]?.shape, [4, 4, 4])
            XCTAssertEqual(arrays["hidden"]?.shape, [4, 2, config.steps, 12])
            for (c, (i, j)) in pairs.enumerated() { assertClose(arrays["interference"]![3, i, j], rows[3][6 + c], absolute: 1e-9) }
        }

        // The report feeds the claims machinery as validation/kpflow/claims.yaml does.
        let expected = Double(run.report.seeds.filter(\.predictedBefore).count) / 2
        try """
        title: reduced
        claims:
          - claim: predicted before
            kind: finding
            file: report.json
            key: predictedBeforeFraction
            criterion: ">= 0.8"
        """.write(to: folder.appendingPathComponent("claims.yaml"), atomically: true, encoding: .utf8)
        let claims = try ClaimsFile.load(folder.appendingPathComponent("claims.yaml").path).evaluate(in: folder)
        XCTAssertEqual(claims[0].measured, String(format: "%.4g", expected))
        XCTAssertEqual(claims[0].held, expected >= 0.8)
    }
}
