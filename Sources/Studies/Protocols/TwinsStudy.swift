import Foundation
import GramFlowCore
import GramFlowNumerics
import NetworkSimulation
import OverlapTheory

/// The A/B→C twins protocol (docs/theory.md §8). Each pair shares an initial state S₀
/// (off-diagonal overlaps |N(0, s²)|, squared norms U(a, b), redrawn until S₀ is
/// positive definite); twin 1 learns A (phase 1), twin 2 learns B (phase 2), then
/// both learn C (phase 3). After C, the twins' histories are decoded (A vs B) by
/// logistic regression from the visible overlaps and, separately, from the
/// invisible ones, with whole pairs held out (`DecodingAccuracy`).
public struct TwinsStudy {
    public let spec: StudySpec
    /// One group of pairs run by one learner kind (theory in overlap space, or networks at N).
    public struct Group: Sendable {
        public var kind: String
        public var neurons: Int?
        /// Per pair: the overlaps of twin 1 and twin 2 after A/B and after C, and the final losses.
        public var afterFirst: [([Double], [Double])]
        public var afterC: [([Double], [Double])]
        public var finalLosses: [(Double, Double)]
        /// The first pair's two twins epoch by epoch (CSV rows epoch, phase, loss, overlaps), for the figures.
        public var firstPairTrajectories: [String]
        public var visibleDecoding: DecodingAccuracy?
        public var invisibleDecoding: DecodingAccuracy?
        /// Decoding at epoch 0 (the twins still equal), after A/B and after C (the last = the two above).
        public var stages: [StageDecoding] = []
    }

    /// The history decoded at one stage from the visible and from the invisible overlaps.
    public struct StageDecoding: Codable, Sendable {
        public var stage: String
        /// Epochs each twin has trained at this stage.
        public var epoch: Int
        public var visible: DecodingAccuracy?
        public var invisible: DecodingAccuracy?
    }
    public var groups: [Group]
    public var seconds: Double

    /// - Parameter workers: threads for the overlap-space pairs, which are independent, so any
    ///   number gives the same bits (default: two, one per core). Network pairs run one at a time.
    public static func run(_ spec: StudySpec, progress: Bool, workers: Int = min(2, ProcessInfo.processInfo.activeProcessorCount)) throws -> TwinsStudy {
        let t = spec.twins!, model = spec.model.spec
        let start = Date()
        let initial = initialStates(spec)
        var groups = [try group(spec, kind: "theory", states: initial, progress: progress, workers: workers) { pair, _ in
            PhaseSides.theory(model, S: initial[pair])
        }]
        let networkPairs = min(t.networkPairs ?? 0, initial.count)
        if networkPairs > 0 {
            let n = t.networkNeurons ?? spec.start.size
            let random = RandomSource(seed: (t.seed ?? 1) &+ 101)
            // Drawn in pair order, twin 1 then twin 2, before any training.
            let networks = try initial.prefix(networkPairs).flatMap { S in
                try (0..<2).map { _ in try LowRankNetwork.realizing(overlaps: S, spec: model, neurons: n, random: random) }
            }
            groups.append(try group(spec, kind: "network", states: Array(initial.prefix(networkPairs)), progress: progress,
                                    workers: 1) { pair, history in
                PhaseSides.network(networks[2 * pair + history])
            })
            groups[1].neurons = n
        }
        return TwinsStudy(spec: spec, groups: groups, seconds: Date().timeIntervalSince(start))
    }

