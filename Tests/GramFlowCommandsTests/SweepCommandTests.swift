import Foundation
import Studies
import TestSupport
import XCTest

/// `gramflow sweep`: the same plan run by `sweep run`, by GNU parallel on jobs.txt and
/// point by point collects to the same bytes; a killed sweep finishes only its missing
/// points; a point is never run twice at once.
final class SweepCommandTests: XCTestCase {
    /// Six points: linear filter networks, N = 20, 40, 80, two seeds.
    static let sweepFile = """
    title: tiny linear sweep
    sweep: run
    base:
      model: {rank: 1, steps: 30}
      initial: {neurons: 20, seed: 1}
      phases:
        - {task: filter, epochs: 40, lr: 0.005}
    axes:
      - {key: initial.neurons, logRange: {from: 20, to: 80, count: 3}}
    seeds: 2
    collect: [maxOverlapDeviation, maxLossDeviation, finalLossTheory, finalLossNetwork]
    fit: initial.neurons
    """

    private func planned(_ runner: CommandRunner, _ out: String, file: String = sweepFile) throws {
        try file.write(to: runner.file("sweep.yaml"), atomically: true, encoding: .utf8)
        let plan = try runner.run(["sweep", "plan", "sweep.yaml", "--out", out])
        XCTAssertEqual(plan.status, 0, plan.stderr)
    }

    private func read(_ runner: CommandRunner, _ path: String) throws -> String {
        try String(contentsOf: runner.file(path), encoding: .utf8)
    }

    /// The engines agree byte for byte, and the numbers are the theory's: for linear φ the
    /// network follows the discrete map to rounding (≤ 1e-9), and each point's final theory
    /// loss is `gramflow integrate`'s for the same run (to 1e-12 relative).
    func testLocalRunAndGNUParallelCollectTheSameBytes() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        try planned(runner, "local")
        try planned(runner, "parallel")
        let local = try runner.run(["sweep", "run", "local", "--jobs", "2", "--quiet"])
        XCTAssertEqual(local.status, 0, local.stderr)
        XCTAssert(local.stdout.contains("ran 6 point(s)"), local.stdout)

        let jobs = try read(runner, "parallel/jobs.txt").split(separator: "\n")
        XCTAssertEqual(jobs.count, 6)
        XCTAssert(jobs[0].hasSuffix("sweep point \(runner.file("parallel").resolvingSymlinksInPath().path) 1"), String(jobs[0]))
        let parallel = try runProcess(URL(fileURLWithPath: "/bin/sh"),
                                      ["-c", "command -v parallel >/dev/null || { echo 'GNU parallel is missing: run make deps' >&2; exit 127; }; parallel --will-cite -j 2 < parallel/jobs.txt"],
                                      in: runner.directory)
        XCTAssertEqual(parallel.status, 0, parallel.stderr)

        for dir in ["local", "parallel"] {
            let collect = try runner.run(["sweep", "collect", dir])
            XCTAssertEqual(collect.status, 0, collect.stderr)
        }
        let csv = try read(runner, "local/results/sweep.csv")
        XCTAssertEqual(csv, try read(runner, "parallel/results/sweep.csv"))
        XCTAssertEqual(try read(runner, "local/results/fits.csv"), try read(runner, "parallel/results/fits.csv"))
        // Collecting again gives the same bytes.
        XCTAssertEqual(try runner.run(["sweep", "collect", "local"]).status, 0)
        XCTAssertEqual(try read(runner, "local/results/sweep.csv"), csv)

