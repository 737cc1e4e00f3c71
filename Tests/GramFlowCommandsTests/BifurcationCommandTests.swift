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
        // The same verdict as a claim record, which `gramflow claims` gathers with `include:`.
        let claims = try JSONSerialization.jsonObject(with: Data(contentsOf: runner.file("b/claims.json"))) as! [String: Any]
        let records = claims["claims"] as! [[String: Any]]
        XCTAssertEqual(records.map { $0["held"] as! Bool }, [true])
        XCTAssertEqual(records.map { $0["kind"] as! String }, ["finding"])
        try "title: b\nclaims:\n  - include: b/claims.json\n".write(to: runner.file("claims.yaml"), atomically: true, encoding: .utf8)
        let gathered = try runner.run(["claims", "claims.yaml"])
        XCTAssertEqual(gathered.status, 0, gathered.stderr)
        XCTAssert(gathered.stdout.contains("sNTK collapse at the pitchfork") && gathered.stdout.contains("| finding |"), gathered.stdout)
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
