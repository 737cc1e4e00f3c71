import ArgumentParser
import Foundation
import GramFlowCore
import Studies

/// `gramflow sweep collect DIR`.
struct SweepCollectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Gather the finished points of a sweep into sweep.csv, fits.csv and report.md.",
        discussion: "Reads each point's summary.json only (never its per-epoch tables). Writes DIR/results/ (or --out): sweep.csv (a row per point: axes, seed, status, every collected metric), fits.csv and report.md (exponent of each metric against the fit axis per seed, mean ± sd over seeds) and, with --plot, sweep.png. Lists the failed and missing points with the command that runs each again, and then exits 1.")

    @OptionGroup var sweep: SweepFolder
    @Option(help: ArgumentHelp("Where to write the results (default DIR/results). An existing folder is replaced only if GramFlow wrote it and it holds nothing else.", valueName: "dir"))
    var out: String?
    @Flag(help: "Draw sweep.png (each metric against the fit axis) with gnuplot.")
    var plot = false

    private var destination: String { out ?? sweep.url.appendingPathComponent("results").path }

    func validate() throws {
        _ = try sweep.plan()
        do { try OutputFolder.check(destination) } catch { throw ValidationError(usageMessage(error)) }
    }

    func run() throws {
        let collection: SweepCollection
        do { collection = try SweepCollection(sweep: sweep.url, executable: SweepPlan.currentExecutable) } catch let error as InputError {
            throw ValidationError("\(sweep.dir): \(error.message)")
        }
        let plan = collection.plan
        try withOutputFolder(destination) { folder in
            try folder.write(collection.csv, to: "sweep.csv")
            try folder.write(collection.markdown, to: "report.md")
            if plan.fit != nil { try folder.write(collection.fitsCSV, to: "fits.csv") }
            if plot, let key = plan.fit, let axis = plan.keys.firstIndex(of: key) {
                let first = plan.keys.count + 4
                try Plotting.plotSweep(in: folder.staging, x: axis + 2, xLabel: key,
                                       columns: plan.collect.enumerated().map { (first + $0.offset, $0.element) }, title: plan.title)
            }
            var summary = "sweep \(plan.title): \(plan.points.count) points, \(collection.completed) completed, \(collection.diverged.count) diverged, \(collection.failed.count) failed, \(collection.missing.count) missing\n"
            for f in collection.fits {
                summary += "  \(f.fixed.isEmpty ? "" : f.fixed.joined(separator: ", ") + ", ")\(f.metric) ∝ \(plan.fit!)^b: b = \(short(f.spread.mean)) ± \(short(f.spread.standardDeviation)) over \(f.spread.count) seed(s)\n"
            }
            summary += "wrote \(destination)/sweep.csv, report.md\(plan.fit != nil ? ", fits.csv" : "")\(plot && plan.fit != nil ? ", sweep.png" : "")"
            return Finished(summary: summary)
        }
        let rerun = collection.rerunCommands
        guard rerun.isEmpty else {
            printError("error: \(collection.failed.count) point(s) failed and \(collection.missing.count) are missing; run them with:")
            for line in rerun.prefix(20) { printError("  \(line)") }
            if rerun.count > 20 { printError("  … (all \(rerun.count) in \(destination)/report.md, or run `gramflow sweep run \(sweep.dir)`)") }
            throw ExitCode.failure
        }
    }
}
