import Foundation
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import OverlapTheory

/// A `phases` study: theory and/or network trained phase after phase from one
/// initial state, each phase continuing from where the previous one ended.
///
/// Writes into `folder` (the staging folder): `<learner>/phase-k.csv` and
/// `checkpoint.json` after every phase, so that a run stopped between phases
/// resumes from the last completed one; `finish` joins the phase CSVs into
/// `<learner>/trajectory.csv` (columns epoch, phase, loss, overlaps).
public struct PhaseStudy {
    public let spec: StudySpec
    public let folder: URL

    public init(spec: StudySpec, folder: URL) { self.spec = spec; self.folder = folder }

    /// Per learner ("theory", "network"), the end of every phase.
    public struct Outcome: Sendable {
        public var ends: [String: [PhaseEnd]]
        public var phasesRun: Int
        /// The epoch at which each phase starts on the joined trajectory's clock.
        public var boundaries: [Int]
    }

    /// Runs the phases not yet completed (all of them unless `resume` finds a checkpoint),
    /// stopping after `stopAfter` completed phases if given.
    public func run(resume: Bool, stopAfter: Int? = nil, progress: Bool) throws -> Outcome {
        let layout = spec.model.spec.layout
        var (learners, ends, done) = try resume ? restore() : (try initialLearners(), [:], 0)
        for learner in learners where ends[learner.kind] == nil { ends[learner.kind] = [] }
        let last = min(spec.phases.count, stopAfter ?? spec.phases.count)
        var i = done
        while i < last {
            for learner in learners where ends[learner.kind]!.last?.completed ?? true {
                let offset = boundaries[i]
                var text = ""
                let meter = Progress(label: "\(spec.name(phase: i)) \(learner.kind)", total: spec.phases[i].epochs, enabled: progress)
                let end = try PhaseRunner.run(learner, spec: spec, phase: i) { epoch, loss, S in
                    text += "\(offset + epoch),\(i + 1),\(loss),"
                    text += layout.overlapPairs.map { "\(S[$0.0, $0.1])" }.joined(separator: ",") + "\n"
                    meter.update(epoch: epoch, loss: loss)
                }
                meter.finish()
                try write(text, to: "\(learner.kind)/phase-\(i + 1).csv")
                ends[learner.kind]!.append(end)
            }
            i += 1
            try checkpoint(learners: learners, ends: ends, completed: i)
        }
        return Outcome(ends: ends, phasesRun: i, boundaries: boundaries)
    }

    /// The joined trajectory of each learner, from its phase CSVs.
    public func joinTrajectories(_ outcome: Outcome) throws {
        let header = "epoch,phase,loss," + spec.model.spec.layout.overlapNames.joined(separator: ",") + "\n"
        for kind in outcome.ends.keys.sorted() {
            var text = header
            for i in 0..<outcome.ends[kind]!.count {
                let url = folder.appendingPathComponent("\(kind)/phase-\(i + 1).csv")
                text += try String(contentsOf: url, encoding: .utf8)
                try FileManager.default.removeItem(at: url)
            }
            try write(text, to: "\(kind)/trajectory.csv")
        }
        try? FileManager.default.removeItem(at: folder.appendingPathComponent("checkpoint.json"))
    }

    /// Phase k starts at epoch Σ_{j<k} E_j on the joined clock.
    var boundaries: [Int] {
        spec.phases.reduce(into: [0]) { $0.append($0.last! + $1.epochs) }
    }

    private func initialLearners() throws -> [PhaseLearner] {
        let config = spec.configuration(phase: 0)
        var initial = RunConfiguration(model: config.model, seed: spec.start.randomSeed, neurons: spec.start.size)
        initial.initialOverlaps = spec.start.overlaps
        let network = try InitialState.network(initial)
        var learners: [PhaseLearner] = []
        // The theory starts from the network's measured overlaps (or the given ones, exactly).
        if spec.runners.theory {
            learners.append(TheoryLearner(spec: config.model, S: try InitialState.overlaps(initial)))
        }
        if spec.runners.network { learners.append(NetworkLearner(network: network, steps: config.steps)) }
        return learners
    }

    private func checkpoint(learners: [PhaseLearner], ends: [String: [PhaseEnd]], completed: Int) throws {
        let saved = learners.map { l in
            StudyCheckpoint.LearnerCheckpoint(kind: l.kind, rows: l.state.rows, cols: l.state.cols,
                                              state: l.state.storage.map(\.bitPattern),
                                              ends: ends[l.kind]!.map(StudyCheckpoint.encode),
                                              completed: ends[l.kind]!.map(\.completed))
        }
        let data = try JSONEncoder().encode(StudyCheckpoint(spec: StudyCheckpoint.resolvedSpec(spec),
                                                            completedPhases: completed, learners: saved))
        // Written then renamed: a run killed while writing keeps the previous checkpoint.
        let url = folder.appendingPathComponent("checkpoint.json")
        let temporary = folder.appendingPathComponent("checkpoint.json.new")
        try data.write(to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
    }

    private func restore() throws -> ([PhaseLearner], [String: [PhaseEnd]], Int) {
        let url = folder.appendingPathComponent("checkpoint.json")
        guard let data = FileManager.default.contents(atPath: url.path) else {
            return (try initialLearners(), [:], 0)  // nothing completed yet: start over
        }
        let saved = try JSONDecoder().decode(StudyCheckpoint.self, from: data)
        guard saved.spec == StudyCheckpoint.resolvedSpec(spec) else {
            throw InputError(field: "resume", "the partial run in \(folder.path) was made from a different study file; run without --resume to start over")
        }
        let model = spec.model.spec
        var learners: [PhaseLearner] = [], ends: [String: [PhaseEnd]] = [:]
        for l in saved.learners {
            let state = StudyCheckpoint.matrix(l)
            learners.append(l.kind == "theory" ? TheoryLearner(spec: model, S: state)
                            : NetworkLearner(network: LowRankNetwork(spec: model, parameters: state), steps: spec.model.trialSteps))
            ends[l.kind] = zip(l.ends, l.completed).map { StudyCheckpoint.decode($0, completed: $1) }
        }
        return (learners, ends, saved.completedPhases)
    }

    private func write(_ text: String, to name: String) throws {
        let url = folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: false, encoding: .utf8)
    }
}
