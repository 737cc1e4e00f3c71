import Foundation
import TestSupport
import XCTest

/// K inputs and O outputs from the command line, the n-bit flip-flop and context-dependent
/// integration, and outputs.npz (issue 11).
final class InputsOutputsTests: XCTestCase {
    private func json(_ url: URL) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }
    private func header(_ url: URL) throws -> [String] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n")[0].split(separator: ",").map(String.init)
    }

    /// K = 2, O = 2, R = 2, linear: the theory is what GD does at every N (≤ 1e-9).
    func testTwoInputsTwoOutputsRankTwoTheoryEqualsNetwork() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        let r = try runner.run(["validate", "--task", "filter-noise", "--inputs", "2", "--outputs", "2", "--rank", "2",
                                "--batch", "3", "--neurons", "200", "--epochs", "150", "--lr", "0.01", "--steps", "100",
                                "--out", "v", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let report = try json(runner.file("v/report.json"))
        XCTAssertLessThanOrEqual(try XCTUnwrap(report["maxOverlapDeviation"] as? Double), 1e-9)
        XCTAssertLessThanOrEqual(try XCTUnwrap(report["maxLossDeviation"] as? Double), 1e-9)
        let names = try header(runner.file("v/theory/trajectory.csv"))
        XCTAssertEqual(names.count, 2 + 36)
        for name in ["m2.m2", "m1.z2", "z1.z2", "v2.z2"] { XCTAssert(names.contains(name), name) }
    }

    /// The n-bit flip-flop has K = O = n and the context task K = 4, O = 1; an --overlaps file
    /// names every m_k and z_o.
    func testFlipFlopBitsAndContextTask() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        var r = try runner.run(["validate", "--task", "flipflop", "--bits", "3", "--rank", "3", "--batch", "2", "--neurons", "60",
                                "--epochs", "5", "--steps", "200", "--out", "f", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let names = try header(runner.file("f/theory/trajectory.csv"))
        XCTAssertEqual(names.count, 2 + 12 * 13 / 2)  // D = 3 + 6 + 3
        XCTAssertLessThanOrEqual(try XCTUnwrap(try json(runner.file("f/report.json"))["maxOverlapDeviation"] as? Double), 1e-9)
        r = try runner.run(["simulate", "--task", "context", "--rank", "2", "--neurons", "60", "--epochs", "3", "--steps", "400",
                            "--out", "c", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try header(runner.file("c/trajectory.csv")).count, 2 + 9 * 10 / 2)  // D = 4 + 4 + 1

        // An identity Gram matrix for K = 2, R = 1, O = 2 (D = 6), every overlap named.
        let vectors = ["m1", "m2", "u1", "v1", "z1", "z2"]
        var entries: [String] = []
        for a in 0..<6 { for b in a..<6 { entries.append("\"\(vectors[a]).\(vectors[b])\": \(a == b ? 1 : 0)") } }
        try Data(("{" + entries.joined(separator: ", ") + "}").utf8).write(to: runner.file("s.json"))
        r = try runner.run(["integrate", "--task", "filter-noise", "--inputs", "2", "--outputs", "2", "--overlaps", "s.json",
                            "--epochs", "3", "--steps", "50", "--out", "i", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try runner.run(["integrate", "--task", "flipflop", "--bits", "2", "--overlaps", "s.json", "--epochs", "2", "--steps", "60", "--out", "j", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try runner.run(["integrate", "--task", "filter", "--inputs", "2", "--out", "k"])
        XCTAssertEqual(r.status, 64)
        XCTAssert(r.stderr.contains("--inputs: is not an option of the filter task"), r.stderr)
        r = try runner.run(["integrate", "--task", "flipflop", "--bits", "0", "--out", "k"])
        XCTAssertEqual(r.status, 64)
        XCTAssert(r.stderr.contains("--bits: must be at least 1"), r.stderr)
    }

    /// outputs.npz: inputs, targets and mask of the run's trials and the outputs of theory and
    /// network at the start and the end. Checked by NumPy against independent references: the
    /// filter's targets by formula, and the network's final loss recomputed from its outputs
    /// equals the last loss of its trajectory.
    func testOutputsNpzAndFigure() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        let r = try runner.run(["validate", "--task", "filter", "--neurons", "100", "--epochs", "200", "--steps", "120",
                                "--plot", "--out", "v", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssert(r.stdout.contains("outputs.npz"), r.stdout)
        for figure in ["outputs.png", "overlaps-overlay-visible.png", "overlaps-overlay-invisible.png", "deviation.png"] {
            XCTAssert(FileManager.default.fileExists(atPath: runner.file("v/\(figure)").path), figure)
        }
        let out = try Python.check("""
        import numpy as np, csv
        dt = 0.05
        with np.load('v/outputs.npz') as f:
            a = {k: f[k] for k in f.files}
        assert sorted(a) == ['inputs', 'mask', 'network_end', 'network_start', 'targets', 'theory_end', 'theory_start', 'time'], sorted(a)
        assert a['inputs'].shape == (1, 120, 1) and a['targets'].shape == (1, 120, 1)
        assert a['inputs'][0, 0, 0] == 1 / dt and np.count_nonzero(a['inputs']) == 1
        t = np.arange(1, 121)
        assert np.allclose(a['time'], t * dt, rtol=0, atol=1e-12)
        assert np.abs(a['targets'][0, :, 0] - np.exp(-0.2 * (t - 1) * dt)).max() < 1e-14
        for when in ['start', 'end']:
            d = np.abs(a['theory_' + when] - a['network_' + when]).max()
            assert d < 1e-9, (when, d)
        rows = list(csv.reader(open('v/network/trajectory.csv')))
        L = dt * np.sum(a['mask'] * (a['network_end'] - a['targets'])**2)
        last = float(rows[-1][1])
        assert abs(L - last) <= 1e-12 * abs(last), (L, last)
        L0 = dt * np.sum(a['mask'] * (a['network_start'] - a['targets'])**2)
        assert abs(L0 - float(rows[1][1])) <= 1e-12 * L0
        print(L0, L)
        """, in: runner.directory)
        XCTAssertFalse(out.isEmpty)
    }

    /// A gnuplot that fails costs the figures only: outputs.npz and outputs.csv are written first.
    func testOutputsSurviveAFailingGnuplot() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        let bin = runner.file("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try Data("#!/bin/sh\nexit 3\n".utf8).write(to: bin.appendingPathComponent("gnuplot"))
        chmod(bin.appendingPathComponent("gnuplot").path, 0o755)
        let r = try runner.run(["simulate", "--neurons", "30", "--epochs", "3", "--steps", "40", "--plot", "--out", "s", "--quiet"],
                               environment: ["PATH": bin.path + ":/usr/bin:/bin"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssert(r.stderr.contains("gnuplot failed"), r.stderr)
        for file in ["outputs.npz", "outputs.csv", "run.json", "trajectory.csv"] {
            XCTAssert(FileManager.default.fileExists(atPath: runner.file("s/\(file)").path), file)
        }
    }
}
