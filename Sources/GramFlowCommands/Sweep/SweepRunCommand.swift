import ArgumentParser
import Foundation
import GramFlowCore
import Studies

/// `gramflow sweep run DIR --jobs J`.
struct SweepRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the points of a planned sweep that have no result yet, J at a time.",
        discussion: "Points with a result are skipped, so a stopped sweep continues where it was; a point another process is running is left to it. Exits 1 when a point failed.")

    @OptionGroup var sweep: SweepFolder
    @Option(name: .customLong("jobs"), help: ArgumentHelp("Points run at once, each on one core (default: the number of cores).", valueName: "J"))
    var requestedJobs: Int?
    private var jobs: Int { requestedJobs ?? ProcessInfo.processInfo.activeProcessorCount }
    @Flag(help: "No progress on standard error.")
    var quiet = false

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs: must be at least 1 (got \(jobs))") }
        let plan = try sweep.plan()
        let largest = plan.points.max { ($0.memory ?? .max) < ($1.memory ?? .max) }
        guard let bytes = largest?.memory else { return }
        let needed = bytes.multipliedReportingOverflow(by: min(jobs, plan.points.count))
        if let available = MemoryEstimate.available(), needed.overflow || needed.partialValue > available {
            throw ValidationError("--jobs: \(min(jobs, plan.points.count)) points at once need about \(needed.overflow ? "more than 2⁶³ bytes" : MemoryEstimate.format(needed.partialValue)) but \(MemoryEstimate.format(available)) are available; lower --jobs")
        }
    }

    func run() throws {
        let plan = try sweep.plan()
        let quiet = self.quiet
        let start = Date()
        let summary: SweepLocalRun.Summary
        do {
            summary = try SweepLocalRun.run(sweep: sweep.url, jobs: jobs) { _, outcome, done, total in
                guard !quiet else { return }
                switch outcome {
                case .ran(let result): printError("[sweep \(done)/\(total)] " + pointLine(result, plan: plan))
                case .busy(let message): printError("[sweep \(done)/\(total)] \(message)")
                case .done: break
                }
            }
        } catch {
            printError("error: \(failureMessage(error, output: sweep.dir))")
            throw ExitCode.failure
        }
        print("sweep \(plan.title): ran \(summary.ran) point(s) in \(short(Date().timeIntervalSince(start))) s (\(summary.skipped) had a result already)"
              + (summary.diverged > 0 ? ", \(summary.diverged) diverged" : "") + (summary.failed > 0 ? ", \(summary.failed) failed" : "")
              + (summary.busy > 0 ? ", \(summary.busy) running elsewhere" : ""))
        print("collect with: gramflow sweep collect \(sweep.dir)")
        if summary.failed > 0 || summary.busy > 0 { throw ExitCode.failure }
    }
}