    /// S₀ per pair: σ_aa ~ U(a, b), σ_ab ~ |N(0, s²)| (a ≠ b), redrawn until λ_min(S₀) > 1e-3.
    static func initialStates(_ spec: StudySpec) -> [Matrix] {
        let t = spec.twins!, layout = spec.model.spec.layout, D = layout.dimension
        let random = RandomSource(seed: t.seed ?? 1)
        let scale = t.offDiagonalScale ?? 0.4, range = t.normRange ?? [0.5, 2]
        return (0..<t.pairs).map { _ in
            while true {
                var S = Matrix(rows: D, cols: D)
                for a in 0..<D {
                    S[a, a] = random.uniform(range[0], range[1])
                    for b in (a + 1)..<max(a + 1, D) { S[a, b] = abs(scale * random.gaussian()); S[b, a] = S[a, b] }
                }
                if let smallest = try? SymmetricEigen(S).values.first, smallest > 1e-3 { return S }
            }
        }
    }

    /// One pair's twins after their first phase and after C, their final losses and (pair 0 only)
    /// their trajectories.
    private struct PairResult: Sendable {
        var afterFirst: ([Double], [Double]), afterC: ([Double], [Double]), losses: (Double, Double)
        var trajectories: [String]
    }

    /// The pairs of one group, `workers` at a time; `twin(pair, history)` makes twin 1 (history 0) or 2.
    private static func group(_ spec: StudySpec, kind: String, states: [Matrix], progress: Bool, workers: Int,
                              twin: @escaping @Sendable (Int, Int) throws -> PhaseLearner) throws -> Group {
        let meter = Progress(label: "twins (\(kind))", total: states.count, enabled: progress)
        let pairs = spec.model.spec.layout.overlapPairs
        let results = try independentJobs(states.count, workers: workers, finished: { done, pair in meter.update(epoch: done, loss: pair.losses.1) }) { p in
            var firsts: [[Double]] = [], finals: [[Double]] = [], ends: [Double] = []
            var trajectories = ["", ""]
            for history in [0, 1] {
                let learner = try twin(p, history)
                let record = { (phase: Int, offset: Int) in { (epoch: Int, loss: Double, S: Matrix) in
                    guard p == 0 else { return }
                    trajectories[history] += "\(offset + epoch),\(phase + 1),\(loss)," + pairs.map { "\(S[$0.0, $0.1])" }.joined(separator: ",") + "\n"
                } }
                firsts.append(try learner.run(spec: spec, phase: history, tracking: nil, row: record(history, 0)).overlaps)
                let c = try learner.run(spec: spec, phase: 2, tracking: nil, row: record(2, spec.phases[history].epochs))
                finals.append(c.overlaps); ends.append(c.endLoss)
            }
            return PairResult(afterFirst: (firsts[0], firsts[1]), afterC: (finals[0], finals[1]), losses: (ends[0], ends[1]),
                              trajectories: trajectories)
        }
        meter.finish()
        let afterFirst = results.map(\.afterFirst), afterC = results.map(\.afterC), losses = results.map(\.losses)
        let trajectories = results.first?.trajectories ?? ["", ""]
        let visible = Visibility(spec: spec.model.spec).isVisible
        func select(_ cls: Bool, _ at: [([Double], [Double])] = afterC) -> [([Double], [Double])] {
            at.map { (zip($0.0, visible).filter { $0.1 == cls }.map(\.0), zip($0.1, visible).filter { $0.1 == cls }.map(\.0)) }
        }
        let canDecode = states.count >= 2
        let start = states.map { S in pairs.map { S[$0.0, $0.1] } }.map { ($0, $0) }
        let first = spec.phases[0].epochs
        let stages = [("epoch 0", 0, start), ("after A/B", first, afterFirst), ("after C", first + spec.phases[2].epochs, afterC)].map { name, epoch, at in
            StageDecoding(stage: name, epoch: epoch, visible: canDecode ? DecodingAccuracy.measure(select(true, at)) : nil,
                          invisible: canDecode && visible.contains(false) ? DecodingAccuracy.measure(select(false, at)) : nil)
        }
        return Group(kind: kind, afterFirst: afterFirst, afterC: afterC, finalLosses: losses, firstPairTrajectories: trajectories,
                     visibleDecoding: stages[2].visible, invisibleDecoding: stages[2].invisible, stages: stages)
    }
}
