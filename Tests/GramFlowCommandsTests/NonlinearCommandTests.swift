import Foundation
import XCTest

/// The nonlinear surface of the command line: tasks, optimizers, sweeps.
final class NonlinearCommandTests: XCTestCase {
    func testTheoryRefusesAdamAndSaysWhy() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        let result = try runner.run(["integrate", "--optimizer", "adam", "--out", "o"])
        XCTAssertEqual(result.status, 64)
        XCTAssert(result.stderr.contains("--optimizer: adam acts on each coordinate separately and is not closed in overlap space"), result.stderr)
        XCTAssert(result.stderr.contains("gramflow simulate --optimizer adam"), result.stderr)
        XCTAssertEqual(runner.entries, [])
    }

    func testTeacherTaskNeedsItsOverlaps() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        var result = try runner.run(["integrate", "--task", "teacher", "--out", "o"])
        XCTAssertEqual(result.status, 64)
        XCTAssert(result.stderr.contains("--teacher: the teacher task needs the teacher's overlaps"), result.stderr)
        try Data(#"{"u1.v1": 1.5, "m1.v1": 2.0, "u1.z1": 2.3}"#.utf8).write(to: runner.file("t.json"))
        result = try runner.run(["integrate", "--task", "teacher", "--teacher", "t.json", "--out", "o"])
        XCTAssertEqual(result.status, 64)
        XCTAssert(result.stderr.contains("the teacher's output depends on m1.z1"), result.stderr)
    }

    /// A tanh student learns a tanh teacher in the theory; the loss falls.
    func testTeacherStudentRunsWithTanh() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        let teacher = #"{"m1.v1": 2.0, "m1.z1": 0.5, "u1.v1": 1.5, "u1.z1": 2.3, "m1.m1": 1.8, "m1.u1": 1.6, "u1.u1": 2.2}"#
        try Data(teacher.utf8).write(to: runner.file("t.json"))
        let result = try runner.run(["integrate", "--task", "teacher", "--teacher", "t.json", "--phi", "tanh", "--batch", "4",
                                     "--steps", "100", "--epochs", "60", "--lr", "0.02", "--out", "run", "--quiet"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let manifest = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: runner.file("run/run.json"))) as? [String: Any])
        let first = try XCTUnwrap(manifest["initialLoss"] as? Double), last = try XCTUnwrap(manifest["finalLoss"] as? Double)
        XCTAssertLessThan(last, 0.9 * first)
        XCTAssertEqual((manifest["visible"] as? [String])?.count, 7, "tanh: the basis block is visible")
    }

    func testSweepListsAreChecked() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        for (args, expected) in [(["--neurons", "100,abc"], "--neurons: expected a comma-separated list"),
                                 (["--neurons", "100,0"], "--neurons: must be at least 1"),
                                 (["--seeds", "0"], "--seeds: must be at least 1"),
                                 (["--lr-sweep", "0.1,-1"], "--lr-sweep: every learning rate must be a positive number")] {
            let result = try runner.run(["validate"] + args + ["--out", "o"])
            XCTAssertEqual(result.status, 64, "\(args)")
            XCTAssert(result.stderr.contains(expected), "\(args): \(result.stderr)")
        }
    }

    func testSweepWritesScalingReport() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        let result = try runner.run(["validate", "--task", "flipflop", "--phi", "erf", "--dt", "0.05", "--steps", "100",
                                     "--batch", "2", "--epochs", "3", "--neurons", "50,100", "--seeds", "2", "--out", "s", "--quiet"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssert(result.stdout.contains("deviation ∝ N^b"), result.stdout)
        let csv = try String(contentsOf: runner.file("s/sweep.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.count, 1 + 4)
        XCTAssert(FileManager.default.fileExists(atPath: runner.file("s/report.md").path))
    }

    /// A sweep whose points diverge keeps its report, names each failed point, and exits 1.
    func testDivergingSweepKeepsItsReportAndFails() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        let result = try runner.run(["validate", "--neurons", "30,60", "--lr", "5", "--epochs", "200", "--out", "s", "--quiet"])
        XCTAssertEqual(result.status, 1)
        XCTAssert(result.stderr.contains("N = 30, η = 5.0, seed 1 did not complete (theory diverged, network diverged)"), result.stderr)
        XCTAssert(FileManager.default.fileExists(atPath: runner.file("s/report.md").path))
        XCTAssert(try String(contentsOf: runner.file("s/report.md"), encoding: .utf8).contains("did not complete"))
    }
}
