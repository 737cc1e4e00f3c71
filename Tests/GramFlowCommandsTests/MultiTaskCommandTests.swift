import Foundation
import TestSupport
import XCTest

/// `gramflow multitask` and `study: multitask` as a user runs them: the same run from the
/// command line and from a study file writes the same report; bad values exit 64 naming the option.
final class MultiTaskCommandTests: XCTestCase {
    func testCommandAndStudyFileWriteTheSameReport() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        let cli = try runner.run(["multitask", "--model", "dense", "--neurons", "10", "--batch", "2", "--dt", "0.25",
                                  "--epochs", "12", "--track-every", "4", "--seed", "3", "--quiet", "--out", "cli"])
        XCTAssertEqual(cli.status, 0, cli.stderr)
        try """
        study: multitask
        multitask:
          model: dense
          neurons: 10
          batch: 2
          dt: 0.25
          epochs: 12
          trackEvery: 4
          seeds: [3]
        """.write(to: runner.file("multitask.yaml"), atomically: true, encoding: .utf8)
        let study = try runner.run(["study", "multitask.yaml", "--quiet", "--out", "study"])
        XCTAssertEqual(study.status, 0, study.stderr)
        for name in ["report.json", "report.md", "seed-3/tracking.csv", "seed-3/multitask.npz"] {
            XCTAssert(FileManager.default.fileExists(atPath: runner.file("cli/" + name).path), name)
        }
        let a = try String(contentsOf: runner.file("cli/seed-3/tracking.csv"), encoding: .utf8)
        let b = try String(contentsOf: runner.file("study/seed-3/tracking.csv"), encoding: .utf8)
        XCTAssertEqual(a, b, "one run, two front ends")
        XCTAssertEqual(a.split(separator: "\n").count, 1 + 4, "header and the records at epochs 0, 4, 8, 12")
    }

    func testBadValuesExit64NamingTheOption() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        for (arguments, option) in [(["--neurons", "1"], "--neurons"), (["--optimizer", "sgd"], "--optimizer"), (["--optimizer", "natural"], "--optimizer"),
                                    (["--track-every", "0"], "--track-every"), (["--seeds", "0"], "--seeds")] {
            let result = try runner.run(["multitask"] + arguments + ["--out", "x"])
            XCTAssertEqual(result.status, 64, "\(arguments)")
            XCTAssert(result.stderr.contains(option), result.stderr)
        }
        XCTAssertFalse(runner.entries.contains("x"), "nothing written on a usage error")
    }
}
