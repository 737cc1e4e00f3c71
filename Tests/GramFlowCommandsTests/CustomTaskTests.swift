import Foundation
import TestSupport
import XCTest

/// `--task custom --data FILE`: the user's own inputs and targets (issue 11).
final class CustomTaskTests: XCTestCase {
    private func json(_ url: URL) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    /// Random linear data with K = 2, O = 2, a mask, rank 2: for linear φ the discrete map is
    /// what GD does at every N, so theory and network agree to rounding (≤ 1e-9, docs/theory.md §5).
    func testRandomLinearDataTheoryEqualsNetwork() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        try Python.check("""
        import numpy as np
        rng = np.random.default_rng(3)
        B, T, K, O = 3, 80, 2, 2
        mask = (rng.uniform(size=(B, T, O)) < 0.8).astype(np.float64)
        np.savez('data.npz', inputs=rng.normal(size=(B, T, K)), targets=0.5 * rng.normal(size=(B, T, O)), mask=mask)
        """, in: runner.directory)
        let r = try runner.run(["validate", "--task", "custom", "--data", "data.npz", "--rank", "2", "--neurons", "300",
                                "--epochs", "150", "--lr", "0.01", "--out", "v", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let report = try json(runner.file("v/report.json"))
        let overlaps = try XCTUnwrap(report["maxOverlapDeviation"] as? Double, "\(report.keys.sorted())")
        let loss = try XCTUnwrap(report["maxLossDeviation"] as? Double)
        XCTAssertLessThanOrEqual(overlaps, 1e-9)
        XCTAssertLessThanOrEqual(loss, 1e-9)
        // K = 2, R = 2, O = 2: D = 8 vectors, 36 overlaps; the file's T = 80 is the run's.
        let header = try String(contentsOf: runner.file("v/theory/trajectory.csv"), encoding: .utf8).prefix { $0 != "\n" }
        XCTAssertEqual(header.split(separator: ",").count, 2 + 36)
        XCTAssert(header.hasPrefix("epoch,loss,m1.m1,m1.m2,m1.u1"), String(header))
        let parameters = try XCTUnwrap(try json(runner.file("v/theory/run.json"))["parameters"] as? [String: Any])
        XCTAssertEqual(parameters["steps"] as? Int, 80)
    }

    /// The filter's own series (x_0 = 1/dt, y*_t = e^{−0.2 (t−1) dt}) saved by NumPy gives the
    /// built-in filter task's run: theory trajectories equal to ≤ 1e-9 (NumPy's exp and Swift's
    /// may differ in the last bit).
    func testFilterSeriesFromFileEqualsBuiltInFilter() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        try Python.check("""
        import numpy as np
        dt, T = 0.05, 200
        x = np.zeros((1, T, 1)); x[0, 0, 0] = 1 / dt
        y = np.exp(-0.2 * np.arange(T) * dt).reshape(1, T, 1)
        np.savez_compressed('filter.npz', inputs=x, targets=y)
        """, in: runner.directory)
        let common = ["--epochs", "100", "--neurons", "200", "--quiet"]
        let custom = try runner.run(["validate", "--task", "custom", "--data", "filter.npz", "--out", "c"] + common)
        XCTAssertEqual(custom.status, 0, custom.stderr)
        let builtIn = try runner.run(["validate", "--task", "filter", "--steps", "200", "--out", "f"] + common)
        XCTAssertEqual(builtIn.status, 0, builtIn.stderr)
        for part in ["theory", "network"] {
            let a = try csvRows(runner.file("c/\(part)/trajectory.csv")), b = try csvRows(runner.file("f/\(part)/trajectory.csv"))
            XCTAssertEqual(a.count, 101)
            XCTAssertEqual(a.count, b.count)
            let worst = zip(a, b).flatMap { zip($0, $1).map { abs($0 - $1) } }.max() ?? .infinity
            XCTAssertLessThanOrEqual(worst, 1e-9, part)
        }
        let report = try json(runner.file("c/report.json"))
        XCTAssertLessThanOrEqual(try XCTUnwrap(report["maxOverlapDeviation"] as? Double), 1e-9)
    }

