import ArgumentParser
import Foundation
import GramFlowCore
import Studies

/// `gramflow sweep plan FILE --out DIR`.
struct SweepPlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Check a sweep file and write its points, jobs.txt and slurm.sh into a folder.",
        discussion: "Every point is checked as the run or study it becomes before anything is written; a bad file exits 64 with FILE:LINE: field: message. jobs.txt and slurm.sh call this gramflow executable (slurm.sh: or $GRAMFLOW) on the folder's absolute path.")

    @Argument(help: ArgumentHelp("The sweep file (YAML).", valueName: "file"))
    var file: String
    @Option(help: ArgumentHelp("The sweep folder to write. An existing one is replaced only if GramFlow wrote it and it holds nothing else (README: Safety).", valueName: "dir"))
    var out: String
    @Option(name: .customLong("slurm-limit"), help: "Array tasks Slurm runs at once (slurm.sh's --array=1-P%limit).")
    var slurmLimit = 32

    func validate() throws {
        guard slurmLimit >= 1 else { throw ValidationError("--slurm-limit: must be at least 1 (got \(slurmLimit))") }
        _ = try load()
        do { try OutputFolder.check(out) } catch { throw ValidationError(usageMessage(error)) }
    }

    /// The checked plan; a bad file exits 64 (checked in `validate()`, so the usage shown is this command's).
    private func load() throws -> SweepPlan {
        do { return try SweepFile.load(file) } catch { throw ValidationError(error.description) }
    }

    func run() throws {
        let plan = try load()
        try withOutputFolder(out) { folder in
            try plan.write(into: folder.staging, destination: folder.destination, executable: SweepPlan.currentExecutable,
                           slurmLimit: slurmLimit)
            let memory = plan.memoryPerPoint.map { MemoryEstimate.format($0) } ?? "more than any machine has"
            return Finished(summary: """
            sweep \(plan.title): \(plan.points.count) points (\(plan.kind.rawValue)), at most \(memory) each
            wrote \(out)/plan.json, points/, jobs.txt, slurm.sh
            run here: gramflow sweep run \(out) --jobs 2; with GNU parallel: parallel -j 2 < \(out)/jobs.txt; on Slurm: sbatch \(out)/slurm.sh
            then: gramflow sweep collect \(out)
            """)
        }
    }
}
