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
    /// - Parameter report: called as each point finishes (from a worker thread, serialised).
    public static func run(base: RunConfiguration, neurons: [Int], learningRates: [Double], seeds: Int,
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
                results.store(index, Result { try point(configurations[index]) }) { point, done in
                    report(point, done, configurations.count)
                }
            }
        }
        return try results.all()
    }

    /// Theory and network of one configuration, compared.
    public static func point(_ config: RunConfiguration) throws -> SweepPoint {
        let (theory, simulated) = try Runs.both(config, progress: false)
        let deviation = TrajectoryDeviation(theory.trajectory, simulated.trajectory)
        return SweepPoint(neurons: config.neurons, learningRate: config.learningRate, seed: config.seed,
                          optimizer: config.optimizer, maxOverlapDeviation: deviation.maxOverlap,
                          maxLossDeviation: deviation.maxLoss,
                          finalLossTheory: theory.trajectory.losses.last ?? .nan,
                          finalLossNetwork: simulated.trajectory.losses.last ?? .nan,
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

/// Epoch-by-epoch comparison of two trajectories over the epochs both recorded.
public struct TrajectoryDeviation: Sendable {
    /// Per overlap: max over epochs of |Δσ|.
    public let perOverlap: [Double]
    /// Per epoch: (epoch, max over overlaps |Δσ|, |ΔL|).
    public let byEpoch: [(epoch: Int, overlap: Double, loss: Double)]
    public var maxOverlap: Double { perOverlap.max() ?? 0 }
    public var maxLoss: Double { byEpoch.map(\.loss).max() ?? 0 }

    public init(_ a: Trajectory, _ b: Trajectory) {
        let count = min(a.count, b.count)
        var perOverlap = [Double](repeating: 0, count: a.layout.overlapPairs.count)
        var byEpoch: [(Int, Double, Double)] = []
        for e in 0..<count {
            var worst = 0.0
            for j in perOverlap.indices {
                var d = abs(a.overlaps[e][j] - b.overlaps[e][j])
                if d.isNaN { d = .infinity }
                perOverlap[j] = max(perOverlap[j], d)
                worst = max(worst, d)
            }
            var dl = abs(a.losses[e] - b.losses[e])
            if dl.isNaN { dl = .infinity }
            byEpoch.append((a.epochs[e], worst, dl))
        }
        self.perOverlap = perOverlap
        self.byEpoch = byEpoch
    }
}