    /// A folder of inputs.npy and targets.npy works like the .npz; SGD --batch b draws b trials.
    func testFolderOfNpyAndSGDBatch() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        try Python.check("""
        import numpy as np, os
        rng = np.random.default_rng(5)
        os.makedirs('d')
        np.save('d/inputs.npy', rng.normal(size=(6, 30, 1)))
        np.save('d/targets.npy', rng.normal(size=(6, 30, 1)))
        """, in: runner.directory)
        let r = try runner.run(["validate", "--task", "custom", "--data", "d", "--optimizer", "sgd", "--batch", "2",
                                "--epochs", "40", "--neurons", "100", "--out", "s", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertLessThanOrEqual(try XCTUnwrap(try json(runner.file("s/report.json"))["maxOverlapDeviation"] as? Double), 1e-9)
    }

    /// Every bad file: exit 64, the option, the array and the fix named, nothing written.
    func testBadFilesExit64NamingTheArray() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        try Python.check("""
        import numpy as np
        x = np.ones((2, 5, 1)); y = np.ones((2, 5, 1))
        np.savez('missing.npz', inputs=x)
        np.savez('rank.npz', inputs=np.ones((5, 1)), targets=y)
        np.savez('dtype.npz', inputs=x.astype(np.complex128), targets=y)
        np.savez('shapes.npz', inputs=x, targets=np.ones((3, 5, 1)))
        xn = x.copy(); xn[1, 2, 0] = np.nan; np.savez('nan.npz', inputs=xn, targets=y)
        yi = y.copy(); yi[0, 4, 0] = np.inf; np.savez_compressed('inf.npz', inputs=x, targets=yi)
        np.savez('empty.npz', inputs=np.ones((0, 5, 1)), targets=np.ones((0, 5, 1)))
        np.savez('mask.npz', inputs=x, targets=y, mask=np.ones((2, 5, 2)))
        open('notzip.npz', 'w').write('inputs,targets\\n')
        """, in: runner.directory)
        let inputs = Set(runner.entries)
        let cases: [(String, [String])] = [
            ("missing.npz", ["--data:", "no array 'targets'", "numpy.savez"]),
            ("rank.npz", ["--data:", "array 'inputs'", "3 axes", "reshape(1, T, 1)"]),
            ("dtype.npz", ["--data:", "array 'inputs'", "'<c16'", "dtype=numpy.float64"]),
            ("shapes.npz", ["--data:", "array 'targets'", "must agree"]),
            ("nan.npz", ["--data:", "array 'inputs'", "nan at [1, 2, 0]", "nan_to_num"]),
            ("inf.npz", ["--data:", "array 'targets'", "inf at [0, 4, 0]"]),
            ("empty.npz", ["--data:", "array 'inputs'", "holds no values", "at least one trial"]),
            ("mask.npz", ["--data:", "array 'mask'", "must be equal"]),
            ("notzip.npz", ["--data:", "is not a .npz (zip) archive", "numpy.savez"]),
            ("absent.npz", ["--data:", "does not exist"]),
        ]
        for (file, expected) in cases {
            for command in ["integrate", "simulate", "validate"] {
                let r = try runner.run([command, "--task", "custom", "--data", file, "--epochs", "2", "--out", "o", "--quiet"])
                XCTAssertEqual(r.status, 64, "\(command) \(file): \(r.stderr)")
                for text in expected { XCTAssert(r.stderr.contains(text), "\(command) \(file): \(r.stderr) lacks \(text)") }
                XCTAssertEqual(Set(runner.entries), inputs, "\(command) \(file): nothing may be written")
            }
        }
        let misuse: [([String], String)] = [
            (["--data", "shapes.npz", "--task", "filter"], "--data: is not an option of the filter task"),
            (["--task", "custom"], "--data: the custom task needs its data"),
        ]
        for (arguments, expected) in misuse {
            let r = try runner.run(["simulate", "--out", "o", "--quiet"] + arguments)
            XCTAssertEqual(r.status, 64, r.stderr)
            XCTAssert(r.stderr.contains(expected), r.stderr)
        }
        try Python.check("import numpy as np; np.savez('ok.npz', inputs=np.ones((3, 5, 1)), targets=np.ones((3, 5, 1)))",
                         in: runner.directory)
        for (arguments, expected) in [(["--steps", "10"], "--steps: a custom task's T comes from its data"),
                                      (["--batch", "2"], "--batch: with --optimizer gd every epoch uses all trials"),
                                      (["--batch", "4", "--optimizer", "sgd"], "--batch: asks for 4 trials per epoch but ok.npz holds 3"),
                                      (["--inputs", "2"], "--inputs: is not an option of the custom task")] {
            let r = try runner.run(["simulate", "--task", "custom", "--data", "ok.npz", "--out", "o", "--quiet"] + arguments)
            XCTAssertEqual(r.status, 64, r.stderr)
            XCTAssert(r.stderr.contains(expected), r.stderr)
            XCTAssertFalse(runner.entries.contains("o"))
        }
    }

    /// A study phase takes `task: custom` with `options: {data: FILE}`; a bad file is refused
    /// with the study file's line before any work.
    func testStudyPhaseFromData() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        try Python.check("""
        import numpy as np
        rng = np.random.default_rng(2)
        np.savez('d.npz', inputs=rng.normal(size=(2, 40, 2)), targets=rng.normal(size=(2, 40, 1)))
        x = rng.normal(size=(2, 40, 2)); x[0, 3, 1] = np.inf
        np.savez('bad.npz', inputs=x, targets=rng.normal(size=(2, 40, 1)))
        """, in: runner.directory)
        let study = """
        title: data phases
        model: {rank: 1, inputs: 2, outputs: 1, steps: 40}
        initial: {neurons: 30, seed: 3}
        phases:
          - {name: A, label: A, task: custom, options: {data: d.npz}, epochs: 3, lr: 0.01}
          - {name: B, label: B, task: filter-noise, options: {inputs: 2, batch: 2}, epochs: 3, lr: 0.01}

        """
        try study.write(to: runner.file("s.yaml"), atomically: true, encoding: .utf8)
        var r = try runner.run(["study", "s.yaml", "--out", "st", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        try study.replacingOccurrences(of: "d.npz", with: "bad.npz").write(to: runner.file("b.yaml"), atomically: true, encoding: .utf8)
        r = try runner.run(["study", "b.yaml", "--out", "sb", "--quiet"])
        XCTAssertEqual(r.status, 64, r.stderr)
        XCTAssert(r.stderr.contains("b.yaml:5:") && r.stderr.contains("array 'inputs' in bad.npz holds inf at [0, 3, 1]"), r.stderr)
        XCTAssertFalse(runner.entries.contains("sb"))
        try study.replacingOccurrences(of: "steps: 40", with: "steps: 50").write(to: runner.file("t.yaml"), atomically: true, encoding: .utf8)
        r = try runner.run(["study", "t.yaml", "--out", "sc", "--quiet"])
        XCTAssertEqual(r.status, 64, r.stderr)
        XCTAssert(r.stderr.contains("the data has T = 40 steps but the study's model.steps is 50"), r.stderr)
    }

    private func csvRows(_ url: URL) throws -> [[Double]] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",").map { Double($0)! } }
    }
}
