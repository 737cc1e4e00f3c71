import Foundation
import TestSupport
import XCTest

/// examples/python/inspect_run.py, run on real runs: it loads trajectory.csv, run.json,
/// outputs.npz and vectors.npz and checks them with its own NumPy forward pass.
final class PythonExampleTests: XCTestCase {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/python/inspect_run.py").path

    private func runExample(on folder: String, in runner: CommandRunner) throws -> String {
        try Python.check("""
        import runpy, sys
        sys.argv = [sys.argv[1], sys.argv[2]]
        runpy.run_path(sys.argv[0], run_name='__main__')
        """, arguments: [Self.script, folder], in: runner.directory)
    }

    func testExampleOnASimulateAndAValidateRun() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        var r = try runner.run(["simulate", "--task", "filter-noise", "--inputs", "2", "--outputs", "2", "--rank", "2",
                                "--batch", "3", "--neurons", "80", "--epochs", "30", "--lr", "0.01", "--steps", "60",
                                "--save-vectors", "--out", "s", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        var out = try runExample(on: "s", in: runner)
        XCTAssert(out.contains("filter-noise: K = 2, R = 2, O = 2, N = 80, 30 epochs recorded"), out)
        XCTAssert(out.contains("max |y(NumPy forward pass) - network_end|"), out)
        // All B = 3 trials are in outputs.npz, so the recomputed loss is the run's final loss.
        let manifest = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: runner.file("s/run.json"))) as? [String: Any])
        let finalLoss = try XCTUnwrap(manifest["finalLoss"] as? Double)
        let line = try XCTUnwrap(out.split(separator: "\n").first { $0.hasPrefix("loss of these trials recomputed: ") })
        let recomputed = try XCTUnwrap(Double(line.split(separator: " ").last!))
        assertClose(recomputed, finalLoss, relative: 1e-5)  // printed to 6 significant digits

        r = try runner.run(["validate", "--task", "flipflop", "--bits", "2", "--rank", "2", "--phi", "tanh", "--batch", "2",
                            "--neurons", "60", "--epochs", "5", "--steps", "100", "--save-vectors", "--out", "v", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        out = try runExample(on: "v", in: runner)
        XCTAssert(out.contains("flipflop: K = 2, R = 2, O = 2, N = 60") && out.contains("max |theory_end - network_end|"), out)
    }
}
