import ArgumentParser
import Foundation
import GramFlowCore
import Studies

/// `gramflow sweep`: a sweep file planned into self-contained points that any engine runs.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Plan a sweep file into points, run them (here, with GNU parallel or as a Slurm job array) and collect them.",
        discussion: """
        A sweep file (YAML) names a base run or study in study-file words, its axes (values, range, logRange; crossed or zipped), the seeds, what to collect and what to fit. `plan` writes DIR/points/NNNN/ (each with its run.json or study.yaml), DIR/jobs.txt (one command per line: `parallel -j J < DIR/jobs.txt`) and DIR/slurm.sh (`sbatch DIR/slurm.sh`). `run` runs the points here, `point` runs one (what a parallel job or a Slurm task calls), `collect` gathers what finished into DIR/results/sweep.csv with the fits, and lists the points to run again.
        """,
        subcommands: [SweepPlanCommand.self, SweepRunCommand.self, SweepPointCommand.self, SweepCollectCommand.self])
}

/// The sweep folder argument of run, point and collect, checked to hold a plan (exit 64 otherwise).
struct SweepFolder: ParsableArguments {
    @Argument(help: ArgumentHelp("The sweep folder written by `gramflow sweep plan`.", valueName: "dir"))
    var dir: String

    var url: URL { URL(fileURLWithPath: dir).standardizedFileURL }

    func plan() throws -> SweepPlan {
        do { return try SweepPlan.read(from: url) } catch let error as InputError {
            throw ValidationError("\(dir): \(error.message)")
        }
    }
}

/// One line for a point's summary: its status and its first metrics.
func pointLine(_ result: SweepPointResult, plan: SweepPlan) -> String {
    let numbers = plan.collect.prefix(3).compactMap { name in result.metrics[name].map { "\(name) = \(short($0))" } }
    return "point \(result.index): \(result.status.rawValue)"
        + (numbers.isEmpty ? "" : ", " + numbers.joined(separator: ", ")) + (result.message.map { " (\($0))" } ?? "")
}
