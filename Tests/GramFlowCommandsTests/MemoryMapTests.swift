import Foundation
import TestSupport
import XCTest

/// The reduced memory map (validation/memory-map/, docs/theory.md §8.6) through the CLI's sweep
/// engine: a few A-B-A points on the linear filter, each run by the theory (the exact map) and a
/// finite network side by side. References: the network (for linear φ the map is what GD does to
/// the overlaps at every N, so every memory number must agree to rounding, ≤ 1e-9) and the
/// conservation law (gradient flow keeps tr(M^k): drift ≤ 1e-9, where the map's O(η²) drift is
/// well above it).
final class MemoryMapTests: XCTestCase {
    static let sweep = """
    title: reduced memory map
    sweep: study
    base:
      model: {rank: 1, steps: 100}
      initial: {neurons: 40, seed: 1}
      run: both
      phases:
        - {name: A1, label: A, task: filter, epochs: 300, lr: 0.01}
        - {name: B, label: B, task: filter, options: {decay: 0.6}, epochs: 150, lr: 0.01}
        - {name: A2, label: A, task: filter, epochs: 300, lr: 0.01}
    axes:
      - {key: "phases[*].lr", values: [0.005, 0.02]}
      - {key: "phases[2].options.decay", values: [0.4, 0.8]}
    collect: [memory.theory.invisibleRatio, memory.network.invisibleRatio, memory.theory.visibleRatio,
              memory.network.visibleRatio, memory.theory.invariantDrift, memory.network.invariantDrift]
    """

    private func rows(_ runner: CommandRunner, _ name: String, _ text: String) throws -> [[String: String]] {
        try text.write(to: runner.file("\(name).yaml"), atomically: true, encoding: .utf8)
        for command in [["sweep", "plan", "\(name).yaml", "--out", name], ["sweep", "run", name, "--jobs", "2", "--quiet"],
                        ["sweep", "collect", name]] {
            let result = try runner.run(command)
            XCTAssertEqual(result.status, 0, "\(command): \(result.stderr)")
        }
        let lines = try String(contentsOf: runner.file("\(name)/results/sweep.csv"), encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",").map(String.init)
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init))) }
    }

    func testReducedMapTheoryEqualsNetworkAndFlowConserves() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        let map = try rows(runner, "map", Self.sweep)
        XCTAssertEqual(map.count, 4)
        for row in map {
            XCTAssertEqual(row["status"], "completed")
            for metric in ["invisibleRatio", "visibleRatio", "invariantDrift"] {
                let theory = try XCTUnwrap(Double(row["memory.theory.\(metric)"] ?? "")), network = try XCTUnwrap(Double(row["memory.network.\(metric)"] ?? ""))
                assertClose(theory, network, absolute: 1e-9, "\(metric) at \(row)")
            }
            // A number of the map, not a degenerate 0/0: B moved the invisible overlaps and they did not all come back.
            XCTAssertGreaterThan(Double(row["memory.theory.invisibleRatio"]!)!, 0.01)
        }
        // The same protocol under the gradient flow (theory only) conserves tr(M^k); the map at η = 0.02 does not.
        let flow = try rows(runner, "flow", Self.sweep.replacingOccurrences(of: "run: both", with: "run: theory")
            .replacingOccurrences(of: "  - {key: \"phases[*].lr\", values: [0.005, 0.02]}", with: "  - {key: \"phases[*].update\", values: [map, flow]}")
            .replacingOccurrences(of: "values: [0.4, 0.8]", with: "values: [0.4]")
            .replacingOccurrences(of: "lr: 0.01", with: "lr: 0.02")
            .replacingOccurrences(of: ", memory.network.invisibleRatio", with: "").replacingOccurrences(of: ", memory.network.invariantDrift", with: "")
            .replacingOccurrences(of: "memory.network.visibleRatio, ", with: ""))
        XCTAssertEqual(flow.map { $0["phases[*].update"] }, ["map", "flow"])
        XCTAssertLessThanOrEqual(Double(flow[1]["memory.theory.invariantDrift"]!)!, 1e-9)
        XCTAssertGreaterThan(Double(flow[0]["memory.theory.invariantDrift"]!)!, 1e-6)
    }
}
