import Foundation
import XCTest

/// What GramFlow does to the user's folders, run as a user would run it: it never
/// deletes or overwrites what it did not write, locks an output for a whole run,
/// verifies checkpoints before trusting them, and leaves no clutter when stopped.
final class OutputSafetyTests: XCTestCase {
    private let quick = ["--epochs", "3", "--steps", "20", "--quiet"]

    private func write(_ text: String, _ url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    private func read(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    // MARK: 1. data loss

    /// A thesis folder holding a report.json is not GramFlow's: `--out .`, `--out ""`, `--out ..`,
    /// `/`, the home folder and a folder containing the working directory are all refused.
    func testFoldersThatAreNotGramFlowsAreRefused() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        try write("{}", runner.file("thesis/report.json"))
        try write("precious", runner.file("thesis/thesis.tex"))
        let home = FileManager.default.homeDirectoryForCurrentUser.path
        let cases: [([String], String)] = [
            (["integrate", "--out", "."], "names the current or a parent folder"),
            (["integrate", "--out", ""], "the path is empty"),
            (["integrate", "--out", ".."], "names the current or a parent folder"),
            (["integrate", "--out", "/"], "root folder"),
            (["integrate", "--out", home], "home folder"),
            (["integrate", "--out", runner.directory.path], "contains the working directory"),
            (["integrate", "--out", "thesis"], "is not a GramFlow output folder"),
            (["simulate", "--neurons", "20", "--out", "thesis"], "is not a GramFlow output folder"),
            (["validate", "--neurons", "20", "--out", "thesis"], "is not a GramFlow output folder"),
            (["bifurcation", "--neurons", "20", "--mus", "0.1", "--out", "thesis"], "is not a GramFlow output folder"),
        ]
        for (arguments, expected) in cases {
            let result = try runner.run(arguments + (arguments[0] == "bifurcation" ? ["--quiet"] : quick))
            XCTAssertEqual(result.status, 64, "\(arguments): \(result.stderr)")
            XCTAssert(result.stderr.contains("--out: ") && result.stderr.contains(expected), "\(arguments): \(result.stderr)")
        }
        try write("title: t\nmodel: {rank: 1, steps: 20}\ninitial: {neurons: 16}\nphases:\n  - {task: filter, epochs: 2, lr: 0.01}\n",
                  runner.file("s.yaml"))
        let study = try runner.run(["study", "s.yaml", "--out", "thesis", "--quiet"])
        XCTAssertEqual(study.status, 64, study.stderr)
        XCTAssert(study.stderr.contains("is not a GramFlow output folder"), study.stderr)
        // From inside the thesis folder, too.
        let inside = try CommandRunner(directory: runner.file("thesis"))
        let dot = try inside.run(["integrate", "--out", "."] + quick)
        XCTAssertEqual(dot.status, 64, dot.stderr)
        XCTAssertEqual(try read(runner.file("thesis/thesis.tex")), "precious")
        XCTAssertEqual(try read(runner.file("thesis/report.json")), "{}")
        XCTAssertEqual(Set(runner.entries), ["thesis", "s.yaml"], "nothing else may be written")
    }

    /// A previous output is replaced; once the user adds a file to it, it is theirs and refused.
    func testOwnOutputIsReplacedUntilTheUserAddsAFile() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        XCTAssertEqual(try runner.run(["integrate", "--out", "o"] + quick).status, 0)
        let marker = try read(runner.file("o/.gramflow-output"))
        XCTAssert(marker.contains("\"trajectory.csv\"") && marker.contains("\"run.json\""), marker)
        let again = try runner.run(["integrate", "--out", "o", "--epochs", "5", "--steps", "20", "--quiet"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try read(runner.file("o/trajectory.csv")).split(separator: "\n").count, 7, "header + epochs 0..5")
        try write("mine", runner.file("o/notes.txt"))
        let refused = try runner.run(["integrate", "--out", "o"] + quick)
        XCTAssertEqual(refused.status, 64, refused.stderr)
        XCTAssert(refused.stderr.contains("notes.txt"), refused.stderr)
        XCTAssertEqual(try read(runner.file("o/notes.txt")), "mine")
        XCTAssertEqual(Set(runner.entries), ["o"], "no staging or lock left behind")
    }

    // MARK: 2. concurrent runs, 8. interruptions

    /// A second run on an output that is being written fails at once (exit 1) naming the first
    /// process; SIGTERM then stops the first with 143, keeping a study's completed phases.
    func testSecondRunOnALockedOutputFailsAndSIGTERMKeepsTheStudy() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        try write("""
        title: long
        model: {rank: 1, steps: 50}
        initial: {neurons: 400}
        phases:
          - {task: filter, epochs: 2, lr: 0.01}
          - {task: filter, epochs: 100000000, lr: 0.001}

        """, runner.file("long.yaml"))
        let first = try runner.start(["study", "long.yaml", "--out", "o", "--quiet"])
        try runner.waitFor(".o.partial/checkpoint.json", process: first)
        let lock = try read(runner.file(".o.lock"))
        XCTAssert(lock.contains("\(first.processIdentifier)"), lock)
        let before = try FileManager.default.contentsOfDirectory(atPath: runner.file(".o.partial").path).sorted()
        let second = try runner.run(["study", "long.yaml", "--out", "o", "--quiet"])
        XCTAssertEqual(second.status, 1, second.stderr)
        XCTAssert(second.stderr.contains("another gramflow run (process \(first.processIdentifier))"), second.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: runner.file(".o.partial").path).sorted(), before)

