import Foundation
import XCTest

/// Every bad input gets a message naming the option and the fix, exit 64, and leaves no output behind.
final class BadInputTests: XCTestCase {
    private func expectUsageError(_ arguments: [String], mentions expected: String,
                                  file: StaticString = #filePath, line: UInt = #line) throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        let result = try runner.run(arguments)
        XCTAssertEqual(result.status, 64, "\(arguments): \(result.stderr)", file: file, line: line)
        XCTAssert(result.stderr.contains(expected), "\(arguments): \(result.stderr)", file: file, line: line)
        XCTAssertEqual(runner.entries.filter { !$0.hasSuffix(".json") }, [], "nothing may be written", file: file, line: line)
    }

    func testRankZero() throws {
        try expectUsageError(["integrate", "--rank", "0", "--out", "o"], mentions: "--rank: must be at least 1")
    }
    func testNonPositiveNeurons() throws {
        try expectUsageError(["simulate", "--neurons", "0", "--out", "o"], mentions: "--neurons: must be at least 1")
        try expectUsageError(["validate", "--neurons=-4", "--out", "o"], mentions: "--neurons")
    }
    func testNegativeOrNaNLearningRate() throws {
        try expectUsageError(["integrate", "--lr=-0.1", "--out", "o"], mentions: "--lr: must be a positive number")
        try expectUsageError(["simulate", "--lr", "nan", "--out", "o"], mentions: "--lr: must be a positive number")
    }
    func testNaturalGradientOptions() throws {
        try expectUsageError(["simulate", "--ntk-rank", "2", "--out", "o"], mentions: "--ntk-rank: only the natural gradient")
        try expectUsageError(["simulate", "--optimizer", "natural", "--damping=-1", "--out", "o"],
                             mentions: "--damping: must be a positive number")
        try expectUsageError(["validate", "--optimizer", "natural", "--ntk-rank", "0", "--out", "o"], mentions: "--ntk-rank: must be between 1 and 16")
        try expectUsageError(["validate", "--optimizer", "natural", "--update", "flow", "--out", "o"],
                             mentions: "--update: the natural gradient is a map")
    }
    func testUnknownTask() throws {
        try expectUsageError(["validate", "--task", "juggling", "--out", "o"], mentions: "'juggling' is invalid for '--task")
    }
    func testNegativeEpochsAndBadTaskOption() throws {
        try expectUsageError(["integrate", "--epochs=-3", "--out", "o"], mentions: "--epochs: must be 0 or more")
        try expectUsageError(["integrate", "--frequency", "2", "--out", "o"], mentions: "--frequency: is not an option of the filter task")
    }
    func testNonPSDInitialOverlaps() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        // σ_mu = 2 with unit norms: eigenvalues 3 and −1.
        let names = ["m1.m1", "m1.u1", "m1.v1", "m1.z1", "u1.u1", "u1.v1", "u1.z1", "v1.v1", "v1.z1", "z1.z1"]
        var values = Dictionary(uniqueKeysWithValues: names.map { ($0, 0.0) })
        for diagonal in ["m1.m1", "u1.u1", "v1.v1", "z1.z1"] { values[diagonal] = 1 }
        values["m1.u1"] = 2
        try JSONEncoder().encode(values).write(to: runner.file("s.json"))
        for command in ["integrate", "simulate", "validate"] {
            let result = try runner.run([command, "--overlaps", "s.json", "--out", "o"])
            XCTAssertEqual(result.status, 64, result.stderr)
            XCTAssert(result.stderr.contains("--overlaps: the overlap matrix is not positive semi-definite"), result.stderr)
        }
        XCTAssertEqual(runner.entries, ["s.json"])
    }
    func testMissingOverlapIsNamed() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        try Data(#"{"m1.m1": 1}"#.utf8).write(to: runner.file("s.json"))
        let result = try runner.run(["integrate", "--overlaps", "s.json", "--out", "o"])
        XCTAssertEqual(result.status, 64)
        XCTAssert(result.stderr.contains("missing 9 overlap(s): m1.u1"), result.stderr)
    }
    func testUnwritableOut() throws {
        try expectUsageError(["integrate", "--out", "/proc/gramflow-test/out"], mentions: "--out:")
        try expectUsageError(["integrate", "--out", "no/such/parent/out"], mentions: "--out: the parent folder")
    }
    func testOutThatIsNotAGramFlowFolderIsRefused() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        try FileManager.default.createDirectory(at: runner.file("precious"), withIntermediateDirectories: false)
        try Data("keep".utf8).write(to: runner.file("precious/notes.txt"))
        let result = try runner.run(["integrate", "--epochs", "2", "--out", "precious"])
        XCTAssertEqual(result.status, 64)
        XCTAssert(result.stderr.contains("is not a GramFlow output folder"), result.stderr)
        XCTAssertEqual(try String(contentsOf: runner.file("precious/notes.txt"), encoding: .utf8), "keep")
    }
}
