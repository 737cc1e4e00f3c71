import Foundation
import XCTest

/// `gramflow bifurcation`: a reduced sweep writes its table and report; bad input exits 64.
final class BifurcationCommandTests: XCTestCase {
    func testReducedSweepWritesTableAndReport() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        let result = try runner.run(["bifurcation", "collapse", "--neurons", "40", "--mus", "0.1,0.001", "--out", "b", "--quiet"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let csv = try String(contentsOf: runner.directory.appendingPathComponent("b/sweep.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\n")
        XCTAssertEqual(rows.count, 3)
        XCTAssert(rows[0].hasPrefix("mu,lambda1"))
        let report = try String(contentsOf: runner.directory.appendingPathComponent("b/report.md"), encoding: .utf8)
        XCTAssert(report.contains("Held: yes"), report)
    }

    func testBadInputExits64() throws {
        for (arguments, expected) in [(["--mus", "0.1,0"], "--mus"), (["--input", "0"], "--input"),
                                      (["--phi", "relu"], "--phi"), (["--neurons", "2"], "--neurons")] {
            let runner = try CommandRunner()
            defer { runner.cleanUp() }
            let result = try runner.run(["bifurcation"] + arguments + ["--out", "o"])
            XCTAssertEqual(result.status, 64, "\(arguments): \(result.stderr)")
            XCTAssert(result.stderr.contains(expected), result.stderr)
        }
    }
}