        first.terminate()
        first.waitUntilExit()
        XCTAssertEqual(first.terminationStatus, 143)
        XCTAssertEqual(first.terminationReason, .exit)
        XCTAssert(runner.entries.contains(".o.partial"), "a study keeps its staging folder for --resume")
        XCTAssertFalse(runner.entries.contains(".o.lock"))
        XCTAssert(FileManager.default.fileExists(atPath: runner.file(".o.partial/checkpoint.json").path))
    }

    /// SIGINT stops a run with 130, one line on stderr, and no staging folder or lock left behind.
    func testSIGINTRemovesTheStagingFolder() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        let run = try runner.start(["integrate", "--epochs", "100000000", "--steps", "20", "--quiet", "--out", "o"])
        try runner.waitFor(".o.lock", process: run)
        Thread.sleep(forTimeInterval: 0.3)
        run.interrupt()
        run.waitUntilExit()
        XCTAssertEqual(run.terminationStatus, 130)
        XCTAssertEqual(runner.entries, [], "\(runner.entries)")
    }

    /// Staging folders of runs whose process is gone are removed by the next run on that
    /// output, if they carry GramFlow's marker; anything else of that name is left alone.
    func testStaleStagingFoldersAreRemoved() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        let dead = Int32.max - 7  // no such process
        try write(#"{"format":1,"tool":"gramflow","version":"0.1.0","command":[],"entries":[]}"#,
                  runner.file(".o.partial-\(dead)/.gramflow-output"))
        try write("half", runner.file(".o.partial-\(dead)/trajectory.csv"))
        try write("user's", runner.file(".o.partial-\(dead - 1)/notes.txt"))
        XCTAssertEqual(try runner.run(["integrate", "--out", "o"] + quick).status, 0)
        XCTAssertEqual(Set(runner.entries), ["o", ".o.partial-\(dead - 1)"])
    }

    // MARK: 4. bounded memory

    /// Rows are streamed: ten times the epochs (with --record-every) does not raise the peak
    /// resident memory reported in run.json by more than 4 MB (holding the rows would add ≥ 20 MB).
    func testMemoryDoesNotGrowWithEpochs() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        var peaks: [Double] = []
        for epochs in [15_000, 150_000] {
            let result = try runner.run(["integrate", "--epochs", "\(epochs)", "--steps", "10", "--record-every", "1000",
                                         "--quiet", "--out", "e\(epochs)"])
            XCTAssertEqual(result.status, 0, result.stderr)
            let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: runner.file("e\(epochs)/run.json"))) as! [String: Any]
            peaks.append(manifest["peakResidentMegabytes"] as! Double)
            XCTAssertEqual(try read(runner.file("e\(epochs)/trajectory.csv")).split(separator: "\n").count, 2 + epochs / 1000)
        }
        XCTAssertLessThan(peaks[1] - peaks[0], 4, "peak resident MB: \(peaks)")
    }

    // MARK: 5. plotting failures

    /// Without gnuplot, with a gnuplot that fails, and with one that hangs: exit 1, the fix
    /// named, the data kept.
    func testPlotFailuresKeepTheData() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        let bin = runner.file("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let noGnuplot = try runner.run(["integrate", "--plot", "--out", "a"] + quick, environment: ["PATH": bin.path])
        XCTAssertEqual(noGnuplot.status, 1, noGnuplot.stderr)
        XCTAssert(noGnuplot.stderr.contains("gnuplot is not installed") && noGnuplot.stderr.contains("apt-get install gnuplot-nox"),
                  noGnuplot.stderr)
        XCTAssert(FileManager.default.fileExists(atPath: runner.file("a/trajectory.csv").path))

        for (script, expected) in [("#!/bin/sh\nexit 3\n", "gnuplot failed"), ("#!/bin/sh\nexec sleep 100\n", "did not finish within 1 s")] {
            try write(script, bin.appendingPathComponent("gnuplot"))
            chmod(bin.appendingPathComponent("gnuplot").path, 0o755)
            let result = try runner.run(["integrate", "--plot", "--out", "b"] + quick,
                                        environment: ["PATH": bin.path + ":/usr/bin:/bin", "GRAMFLOW_PLOT_TIMEOUT": "1"])
            XCTAssertEqual(result.status, 1, result.stderr)
            XCTAssert(result.stderr.contains(expected), result.stderr)
            XCTAssert(FileManager.default.fileExists(atPath: runner.file("b/run.json").path))
        }
    }

    // MARK: 6. divergence, 7. checkpoints

    private let phases = """
    title: t
    model: {rank: 1, steps: 20}
    initial: {neurons: 16, seed: 9}
    run: theory
    phases:
      - {name: A, task: filter, epochs: 4, lr: 0.01}
      - {name: B, task: filter, epochs: 50, lr: LR}

    """

    /// A diverging phase: exit 1 naming the phase and the epoch; the completed phase is kept
    /// and the study resumes from it once the diverged phase's lr is lowered.
    func testDivergingStudyExits1AndResumesAfterTheFix() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        try write(phases.replacingOccurrences(of: "LR", with: "1e6"), runner.file("s.yaml"))
        let diverged = try runner.run(["study", "s.yaml", "--out", "o", "--quiet"])
        XCTAssertEqual(diverged.status, 1, diverged.stderr)
        XCTAssert(diverged.stderr.contains("the theory diverged in B at epoch"), diverged.stderr)
        XCTAssert(runner.entries.contains(".o.partial") && !runner.entries.contains("o"), "\(runner.entries)")
        let rows = try read(runner.file(".o.partial/theory/phase-2.csv")).split(separator: "\n")
        XCTAssertGreaterThan(rows.count, 1, "the diverged phase's rows are kept")

        try write(phases.replacingOccurrences(of: "LR", with: "0.01"), runner.file("s.yaml"))
        let resumed = try runner.run(["study", "s.yaml", "--out", "o", "--quiet", "--resume"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        let whole = try runner.run(["study", "s.yaml", "--out", "w", "--quiet"])
        XCTAssertEqual(whole.status, 0, whole.stderr)
        XCTAssertEqual(try read(runner.file("o/theory/trajectory.csv")), try read(runner.file("w/theory/trajectory.csv")))
    }

    /// A truncated phase file is refused on --resume with exit 1 and the command that starts over.
    func testTruncatedCheckpointFileIsRefused() throws {
        let runner = try CommandRunner()
        defer { runner.cleanUp() }
        try write(phases.replacingOccurrences(of: "LR", with: "0.01"), runner.file("s.yaml"))
        let stopped = try runner.run(["study", "s.yaml", "--out", "o", "--quiet", "--stop-after-phase", "1"])
        XCTAssertEqual(stopped.status, 0, stopped.stderr)
        let phase = runner.file(".o.partial/theory/phase-1.csv")
        let text = try read(phase)
        try Data(text.utf8.dropLast(40)).write(to: phase)
        let resumed = try runner.run(["study", "s.yaml", "--out", "o", "--quiet", "--resume"])
        XCTAssertEqual(resumed.status, 1, resumed.stderr)
        XCTAssert(resumed.stderr.contains("theory/phase-1.csv") && resumed.stderr.contains("gramflow study s.yaml --out o"),
                  resumed.stderr)
        XCTAssertFalse(runner.entries.contains("o"))
        try write("{not json", runner.file(".o.partial/checkpoint.json"))
        let damaged = try runner.run(["study", "s.yaml", "--out", "o", "--quiet", "--resume"])
        XCTAssertEqual(damaged.status, 1, damaged.stderr)
        XCTAssert(damaged.stderr.contains("checkpoint.json is damaged"), damaged.stderr)
    }
}
