import Foundation
import GramFlowCore
import OverlapTheory

/// tr(M^k), k = 1..4, at the start and end of a run, the largest relative drift
/// along it (against tr(S_0^k)), and what the theory says to expect.
public struct InvariantReport: Codable, Equatable, Sendable {
    public var start: [Double]
    public var end: [Double]
    public var maxRelativeDrift: [Double]
    public var expectation: String
}

/// run.json: every resolved parameter, the seed, the version, which overlaps
/// are loss-visible, the invariants, and how the run ended.
public struct RunManifest: Codable, Sendable {
    public var tool = "gramflow"
    public var version = GramFlowVersion.current
    /// "theory" or "network".
    public var kind: String
    public var parameters: RunConfiguration
    /// "completed", "diverged" or "solver-failed".
    public var status: String
    public var message: String
    /// Rows in trajectory.csv: every `recordEvery`-th epoch and the last.
    public var epochsRecorded: Int
    public var recordEvery: Int
    public var initialLoss: Double?
    public var finalLoss: Double?
    public var overlaps: [String]
    public var visible: [String]
    public var invisible: [String]
    public var invariants: InvariantReport
    public var seconds: Double
    /// The process's peak resident memory when run.json was written (MB): a long run's
    /// memory should not grow with its epochs, and this is where to see it.
    public var peakResidentMegabytes: Double

    public init(kind: String, config: RunConfiguration, result: RunResult, discrete: Bool) {
        let trajectory = result.trajectory
        let visibility = Visibility(spec: config.model)
        self.kind = kind
        parameters = config
        status = result.outcome.status
        message = result.outcome.description
        epochsRecorded = trajectory.rows
        recordEvery = trajectory.every
        initialLoss = trajectory.initialLoss
        finalLoss = trajectory.finalLoss
        overlaps = config.model.layout.overlapNames
        visible = visibility.visibleNames
        invisible = visibility.invisibleNames
        let eta = config.learningRate
        let expectation: String
        if config.model.nonlinearity.gainDependsOnVariance {
            expectation = "not conserved: with φ = \(config.model.nonlinearity.rawValue) the loss depends on S_BB through Δ (docs/theory.md §7)"
        } else if kind == "theory" && config.update == .direct {
            expectation = "not conserved: direct descent on the overlaps ignores the Gram metric, so tr(M^k) moves at O(η) per epoch"
        } else if discrete {
            expectation = "drift expected: discrete gradient descent breaks tr(M^k) at O(η²) per epoch (η² × epochs = \(eta * eta * Double(config.epochs)))"
        } else {
            expectation = "conserved by gradient flow up to the ODE tolerance (\(config.flowTolerance))"
        }
        invariants = InvariantReport(start: trajectory.initialInvariants, end: trajectory.finalInvariants,
                                     maxRelativeDrift: trajectory.maxRelativeInvariantDrift, expectation: expectation)
        seconds = result.seconds
        peakResidentMegabytes = Self.peakResidentMegabytes()
    }

    public var json: String { encodeJSON(self) }

    /// VmHWM of /proc/self/status: the high-water mark of this process's memory since its exec
    /// (getrusage's ru_maxrss would include the memory of a parent that spawned it by vfork).
    static func peakResidentMegabytes() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kB = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return .nan }
        return kB / 1024
    }
}
