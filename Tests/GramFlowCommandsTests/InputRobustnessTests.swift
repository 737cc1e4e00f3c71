import Foundation
import TestSupport
import XCTest

/// Issue 9, items 3, 9 and 10 against the built binary: sizes no machine holds, messages
/// that name the path or option and the fix, and inputs that were silently accepted.
/// Each case asserts the exit code, the message and that nothing was left on disk.
final class InputRobustnessTests: XCTestCase {
    /// Runs `arguments` in a fresh folder holding `files`; expects `status`, every text of
    /// `mentions` on standard error, and no entry but `files` afterwards.
    @discardableResult
    private func expect(_ arguments: [String], status: Int32 = 64, mentions: [String], files: [String: String] = [:],
                        file: StaticString = #filePath, line: UInt = #line) throws -> ProcessResult {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        for (name, text) in files { try Data(text.utf8).write(to: runner.file(name)) }
        let result = try runner.run(arguments)
        XCTAssertEqual(result.status, status, "\(arguments): \(result.stderr)", file: file, line: line)
        for text in mentions {
            XCTAssert(result.stderr.contains(text), "\(arguments): expected '\(text)' in: \(result.stderr)", file: file, line: line)
        }
        XCTAssertFalse(result.stderr.contains("Fatal error"), result.stderr, file: file, line: line)
        XCTAssertEqual(runner.entries.sorted(), files.keys.sorted(), "\(arguments) left files behind", file: file, line: line)
        return result
    }

    // MARK: item 3, sizes no machine holds: refused before any allocation

    func testHugeNetworksAreRefusedWithTheMemoryTheyNeed() throws {
        for command in ["integrate", "simulate", "validate"] {
            try expect([command, "--neurons", "1000000000", "--out", "o"],
                       mentions: ["--neurons: this run needs about", "are available; lower --neurons"])
        }
        try expect(["validate", "--neurons", "100,1000000000", "--out", "o"], mentions: ["--neurons: this run needs about"])
        try expect(["simulate", "--neurons", "1e9", "--out", "o"], mentions: ["'1e9' is invalid for '--neurons"])
    }

    func testHugeRankStepsAndBatchAreRefused() throws {
        try expect(["simulate", "--rank", "1000000", "--out", "o"], mentions: ["--rank: this run needs about", "lower --rank"])
        try expect(["integrate", "--rank", "1000000", "--out", "o"], mentions: ["--rank: this run needs about"])
        try expect(["simulate", "--steps", "10000000000", "--out", "o"], mentions: ["this run needs about", "lower --neurons or --steps"])
        try expect(["integrate", "--task", "flipflop", "--batch", "1000000000", "--out", "o"],
                   mentions: ["this run needs about", "lower --steps or --batch"])
        // The teacher is checked after the memory: its D×D overlap matrix alone would not fit.
        try expect(["integrate", "--task", "teacher", "--teacher", "t.json", "--rank", "1000000", "--out", "o"],
                   mentions: ["--rank: this run needs about"], files: ["t.json": #"{"u1.v1": 1}"#])
    }

    func testSizesWhoseProductOverflowsAreRefused() throws {
        try expect(["simulate", "--neurons", "4611686018427387904", "--out", "o"],
                   mentions: ["--neurons: the network vectors of this run would take more than 2⁶³ bytes", "lower --neurons"])
        try expect(["integrate", "--steps", "9223372036854775807", "--out", "o"], mentions: ["more than 2⁶³ bytes", "--steps"])
    }

    func testHugeBifurcationIsRefused() throws {
        try expect(["bifurcation", "--neurons", "1000000", "--out", "o"], mentions: ["--neurons: this run needs about", "lower --neurons"])
    }

    func testHugeStudiesAreRefusedAtTheirLine() throws {
        let phases = "phases:\n  - task: filter\n    epochs: 1\n    lr: 0.01\n"
        try expect(["study", "big.yaml", "--out", "o"], mentions: ["big.yaml:4: initial.neurons: this run needs about", "lower neurons"],
                   files: ["big.yaml": "model:\n  rank: 1\ninitial:\n  neurons: 1000000000\n" + phases])
        try expect(["study", "eq.yaml", "--out", "o"], mentions: ["eq.yaml:3: initial.neurons: this run needs about"],
                   files: ["eq.yaml": "study: equivalence\nmodel: {rank: 1}\ninitial: {neurons: 1000000000}\nequivalence: {normU: 2, sigmaMU: 0.1}\n" + phases])
        try expect(["study", "twins.yaml", "--out", "o"], mentions: ["twins.yaml:3: twins.networkNeurons: this run needs about"],
                   files: ["twins.yaml": "study: twins\nmodel: {rank: 1}\ntwins: {pairs: 2, networkPairs: 1, networkNeurons: 1000000000}\n"
                           + phases + "  - task: filter\n    epochs: 1\n    lr: 0.01\n  - task: filter\n    epochs: 1\n    lr: 0.01\n"])
    }

    // MARK: item 9, messages

    func testMissingStudyFileIsNamed() throws {
        try expect(["study", "nope.yaml"], mentions: ["nope.yaml: the file does not exist"])
    }

    func testDuplicateYAMLKeyIsReportedAtItsLine() throws {
        try expect(["study", "dup.yaml", "--out", "o"], mentions: ["dup.yaml:5: epochs: the key is given twice (first at line 4)"],
                   files: ["dup.yaml": "model: {rank: 1, steps: 100}\nphases:\n  - task: filter\n    epochs: 1\n    epochs: 2\n    lr: 0.1\n"])
    }

    func testNegativeNumbersReachTheirCheck() throws {
        try expect(["integrate", "--rank", "-1", "--out", "o"], mentions: ["--rank: must be at least 1 (got -1)"])
        try expect(["simulate", "--epochs", "-3", "--out", "o"], mentions: ["--epochs: must be 0 or more (got -3)"])
        try expect(["validate", "--neurons", "-4", "--out", "o"], mentions: ["--neurons: must be at least 1 (got -4)"])
        try expect(["derive", "--outputs", "-2"], mentions: ["--outputs: must be at least 1 (got -2)"])
        try expect(["bifurcation", "--neurons", "-5", "--out", "o"], mentions: ["--neurons: must be at least 3 (got -5)"])
    }

    func testMistypedSubcommandGetsASuggestion() throws {
        try expect(["integrat", "--epochs", "3"], mentions: ["unknown command 'integrat'; did you mean 'integrate'?"])
        try expect(["bifurcaton"], mentions: ["did you mean 'bifurcation'?"])
        try expect(["juggle"], mentions: ["unknown command 'juggle'; the commands are integrate, simulate"])
    }

    func testDeriveOutThatIsAFolderOrADevice() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        try FileManager.default.createDirectory(at: runner.file("existing"), withIntermediateDirectories: false)
        let result = try runner.run(["derive", "--out", "existing"])
        XCTAssertEqual(result.status, 64, result.stderr)
        XCTAssert(result.stderr.contains("--out: existing is a folder; give the path of a file"), result.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: runner.file("existing").path), [])
        try expect(["derive", "--out", "/dev/null"], mentions: ["--out: /dev/null is not a regular file"])
    }

