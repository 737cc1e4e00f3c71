import Foundation
import TestSupport
import XCTest

/// Networks in and out as NumPy: --vectors, --save-vectors(-every), `gramflow overlaps` (issue 11).
final class NetworkVectorsTests: XCTestCase {
    private func rows(_ url: URL) throws -> [[Double]] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",").map { Double($0)! } }
    }

    /// Vectors saved at epoch 10 and loaded by --vectors continue the run bit for bit: the
    /// second run's rows are the first run's rows 10..20 (loss and every overlap), its final
    /// vectors.npz has the same bytes, and `gramflow overlaps` prints the last row's overlaps.
    func testRoundTripIsBitForBitAndOverlapsEqualsTheLastRow() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        let common = ["--task", "filter-noise", "--inputs", "2", "--outputs", "2", "--rank", "2", "--batch", "2",
                      "--neurons", "80", "--steps", "60", "--seed", "4", "--quiet"]
        var r = try runner.run(["simulate", "--epochs", "20", "--save-vectors", "--save-vectors-every", "10", "--out", "a"] + common)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssert(r.stdout.contains("a/vectors.npz, a/vectors/"), r.stdout)
        for e in [0, 10, 20] { XCTAssert(FileManager.default.fileExists(atPath: runner.file("a/vectors/epoch-\(e).npz").path)) }
        r = try runner.run(["simulate", "--epochs", "10", "--vectors", "a/vectors/epoch-10.npz", "--save-vectors", "--out", "b"] + common)
        XCTAssertEqual(r.status, 0, r.stderr)
        let a = try rows(runner.file("a/trajectory.csv")), b = try rows(runner.file("b/trajectory.csv"))
        XCTAssertEqual(b.count, 11)
        for k in 0...10 {
            XCTAssertEqual(b[k].dropFirst().map(\.bitPattern), a[10 + k].dropFirst().map(\.bitPattern), "row \(k)")
        }
        XCTAssertEqual(try Data(contentsOf: runner.file("a/vectors.npz")), try Data(contentsOf: runner.file("b/vectors.npz")))
        XCTAssertEqual(try Data(contentsOf: runner.file("a/vectors/epoch-20.npz")), try Data(contentsOf: runner.file("a/vectors.npz")))

        r = try runner.run(["overlaps", "a/vectors.npz"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let printed = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(printed["neurons"] as? Int, 80)
        XCTAssertEqual(printed["inputs"] as? Int, 2)
        XCTAssertEqual(printed["outputs"] as? Int, 2)
        // Each overlap from its printed text (Foundation's JSON parser may round the last bit).
        var overlaps: [String: Double] = [:]
        for line in r.stdout.split(separator: "\n") where line.hasPrefix("    \"") {
            let parts = line.split(separator: ":").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \",")) }
            overlaps[parts[0]] = Double(parts[1])
        }
        let header = try String(contentsOf: runner.file("a/trajectory.csv"), encoding: .utf8).split(separator: "\n")[0]
            .split(separator: ",").dropFirst(2).map(String.init)
        XCTAssertEqual(overlaps.count, header.count)
        for (name, value) in zip(header, a.last!.dropFirst(2)) {
            XCTAssertEqual(overlaps[name]?.bitPattern, value.bitPattern, name)
        }
        // Linear φ: the loss sees the (R+O)(R+K) = 16 overlaps between {v, z} and {u, m}.
        XCTAssertEqual((printed["loss_visible"] as? [String])?.count, 16)
        XCTAssertEqual((printed["loss_invisible"] as? [String])?.count, 36 - 16)

        // NumPy, independently: the arrays' shapes and Gram matrix.
        try Python.check("""
        import numpy as np, csv
        with np.load('a/vectors.npz') as f:
            m, u, v, z = f['m'], f['u'], f['v'], f['z']
        assert m.shape == (80, 2) and u.shape == (80, 2) and v.shape == (80, 2) and z.shape == (80, 2)
        P = np.hstack([m, u, v, z]); S = P.T @ P / 80
        rows = list(csv.reader(open('a/trajectory.csv')))
        last = dict(zip(rows[0], map(float, rows[-1])))
        names = ['m1', 'm2', 'u1', 'u2', 'v1', 'v2', 'z1', 'z2']
        worst = max(abs(S[i, j] - last[names[i] + '.' + names[j]]) for i in range(8) for j in range(i, 8))
        assert worst < 1e-13, worst
        """, in: runner.directory)
    }

    /// validate --vectors: the theory starts from the vectors' overlaps and agrees with the
    /// network (linear, ≤ 1e-9); integrate --overlaps takes `overlaps --overlaps-only` output.
    func testVectorsStartTheTheory() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        try Python.check("""
        import numpy as np
        rng = np.random.default_rng(1)
        N = 120
        np.savez('net.npz', m=rng.normal(size=(N, 1)), u=rng.normal(size=(N, 2)), v=rng.normal(size=(N, 2)), z=rng.normal(size=(N, 1)))
        """, in: runner.directory)
        var r = try runner.run(["validate", "--task", "oscillation", "--rank", "2", "--vectors", "net.npz", "--epochs", "50",
                                "--steps", "100", "--out", "v", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssert(r.stdout.contains("N = 120"), r.stdout)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: runner.file("v/report.json"))) as? [String: Any])
        XCTAssertLessThanOrEqual(try XCTUnwrap(report["maxOverlapDeviation"] as? Double), 1e-9)
        r = try runner.run(["overlaps", "net.npz", "--overlaps-only"])
        XCTAssertEqual(r.status, 0, r.stderr)
        try Data(r.stdout.utf8).write(to: runner.file("s0.json"))
        r = try runner.run(["integrate", "--task", "oscillation", "--rank", "2", "--overlaps", "s0.json", "--epochs", "50",
                            "--steps", "100", "--out", "i", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let fromVectors = try rows(runner.file("v/theory/trajectory.csv")), fromOverlaps = try rows(runner.file("i/trajectory.csv"))
        XCTAssertEqual(fromVectors.map { $0.map(\.bitPattern) }, fromOverlaps.map { $0.map(\.bitPattern) })
    }

    func testBadVectorsExit64() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        try Python.check("""
        import numpy as np
        o = np.ones((10, 1))
        np.savez('noz.npz', m=o, u=o, v=o)
        np.savez('rank.npz', m=o, u=np.ones((10, 2)), v=np.ones((10, 2)), z=o)
        np.savez('rows.npz', m=o, u=o, v=np.ones((9, 1)), z=o)
        np.savez('uv.npz', m=o, u=np.ones((10, 2)), v=o, z=o)
        np.savez('ok.npz', m=o, u=o, v=o, z=o)
        """, in: runner.directory)
        let before = Set(runner.entries)
        let cases: [([String], String)] = [
            (["simulate", "--vectors", "noz.npz"], "--vectors: noz.npz has no array 'z'"),
            (["simulate", "--vectors", "rank.npz"], "--vectors: array 'u' in rank.npz has 2 column(s) but --rank 1 needs 1"),
            (["simulate", "--vectors", "rows.npz"], "--vectors: array 'v' in rows.npz has 9 rows but 'm' has 10"),
            (["overlaps", "uv.npz"], "array 'v' in uv.npz has 1 column(s) but 'u' has 2"),
            (["integrate", "--save-vectors"], "--save-vectors: the theory has overlaps, not vectors"),
            (["validate", "--vectors", "ok.npz", "--seeds", "2"], "a sweep trains many networks"),
            (["simulate", "--vectors", "ok.npz", "--save-vectors-every", "0"], "--save-vectors-every: must be at least 1"),
            (["simulate", "--vectors", "ok.npz", "--neurons", "20"], "--neurons: the network in ok.npz has N = 10 neurons"),
        ]
        for (arguments, expected) in cases {
            let r = try runner.run(arguments + ["--out", "o", "--quiet"].filter { _ in arguments[0] != "overlaps" })
            XCTAssertEqual(r.status, 64, "\(arguments): \(r.stderr)")
            XCTAssert(r.stderr.contains(expected), "\(arguments): \(r.stderr)")
            XCTAssertEqual(Set(runner.entries), before, "\(arguments): nothing may be written")
        }
    }
}
