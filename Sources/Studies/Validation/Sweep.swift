import Foundation
import GramFlowCore
import GramFlowNumerics

/// One (N, η, seed) point of a sweep: theory and network from the same initial
/// overlaps, and how far apart they ended up.
public struct SweepPoint: Codable, Sendable {
    public var neurons: Int
    public var learningRate: Double
    public var seed: UInt64
    public var optimizer: Optimizer
    /// max over epochs and overlaps of |S_theory − S_network|
    public var maxOverlapDeviation: Double
    /// max over epochs of |L_theory − L_network|
    public var maxLossDeviation: Double
    public var finalLossTheory: Double
    public var finalLossNetwork: Double
    public var theoryStatus: String
    public var networkStatus: String
    public var completed: Bool { theoryStatus == "completed" && networkStatus == "completed" }
}

/// Theory against network over a grid of network sizes, learning rates and seeds
/// (`gramflow validate --neurons a,b,c --seeds K --lr-sweep η,…`), planned and run
/// by the sweep engine (`Sweeps/`) like any `sweep: run` file.
public enum Sweep {
    /// Every point of the grid (η outermost, then N, then the seed), two at a time (one per core).
    /// - Parameters:
    ///   - work: a folder for the planned sweep and the points' trajectories (left for the caller to remove).
    ///   - report: called as each point finishes (from a worker thread, serialised).
    public static func run(base: RunConfiguration, neurons: [Int], learningRates: [Double], seeds: Int, work: URL,
                           report: @escaping @Sendable (SweepPoint, Int, Int) -> Void) throws -> [SweepPoint] {
        var points: [PlannedPoint] = []
        for eta in learningRates { for n in neurons { for s in 0..<seeds {
            var config = base
            config.neurons = n
            config.learningRate = eta
            config.seed = base.seed &+ UInt64(s)
            try config.validate()
            points.append(PlannedPoint(index: points.count + 1, values: ["\(eta)", "\(n)"], seed: config.seed, run: config,
                                       memory: MemoryEstimate(config, run: .validation).bytes))
        } } }
        let plan = SweepPlan(kind: .run, title: "validate", keys: ["phases[1].lr", "initial.neurons"],
                             collect: SweepFile.runMetrics, fit: "initial.neurons", points: points)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try plan.write(into: work, destination: work, executable: SweepPlan.currentExecutable, slurmLimit: 2)
        _ = try SweepLocalRun.run(sweep: work, jobs: min(2, ProcessInfo.processInfo.activeProcessorCount)) { index, outcome, done, total in
            guard case .ran(let result) = outcome, result.status != .failed else { return }
            report(sweepPoint(plan.points[index - 1].run!, result), done, total)
        }
        return try points.map { point in
            let folder = work.appendingPathComponent(plan.folder(of: point.index)).appendingPathComponent("result")
            guard let result = SweepPointResult.read(in: folder) else {
                throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: folder.appendingPathComponent(SweepPointResult.fileName).path])
            }
            guard result.status != .failed else {
                throw SweepPointFailure(description: "the point N = \(point.run!.neurons), η = \(point.run!.learningRate), seed \(point.seed) failed: \(result.message ?? "")")
            }
            return sweepPoint(point.run!, result)
        }
    }

    /// The point of a finished run, from its summary.
    static func sweepPoint(_ config: RunConfiguration, _ result: SweepPointResult) -> SweepPoint {
        SweepPoint(neurons: config.neurons, learningRate: config.learningRate, seed: config.seed, optimizer: config.optimizer,
                   maxOverlapDeviation: result.metrics["maxOverlapDeviation"] ?? .nan,
                   maxLossDeviation: result.metrics["maxLossDeviation"] ?? .nan,
                   finalLossTheory: result.metrics["finalLossTheory"] ?? .nan,
                   finalLossNetwork: result.metrics["finalLossNetwork"] ?? .nan,
                   theoryStatus: result.labels["theoryStatus"] ?? "failed", networkStatus: result.labels["networkStatus"] ?? "failed")
    }

    /// A point that stopped with an error (not a divergence, which is a result).
    public struct SweepPointFailure: Error, CustomStringConvertible { public let description: String }

    /// Theory and network of one configuration, compared through their trajectories (kept in the two files).
    public static func point(_ config: RunConfiguration, theoryFile: URL, networkFile: URL) throws -> SweepPoint {
        // Sweep engines run one point per core: each network's BPTT takes one thread.
        let (theory, simulated, _) = try Runs.both(config, theory: Recording(file: theoryFile), network: Recording(file: networkFile),
                                                   progress: false, threads: 1)
        let deviation = try TrajectoryDeviation(theoryFile, networkFile)
        return SweepPoint(neurons: config.neurons, learningRate: config.learningRate, seed: config.seed,
                          optimizer: config.optimizer, maxOverlapDeviation: deviation.maxOverlap,
                          maxLossDeviation: deviation.maxLoss,
                          finalLossTheory: theory.trajectory.finalLoss ?? .nan,
                          finalLossNetwork: simulated.trajectory.finalLoss ?? .nan,
                          theoryStatus: theory.outcome.status, networkStatus: simulated.outcome.status)
    }
}
