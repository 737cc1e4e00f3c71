import Foundation
import GramFlowCore
import GramFlowNumerics
import OverlapTheory

/// Records a run epoch by epoch: for each epoch e, the loss L(S_e) and every
/// overlap of S_e (the state at the start of epoch e), streamed as CSV rows to
/// a file as they come, and tr(M^k), k = 1..4, whose largest relative drift
/// is kept over every epoch. Only the first and last rows stay in memory, so a
/// run's memory does not grow with its number of epochs.
///
/// With `every` = K, the rows of epochs 0, K, 2K, … and the last epoch are
/// written (the drift is still taken over every epoch).
public final class TrajectoryRecorder {
    public let layout: VectorLayout
    public let every: Int
    private let file: StreamingFile?
    private var summary: TrajectorySummary
    private var finished = false
    private var writeError: Error?

    /// - Parameters:
    ///   - file: where the CSV goes (nil: summary only).
    ///   - every: write every K-th epoch's row (and the last).
    public init(layout: VectorLayout, file: URL?, every: Int = 1) throws {
        precondition(every >= 1)
        self.layout = layout
        self.every = every
        self.file = try file.map { try StreamingFile($0) }
        summary = TrajectorySummary(layout: layout, file: file, every: every)
        try self.file?.write(Self.header(layout))
    }

    /// `epoch,loss,` then every overlap `a.b`.
    public static func header(_ layout: VectorLayout) -> String {
        "epoch,loss," + layout.overlapNames.joined(separator: ",") + "\n"
    }

    /// One CSV row: the numbers in Swift's shortest round-trip form, so a reader gets the same doubles back.
    public static func row(_ fields: [Double]) -> String {
        fields.map { "\($0)" }.joined(separator: ",") + "\n"
    }

    public func append(epoch: Int, loss: Double, S: Matrix) {
        // The previous epoch was not the last: write its row if it is one of every K-th.
        if let previous = summary.lastEpoch, previous % every == 0 { emitLast() }
        let overlaps = layout.overlapPairs.map { S[$0.0, $0.1] }
        summary.observe(epoch: epoch, loss: loss, overlaps: overlaps,
                        invariants: ConservedQuantities.traces(S, layout: layout),
                        scales: summary.lastEpoch == nil ? ConservedQuantities.scales(S) : nil)
    }

    /// Writes the row of the last epoch observed (the summary holds it: rows are formatted only when written).
    private func emitLast() {
        guard writeError == nil, let file, let epoch = summary.lastEpoch, let loss = summary.finalLoss else { return }
        do {
            try file.write("\(epoch)," + Self.row([loss] + summary.finalOverlaps))
            summary.rows += 1
        } catch { writeError = error }
    }

    /// Writes the last row, closes the file and returns the summary.
    /// - Throws: the first write error of the run.
    public func finish() throws -> TrajectorySummary {
        if summary.lastEpoch != nil && !finished { emitLast() }
        finished = true
        if let writeError { throw writeError }
        try file?.close()
        return summary
    }
}

/// What a recorded run keeps in memory: its first and last loss, its final
/// overlaps, the invariants at both ends and their largest drift.
public struct TrajectorySummary: Sendable {
    public let layout: VectorLayout
    /// The CSV the rows went to, if any.
    public let file: URL?
    /// Every `every`-th epoch's row was written, and the last.
    public let every: Int
    /// Rows written to the file.
    public internal(set) var rows = 0
    public private(set) var lastEpoch: Int?
    public private(set) var initialLoss: Double?
    public private(set) var finalLoss: Double?
    /// The overlaps of the last epoch observed, in `layout.overlapPairs` order.
    public private(set) var finalOverlaps: [Double] = []
    public private(set) var initialInvariants: [Double] = []
    public private(set) var finalInvariants: [Double] = []
    /// tr(S_0^k), the scale relative drifts are measured against.
    private var invariantScales: [Double] = []
    private var maxInvariantChange: [Double] = []

    init(layout: VectorLayout, file: URL?, every: Int) { self.layout = layout; self.file = file; self.every = every }

    mutating func observe(epoch: Int, loss: Double, overlaps: [Double], invariants: [Double], scales: [Double]?) {
        if lastEpoch == nil {
            initialLoss = loss
            initialInvariants = invariants
            invariantScales = scales ?? []
            maxInvariantChange = Array(repeating: 0, count: invariants.count)
        }
        lastEpoch = epoch
        finalLoss = loss
        finalOverlaps = overlaps
        finalInvariants = invariants
        for k in invariants.indices { maxInvariantChange[k] = max(maxInvariantChange[k], abs(invariants[k] - initialInvariants[k])) }
    }

    /// Epochs observed (the initial state counts as one).
    public var epochsObserved: Int { lastEpoch.map { $0 + 1 } ?? 0 }

    /// max over the run of |tr(M^k)(e) − tr(M^k)(0)| / tr(S_0^k), for k = 1..4.
    public var maxRelativeInvariantDrift: [Double] {
        maxInvariantChange.indices.map { maxInvariantChange[$0] / max(invariantScales[$0], .leastNormalMagnitude) }
    }
}
