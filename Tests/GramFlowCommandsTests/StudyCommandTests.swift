import Foundation
import XCTest

/// `gramflow study`: bad files exit 64 before any work; a stopped study resumes to the same bytes.
final class StudyCommandTests: XCTestCase {
    private let study = """
    title: tiny
    model: {rank: 1, steps: 20}
    initial: {neurons: 16, seed: 9}
    phases:
      - {name: A1, label: A, task: filter, epochs: 4, lr: 0.01}
      - {name: B, label: B, task: filter, options: {decay: 0.5}, epochs: 4, lr: 0.01, targetNoise: 0.05}
      - {name: A2, label: A, task: filter, epochs: 4, lr: 0.01}

    """

    func testMalformedFileExits64NamingFileLineAndField() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        try study.replacingOccurrences(of: "epochs: 4, lr: 0.01, targetNoise", with: "epochs: -4, lr: 0.01, targetNoise")
            .write(to: runner.file("bad.yaml"), atomically: true, encoding: .utf8)
        let result = try runner.run(["study", "bad.yaml", "--out", "o"])
        XCTAssertEqual(result.status, 64, result.stderr)
        XCTAssert(result.stderr.contains("bad.yaml:6: phases[2].epochs: must be 0 or more"), result.stderr)
        XCTAssertEqual(runner.entries.sorted(), ["bad.yaml"], "nothing may be written")
    }

    /// The A-B-A claim is stated once, in the summary and as a record in claims.json, with the same verdict.
    func testStudyWritesItsClaimsAsRecords() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        try study.write(to: runner.file("s.yaml"), atomically: true, encoding: .utf8)
        let result = try runner.run(["study", "s.yaml", "--out", "o", "--quiet"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let summary = try String(contentsOf: runner.file("o/summary.md"), encoding: .utf8)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: runner.file("o/claims.json"))) as! [String: Any]
        let records = json["claims"] as! [[String: Any]]
        XCTAssertEqual(records.count, 2, "one claim per learner (theory, network)")
        for record in records {
            let kind = (record["claim"] as! String).hasPrefix("network") ? "network" : "theory"
            let verdict = (record["held"] as! Bool) ? "held" : "did not hold"
            XCTAssert(summary.contains("§8, \(kind)): when A returns") && summary.contains("**\(verdict)**"), summary)
        }
        // Theory and network (run: both) compared over every epoch of every phase: for linear φ the
        // exact map is the network's GD to rounding (the 1e-9 of `validate`).
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: runner.file("o/report.json"))) as! [String: Any]
        let deviation = report["deviation"] as! [String: Any]
        XCTAssertEqual(deviation["epochsCompared"] as? Int, try String(contentsOf: runner.file("o/deviation.csv"), encoding: .utf8)
            .split(separator: "\n").count - 1)
        XCTAssertGreaterThan(deviation["epochsCompared"] as! Int, 12)
        XCTAssertLessThanOrEqual(deviation["maxOverlapDeviation"] as! Double, 1e-9)
        XCTAssertLessThanOrEqual(deviation["maxLossDeviation"] as! Double, 1e-9)
        XCTAssert(summary.contains("Theory against network over all"), summary)
    }

    /// `pulseSchedule` is a flip-flop option: on the filter it is refused before any work, by line.
    func testPulseScheduleOnlyForTheFlipFlop() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        try study.replacingOccurrences(of: "options: {decay: 0.5}", with: "options: {decay: 0.5, pulseSchedule: paper}")
            .write(to: runner.file("bad.yaml"), atomically: true, encoding: .utf8)
        let result = try runner.run(["study", "bad.yaml", "--out", "o"])
        XCTAssertEqual(result.status, 64, result.stderr)
        XCTAssert(result.stderr.contains("bad.yaml:6:") && result.stderr.contains("pulse") , result.stderr)
        XCTAssertEqual(runner.entries.sorted(), ["bad.yaml"], "nothing may be written")
    }

    func testStoppedStudyResumesToTheSameBytes() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        try study.write(to: runner.file("s.yaml"), atomically: true, encoding: .utf8)
        let whole = try runner.run(["study", "s.yaml", "--out", "whole", "--quiet"])
        XCTAssertEqual(whole.status, 0, whole.stderr)
        let stopped = try runner.run(["study", "s.yaml", "--out", "parts", "--quiet", "--stop-after-phase", "1"])
        XCTAssertEqual(stopped.status, 0, stopped.stderr)
        XCTAssert(runner.entries.contains(".parts.partial") && !runner.entries.contains("parts"), "\(runner.entries)")
        let resumed = try runner.run(["study", "s.yaml", "--out", "parts", "--quiet", "--resume"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertFalse(runner.entries.contains(".parts.partial"))
        for name in ["theory/trajectory.csv", "network/trajectory.csv", "summary.md", "memory.csv"] {
            XCTAssertEqual(try Data(contentsOf: runner.file("whole/\(name)")), try Data(contentsOf: runner.file("parts/\(name)")), name)
        }
        let summary = try String(contentsOf: runner.file("whole/summary.md"), encoding: .utf8)
        XCTAssert(summary.contains("Last return to A (phase 3)"), summary)
    }
}

/// One schema: the phase keys of a run.json's `parameters` paste into a study file unchanged.
final class OneSchemaTests: XCTestCase {
    func testRunJSONParametersPasteIntoAStudyPhase() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        let run = try runner.run(["integrate", "--task", "filter", "--decay", "0.3", "--epochs", "6", "--lr", "0.01",
                                  "--steps", "40", "--neurons", "30", "--seed", "4", "--update", "flow", "--quiet", "--out", "r"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: runner.file("r/run.json"))) as! [String: Any]
        let p = manifest["parameters"] as! [String: Any]
        func json(_ value: Any) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]), as: UTF8.self)
        }
        // Copied as they are (YAML reads JSON): the model, and the phase keys task, options, epochs, lr,
        // optimizer, update and tolerance.
        let phase = ["task", "options", "epochs", "lr", "optimizer", "update", "tolerance"].reduce(into: [String: Any]()) { $0[$1] = p[$1] }
        var model = p["model"] as! [String: Any]
        model["steps"] = p["steps"]
        let study = "model: \(try json(model))\ninitial: {neurons: \(p["neurons"]!), seed: \(p["seed"]!)}\nrun: theory\nphases:\n  - \(try json(phase))\n"
        try study.write(to: runner.file("s.yaml"), atomically: true, encoding: .utf8)
        let result = try runner.run(["study", "s.yaml", "--out", "s", "--quiet"])
        XCTAssertEqual(result.status, 0, result.stderr + "\n" + study)
        // The same run: the study's theory trajectory equals the integrate run's, row by row.
        let a = try String(contentsOf: runner.file("r/trajectory.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        let b = try String(contentsOf: runner.file("s/theory/trajectory.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        XCTAssertEqual(a.count, 7)
        XCTAssertEqual(a.count, b.count)
        for (x, y) in zip(a, b) {
            var fields = y.split(separator: ",")
            fields.remove(at: 1)  // the study's phase column
            XCTAssertEqual(String(x), fields.joined(separator: ","))
        }
    }
}
