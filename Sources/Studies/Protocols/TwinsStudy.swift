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

    /// - Parameter workers: threads for the overlap-space twins of a phase, which are independent
    ///   learners on one batch sequence, so any number gives the same bits (default: two, one per
    ///   core). Network twins run on one thread.
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

    /// The pairs of one group; `twin(pair, history)` makes twin 1 (history 0) or 2. Phase by phase
    /// (A for every twin 1, B for every twin 2, then C for all), every twin of a phase in lockstep
    /// on the phase's batches, each epoch's batch drawn once for all of them (`PhaseSides.drive`),
    /// the twins split over `workers` threads: the same numbers as training each twin alone.
    private static func group(_ spec: StudySpec, kind: String, states: [Matrix], progress: Bool, workers: Int,
                              twin: (Int, Int) throws -> PhaseLearner) throws -> Group {
        let phases = spec.phases, pairs = spec.model.spec.layout.overlapPairs, count = states.count
        let meter = Progress(label: "twins (\(kind))", total: phases[0].epochs + phases[1].epochs + phases[2].epochs, enabled: progress)
        let twins = try (0..<count).map { p in try (0..<2).map { history in try twin(p, history) } }
        // The first pair's two twins epoch by epoch (CSV rows epoch, phase, loss, overlaps), for the figures.
        let trajectories = [TrajectoryRows(), TrajectoryRows()]
        func row(pair p: Int, history: Int, phase: Int, offset: Int) -> (Int, Double, Matrix) throws -> Void {
            guard p == 0 else { return { _, _, _ in } }
            let rows = trajectories[history]
            return { epoch, loss, S in
                rows.text += "\(offset + epoch),\(phase + 1),\(loss)," + pairs.map { "\(S[$0.0, $0.1])" }.joined(separator: ",") + "\n"
            }
        }
        var elapsed = 0
        /// Phase i for the twins (p, history) listed, their ends in that order.
        func together(_ i: Int, _ members: [(p: Int, history: Int)], offset: (Int) -> Int) throws -> [PhaseEnd] {
            let runs = members.map { twins[$0.p][$0.history].start(spec: spec, phase: i, tracking: nil,
                                                                   row: row(pair: $0.p, history: $0.history, phase: i, offset: offset($0.history))) }
            try PhaseSides.drive(runs, kind: kind, spec: spec, phase: i, workers: workers) { epoch in
                meter.update(epoch: elapsed + epoch, loss: runs[0].loss)
            }
            elapsed += phases[i].epochs
            return try runs.map { try $0.end() }
        }
        let ab = try (0..<2).map { history in try together(history, (0..<count).map { ($0, history) }) { _ in 0 } }
        let c = try together(2, (0..<count).flatMap { p in [(p, 0), (p, 1)] }) { phases[$0].epochs }
        meter.finish()
        let afterFirst = (0..<count).map { (ab[0][$0].overlaps, ab[1][$0].overlaps) }
        let afterC = (0..<count).map { (c[2 * $0].overlaps, c[2 * $0 + 1].overlaps) }
        let losses = (0..<count).map { (c[2 * $0].endLoss, c[2 * $0 + 1].endLoss) }
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
        return Group(kind: kind, afterFirst: afterFirst, afterC: afterC, finalLosses: losses, firstPairTrajectories: trajectories.map(\.text),
                     visibleDecoding: stages[2].visible, invisibleDecoding: stages[2].invisible, stages: stages)
    }
}

/// CSV rows of one twin, appended by its run only.
private final class TrajectoryRows {
    var text = ""
}
