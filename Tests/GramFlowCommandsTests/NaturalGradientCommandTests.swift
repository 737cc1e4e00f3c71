import Foundation
import TestSupport
import XCTest

/// `--optimizer natural` end to end: the streamed residual table, the manifest, and the
/// theory following the network (reduced check of validation/natural-gradient).
final class NaturalGradientCommandTests: XCTestCase {
    private func json(_ url: URL) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    /// natural-gradient.csv has one row per step with λ₁, ε = λ₂, the kept subspace's residual
    /// (≤ the 1e-2 tolerance unless the step fell back to Lanczos, whose residual is smaller still),
    /// and run.json records the optimizer, k and ε.
    func testSimulateStreamsTheSubspaceResiduals() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        let result = try runner.run(["simulate", "--task", "filter", "--phi", "erf", "--neurons", "40", "--steps", "100",
                                     "--epochs", "12", "--lr", "5e-3", "--optimizer", "natural", "--ntk-rank", "1",
                                     "--out", "run", "--quiet"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let rows = try String(contentsOf: runner.file("run/natural-gradient.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(rows.first, "epoch,lambda_1,epsilon,residual,iterations,full_solve")
        XCTAssertEqual(rows.count, 1 + 12)
        for row in rows.dropFirst() {
            let f = row.split(separator: ",").map { Double($0)! }
            XCTAssertGreaterThanOrEqual(f[1], f[2], "λ₁ ≥ ε = λ₂")
            XCTAssertLessThanOrEqual(f[3], 1e-2, "residual of the kept subspace, epoch \(f[0])")
        }
        let manifest = try json(runner.file("run/run.json"))
        let parameters = try XCTUnwrap(manifest["parameters"] as? [String: Any])
        XCTAssertEqual(parameters["optimizer"] as? String, "natural")
        XCTAssertEqual(parameters["ntkRank"] as? Int, 1)
        XCTAssertNil(parameters["damping"], "ε = λ₂ when not given")
        let losses = try String(contentsOf: runner.file("run/trajectory.csv"), encoding: .utf8).split(separator: "\n")
            .dropFirst().map { Double($0.split(separator: ",")[1])! }
        XCTAssertLessThan(losses.last!, losses.first!)
    }

    /// `validate --optimizer natural` on a linear network: the theory's overlap-space natural
    /// gradient follows the network's to 1e-3 (the network's subspace is accurate to its 1e-2
    /// residual tolerance; `NaturalGradientTheoryTests` checks 1e-7 with a tight one).
    func testValidateTheoryFollowsTheNetwork() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        let result = try runner.run(["validate", "--task", "filter", "--neurons", "60", "--steps", "100", "--epochs", "15",
                                     "--lr", "5e-3", "--optimizer", "natural", "--damping", "1", "--out", "v", "--quiet"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let report = try json(runner.file("v/report.json"))
        let deviation = try XCTUnwrap(report["maxOverlapDeviation"] as? Double)
        XCTAssertLessThan(deviation, 1e-3)
    }
}
