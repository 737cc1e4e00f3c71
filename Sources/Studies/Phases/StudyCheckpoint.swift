import Foundation
import GramFlowNumerics

/// What a study has done after its last completed phase, written to
/// checkpoint.json in the staging folder. Doubles are stored as their IEEE bit
/// patterns, so a resumed run continues from exactly the same numbers.
struct StudyCheckpoint: Codable {
    /// The study file as resolved (JSON) up to the completed phases: a resume whose file
    /// differs there is refused; later phases may change (e.g. a lower lr after a divergence).
    var spec: String
    var completedPhases: Int
    var learners: [LearnerCheckpoint]
    /// Length and SHA-256 of every phase file written so far (paths relative to the staging folder).
    var files: [String: FileDigest]

    struct LearnerCheckpoint: Codable {
        var kind: String
        var rows: Int, cols: Int
        var state: [UInt64]
        var ends: [[UInt64]]
        var completed: [Bool]
    }

    static func encode(_ end: PhaseEnd) -> [UInt64] {
        ([end.startLoss, end.endLoss, end.finalLearningRate] + end.overlaps).map(\.bitPattern)
    }

    static func decode(_ bits: [UInt64], completed: Bool) -> PhaseEnd {
        let x = bits.map(Double.init(bitPattern:))
        return PhaseEnd(startLoss: x[0], endLoss: x[1], overlaps: Array(x[3...]), finalLearningRate: x[2],
                        completed: completed)
    }

    static func matrix(_ l: LearnerCheckpoint) -> Matrix {
        Matrix(rows: l.rows, cols: l.cols, storage: l.state.map(Double.init(bitPattern:)))
    }

    static func resolvedSpec(_ spec: StudySpec, phases: Int) -> String {
        var spec = spec
        spec.phases = Array(spec.phases.prefix(phases))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(spec)) ?? Data(), as: UTF8.self)
    }
}
