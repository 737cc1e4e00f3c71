import ArgumentParser
import Foundation
import GramFlowCore
import Studies

/// `gramflow sweep point DIR I`: what a GNU parallel job or a Slurm array task runs.
struct SweepPointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "point",
        abstract: "Run one point of a planned sweep into DIR/points/NNNN/result/.",
        discussion: "A point with a result (completed or diverged) is not run again; a failed one is. A point another process is running is refused (exit 1).")

    @OptionGroup var sweep: SweepFolder
    @Argument(help: ArgumentHelp("The point's number, from 1 (Slurm: $SLURM_ARRAY_TASK_ID).", valueName: "index"))
    var index: Int

    func validate() throws {
        let plan = try sweep.plan()
        guard index >= 1 && index <= plan.points.count else {
            throw ValidationError("index: \(sweep.dir) has points 1…\(plan.points.count) (got \(index))")
        }
    }

    func run() throws {
        let plan = try sweep.plan()
        let outcome: SweepPointRun.Outcome
        do { outcome = try SweepPointRun.run(sweep: sweep.url, index: index) } catch {
            printError("error: point \(index): \(failureMessage(error, output: sweep.dir))")
            throw ExitCode.failure
        }
        switch outcome {
        case .ran(let result):
            print(pointLine(result, plan: plan))
            if result.status == .failed { throw ExitCode.failure }
        case .done(let result):
            print(pointLine(result, plan: plan) + " (had a result already; not run again)")
        case .busy(let message):
            printError("error: point \(index): \(message)")
            throw ExitCode.failure
        }
    }
}
