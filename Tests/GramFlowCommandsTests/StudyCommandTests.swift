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
