import Foundation
import XCTest

/// What the subcommands write, checked against the formats README and docs/theory.md promise.
final class RunOutputTests: XCTestCase {
    private func json(_ url: URL) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    func testIntegrateWritesTrajectoryAndManifest() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        let result = try runner.run(["integrate", "--epochs", "20", "--steps", "100", "--out", "run", "--quiet"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let csv = try String(contentsOf: runner.file("run/trajectory.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.first, "epoch,loss,m1.m1,m1.u1,m1.v1,m1.z1,u1.u1,u1.v1,u1.z1,v1.v1,v1.z1,z1.z1")
        XCTAssertEqual(csv.count, 1 + 21)  // header, epochs 0..20
        let manifest = try json(runner.file("run/run.json"))
        XCTAssertEqual(manifest["status"] as? String, "completed")
        XCTAssertEqual(manifest["visible"] as? [String], ["m1.v1", "m1.z1", "u1.v1", "u1.z1"])
        XCTAssertEqual((manifest["invisible"] as? [String])?.count, 6)
        let parameters = try XCTUnwrap(manifest["parameters"] as? [String: Any])
        XCTAssertEqual(parameters["seed"] as? Int, 1)
        XCTAssertEqual(parameters["epochs"] as? Int, 20)
        XCTAssertNotNil(manifest["version"] as? String)
        let invariants = try XCTUnwrap(manifest["invariants"] as? [String: Any])
        XCTAssertEqual((invariants["start"] as? [Double])?.count, 4)
        XCTAssertEqual(runner.entries.sorted(), ["run"], "no staging folder is left behind")
    }

    func testSameSeedSameBytesOtherSeedOtherBytes() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        for (out, seed) in [("a", "7"), ("b", "7"), ("c", "8")] {
            let r = try runner.run(["simulate", "--task", "filter-noise", "--batch", "2", "--neurons", "40",
                                    "--epochs", "5", "--steps", "50", "--seed", seed, "--out", out, "--quiet"])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let a = try Data(contentsOf: runner.file("a/trajectory.csv"))
        XCTAssertEqual(a, try Data(contentsOf: runner.file("b/trajectory.csv")))
        XCTAssertNotEqual(a, try Data(contentsOf: runner.file("c/trajectory.csv")))
    }

    /// A diverging run stops with a clear message, exit 1, and keeps its trajectory so far.
    func testDivergingRunKeepsItsTrajectory() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        let result = try runner.run(["simulate", "--lr", "5", "--neurons", "50", "--epochs", "500", "--out", "run", "--quiet"])
        XCTAssertEqual(result.status, 1)
        XCTAssert(result.stderr.contains("diverged at epoch"), result.stderr)
        XCTAssert(result.stderr.contains("--lr"), "the message suggests the fix: \(result.stderr)")
        let manifest = try json(runner.file("run/run.json"))
        XCTAssertEqual(manifest["status"] as? String, "diverged")
        let rows = try String(contentsOf: runner.file("run/trajectory.csv"), encoding: .utf8).split(separator: "\n").count - 1
        XCTAssertEqual(rows, manifest["epochsRecorded"] as? Int)
        XCTAssertGreaterThan(rows, 1)
        XCTAssertLessThan(rows, 501)
    }

    func testValidateWritesReportAndFigures() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        let result = try runner.run(["validate", "--neurons", "64", "--epochs", "30", "--steps", "100", "--out", "v", "--plot", "--quiet"])
        XCTAssertEqual(result.status, 0, result.stderr)
        for name in ["report.md", "report.json", "deviation.csv", "deviation.png", "theory/trajectory.csv", "theory/run.json",
                     "theory/loss.png", "theory/overlaps-visible.png", "theory/overlaps-invisible.png",
                     "network/trajectory.csv", "network/run.json", "network/loss.png"] {
            XCTAssert(FileManager.default.fileExists(atPath: runner.file("v/" + name).path), name)
        }
        let report = try json(runner.file("v/report.json"))
        let deviation = try XCTUnwrap(report["maxOverlapDeviation"] as? Double)
        XCTAssertLessThan(deviation, 1e-10)
        let png = try Data(contentsOf: runner.file("v/theory/loss.png"))
        XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47], "a real PNG")
    }
}
