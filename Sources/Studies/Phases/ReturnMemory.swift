import Foundation
import GramFlowCore
import GramFlowNumerics
import OverlapTheory

/// The memory an A-B-A protocol keeps at the first return to its first task: the point of
/// the memory map (docs/theory.md §8.6). With A₁ the first phase, A₂ the first later phase
/// with the same label, B the phases in between, S_e the overlaps after epoch e, and ‖·‖ the
/// Euclidean norm over one class of overlaps (visible or invisible, `Visibility`):
///
///     change    = ‖σ(end of A₂) − σ(end of A₁)‖
///     excursion = max over every epoch e of B of ‖σ(S_e) − σ(end of A₁)‖
///     ratio     = change / excursion        (0: back where A₁ left it; ≥ 1: kept all of B's move)
///
/// Unlike `MemoryReturn` (phase ends only), the excursion is taken over every epoch of B, so a
/// B that overshoots and comes part of the way back is measured at its farthest. The ratio is
/// NaN when B did not move the class at all. Also measured: how far the invariants tr(M^k)
/// (§7) moved between the two ends, which is what the map's explanation is about.
public struct ReturnMemory: Codable, Equatable, Sendable {
    /// The phases compared, from 1: A₁ and A₂.
    public var firstVisit: Int, returnVisit: Int
    public var visibleChange: Double, invisibleChange: Double
    public var visibleExcursion: Double, invisibleExcursion: Double
    public var visibleRatio: Double, invisibleRatio: Double
    /// max_{k=1..4} |tr M^k(end of A₂) − tr M^k(end of A₁)| / tr S^k(end of A₁): 0 under
    /// linear gradient flow, O(η²) per epoch under the map, broken by Adam and by erf.
    public var invariantDrift: Double
    /// The loss at the end of A₂ (whether A was relearned).
    public var lossAtReturn: Double

    /// The first return to the first phase's label, or nil when there is none (or a phase is
    /// missing from `ends`).
    /// - Parameters:
    ///   - ends: the end of every completed phase, in order.
    ///   - rows: the per-epoch rows (phase from 1, overlaps in `VectorLayout.overlapPairs` order);
    ///     only those of the phases between A₁ and A₂ are used.
    public static func measure(ends: [PhaseEnd], labels: [String], model: ModelSpec,
                               rows: () throws -> (phase: Int, overlaps: [Double])?) rethrows -> ReturnMemory? {
        guard let label = labels.first, let k = labels.indices.dropFirst().first(where: { labels[$0] == label }),
              k < ends.count else { return nil }
        let visibility = Visibility(spec: model)
        let anchor = ends[0].overlaps, back = ends[k].overlaps
        func norms(_ S: [Double]) -> (visible: Double, invisible: Double) { visibility.norms(zip(S, anchor).map { $0 - $1 }) }
        var excursion = (visible: 0.0, invisible: 0.0)
        while let row = try rows() {
            guard row.phase >= 2 && row.phase <= k else { continue }
            let n = norms(row.overlaps)
            excursion = (max(excursion.visible, n.visible), max(excursion.invisible, n.invisible))
        }
        let change = norms(back)
        let layout = model.layout
        let start = ConservedQuantities.traces(matrix(anchor, layout), layout: layout)
        let end = ConservedQuantities.traces(matrix(back, layout), layout: layout)
        let scale = ConservedQuantities.scales(matrix(anchor, layout))
        let drift = zip(zip(start, end), scale).map { abs($0.1 - $0.0) / max($1, .leastNormalMagnitude) }.max() ?? 0
        return ReturnMemory(firstVisit: 1, returnVisit: k + 1,
                            visibleChange: change.visible, invisibleChange: change.invisible,
                            visibleExcursion: excursion.visible, invisibleExcursion: excursion.invisible,
                            visibleRatio: ratio(change.visible, excursion.visible),
                            invisibleRatio: ratio(change.invisible, excursion.invisible),
                            invariantDrift: drift, lossAtReturn: ends[k].endLoss)
    }

    /// From a joined study trajectory (`<learner>/trajectory.csv`: epoch, phase, loss, overlaps),
    /// read one row at a time.
    public static func measure(trajectory: URL, ends: [PhaseEnd], labels: [String], model: ModelSpec) throws -> ReturnMemory? {
        let reader = try CSVRowReader(trajectory)
        return try measure(ends: ends, labels: labels, model: model) {
            guard let row = try reader.next() else { return nil }
            return (Int(row[1]), Array(row.dropFirst(3)))
        }
    }

    private static func ratio(_ change: Double, _ excursion: Double) -> Double {
        excursion > 0 ? change / excursion : .nan
    }

    private static func matrix(_ overlaps: [Double], _ layout: VectorLayout) -> Matrix {
        var S = Matrix(rows: layout.dimension, cols: layout.dimension)
        for ((a, b), x) in zip(layout.overlapPairs, overlaps) { S[a, b] = x; S[b, a] = x }
        return S
    }
}