    /// Output that cannot be written to standard output fails the run.
    func testFullStandardOutputFails() throws {
        for arguments in [["derive"], ["derive", "--rank", "2", "--phi", "erf", "--format", "json"], ["--help"]] {
            let process = Process()
            process.executableURL = CommandRunner.executable
            process.arguments = arguments
            process.standardOutput = try XCTUnwrap(FileHandle(forWritingAtPath: "/dev/full"))
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 1, "\(arguments): \(stderr)")
            XCTAssert(stderr.contains("error: cannot write to standard output"), "\(arguments): \(stderr)")
        }
    }

    // MARK: item 10, silent acceptance

    func testRepeatedJSONKeysAreRefused() throws {
        let json = #"{"m1.m1": 1, "m1.m1": 2}"#
        try expect(["integrate", "--overlaps", "s.json", "--out", "o"], mentions: [#"--overlaps: s.json gives "m1.m1" twice; keep one"#],
                   files: ["s.json": json])
        try expect(["integrate", "--task", "teacher", "--teacher", "t.json", "--out", "o"],
                   mentions: [#"--teacher: t.json gives "m1.m1" twice"#], files: ["t.json": json])
        try expect(["integrate", "--overlaps", "nope.json", "--out", "o"], mentions: ["--overlaps: cannot read nope.json: no such file or folder"])
    }

    func testNonPSDTeacherIsRefused() throws {
        // σ_mu = 3 with unit norms: no vectors have these overlaps.
        let teacher = #"{"m1.m1": 1, "u1.u1": 1, "m1.u1": 3, "u1.v1": 1.5, "z1.m1": 0.5, "u1.z1": 1, "m1.v1": 1}"#
        for command in ["integrate", "simulate", "validate"] {
            try expect([command, "--task", "teacher", "--teacher", "t.json", "--out", "o"],
                       mentions: ["--teacher: the teacher's overlap matrix of m1, u1 is not positive semi-definite"],
                       files: ["t.json": teacher])
        }
    }

    func testEmptyListItemsAreRefused() throws {
        try expect(["validate", "--neurons", "50,,100", "--out", "o"], mentions: ["--neurons: expected a comma-separated list of numbers (got '50,,100')"])
        try expect(["bifurcation", "--mus", "0.3,", "--out", "o"], mentions: ["--mus: expected a comma-separated list"])
    }

    func testTrialsTooShortForTheLossMaskAreRefused() throws {
        try expect(["integrate", "--task", "decision", "--steps", "200", "--out", "o"],
                   mentions: ["--steps: the decision task grades no output after an input before step 221", "use at least 221 steps (got 200)"])
        try expect(["simulate", "--task", "flipflop", "--steps", "50", "--out", "o"], mentions: ["use at least 60 steps (got 50)"])
        try expect(["study", "short.yaml", "--out", "o"],
                   mentions: ["short.yaml:1: model.steps: phase 2 (decision): the decision task grades no output after an input before step 221"],
                   files: ["short.yaml": "model: {rank: 1, steps: 200}\nphases:\n  - task: filter\n    epochs: 1\n    lr: 0.01\n  - task: decision\n    epochs: 1\n    lr: 0.01\n"])
    }
}
