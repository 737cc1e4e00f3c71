import GramFlowCore
import GramFlowNumerics
import OverlapTheory

/// A run's record: for each epoch e, the loss L(S_e) and every overlap of S_e
/// (the state at the start of epoch e; the last row is the final state), and
/// tr(M^k), k = 1..4, along the way.
public struct Trajectory: Sendable {
    public let layout: VectorLayout
    public private(set) var epochs: [Int] = []
    public private(set) var losses: [Double] = []
    /// One row per epoch, overlaps in `layout.overlapPairs` order.
    public private(set) var overlaps: [[Double]] = []
    /// tr(M^k), k = 1..4, one row per epoch.
    public private(set) var invariants: [[Double]] = []
    /// tr(S_0^k), the scale relative drifts are measured against.
    public private(set) var invariantScales: [Double] = []

    public init(layout: VectorLayout) { self.layout = layout }

    public mutating func append(epoch: Int, loss: Double, S: Matrix) {
        if epochs.isEmpty { invariantScales = ConservedQuantities.scales(S) }
        epochs.append(epoch)
        losses.append(loss)
        overlaps.append(layout.overlapPairs.map { S[$0.0, $0.1] })
        invariants.append(ConservedQuantities.traces(S, layout: layout))
    }

    public var count: Int { epochs.count }

    /// max over the run of |tr(M^k)(e) − tr(M^k)(0)| / tr(S_0^k), for k = 1..4.
    public var maxRelativeInvariantDrift: [Double] {
        guard let first = invariants.first else { return [] }
        return (0..<first.count).map { k in
            invariants.reduce(0) { max($0, abs($1[k] - first[k])) } / max(invariantScales[k], .leastNormalMagnitude)
        }
    }

    /// The CSV text: header `epoch,loss,` then every overlap `a.b`; one row per epoch.
    public var csv: String {
        var text = "epoch,loss," + layout.overlapNames.joined(separator: ",") + "\n"
        for i in 0..<count {
            text += "\(epochs[i]),\(losses[i]),"
            text += overlaps[i].map { "\($0)" }.joined(separator: ",")
            text += "\n"
        }
        return text
    }
}
