import GramFlowCore
import OverlapTheory

/// What a return to a task remembers. For a phase k whose label was visited
/// before (previous visit j, first visit f), with S_k the overlaps at the end of
/// phase k and ‖·‖ the Euclidean norm over a class of overlaps:
///
///     Δ_prev = S_k − S_j,   Δ_first = S_k − S_f   (visible and invisible separately)
///     excursion = max_{f<i<k} ‖S_i − S_f‖          (how far the other tasks moved the class)
///     return ratio = ‖Δ_first‖ / excursion          (0: came back; ≥ 1: did not)
///
/// The loss depends only on the visible overlaps, so relearning a task needs them
/// back; the invisible ones keep what the intermediate tasks did to them.
public struct MemoryReturn: Codable, Sendable {
    public var phase: Int, previous: Int, first: Int
    public var label: String
    public var sincePrevious: [Double], sinceFirst: [Double]
    public var visibleSincePrevious: Double, invisibleSincePrevious: Double
    public var visibleSinceFirst: Double, invisibleSinceFirst: Double
    public var visibleExcursion: Double, invisibleExcursion: Double
    /// Per overlap, max_{f<i<k} |σ_i − σ_f|.
    public var excursion: [Double]

    /// Per overlap, |Δ since first| / excursion.
    public func returnRatio(_ o: Int) -> Double { abs(sinceFirst[o]) / max(excursion[o], .leastNormalMagnitude) }

    public var visibleReturnRatio: Double { visibleSinceFirst / max(visibleExcursion, .leastNormalMagnitude) }
    public var invisibleReturnRatio: Double { invisibleSinceFirst / max(invisibleExcursion, .leastNormalMagnitude) }
}

public enum MemoryMetrics {
    /// Every return in a sequence of phase ends with labels.
    public static func returns(ends: [PhaseEnd], labels: [String], visibility: Visibility) -> [MemoryReturn] {
        func norm(_ d: [Double], _ visible: Bool) -> Double { let n = visibility.norms(d); return visible ? n.visible : n.invisible }
        func minus(_ a: [Double], _ b: [Double]) -> [Double] { zip(a, b).map { $0 - $1 } }
        var result: [MemoryReturn] = []
        for k in ends.indices {
            guard let j = (0..<k).last(where: { labels[$0] == labels[k] }),
                  let f = (0..<k).first(where: { labels[$0] == labels[k] }) else { continue }
            let prev = minus(ends[k].overlaps, ends[j].overlaps), first = minus(ends[k].overlaps, ends[f].overlaps)
            let between = (f + 1)..<k
            let excursion = { (cls: Bool) in between.map { norm(minus(ends[$0].overlaps, ends[f].overlaps), cls) }.max() ?? 0 }
            let perOverlap = ends[f].overlaps.indices.map { o in between.map { abs(ends[$0].overlaps[o] - ends[f].overlaps[o]) }.max() ?? 0 }
            result.append(MemoryReturn(phase: k, previous: j, first: f, label: labels[k], sincePrevious: prev, sinceFirst: first,
                                       visibleSincePrevious: norm(prev, true), invisibleSincePrevious: norm(prev, false),
                                       visibleSinceFirst: norm(first, true), invisibleSinceFirst: norm(first, false),
                                       visibleExcursion: excursion(true), invisibleExcursion: excursion(false),
                                       excursion: perOverlap))
        }
        return result
    }

    /// The claim of docs/theory.md §8 (A-B-A) for one visible overlap (σ_vu) and one invisible
    /// one (σ_uu): at the return, the visible one came back (return ratio < 0.25) while
    /// the invisible one did not (return ratio > 0.5).
    public static func visibleReturnedInvisibleDidNot(_ r: MemoryReturn, visible: Int, invisible: Int) -> Bool {
        r.returnRatio(visible) < 0.25 && r.returnRatio(invisible) > 0.5
    }
}
