import Foundation
import XCTest

/// `gramflow claims`, what `make validate` runs on every validation folder: a regression claim
/// that does not hold exits 1; a finding is reported either way; claims.json records the verdicts.
final class ClaimsCommandTests: XCTestCase {
    private func claims(_ kind: String, _ criterion: String) -> String {
        """
        title: t
        claims:
          - claim: "exact map = network"
            kind: \(kind)
            file: v/report.json
            key: maxOverlapDeviation
            criterion: "\(criterion)"
          - claim: "visible overlaps"
            kind: regression
            file: v/theory/run.json
            key: visible
            reduce: count
            criterion: "== 4"

        """
    }

    func testRegressionFailsTheCheckAndFindingsDoNot() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        let run = try runner.run(["validate", "--neurons", "40", "--epochs", "20", "--steps", "50", "--quiet", "--out", "v"])
        XCTAssertEqual(run.status, 0, run.stderr)

        // The shipped tolerance holds (the linear map equals the network to rounding).
        try claims("regression", "<= 1e-9").write(to: runner.file("claims.yaml"), atomically: true, encoding: .utf8)
        let held = try runner.run(["claims", "claims.yaml"])
        XCTAssertEqual(held.status, 0, held.stderr)
        XCTAssert(held.stdout.contains("| exact map = network | regression | <= 1e-9 |"), held.stdout)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: runner.file("claims.json"))) as! [String: Any]
        XCTAssertEqual((json["claims"] as! [[String: Any]]).map { $0["held"] as! Bool }, [true, true])

        // A deliberately broken tolerance: rounding (~1e-15) cannot meet 1e-30.
        try claims("regression", "<= 1e-30").write(to: runner.file("claims.yaml"), atomically: true, encoding: .utf8)
        let broken = try runner.run(["claims", "claims.yaml"])
        XCTAssertEqual(broken.status, 1, broken.stdout)
        XCTAssert(broken.stderr.contains("regression: 'exact map = network' did not hold"), broken.stderr)
        XCTAssert(broken.stdout.contains("| NO |"), broken.stdout)

        // The same criterion as a finding is reported, not failed.
        try claims("finding", "<= 1e-30").write(to: runner.file("claims.yaml"), atomically: true, encoding: .utf8)
        let finding = try runner.run(["claims", "claims.yaml"])
        XCTAssertEqual(finding.status, 0, finding.stderr)
        XCTAssert(finding.stdout.contains("| finding | <= 1e-30 |") && finding.stdout.contains("| NO |"), finding.stdout)
    }

    func testMissingReportOrBadCriterionIsNamed() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        try claims("regression", "<= 1e-9").write(to: runner.file("claims.yaml"), atomically: true, encoding: .utf8)
        let missing = try runner.run(["claims", "claims.yaml"])
        XCTAssertEqual(missing.status, 1)
        XCTAssert(missing.stderr.contains("v/report.json") && missing.stderr.contains("run the validation first"), missing.stderr)
        try Data("{not json".utf8).write(to: runner.file("claims.json"))
        try FileManager.default.createDirectory(at: runner.file("v/theory"), withIntermediateDirectories: true)
        try Data(#"{"maxOverlapDeviation": 1e-16}"#.utf8).write(to: runner.file("v/report.json"))
        try Data(#"{"visible": ["a", "b", "c", "d"]}"#.utf8).write(to: runner.file("v/theory/run.json"))
        let foreign = try runner.run(["claims", "claims.yaml"])
        XCTAssertEqual(foreign.status, 1)
        XCTAssert(foreign.stderr.contains("was not written by GramFlow"), foreign.stderr)
        XCTAssertEqual(try String(contentsOf: runner.file("claims.json"), encoding: .utf8), "{not json", "a foreign file is kept")
        try FileManager.default.removeItem(at: runner.file("claims.json"))
        try claims("regression", "about 1e-9").write(to: runner.file("claims.yaml"), atomically: true, encoding: .utf8)
        let bad = try runner.run(["claims", "claims.yaml"])
        XCTAssertEqual(bad.status, 1)
        XCTAssert(bad.stderr.contains("criterion 'about 1e-9' is not an operator"), bad.stderr)
    }

    /// `files:` (one report per seed) and `over:` (a ratio of two keys): x/y = 0.5, 0.75, 1.25 by
    /// hand, mean 0.8333, s.d. 0.3819; held only if every seed meets the criterion.
    func testSeedsAndRatios() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        for (name, x) in [("a", 2), ("b", 3), ("c", 5)] {
            try FileManager.default.createDirectory(at: runner.file(name), withIntermediateDirectories: true)
            try "{\"x\": \(x), \"y\": {\"list\": [1, 4]}}".write(to: runner.file("\(name)/report.json"), atomically: true, encoding: .utf8)
        }
        let yaml = { (criterion: String) in
            "title: t\nclaims:\n  - claim: ratio\n    kind: finding\n    files: [a/report.json, b/report.json, c/report.json]\n"
                + "    key: x\n    over: y.list.1\n    criterion: \"\(criterion)\"\n"
        }
        try yaml("< 1").write(to: runner.file("claims.yaml"), atomically: true, encoding: .utf8)
        let mean = try runner.run(["claims", "claims.yaml"])
        XCTAssertEqual(mean.status, 0, mean.stderr)
        // The mean (0.83) is below 1 but seed c (1.25) is not: not held.
        XCTAssert(mean.stdout.contains("| ratio | finding | < 1 | 0.8333 ± 0.38 (3 seeds, 0.5 to 1.25) | NO |"), mean.stdout)
        try yaml("> 0.4").write(to: runner.file("claims.yaml"), atomically: true, encoding: .utf8)
        let every = try runner.run(["claims", "claims.yaml"])
        XCTAssert(every.stdout.contains("| > 0.4 | 0.8333 ± 0.38 (3 seeds, 0.5 to 1.25) | yes |"), every.stdout)
    }
}
