import ArgumentParser
import Foundation
import GramFlowCore
import OverlapTheory
import Studies

/// `gramflow study FILE`: a study written as a YAML file (see validation/studies/).
struct StudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "Run a study file: phases of training (theory and/or network), equivalent networks, or A/B→C twins.",
        discussion: "The file names the model, the initial state and the phases (task, options, epochs, lr, targetNoise, lrRules, optimizer: gd, sgd, adam (network only) or natural with ntkRank and damping, update: map, flow or direct for the theory; loss, targetGrid, pulseGap and pulseSchedule among the task options); `study: equivalence` and `study: twins` select the built-in protocols; `study: multitask` with a multitask block (model, neurons, batch, dt, phi, gain, epochs, lr, optimizer, trackEvery, seeds) runs `gramflow multitask`. A bad file is refused before any work, naming the file, the line and the field. A `phases` study stages its output in .DIR.partial with a checkpoint after every phase; --resume continues from the last completed phase.")

    @Argument(help: ArgumentHelp("The study file (YAML).", valueName: "file"))
    var file: String
    @OptionGroup var output: OutputOptions
    @Flag(help: "Continue a stopped `phases` study from its last completed phase (in .DIR.partial).")
    var resume = false
    private var out: String { output.out ?? "gramflow-study" }
    private var plot: Bool { output.plot }
    private var quiet: Bool { output.quiet }
    @Option(name: .customLong("track-ntk-every"), help: ArgumentHelp("`phases` studies: every E epochs of each phase (and at its last) record the effective ranks of K, P and Θ = PKP* (network/ntk-ranks-phase-k.csv) and of the reduced sNTK (theory/reduced-ntk-ranks-phase-k.csv).", valueName: "E"))
    var trackNTKEvery: Int?
    @Option(name: .customLong("stop-after-phase"), help: .hidden)
    var stopAfterPhase: Int?

    func validate() throws {
        _ = try loadSpec()
        _ = try output.checked(default: "gramflow-study")
        if let stop = stopAfterPhase, stop < 1 { throw ValidationError("--stop-after-phase: must be at least 1") }
        if let every = trackNTKEvery {
            guard every >= 1 else { throw ValidationError("--track-ntk-every: must be at least 1 (got \(every))") }
            guard try loadSpec().kind == .phases else {
                throw ValidationError("--track-ntk-every: only `phases` studies are tracked; remove it for `study: equivalence` or `study: twins`")
            }
        }
    }

    private func loadSpec() throws -> StudySpec {
        do { return try StudyFile.load(file) } catch { throw ValidationError(error.description) }
    }

    func run() throws {
        let spec = try loadSpec()
        switch spec.kind {
        case .phases: try runPhases(spec)
        case .equivalence: try runBuiltIn { try EquivalenceStudy.run(spec, progress: !quiet) }
        case .twins: try runBuiltIn { try TwinsStudy.run(spec, progress: !quiet) }
        case .multitask:
            try withOutputFolder(out) { folder in
                let run = try MultiTaskRun.run(spec.multitask!, in: folder.staging, plot: plot, progress: !quiet)
                return Finished(outcomes: run.outcomes, summary: quiet ? "" : run.summary(out: out, plot: plot))
            }
        }
    }

    /// A built-in protocol: run, write its outputs, print its headline.
    private func runBuiltIn(_ body: () throws -> BuiltInStudy) throws {
        try withOutputFolder(out) { folder in
            let study = try body()
            try study.write(into: folder, plot: plot)
            return Finished(summary: study.headline + "\nwrote \(out)/summary.md")
        }
    }

    private func runPhases(_ spec: StudySpec) throws {
        let folder = try openOutputFolder { try OutputFolder(resumable: out, resume: resume) }
        let study = PhaseStudy(spec: spec, folder: folder.staging, trackNTKEvery: trackNTKEvery)
        let kept = "the completed phases are kept in \(folder.staging.path)"
        do {
            let outcome = try study.run(resume: resume, stopAfter: stopAfterPhase, progress: !quiet)
            guard outcome.phasesRun == spec.phases.count else {
                folder.keepForResume()
                print("stopped after phase \(outcome.phasesRun) of \(spec.phases.count); \(kept); continue with --resume")
                return
            }
            try study.writeResults(outcome, into: folder, plot: plot)
            try folder.commit()
        } catch let error as InputError {
            folder.keepForResume()
            throw ValidationError(usageMessage(error))
        } catch let error as PhaseStudy.CheckpointMismatch {
            folder.keepForResume()
            printError("error: --resume: the checkpoint cannot be trusted: \(error); start over with `gramflow study \(file) --out \(out)` (without --resume)")
            throw ExitCode.failure
        } catch let error as PhaseStudy.Diverged {
            folder.keepForResume()
            printError("error: \(error); \(kept) with the diverged phase's rows, and --resume continues from the last completed phase")
            throw ExitCode.failure
        } catch {
            folder.keepForResume()
            printError("error: \(failureMessage(error, output: folder.staging.path)) (\(kept); rerun with --resume)")
            throw ExitCode.failure
        }
        print("study \(spec.title ?? file): \(spec.phases.count) phases; wrote \(out)/summary.md, \(out)/memory.csv and the trajectories")
    }
}
