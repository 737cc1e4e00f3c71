import Foundation

/// Epoch-by-epoch comparison of two recorded trajectories (trajectory.csv
/// files: epoch, loss, overlaps) over the epochs both recorded, read row by
/// row: per overlap the largest |Δσ| over epochs, and per epoch the largest
/// |Δσ| over overlaps and |ΔL|, streamed to deviation.csv. A NaN difference
/// (one side diverged) counts as infinite.
public struct TrajectoryDeviation: Sendable {
    /// Per overlap: max over epochs of |Δσ|.
    public private(set) var perOverlap: [Double] = []
    /// max over epochs of |ΔL|.
    public private(set) var maxLoss = 0.0
    /// Rows compared.
    public private(set) var count = 0
    /// The overlaps of each side at the last compared row.
    public private(set) var lastA: [Double] = []
    public private(set) var lastB: [Double] = []
    public var maxOverlap: Double { perOverlap.max() ?? 0 }

    /// - Parameters:
    ///   - deviationFile: where the per-epoch rows go (`epoch,max_overlap_deviation,loss_deviation`), if anywhere.
    ///   - labelColumns: columns between epoch and loss that both files share and are not compared
    ///     (a `phases` study's `phase`).
    public init(_ a: URL, _ b: URL, deviationFile: URL? = nil, labelColumns: Int = 0) throws {
        let readerA = try CSVRowReader(a), readerB = try CSVRowReader(b)
        let out = try deviationFile.map { try StreamingFile($0) }
        try out?.write("epoch,max_overlap_deviation,loss_deviation\n")
        while var rowA = try readerA.next(), var rowB = try readerB.next() {
            rowA.removeSubrange(1..<min(rowA.count, 1 + labelColumns)); rowB.removeSubrange(1..<min(rowB.count, 1 + labelColumns))
            guard rowA.count == rowB.count, rowA.count >= 2, rowA[0] == rowB[0] else {
                throw CSVRowReader.Malformed(description: "\(a.path):\(readerA.lineNumber) and \(b.path):\(readerB.lineNumber) do not record the same epoch and overlaps")
            }
            if perOverlap.isEmpty { perOverlap = Array(repeating: 0, count: rowA.count - 2) }
            var worst = 0.0
            for j in perOverlap.indices {
                let d = Self.distance(rowA[j + 2], rowB[j + 2])
                perOverlap[j] = max(perOverlap[j], d)
                worst = max(worst, d)
            }
            let dl = Self.distance(rowA[1], rowB[1])
            maxLoss = max(maxLoss, dl)
            count += 1
            lastA = Array(rowA.dropFirst(2)); lastB = Array(rowB.dropFirst(2))
            try out?.write("\(Int(rowA[0])),\(worst),\(dl)\n")
        }
        try out?.close()
    }

    private static func distance(_ x: Double, _ y: Double) -> Double {
        let d = abs(x - y)
        return d.isNaN ? .infinity : d
    }
}
