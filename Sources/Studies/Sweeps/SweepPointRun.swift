import Foundation
import GramFlowCore

/// `gramflow sweep point DIR I`: runs point I of a planned sweep into
/// DIR/points/NNNN/result/, an `OutputFolder` of its own: locked for the whole run
/// (a second run of the same point, from any engine, is refused), staged and renamed
/// into place (a killed point leaves no result, so it counts as missing and runs
/// again), and skipped when a result is there already (completed or diverged; a
/// failed point runs again).
public enum SweepPointRun {
    public enum Outcome: Sendable {
        /// Ran now.
        case ran(SweepPointResult)
        /// Had a result already; not run again.
        case done(SweepPointResult)
        /// Another process is running it.
        case busy(String)
    }

    public static func run(sweep: URL, index: Int) throws -> Outcome {
        try run(sweep: sweep, plan: try SweepPlan.read(from: sweep), index: index)
    }

    /// Point `index` of `plan` (read once by an engine that runs many points).
    public static func run(sweep: URL, plan: SweepPlan, index: Int) throws -> Outcome {
        guard index >= 1 && index <= plan.points.count else {
            throw InputError(.out, "point \(index) is not in the sweep \(sweep.path), whose points are 1…\(plan.points.count)")
        }
        let point = sweep.appendingPathComponent(plan.folder(of: index))
        let result = point.appendingPathComponent("result")
        if let done = SweepPointResult.read(in: result), done.status != .failed { return .done(done) }
        let folder: OutputFolder
        do { folder = try OutputFolder(result.path) } catch let busy as OutputLock.Busy { return .busy(busy.description) }
        // Another engine may have finished it between the first look and the lock.
        if let done = SweepPointResult.read(in: result), done.status != .failed { folder.discard(); return .done(done) }
        var outcome: SweepPointResult
        do {
            outcome = try execute(plan.kind, point: point, index: index, into: folder)
        } catch {
            // The point ran and failed: its message is its result, and it runs again next time.
            folder.discard()
            let failed = try OutputFolder(result.path)
            outcome = SweepPointResult(index: index, status: .failed, message: "\(error)")
            try failed.write(encodeJSON(outcome), to: SweepPointResult.fileName)
            try failed.commit()
            return .ran(outcome)
        }
        try folder.write(encodeJSON(outcome), to: SweepPointResult.fileName)
        try folder.commit()
        return .ran(outcome)
    }

    /// Runs the point's own file (run.json or study.yaml) into the staged result folder.
    private static func execute(_ kind: SweepKind, point: URL, index: Int, into folder: OutputFolder) throws -> SweepPointResult {
        switch kind {
        case .run:
            let file = point.appendingPathComponent("run.json")
            let config = try JSONDecoder().decode(RunConfiguration.self, from: Data(contentsOf: file))
            // A point takes one core: engines run one point per core.
            let measured = try Sweep.point(config, theoryFile: folder.path("theory.csv"), networkFile: folder.path("network.csv"))
            return SweepPointResult(index: index, status: measured.completed ? .completed : .diverged,
                                    message: measured.completed ? nil : "theory \(measured.theoryStatus), network \(measured.networkStatus)",
                                    metrics: ["maxOverlapDeviation": measured.maxOverlapDeviation, "maxLossDeviation": measured.maxLossDeviation,
                                              "finalLossTheory": measured.finalLossTheory, "finalLossNetwork": measured.finalLossNetwork],
                                    labels: ["theoryStatus": measured.theoryStatus, "networkStatus": measured.networkStatus])
        case .study:
            let file = point.appendingPathComponent("study.yaml")
            let spec: StudySpec
            do { spec = try StudyFile.load(file.path) } catch { throw error }
            var status = SweepPointResult.Status.completed, message: String?
            switch spec.kind {
            case .phases:
                let study = PhaseStudy(spec: spec, folder: folder.staging)
                do {
                    try study.writeResults(try study.run(resume: false, progress: false), into: folder, plot: false)
                } catch let diverged as PhaseStudy.Diverged {
                    status = .diverged; message = "\(diverged)"
                }
            case .equivalence: try EquivalenceStudy.run(spec, progress: false).write(into: folder, plot: false)
            case .twins: try TwinsStudy.run(spec, progress: false).write(into: folder, plot: false)
            case .multitask: _ = try MultiTaskRun.run(spec.multitask!, in: folder.staging, plot: false, progress: false)
            }
            let report = FileManager.default.contents(atPath: folder.path("report.json").path) ?? Data()
            return SweepPointResult(index: index, status: status, message: message, metrics: SweepPointResult.numbers(inJSON: report))
        }
    }
}