        let rows = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        XCTAssertEqual(rows[0], ["point", "initial.neurons", "seed", "status", "maxOverlapDeviation", "maxLossDeviation",
                                 "finalLossTheory", "finalLossNetwork"])
        XCTAssertEqual(rows.dropFirst().map { [$0[1], $0[2], $0[3]] },
                       [["20", "1", "completed"], ["20", "2", "completed"], ["40", "1", "completed"], ["40", "2", "completed"],
                        ["80", "1", "completed"], ["80", "2", "completed"]])
        for row in rows.dropFirst() {
            XCTAssertLessThanOrEqual(Double(row[4])!, 1e-9)
            XCTAssertLessThanOrEqual(Double(row[5])!, 1e-9)
        }
        let integrate = try runner.run(["integrate", "--task", "filter", "--rank", "1", "--steps", "30", "--epochs", "40", "--lr", "0.005",
                                        "--neurons", "40", "--seed", "2", "--quiet", "--out", "integrate"])
        XCTAssertEqual(integrate.status, 0, integrate.stderr)
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: runner.file("integrate/run.json"))) as! [String: Any]
        let finalLoss = try XCTUnwrap(manifest["finalLoss"] as? Double)
        assertClose(Double(rows[4][6])!, finalLoss, relative: 1e-12)
    }

    /// The ported `validate` sweep writes the numbers the sweep file's points measure.
    func testValidateSweepIsTheSameEngine() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        try planned(runner, "plan")
        XCTAssertEqual(try runner.run(["sweep", "run", "plan", "--quiet"]).status, 0)
        XCTAssertEqual(try runner.run(["sweep", "collect", "plan"]).status, 0)
        let validate = try runner.run(["validate", "--task", "filter", "--rank", "1", "--steps", "30", "--epochs", "40", "--lr", "0.005",
                                       "--neurons", "20,40,80", "--seeds", "2", "--quiet", "--out", "v"])
        XCTAssertEqual(validate.status, 0, validate.stderr)
        let engine = try read(runner, "plan/results/sweep.csv").split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        let ported = try read(runner, "v/sweep.csv").split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        XCTAssertEqual(engine.count, ported.count)
        for (e, v) in zip(engine, ported) {
            XCTAssertEqual([e[1], e[2]], [v[1], v[2]])                     // N, seed
            XCTAssertEqual(Array(e[4...7]), Array(v[4...7]))                // the four metrics, bit for bit
        }
    }

    /// Killed half way (SIGTERM), the sweep keeps its finished points and leaves no staging
    /// folder; run again, it runs only the missing points and collects what a clean run does.
    func testKilledSweepFinishesOnlyTheMissingPoints() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        let slower = Self.sweepFile.replacingOccurrences(of: "epochs: 40", with: "epochs: 3000")
        try planned(runner, "s", file: slower)
        let process = try runner.start(["sweep", "run", "s", "--jobs", "1", "--quiet"])
        try runner.waitFor("s/points/0002/result/summary.json", process: process)
        process.terminate()
        process.waitUntilExit()
        let results = (1...6).map { runner.file(String(format: "s/points/%04d/result/summary.json", $0)) }
        let finished = results.filter { FileManager.default.fileExists(atPath: $0.path) }
        XCTAssertGreaterThanOrEqual(finished.count, 2)
        XCTAssertLessThan(finished.count, 6, "the sweep ended before it was killed; make its points longer")
        for i in 1...6 {
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: runner.file(String(format: "s/points/%04d", i)).path)
                .filter { $0.contains("partial") || $0.hasSuffix(".lock") }
            XCTAssertEqual(leftovers, [], "point \(i)")
        }
        let stamps = try finished.map { try FileManager.default.attributesOfItem(atPath: $0.path)[.modificationDate] as! Date }
        let again = try runner.run(["sweep", "run", "s", "--jobs", "2", "--quiet"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssert(again.stdout.contains("ran \(6 - finished.count) point(s)") && again.stdout.contains("(\(finished.count) had a result already)"), again.stdout)
        XCTAssertEqual(try finished.map { try FileManager.default.attributesOfItem(atPath: $0.path)[.modificationDate] as! Date }, stamps)
        // The same plan run in one go, elsewhere, collects to the same bytes.
        try FileManager.default.createDirectory(at: runner.file("clean"), withIntermediateDirectories: true)
        let clean = CommandRunner(directory: runner.file("clean"))
        try planned(clean, "s", file: slower)
        XCTAssertEqual(try clean.run(["sweep", "run", "s", "--quiet"]).status, 0)
        XCTAssertEqual(try runner.run(["sweep", "collect", "s"]).status, 0)
        XCTAssertEqual(try clean.run(["sweep", "collect", "s"]).status, 0)
        XCTAssertEqual(try read(runner, "s/results/sweep.csv"), try read(clean, "s/results/sweep.csv"))
    }

    /// A point whose lock is held is refused; collect lists the missing points with the
    /// command that runs each, exits 1, and a finished point is not run again.
    func testLockedPointIsRefusedAndMissingPointsAreListed() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        try planned(runner, "s")
        let lock = try OutputLock(for: runner.file("s/points/0001/result"))
        let refused = try runner.run(["sweep", "point", "s", "1"])
        XCTAssertEqual(refused.status, 1)
        XCTAssert(refused.stderr.contains("another gramflow run (process \(getpid()))"), refused.stderr)
        lock.release()
        let first = try runner.run(["sweep", "point", "s", "1"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssert(first.stdout.hasPrefix("point 1: completed"), first.stdout)
        let second = try runner.run(["sweep", "point", "s", "1"])
        XCTAssert(second.stdout.contains("had a result already"), second.stdout)
        let collect = try runner.run(["sweep", "collect", "s"])
        XCTAssertEqual(collect.status, 1)
        XCTAssert(collect.stderr.contains("0 point(s) failed and 5 are missing"), collect.stderr)
        XCTAssert(collect.stderr.contains("sweep point \(runner.file("s").resolvingSymlinksInPath().path) 6"), collect.stderr)
        let csv = try read(runner, "s/results/sweep.csv").split(separator: "\n")
        XCTAssert(csv[1].contains(",completed,") && csv[2].contains(",missing,"), "\(csv)")
        let bad = try runner.run(["sweep", "point", "s", "7"])
        XCTAssertEqual(bad.status, 64)
        XCTAssert(bad.stderr.contains("has points 1…6 (got 7)"), bad.stderr)
    }

    /// A `sweep: study` point runs its study.yaml as `gramflow study` does: its collected
    /// numbers are the ones `gramflow study` writes to report.json for the same file (bit for bit).
    func testStudySweepPointsMatchTheStudyCommand() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        let file = """
        sweep: study
        base:
          model: {rank: 1, steps: 30}
          initial: {neurons: 40, seed: 2}
          run: theory
          phases:
            - {task: filter, epochs: 20, lr: 0.005}
            - {task: filter, options: {decay: 0.4}, epochs: 20, lr: 0.005}
        axes:
          - key: phases[2].lr
            values: [0.002, 0.01]
        collect: ["phaseEnds.theory[2].endLoss", "phaseEnds.theory[1].endLoss"]
        """
        try planned(runner, "s", file: file)
        let run = try runner.run(["sweep", "run", "s", "--quiet"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try runner.run(["sweep", "collect", "s"]).status, 0)
        let rows = try read(runner, "s/results/sweep.csv").split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        XCTAssertEqual(rows.map { $0[1] }, ["0.002", "0.01"])
        for (i, row) in rows.enumerated() {
            let study = try runner.run(["study", "s/points/000\(i + 1)/study.yaml", "--out", "study\(i + 1)", "--quiet"])
            XCTAssertEqual(study.status, 0, study.stderr)
            // JSONDecoder reads doubles exactly (JSONSerialization on Linux can miss the last digit).
            struct Report: Decodable { struct End: Decodable { var endLoss: Double }; var phaseEnds: [String: [End]] }
            let report = try JSONDecoder().decode(Report.self, from: Data(contentsOf: runner.file("study\(i + 1)/report.json")))
            let ends = try XCTUnwrap(report.phaseEnds["theory"])
            XCTAssertEqual(Double(row[4]), ends[1].endLoss)
            XCTAssertEqual(Double(row[5]), ends[0].endLoss)
        }
        // The first phase does not depend on the second phase's η; the second does.
        XCTAssertEqual(rows[0][5], rows[1][5])
        XCTAssertNotEqual(rows[0][4], rows[1][4])
    }

    /// A bad sweep file exits 64 before anything is written, with FILE:LINE: field: message.
    func testBadSweepFileIsRefusedWithItsLine() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        try Self.sweepFile.replacingOccurrences(of: "count: 3", with: "count: 0").write(to: runner.file("bad.yaml"), atomically: true, encoding: .utf8)
        let result = try runner.run(["sweep", "plan", "bad.yaml", "--out", "s"])
        XCTAssertEqual(result.status, 64)
        XCTAssert(result.stderr.contains("bad.yaml:9: axes[1].logRange.count: must be between 2 and"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: runner.file("s").path))
    }
}
