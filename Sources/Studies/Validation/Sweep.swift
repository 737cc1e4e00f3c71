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

/// Runs theory against network over a grid of network sizes, learning rates and seeds.
public enum Sweep {
    /// Every point of the grid, two at a time (one per core).
    /// - Parameters:
    ///   - work: a folder for each point's two trajectories while they are compared (removed after).
    ///   - report: called as each point finishes (from a worker thread, serialised).
    public static func run(base: RunConfiguration, neurons: [Int], learningRates: [Double], seeds: Int, work: URL,
                           report: @escaping @Sendable (SweepPoint, Int, Int) -> Void) throws -> [SweepPoint] {
        var grid: [RunConfiguration] = []
        for eta in learningRates { for n in neurons { for s in 0..<seeds {
            var config = base
            config.neurons = n
            config.learningRate = eta
            config.seed = base.seed &+ UInt64(s)
            try config.validate()
            grid.append(config)
        } } }
        let configurations = grid
        let results = Results(count: grid.count)
        let workers = min(2, ProcessInfo.processInfo.activeProcessorCount)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for index in stride(from: worker, to: configurations.count, by: workers) {
                results.store(index, Result { try point(configurations[index], work: work.appendingPathComponent("point-\(index + 1)")) }) { point, done in
                    report(point, done, configurations.count)
                }
            }
        }
        return try results.all()
    }

    /// Theory and network of one configuration, compared through their trajectories in `work`.
    public static func point(_ config: RunConfiguration, work: URL) throws -> SweepPoint {
        defer { try? FileManager.default.removeItem(at: work) }
        let theoryFile = work.appendingPathComponent("theory.csv"), networkFile = work.appendingPathComponent("network.csv")
        // Points already run two at a time (one per core): each network's BPTT takes one thread.
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

    /// Thread-safe result slots.
    private final class Results: @unchecked Sendable {
        private var slots: [Result<SweepPoint, Error>?]
        private var done = 0
        private let lock = NSLock()
        init(count: Int) { slots = Array(repeating: nil, count: count) }
        func store(_ i: Int, _ r: Result<SweepPoint, Error>, _ notify: (SweepPoint, Int) -> Void) {
            lock.lock(); defer { lock.unlock() }
            slots[i] = r
            done += 1
            if case .success(let p) = r { notify(p, done) }
        }
        func all() throws -> [SweepPoint] { try slots.map { try $0!.get() } }
    }
}
