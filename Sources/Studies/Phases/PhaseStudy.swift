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
    /// `--track-ntk-every E`: each side's effective ranks every E epochs of each phase, to
    /// `network/ntk-ranks-phase-k.csv` and `theory/reduced-ntk-ranks-phase-k.csv` (epochs on the joined clock).
    public var trackNTKEvery: Int?

    public init(spec: StudySpec, folder: URL, trackNTKEvery: Int? = nil) {
        self.spec = spec; self.folder = folder; self.trackNTKEvery = trackNTKEvery
    }

    /// Per learner ("theory", "network"), the end of every phase.
    public struct Outcome: Sendable {
        public var ends: [String: [PhaseEnd]]
        public var phasesRun: Int
        /// The epoch at which each phase starts on the joined trajectory's clock.
        public var boundaries: [Int]
    }

    /// A learner's loss stopped being finite: the study stops, keeping the phases completed before.
    public struct Diverged: Error, CustomStringConvertible {
        public let phase: String, learner: String, epoch: Int, loss: Double
        public var description: String {
            "the \(learner) diverged in \(phase) at epoch \(epoch) (loss \(loss)); lower that phase's lr"
        }
    }

    /// A checkpoint that does not match the files it vouches for (exit 1: start over).
    public struct CheckpointMismatch: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs the phases not yet completed (all of them unless `resume` finds a checkpoint),
    /// stopping after `stopAfter` completed phases if given. Each phase's rows are streamed
    /// to `<learner>/phase-k.csv` (written atomically), and the checkpoint after the phase
    /// records every such file's length and SHA-256.
    /// - Throws: `Diverged` when a learner's loss stops being finite (its rows up to there
    ///   are kept in the phase file; the checkpoint still ends at the last completed phase).
    public func run(resume: Bool, stopAfter: Int? = nil, progress: Bool) throws -> Outcome {
        let layout = spec.model.spec.layout
        var (learners, ends, done, files) = try resume ? restore() : (try initialLearners(), [:], 0, [:])
        for learner in learners where ends[learner.kind] == nil { ends[learner.kind] = [] }
        let last = min(spec.phases.count, stopAfter ?? spec.phases.count)
        var i = done
        while i < last {
            for learner in learners {
                let offset = boundaries[i], name = "\(learner.kind)/phase-\(i + 1).csv"
                let file = try StreamingFile(folder.appendingPathComponent(name), atomic: true)
                var lastEpoch = 0
                let meter = Progress(label: "\(spec.name(phase: i)) \(learner.kind)", total: spec.phases[i].epochs, enabled: progress)
                let tracking = try trackNTKEvery.map { every in
                    try EffectiveRankTracker(
                        file: folder.appendingPathComponent(learner.kind == "theory" ? "theory/reduced-ntk-ranks-phase-\(i + 1).csv"
                                                            : "\(learner.kind)/ntk-ranks-phase-\(i + 1).csv"),
                        every: every, theory: learner.kind == "theory", batches: try PhaseBatches(spec: spec, phase: i).batch(epoch:),
                        epochOffset: offset)
                }
                let end = try learner.run(spec: spec, phase: i, tracking: tracking) { epoch, loss, S in
                    lastEpoch = epoch
                    try file.write("\(offset + epoch),\(i + 1)," + TrajectoryRecorder.row([loss] + layout.overlapPairs.map { S[$0.0, $0.1] }))
                    meter.update(epoch: epoch, loss: loss)
                }
                meter.finish()
                files[name] = try file.close()
                guard end.completed else {
                    throw Diverged(phase: spec.name(phase: i), learner: learner.kind, epoch: offset + lastEpoch, loss: end.endLoss)
                }
                ends[learner.kind]!.append(end)
            }
            i += 1
            try checkpoint(learners: learners, ends: ends, completed: i, files: files)
        }
        return Outcome(ends: ends, phasesRun: i, boundaries: boundaries)
    }

    /// The joined trajectory of each learner, from its phase CSVs (copied in chunks, not held in memory).
    public func joinTrajectories(_ outcome: Outcome) throws {
        let header = "epoch,phase,loss," + spec.model.spec.layout.overlapNames.joined(separator: ",") + "\n"
        for kind in outcome.ends.keys.sorted() {
            let joined = try StreamingFile(folder.appendingPathComponent("\(kind)/trajectory.csv"), atomic: true)
            try joined.write(header)
            for i in 0..<outcome.ends[kind]!.count {
                let url = folder.appendingPathComponent("\(kind)/phase-\(i + 1).csv")
                let handle = try FileHandle(forReadingFrom: url)
                while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { try joined.write(chunk) }
                try handle.close()
            }
            try joined.close()
            for i in 0..<outcome.ends[kind]!.count {
                try FileManager.default.removeItem(at: folder.appendingPathComponent("\(kind)/phase-\(i + 1).csv"))
            }
        }
        try? FileManager.default.removeItem(at: folder.appendingPathComponent("checkpoint.json"))
    }

    /// Phase k starts at epoch Σ_{j<k} E_j on the joined clock.
    var boundaries: [Int] {
        spec.phases.reduce(into: [0]) { $0.append($0.last! + $1.epochs) }
    }

    private func initialLearners() throws -> [PhaseLearner] {
        let config = spec.configuration(phase: 0)
        let initial = spec.initialConfiguration
        let network = try InitialState.network(initial)
        var learners: [PhaseLearner] = []
        // The theory starts from the network's measured overlaps (or the given ones, exactly).
        if spec.runners.theory {
            learners.append(PhaseSides.theory(config.model, S: try InitialState.overlaps(initial)))
        }
        if spec.runners.network { learners.append(PhaseSides.network(network)) }
        return learners
    }

    private func checkpoint(learners: [PhaseLearner], ends: [String: [PhaseEnd]], completed: Int,
                            files: [String: FileDigest]) throws {
        let saved = learners.map { l in
            StudyCheckpoint.LearnerCheckpoint(kind: l.kind, rows: l.state.rows, cols: l.state.cols,
                                              state: l.state.storage.map(\.bitPattern),
                                              ends: ends[l.kind]!.map(StudyCheckpoint.encode),
                                              completed: ends[l.kind]!.map(\.completed))
        }
        let data = try JSONEncoder().encode(StudyCheckpoint(spec: StudyCheckpoint.resolvedSpec(spec, phases: completed),
                                                            completedPhases: completed, learners: saved, files: files))
        // Written then renamed: a run killed while writing keeps the previous checkpoint.
        try AtomicFile.write(data, to: folder.appendingPathComponent("checkpoint.json"))
    }

    /// The state after the last completed phase, once every file the checkpoint vouches for is verified.
    private func restore() throws -> ([PhaseLearner], [String: [PhaseEnd]], Int, [String: FileDigest]) {
        let url = folder.appendingPathComponent("checkpoint.json")
        guard let data = FileManager.default.contents(atPath: url.path) else {
            return (try initialLearners(), [:], 0, [:])  // nothing completed yet: start over
        }
        guard let saved = try? JSONDecoder().decode(StudyCheckpoint.self, from: data) else {
            throw CheckpointMismatch(description: "\(url.path) is damaged")
        }
        guard saved.spec == StudyCheckpoint.resolvedSpec(spec, phases: saved.completedPhases) else {
            throw InputError(.resume, "the partial run in \(folder.path) was made from a study file whose first \(saved.completedPhases) phase(s) differ; run without --resume to start over")
        }
        for (name, digest) in saved.files.sorted(by: { $0.key < $1.key }) {
            let found = FileDigest.of(folder.appendingPathComponent(name))
            guard found == digest else {
                throw CheckpointMismatch(description: found == nil ? "\(name) is missing from \(folder.path)"
                    : "\(name) in \(folder.path) has \(found!.bytes) bytes and SHA-256 \(found!.sha256.prefix(12))…, the checkpoint recorded \(digest.bytes) bytes and \(digest.sha256.prefix(12))…")
            }
        }
        let model = spec.model.spec
        var learners: [PhaseLearner] = [], ends: [String: [PhaseEnd]] = [:]
        for l in saved.learners {
            let state = StudyCheckpoint.matrix(l)
            learners.append(l.kind == "theory" ? PhaseSides.theory(model, S: state)
                            : PhaseSides.network(LowRankNetwork(spec: model, parameters: state)))
            ends[l.kind] = zip(l.ends, l.completed).map { StudyCheckpoint.decode($0, completed: $1) }
        }
        return (learners, ends, saved.completedPhases, saved.files)
    }
}
